"""Mechanism 3: military engagements, the levers of military diplomacy.

Each step a state has ``budget / steps_per_year`` engagement units and draws
up to ``max_per_step`` slots (fixed-shape draws, for common random numbers).
A used slot picks a partner by softmax over the value of engaging it, then a
kind with probability proportional to weight / cost among the kinds available
to the pair (border patrols need a border; disaster response a disaster in
the partner); a kind of cost c goes ahead with probability 1 / c, so spending
matches the budget in expectation. The partner accepts with probability
sigmoid(slope * its own value + bias).
"""

from __future__ import annotations

import numpy as np

from laossim import vocab
from laossim.batch import along, before, each, located, run_index, table_at, totals
from laossim.mechanisms.contract import contract
from laossim.mechanisms.records import NONE, Records, names
from laossim.scenario.parameters import EngagementKind, Parameters
from laossim.world import DYAD, World, bounded, cells, per_step

KINDS: tuple[EngagementKind, ...] = tuple(EngagementKind)
KIND_NAMES: tuple[str, ...] = tuple(kind.value for kind in KINDS)
KIND_COLUMN = np.array(KIND_NAMES, dtype=object)
"""The kinds' names, to pick each engagement's from its kind's index."""
KIND_FIELDS = (
    "weight",
    "cost",
    "trust_gain",
    "interoperability_gain",
    "capability_gain",
    "finance",
    "visibility",
    "border_cooperation_gain",
    "liaison_gain",
)
_TABLES: dict[int, tuple[object, dict[str, np.ndarray]]] = {}

APPLY = contract(
    reads="trust interoperability border_cooperation liaison visibility capability capability_gain debt engaged_units",
    writes="trust interoperability border_cooperation liaison visibility capability_gain debt engaged_units",
)
"""What the effects of engagements (:func:`apply`) touch, for this mechanism and scripted engagements."""

CONTRACT = APPLY | contract(
    reads="budget tension leverage doctrine alignment autonomy border disaster budget_units",
    writes="budget_units",
    draws=True,
)


def kind_table(params: Parameters) -> dict[str, np.ndarray]:
    """The engagement kinds' coefficients as read-only arrays indexed like :data:`KINDS` on their
    last axis ((runs, kinds) where the runs of a stack differ in one), made once per set of kinds
    (a step asks twice; building them took a tenth of the mechanism)."""
    types = params.engagement.types
    cached = _TABLES.get(id(types))
    if cached is not None and cached[0] is types:
        return cached[1]
    table = {f: np.stack(np.broadcast_arrays(*(getattr(types[k], f) for k in KINDS)), axis=-1) for f in KIND_FIELDS}
    for column in table.values():
        column.flags.writeable = False
    if len(_TABLES) >= 64:
        _TABLES.clear()
    _TABLES[id(types)] = (types, table)  # holding ``types`` keeps its id from being reused
    return table


def partner_value(world: World, params: Parameters) -> np.ndarray:
    """V (N, N): what engaging j is worth to i: trust, minus tension, relative capability,
    leverage, minus a hedger's autonomy cost of engaging partners aligned like itself."""
    e = params.engagement
    c = world.capability.astype(DYAD)
    value = along(e.trust_weight, world.trust) * world.trust - along(e.tension_weight, world.tension) * world.tension
    value += along(e.capability_weight, value) * (c[..., None, :] / (c[..., :, None] + c[..., None, :]))
    lev = np.maximum(world.leverage, 0.0)
    total = lev.sum(axis=-1, keepdims=True)
    shares = np.divide(lev, total, out=np.zeros_like(lev), where=total > 0)
    value[..., world.poles] += (along(e.leverage_weight, shares) * shares).astype(DYAD)
    hedger = (world.doctrine == 0) & ~world.is_pole
    a = world.alignment.astype(DYAD)
    overlap = a[..., :, None, 0] * a[..., None, :, 0]
    for k in range(1, world.k):  # a @ a.T, summed in a fixed order (never BLAS: see world.py)
        overlap += a[..., :, None, k] * a[..., None, :, k]
    overlap *= (along(e.autonomy_cost, world.autonomy) * world.autonomy * hedger).astype(DYAD)[..., None]
    value -= overlap
    return value


def apply(
    world: World,
    params: Parameters,
    initiators: np.ndarray,
    partners: np.ndarray,
    kinds: np.ndarray,
    *,
    runs: np.ndarray,
    owned: bool = False,
) -> tuple[World, Records]:
    """Effects of engagements (i, j, kind) that went ahead: trust, interoperability, border
    cooperation (border patrols), liaison (attaché exchanges), capability for the weaker side, project
    debt, visibility. Shared by the engagement mechanism and scripted engagement events.

    ``owned``: the world's trust and interoperability arrays are fresh copies
    made by the caller and may be updated in place (saves two N x N copies).
    ``runs``: each engagement's run (all 0 for one world; :mod:`laossim.batch`), which its
    record carries.
    """
    if len(initiators) == 0:
        return world, NONE
    table = kind_table(params)
    n = world.n
    i, j, k = initiators, partners, kinds
    at, base = before(world, runs), runs * n
    touched, slot = cells(np.concatenate([(base + i) * n + j, (base + j) * n + i]), world.trust.size)

    def of(name: str) -> np.ndarray:
        """A kind coefficient of each engagement (its run's, in a stack whose runs differ in it)."""
        return table_at(table[name], at, k)

    def summed(name: str) -> np.ndarray:
        """Per touched pair, the sum of a kind coefficient over its engagements (both directions)."""
        per_engagement = of(name)
        return np.bincount(slot, weights=np.concatenate([per_engagement, per_engagement]), minlength=len(touched))

    trust, interop = (
        (world.trust, world.interoperability) if owned else (world.trust.copy(), world.interoperability.copy())
    )
    trust.flat[touched] = bounded(trust.flat[touched], 1.0 - np.exp(-summed("trust_gain")), 0.0)
    interop.flat[touched] = bounded(interop.flat[touched], 1.0 - np.exp(-summed("interoperability_gain")), 0.0)
    stocks = {}
    for name in ("border_cooperation", "liaison"):  # built by one kind each, like trust
        stock = getattr(world, name)
        built = summed(f"{name}_gain")
        if built.any():  # most engagements build none: the N x N copy only when one does
            stock = stock.copy()
            stock.flat[touched] = bounded(stock.flat[touched], 1.0 - np.exp(-built), 0.0)
        stocks[name] = stock
    visibility = world.visibility.plus(touched // n, touched % n, summed("visibility"))
    c = world.capability
    lower = c[(*at, i)] <= c[(*at, j)]
    weaker = np.where(lower, i, j)
    stronger = np.where(lower, j, i)
    gained = np.bincount(base + weaker, weights=of("capability_gain"), minlength=c.size)
    cap_gain = world.capability_gain + gained.reshape(c.shape)
    debt = world.debt.copy()
    np.add.at(debt, (*at, weaker, stronger), of("finance").astype(debt.dtype))
    np.minimum(debt, 1.0, out=debt)
    changes = {
        "trust": trust,
        "interoperability": interop,
        **stocks,
        "visibility": visibility,
        "capability_gain": cap_gain,
    }
    units = totals(world, of("cost"), runs)
    ids = names(world.ids)
    records = Records.columns(KIND_COLUMN[k], ids[i], ids[j], of("trust_gain"), run=runs)
    return world.evolve(**changes, debt=debt, engaged_units=world.engaged_units + units), records


def _eroded(x: np.ndarray, rate_per_year: float | np.ndarray, spy: int) -> np.ndarray:
    """x after a step of decay at a yearly rate (one per run of a stack, or one for all)."""
    rate = each(lambda r: per_step(r, spy), rate_per_year)
    if isinstance(rate, np.ndarray) and rate.ndim:
        return bounded(x, 0.0, rate.reshape(-1, 1, 1), per_run=True)
    return bounded(x, 0.0, rate)


def step(world: World, params: Parameters, rng: np.random.Generator, t: int) -> tuple[World, Records]:
    """Draw and apply this step's engagements; trust and interoperability erode without them."""
    e = params.engagement
    n, m = world.n, e.max_per_step
    table = kind_table(params)
    draws = rng.random((5, n, m))  # slot use, partner, kind, cost, acceptance: fixed shape
    slot_draw, partner_draw, kind_draw, cost_draw, accept_draw = (draws[..., d, :, :] for d in range(5))

    units = world.budget / world.steps_per_year
    whole = np.floor(units)
    used = (np.arange(m) < whole[..., None]) | (
        (np.arange(m) == whole[..., None]) & (slot_draw < (units - whole)[..., None])
    )

    value = partner_value(world, params)
    weights = value - value.max(axis=-1, keepdims=True)  # softmax over partners, in place
    weights *= along(1.0 / e.temperature, weights)
    np.exp(weights, out=weights)
    diagonal = np.arange(n)
    weights[..., diagonal, diagonal] = 0.0
    # inverse-CDF sampling of every row at once: one cumulative sum over a world's flattened rows,
    # row i occupying [base_i, base_i + total_i), so one sorted search serves all its rows
    cum = np.cumsum(weights.reshape(-1, n * n), axis=-1, dtype=np.float64)
    total = weights.sum(axis=-1, dtype=np.float64).reshape(-1, n)
    base = np.concatenate([np.zeros((len(cum), 1)), cum[:, n - 1 :: n][:, :-1]], axis=1)
    wanted = (base[:, :, None] + partner_draw.reshape(-1, n, m) * total[:, :, None]).reshape(-1, n * m)
    found = np.stack([np.searchsorted(c, q, side="right") for c, q in zip(cum, wanted, strict=True)])
    rows = np.repeat(np.arange(n)[:, None], m, axis=1)
    run = run_index(world, 2)  # before (rows, partner): each run's own pairs
    partner = np.minimum(np.maximum(found.reshape(partner_draw.shape) - rows * n, 0), n - 1)
    partner = np.where(partner == rows, (partner + 1) % n, partner)  # rounding at a row's end: never oneself

    avail = np.ones((*partner.shape, len(KINDS)), dtype=bool)
    needs = {"border": world.border[(*run, rows, partner)], "disaster": world.disaster[(*run, partner)] > 0}
    for k, kind in enumerate(vocab.KINDS):
        if kind.needs is not None:
            avail[..., k] = needs[kind.needs]
    cost, ratio = table["cost"], table["weight"] / table["cost"]  # (runs, kinds) if the runs differ in them
    w = avail * (ratio[:, None, None, :] if ratio.ndim > 1 else ratio)
    wcum = np.cumsum(w, axis=-1)
    total = wcum[..., -1]
    kind = np.minimum((wcum < (kind_draw * total)[..., None]).sum(axis=-1), len(KINDS) - 1)
    goes = used & (total > 0) & (cost_draw < 1.0 / table_at(cost, run, kind))

    their_value = value[(*run, partner, rows)]  # what i is worth to its partner
    slope, bias = along(e.acceptance_slope, their_value), along(e.acceptance_bias, their_value)
    accept = 1.0 / (1.0 + np.exp(-(slope * their_value + bias)))
    done = goes & (accept_draw < accept)

    spy = world.steps_per_year
    decayed = world.evolve(
        trust=_eroded(world.trust, e.trust_decay, spy),
        interoperability=_eroded(world.interoperability, e.interoperability_decay, spy),
        budget_units=world.budget_units + units.sum(axis=-1),
    )
    runs, (initiators, _) = located(world, np.nonzero(done))
    return apply(decayed, params, initiators, partner[done], kind[done], runs=runs, owned=True)
