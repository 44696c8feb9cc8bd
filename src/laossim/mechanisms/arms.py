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

**Partner financing.** When a state's budget falls short of the plan (mechanism 3's E), its creditors
among the exporters finance ``ministry.gap_financing`` of the imports the shortfall costs,
``C_i = phi m_i pi_P max(E_i - B_i, 0) / s``, in proportion to what it owes each: the credit adds to the
stock and to the step's purchases (so to the ties: dependence), and to its debt, to each creditor as a
share of GDP and to its external debt stock (US$ bn), which squeezes later budgets.

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
from laossim.mechanisms import ministry
from laossim.mechanisms.contract import contract
from laossim.mechanisms.records import NONE, Records
from laossim.scenario.parameters import Parameters
from laossim.world import World

CONTRACT = contract(
    reads="defence_budget budget_expected military_stock absorption learned_absorption capability_gain "
    "supplier_ties arms_deliveries arms_exporter arms_import_share trust interoperability tension debt gdp "
    "external_debt",
    writes="military_stock learned_absorption supplier_ties arms_deliveries debt external_debt",
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


def lent(world: World, params: Parameters, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(credit, creditors): the imports a state's creditors finance this step, US$ bn, (..., N): a share
    ``ministry.gap_financing`` of the imports its budget's shortfall from the plan costs, as for its
    engagements (mechanism 3), for a state that owes an exporter; and the shares (..., N, len(cols)) in
    which its creditors among the exporters supply them, in proportion to what it owes each."""
    owed = world.debt[..., cols].astype(np.float64)
    total = row_sums(owed)[..., None]
    creditors = owed / np.where(total > 0, total, 1.0)
    short = world.budget_expected * ministry.shortfall(world)  # US$ m a year the budget falls short
    procurement = along(params.ministry.procurement_share, short) * short
    credit = world.arms_import_share * procurement * (1e-3 / world.steps_per_year)
    credit = credit * along(params.ministry.gap_financing, credit) * (total[..., 0] > 0)  # owes an exporter
    return credit, creditors


def step(world: World, params: Parameters, rng: np.random.Generator, t: int) -> tuple[World, Records]:
    """Buy this step's arms imports (with what creditors finance when the budget falls short of the
    plan), write off what cannot be absorbed, add the absorption this step's training built, and let
    the ties fade toward the purchases."""
    a = params.arms
    spy = world.steps_per_year
    procurement = along(params.ministry.procurement_share, world.defence_budget) * world.defence_budget
    imports = world.arms_import_share * procurement * (1e-3 / spy)  # US$ bn this step
    cols, allowed, any_seller = _market(world.arms_exporter)
    credit, creditors = lent(world, params, cols) if len(cols) else (np.zeros_like(imports), np.zeros((0, 0)))
    absorbable = capacity(world) * world.military_stock / spy
    stock = world.military_stock + credit - np.maximum(imports + credit - absorbable, 0.0)
    learned = world.learned_absorption  # faded by a step in begin_step, like the other tallies
    learned = learned + along(a.absorption_learning, learned) * world.capability_gain
    changes: dict[str, object] = {"military_stock": stock, "learned_absorption": learned}
    if len(cols):  # a world without exporters buys nothing: its ties and deliveries stay
        old = world.supplier_ties[..., cols]
        bought = _shares(world, params, old, cols, allowed)
        if credit.any():  # creditors supply what they finance: the step's shares are the mix
            spent = imports + credit
            mixed = (bought * imports[..., None] + creditors * credit[..., None]) / np.where(spent > 0, spent, 1.0)[
                ..., None
            ]
            bought = np.where(credit[..., None] > 0, mixed, bought)  # a row without credit keeps its bits
            debt = world.debt.copy()  # the credit is owed to the creditors, as a share of GDP
            gdp = np.where(world.gdp > 0, world.gdp, np.inf)
            debt[..., cols] = np.minimum(
                debt[..., cols] + (creditors * (credit / gdp)[..., None]).astype(debt.dtype), 1
            )
            changes |= {"debt": debt, "external_debt": world.external_debt + credit}
            imports = spent
        mu = each(lambda years: 1.0 - float(np.exp(-1.0 / (years * spy))), a.memory)
        faded = old + (bought - old) * along(mu, old)  # (1 - mu) T + mu p
        buying = (imports > 0)[..., None] & any_seller
        ties = world.supplier_ties.copy()
        ties[..., cols] = np.where(buying, np.where(old.any(axis=-1, keepdims=True), faded, bought), old)
        deliveries = world.arms_deliveries.copy()
        deliveries[..., cols] += bought * (1e3 * imports)[..., :, None]
        changes |= {"supplier_ties": ties, "arms_deliveries": deliveries}
    return world.evolve(**changes), NONE


__all__ = ["CONTRACT", "arms_shares", "capacity", "exporters", "lent", "purchase_shares", "row_sums", "step"]
