"""Mechanism 9b (docs/model.md, 7b2): arms imports from suppliers that lock their buyers in, absorbed as
far as training allows. (What the stock deters is a term of the crisis hazard:
:func:`laossim.mechanisms.crises.deterrence_term`.)

After the ministry (mechanism 9) has added this step's procurement ``P = pi_P B / s`` to the military
stock K, the part bought abroad, ``M_i = m_i P_i`` (``m`` the role's import share,
``arms.import_<role>``, a judgement), is bought from the arms exporters (states with SIPRI deliveries
before the start: :mod:`laossim.scenario.transfers`) in the shares::

    p_ij = (T_ij + o)^lambda exp(v (R_ij + I_ij - tau_ij)) / sum over exporters k != i of the same

``T`` the supplier ties (row: recipient; the shares of i's arms imports from each supplier, a fading
stock), ``o`` the openness (the tie a supplier never used counts as), ``lambda`` the lock-in (spares,
doctrine and interoperability tie a buyer to the suppliers it has: with lambda > 1 a dominant supplier
gains share; Kuik's hedger keeps options open through ``o``), and partner value from trust R,
interoperability I and tension tau weighted by ``v``. The ties then fade toward this step's purchases::

    T <- (1 - mu) T + mu p,   mu = 1 - exp(-1 / (memory s))

(a row with no tie yet takes p whole, so each row sums to 1 once a state has bought; a state that buys
nothing keeps its ties). Deliveries ``1000 p_ij M_i`` (US$ m) add to ``arms_deliveries``.

**Absorptive capacity.** A state absorbs imported equipment up to a share of its stock a year, its
absorption ``A_i = min(absorption_i + L_i, 1)``: the scenario's level plus ``L``, what training built
(``L <- L (1 - phi)^(1/s) + eta G_i``, G the capability gain received from partners this step, eta
``arms.absorption_learning``, phi ``arms.absorption_fade``: a fading tally, aged in
:func:`laossim.mechanisms.begin_step` and started at its expected value; the economy's cap on
capability gain reads the same A). Imports beyond ``A_i K_i / s`` in a step are wasted: the stock loses what it cannot
absorb, ``K <- K - max(M_i - A_i K_i / s, 0)``. At the steady stock the imports a year are
``m delta K`` (0.09 K for Laos, under its default absorption of 0.1), so only a fast-growing budget
outruns the capacity to absorb.

Draws nothing. Each rate is a judgement (no data give import shares or lock-in); the initial ties are
SIPRI's (:func:`laossim.world.supplier_ties`). :func:`arms_shares` gives each state's arms shares by
supplier, from which a supplier Herfindahl follows.
"""

from __future__ import annotations

import numpy as np

from laossim.batch import along, each, power
from laossim.mechanisms.contract import contract
from laossim.mechanisms.records import NONE, Records
from laossim.scenario.parameters import Parameters
from laossim.world import World

CONTRACT = contract(
    reads="defence_budget military_stock absorption learned_absorption capability_gain supplier_ties "
    "arms_deliveries arms_exporter arms_import_share trust interoperability tension",
    writes="military_stock learned_absorption supplier_ties arms_deliveries",
)


def arms_shares(world: World) -> np.ndarray:
    """(..., N, N): each state's (row) shares of its arms imports by supplier (column): the supplier
    ties, each row summing to 1 for a state with any supplier and 0 otherwise. A copy."""
    return np.array(world.supplier_ties, dtype=np.float64, copy=True)


def capacity(world: World) -> np.ndarray:
    """(..., N): each state's absorption, its scenario level plus what training built, at most 1."""
    return np.minimum(world.absorption + world.learned_absorption, 1.0)


def exporters(world: World) -> np.ndarray:
    """The columns arms can be bought from: the exporters (of any run of a stack), in order. Only
    these columns of the ties ever move, so a step's work is N times the exporters, not N^2."""
    return _market(world.arms_exporter)[0]


_MARKETS: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []


def _market(exporter: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For a world's exporters: their columns, the (..., N, E) mask of who may buy from whom (an
    exporter, not oneself) and the (..., N, 1) mask of who has anyone to buy from. The exporters
    never change during a run (arrays are never changed in place), so the few last are kept, each
    with the array it was worked out from (an identity check: no stale answer)."""
    for held, cols, allowed, any_seller in _MARKETS:
        if held is exporter:
            return cols, allowed, any_seller
    exporter = np.asarray(exporter)
    n = exporter.shape[-1]
    cols = np.flatnonzero(exporter.reshape(-1, n).any(axis=0))
    allowed = exporter[..., None, cols] & (np.arange(n)[:, None] != cols)
    any_seller = allowed.any(axis=-1, keepdims=True)
    _MARKETS.insert(0, (exporter, cols, allowed, any_seller))
    del _MARKETS[8:]
    return cols, allowed, any_seller


def row_sums(x: np.ndarray) -> np.ndarray:
    """The sums over the last axis, taken in order (an accumulation, never pairwise): adding a column
    of zeros changes no bit, so a run alone and a stack over more exporters (zero for it) sum alike."""
    if x.shape[-1] == 0:
        return np.zeros(x.shape[:-1])
    return np.cumsum(x, axis=-1)[..., -1]


def purchase_shares(world: World, params: Parameters, cols: np.ndarray | None = None) -> np.ndarray:
    """(..., N, N), or (..., N, len(cols)) with ``cols`` the exporters' columns (:func:`exporters`):
    the shares p_ij of i's arms purchases this step from each exporter j (rows sum to 1 where i has
    an exporter other than itself, else 0)."""
    picked, allowed, _ = _market(world.arms_exporter)
    shares = _shares(world, params, world.supplier_ties[..., picked], picked, allowed)
    if cols is not None:
        return shares
    out = np.zeros(np.shape(world.supplier_ties))
    out[..., picked] = shares
    return out


def _shares(world: World, params: Parameters, ties: np.ndarray, picked: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    a = params.arms
    value = world.trust[..., picked] + world.interoperability[..., picked]  # single precision, as stored
    value -= world.tension[..., picked]
    value = value.astype(np.float64)
    value *= along(a.partner_value, value)
    weight = power(ties + along(a.openness, ties), a.lock_in)
    weight *= np.exp(value)
    weight *= allowed
    total = row_sums(weight)[..., None]
    return weight / np.where(total > 0, total, 1.0)  # a row with no exporter stays 0


def step(world: World, params: Parameters, rng: np.random.Generator, t: int) -> tuple[World, Records]:
    """Buy this step's arms imports, write off what cannot be absorbed, add the absorption this
    step's training built, and let the ties fade toward the purchases."""
    a = params.arms
    spy = world.steps_per_year
    procurement = along(params.ministry.procurement_share, world.defence_budget) * world.defence_budget
    imports = world.arms_import_share * procurement * (1e-3 / spy)  # US$ bn this step
    absorbable = capacity(world) * world.military_stock / spy
    stock = world.military_stock - np.maximum(imports - absorbable, 0.0)
    learned = world.learned_absorption  # faded by a step in begin_step, like the other tallies
    learned = learned + along(a.absorption_learning, learned) * world.capability_gain
    changes: dict[str, object] = {"military_stock": stock, "learned_absorption": learned}
    cols, allowed, any_seller = _market(world.arms_exporter)
    if len(cols):  # a world without exporters buys nothing: its ties and deliveries stay
        old = world.supplier_ties[..., cols]
        bought = _shares(world, params, old, cols, allowed)
        mu = each(lambda years: 1.0 - float(np.exp(-1.0 / (years * spy))), a.memory)
        faded = old + (bought - old) * along(mu, old)  # (1 - mu) T + mu p
        buying = (imports > 0)[..., None] & any_seller
        ties = world.supplier_ties.copy()
        ties[..., cols] = np.where(buying, np.where(old.any(axis=-1, keepdims=True), faded, bought), old)
        deliveries = world.arms_deliveries.copy()
        deliveries[..., cols] += bought * (1e3 * imports)[..., :, None]
        changes |= {"supplier_ties": ties, "arms_deliveries": deliveries}
    return world.evolve(**changes), NONE


__all__ = ["CONTRACT", "arms_shares", "capacity", "exporters", "purchase_shares", "row_sums", "step"]
