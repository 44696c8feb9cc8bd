"""Mechanism 3: military engagements, the levers of military diplomacy, as the defence ministry
allocates them.

Each step a state has ``(u + f) / steps_per_year`` engagement units and draws up to
``max_per_step`` slots (fixed-shape draws, for common random numbers). ``u`` is what its own
budget buys: the file's ``engagement_budget`` at the start, following the ministry's budget since
(u_t = u_0 B_t / E_t, E_t the budget it planned on, :func:`capacity`); ``f`` is what its creditors
finance when the budget falls short of the plan (``ministry.gap_financing`` of the units lost), as
in a debt squeeze. A used slot is
financed with probability f / (u + f): its partner is a creditor, drawn in proportion to what the
state owes each, and its kind one of the kinds with partner finance (a defence project), which
adds to the debt. Any other slot picks a partner by softmax over the value of engaging it (a
hedger's value falls with the marginal Herfindahl of the partner's share of its last year's
engagements, and a partner at the state's ``partner_cap`` is not chosen), then a kind with
probability proportional to the doctrine's kind weight times weight / cost among the kinds
available to the pair (border patrols need a border; disaster response a disaster in the
partner); a kind of cost c goes ahead with probability 1 / c, so spending matches the units in
expectation. The partner accepts with probability sigmoid(slope * its own value + bias); a
creditor's offer is its own. Each state's engagements a year with each partner, and how many it
paid itself or had financed, are one-year weighted means.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from laossim import vocab
from laossim.batch import along, at_runs, before, each, located, run_index, table_at, totals
from laossim.mechanisms import ministry
from laossim.mechanisms.contract import contract
from laossim.mechanisms.records import NONE, Records, names
from laossim.scenario.parameters import EngagementKind, Parameters
from laossim.world import DYAD, World, bounded, cells, derived, per_step

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
    reads="trust interoperability border_cooperation liaison visibility capability capability_gain debt "
    "engaged_units engagement_tally self_funded financed kind_tally forum_members forum_priority",
    writes="trust interoperability border_cooperation liaison visibility capability_gain debt engaged_units "
    "engagement_tally self_funded financed kind_tally",
)
"""What the effects of engagements (:func:`apply`) touch, for this mechanism and scripted engagements."""

CONTRACT = APPLY | contract(
    reads="budget tension leverage doctrine alignment autonomy border disaster budget_units defence_budget "
    "budget_expected kind_weight partner_cap",
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


def capacity(world: World, params: Parameters) -> tuple[np.ndarray, np.ndarray]:
    """(own, lent), (N,) each: the engagement units a year a state's own budget buys, the file's
    units u_0 times B_t / E_t (its budget over the budget it planned on, the budget when the run
    began grown at the economy's growth then; the file's units where it has no modelled budget), and
    those its creditors finance when its budget falls short of the plan: ``ministry.gap_financing``
    of the units lost, u_0 max(1 - B_t / E_t, 0), for a state that owes anyone (the gap a debt
    squeeze opens, filled by projects paid now and owed later)."""
    plan = ministry.on_plan(world)
    lost = world.budget * ministry.shortfall(world, plan)
    return world.budget * plan, along(params.ministry.gap_financing, lost) * lost


def partner_shares(world: World) -> np.ndarray:
    """S (N, N): each partner's share of each state's engagements of the last year (0 with none)."""
    tally = world.engagement_tally.astype(np.float64)
    total = tally.sum(axis=-1, keepdims=True)
    return tally / np.where(total > 0, total, np.inf)


def partner_value(world: World, params: Parameters, shares: np.ndarray | None = None) -> np.ndarray:
    """V (N, N): what engaging j is worth to i: trust, minus tension, relative capability,
    leverage, minus a hedger's autonomy cost of engaging partners aligned like itself and its cost of
    concentration, ``concentration_penalty`` times the marginal Herfindahl 2 s_ij of j's share of its
    engagements (``shares``, :func:`partner_shares`, computed when not given)."""
    e = params.engagement
    c = world.capability.astype(DYAD)
    value = along(e.trust_weight, world.trust) * world.trust - along(e.tension_weight, world.tension) * world.tension
    value += along(e.capability_weight, value) * (c[..., None, :] / (c[..., :, None] + c[..., None, :]))
    lev = np.maximum(world.leverage, 0.0)
    total = lev.sum(axis=-1, keepdims=True)
    pulls = lev / np.where(total > 0, total, np.inf)  # 0 for a state under no pull
    value[..., world.poles] += (along(e.leverage_weight, pulls) * pulls).astype(DYAD)
    hedger = (world.doctrine == 0) & ~world.is_pole
    a = world.alignment.astype(DYAD)
    overlap = a[..., :, None, 0] * a[..., None, :, 0]
    for k in range(1, world.k):  # a @ a.T, summed in a fixed order (never BLAS: see world.py)
        overlap += a[..., :, None, k] * a[..., None, :, k]
    overlap *= (along(e.autonomy_cost, world.autonomy) * world.autonomy * hedger).astype(DYAD)[..., None]
    value -= overlap
    shares = partner_shares(world) if shares is None else shares
    value -= (along(2.0 * e.concentration_penalty, shares) * shares * hedger[..., None]).astype(DYAD)
    return value


@lru_cache(maxsize=16)
def _rows(n: int, m: int) -> np.ndarray:
    """(n, m): each slot's row, i in row i (read-only: shared)."""
    rows = np.repeat(np.arange(n)[:, None], m, axis=1)
    rows.flags.writeable = False
    return rows


def pick(weights: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """For each row i of ``weights`` (..., N, N), non-negative, and each of its draws (..., N, m) in
    [0, 1): the column j whose cumulative weight first exceeds draw times the row's total (inverse-CDF
    sampling); never i itself, and only meaningful for a row with weight. One cumulative sum over a
    world's flattened rows, row i occupying [base_i, base_i + total_i), so one sorted search serves
    all its rows."""
    n, m = weights.shape[-1], draws.shape[-1]
    cum = np.cumsum(weights.reshape(-1, n * n), axis=-1, dtype=np.float64)
    total = weights.sum(axis=-1, dtype=np.float64).reshape(-1, n)
    base = np.concatenate([np.zeros((len(cum), 1)), cum[:, n - 1 :: n][:, :-1]], axis=1)
    wanted = (base[:, :, None] + draws.reshape(-1, n, m) * total[:, :, None]).reshape(-1, n * m)
    if len(cum) == 1:  # one world
        found = np.searchsorted(cum[0], wanted[0], side="right")
    else:
        found = np.stack([np.searchsorted(c, q, side="right") for c, q in zip(cum, wanted, strict=True)])
    rows = _rows(n, m)
    column = np.minimum(np.maximum(found.reshape(draws.shape) - rows * n, 0), n - 1)
    return np.where(column == rows, (column + 1) % n, column)  # rounding at a row's end: never oneself


def apply(
    world: World,
    params: Parameters,
    initiators: np.ndarray,
    partners: np.ndarray,
    kinds: np.ndarray,
    *,
    runs: np.ndarray,
    owned: bool = False,
    financed: np.ndarray | None = None,
) -> tuple[World, Records]:
    """Effects of engagements (i, j, kind) that went ahead: trust, interoperability, border
    cooperation (border patrols), liaison (attaché exchanges), capability for the weaker side, project
    debt, visibility, and the tallies of engagements by partner and kind and of those the initiator paid
    or had financed. Shared by the engagement mechanism and scripted engagement events.

    ``financed``: which engagements the partner financed for the initiator (its creditor: the
    initiator owes it the kind's ``finance``); none when not given. A project the initiator paid
    itself puts its ``finance`` on the weaker side, owed to the stronger.

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
    discount = at_runs(params.forums.multilateral_discount, runs, np.float64(0))
    seen = of("visibility") * (1.0 - discount * framed(world, i, j, k, at))
    visibility = world.visibility.plus(
        touched // n, touched % n, np.bincount(slot, weights=np.concatenate([seen, seen]), minlength=len(touched))
    )
    c = world.capability
    lower = c[(*at, i)] <= c[(*at, j)]
    weaker = np.where(lower, i, j)
    stronger = np.where(lower, j, i)
    gained = np.bincount(base + weaker, weights=of("capability_gain"), minlength=c.size)
    cap_gain = world.capability_gain + gained.reshape(c.shape)
    lent = np.zeros(len(i), dtype=bool) if financed is None else financed
    debt = world.debt.copy()
    np.add.at(debt, (*at, np.where(lent, i, weaker), np.where(lent, j, stronger)), of("finance").astype(debt.dtype))
    np.minimum(debt, 1.0, out=debt)
    spy = world.steps_per_year
    weight = (1.0 - float(np.exp(-1.0 / spy))) * spy  # a one-year weighted mean of a yearly count
    tally = world.engagement_tally.copy()
    tally.flat[touched] += (weight * np.bincount(slot, minlength=len(touched))).astype(tally.dtype)
    size, shape = np.size(world.self_funded), np.shape(world.self_funded)
    own = np.bincount(base + i, weights=(~lent).astype(float), minlength=size).reshape(shape)
    paid_by_others = np.bincount(base + i, weights=lent.astype(float), minlength=size).reshape(shape)
    cells_seen = np.concatenate([(base + i) * len(KINDS) + k, (base + j) * len(KINDS) + k])
    kinds_seen = np.bincount(cells_seen, minlength=world.kind_tally.size).reshape(world.kind_tally.shape)
    changes = {
        "kind_tally": world.kind_tally + weight * kinds_seen,
        "trust": trust,
        "interoperability": interop,
        **stocks,
        "visibility": visibility,
        "capability_gain": cap_gain,
        "engagement_tally": tally,
        "self_funded": world.self_funded + weight * own,
        "financed": world.financed + weight * paid_by_others,
    }
    units = totals(world, of("cost"), runs)
    ids = names(world.ids)
    records = Records.columns(KIND_COLUMN[k], ids[i], ids[j], of("trust_gain"), run=runs)
    return world.evolve(**changes, debt=debt, engaged_units=world.engaged_units + units), records


@derived
def _frames(members: np.ndarray, priority: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each state's forums and each kind's prioritising forums as bit masks, (..., N) and (..., kinds):
    forum f is bit f (forums never change during a run: worked out once)."""
    bits = np.left_shift(np.int64(1), np.arange(members.shape[-2], dtype=np.int64))[:, None]
    by_state = (members * bits).sum(axis=-2)  # (..., N)
    by_kind = (priority * bits).sum(axis=-2)  # (..., kinds)
    return by_state, by_kind


def framed(world: World, i: np.ndarray, j: np.ndarray, k: np.ndarray, at: tuple[np.ndarray, ...]) -> np.ndarray:
    """Which engagements (i, j, kind k) are held within a framework: both sides members of a forum whose
    priorities include the kind (``at``: each engagement's run, :func:`laossim.batch.before`)."""
    if not 0 < len(world.forum_ids) <= 62:  # more forums than bits: every engagement is seen in full
        return np.zeros(len(i), dtype=bool)
    by_state, by_kind = _frames(world.forum_members, world.forum_priority)
    return (by_state[(*at, i)] & by_state[(*at, j)] & by_kind[(*at, k)]) != 0


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
    draws = rng.random((6, n, m))  # slot use, partner, kind, cost, acceptance, finance: fixed shape
    slot_draw, partner_draw, kind_draw, cost_draw, accept_draw, lent_draw = (draws[..., d, :, :] for d in range(6))

    own, lent = capacity(world, params)
    spy = world.steps_per_year
    units = (own + lent) / spy
    whole = np.floor(units)
    used = (np.arange(m) < whole[..., None]) | (
        (np.arange(m) == whole[..., None]) & (slot_draw < (units - whole)[..., None])
    )
    financed = used & (lent_draw * (own + lent)[..., None] < lent[..., None])

    shares = partner_shares(world)
    value = partner_value(world, params, shares)
    weights = value - value.max(axis=-1, keepdims=True)  # softmax over partners, in place
    weights *= along(1.0 / e.temperature, weights)
    np.exp(weights, out=weights)
    diagonal = np.arange(n)
    weights[..., diagonal, diagonal] = 0.0
    weights *= (shares < world.partner_cap[..., None]) | (world.partner_cap[..., None] >= 1)  # none at the cap
    chosen = weights.sum(axis=-1) > 0
    partner = pick(weights, partner_draw)
    if financed.any():
        partner = np.where(financed, pick(world.debt, partner_draw), partner)  # creditors, by what is owed
    rows = _rows(n, m)
    run = run_index(world, 2)  # before (rows, partner): each run's own pairs

    avail = np.ones((*partner.shape, len(KINDS)), dtype=bool)
    needs = {"border": world.border[(*run, rows, partner)], "disaster": world.disaster[(*run, partner)] > 0}
    for k, kind in enumerate(vocab.KINDS):
        if kind.needs is not None:
            avail[..., k] = needs[kind.needs]
    cost, ratio = table["cost"], table["weight"] / table["cost"]  # (runs, kinds) if the runs differ in them
    lends = table["finance"] > 0
    ratio, lends = (c[:, None, None, :] if c.ndim > 1 else c for c in (ratio, lends))
    w = avail * ratio * world.kind_weight[..., :, None, :]
    if financed.any():
        w = np.where(financed[..., None], w * lends, w)  # a creditor finances projects
    wcum = np.cumsum(w, axis=-1)
    total = wcum[..., -1]
    kind = np.minimum((wcum < (kind_draw * total)[..., None]).sum(axis=-1), len(KINDS) - 1)
    goes = used & (total > 0) & (financed | chosen[..., None]) & (cost_draw < 1.0 / table_at(cost, run, kind))

    their_value = value[(*run, partner, rows)]  # what i is worth to its partner
    slope, bias = along(e.acceptance_slope, their_value), along(e.acceptance_bias, their_value)
    odds = np.clip(slope * their_value + bias, -60.0, 60.0)  # beyond, acceptance is 0 or 1 to any precision
    accept = 1.0 / (1.0 + np.exp(-odds))
    done = goes & (financed | (accept_draw < accept))

    decayed = world.evolve(
        trust=_eroded(world.trust, e.trust_decay, spy),
        interoperability=_eroded(world.interoperability, e.interoperability_decay, spy),
        budget_units=world.budget_units + units.sum(axis=-1),
    )
    runs, (initiators, _) = located(world, np.nonzero(done))
    return apply(decayed, params, initiators, partner[done], kind[done], runs=runs, owned=True, financed=financed[done])
