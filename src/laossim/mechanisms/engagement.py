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

from laossim.mechanisms.records import Record
from laossim.scenario.parameters import EngagementKind, Parameters
from laossim.world import DYAD, World, bounded, per_step

KINDS: tuple[EngagementKind, ...] = tuple(EngagementKind)
KIND_NAMES: tuple[str, ...] = tuple(kind.value for kind in KINDS)
KIND_FIELDS = ("weight", "cost", "trust_gain", "interoperability_gain", "capability_gain", "finance", "visibility")
_TABLES: dict[int, tuple[object, dict[str, np.ndarray]]] = {}


def kind_table(params: Parameters) -> dict[str, np.ndarray]:
    """The engagement kinds' coefficients as read-only arrays indexed like :data:`KINDS`,
    made once per set of kinds (a step asks twice; building them took a tenth of the mechanism)."""
    types = params.engagement.types
    cached = _TABLES.get(id(types))
    if cached is not None and cached[0] is types:
        return cached[1]
    table = {f: np.array([getattr(types[k], f) for k in KINDS]) for f in KIND_FIELDS}
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
    value = e.trust_weight * world.trust - e.tension_weight * world.tension
    value += e.capability_weight * (c[None, :] / (c[:, None] + c[None, :]))
    lev = np.maximum(world.leverage, 0.0)
    total = lev.sum(axis=1, keepdims=True)
    shares = np.divide(lev, total, out=np.zeros_like(lev), where=total > 0)
    value[:, world.poles] += (e.leverage_weight * shares).astype(DYAD)
    hedger = (world.doctrine == 0) & ~world.is_pole
    a = world.alignment.astype(DYAD)
    overlap = a @ a.T
    overlap *= (e.autonomy_cost * world.autonomy * hedger).astype(DYAD)[:, None]
    value -= overlap
    return value


def apply(
    world: World,
    params: Parameters,
    initiators: np.ndarray,
    partners: np.ndarray,
    kinds: np.ndarray,
    *,
    owned: bool = False,
) -> tuple[World, list[Record]]:
    """Effects of engagements (i, j, kind) that went ahead: trust, interoperability,
    capability for the weaker side, project debt, visibility. Shared by the
    engagement mechanism and scripted engagement events.

    ``owned``: the world's trust and interoperability arrays are fresh copies
    made by the caller and may be updated in place (saves two N x N copies).
    """
    if len(initiators) == 0:
        return world, []
    table = kind_table(params)
    n = world.n
    i, j, k = initiators, partners, kinds
    touched, slot = np.unique(np.concatenate([i * n + j, j * n + i]), return_inverse=True)

    def summed(name: str) -> np.ndarray:
        """Per touched pair, the sum of a kind coefficient over its engagements (both directions)."""
        per_engagement = table[name][k]
        return np.bincount(slot, weights=np.concatenate([per_engagement, per_engagement]), minlength=len(touched))

    trust, interop = (
        (world.trust, world.interoperability) if owned else (world.trust.copy(), world.interoperability.copy())
    )
    trust.flat[touched] = bounded(trust.flat[touched], 1.0 - np.exp(-summed("trust_gain")), 0.0)
    interop.flat[touched] = bounded(interop.flat[touched], 1.0 - np.exp(-summed("interoperability_gain")), 0.0)
    visibility = world.visibility.plus(touched // n, touched % n, summed("visibility"))
    c = world.capability
    weaker = np.where(c[i] <= c[j], i, j)
    stronger = np.where(c[i] <= c[j], j, i)
    cap_gain = world.capability_gain + np.bincount(weaker, weights=table["capability_gain"][k], minlength=n)
    debt = world.debt.copy()
    np.add.at(debt, (weaker, stronger), table["finance"][k].astype(debt.dtype))
    np.minimum(debt, 1.0, out=debt)
    units = float(table["cost"][k].sum())
    ids = world.ids
    names = KIND_NAMES
    gains = table["trust_gain"].tolist()
    records = [
        Record(names[kk], ids[a], ids[b], gains[kk])
        for a, b, kk in zip(i.tolist(), j.tolist(), k.tolist(), strict=True)
    ]
    return world.evolve(
        trust=trust,
        interoperability=interop,
        visibility=visibility,
        capability_gain=cap_gain,
        debt=debt,
        engaged_units=world.engaged_units + units,
    ), records


def step(world: World, params: Parameters, rng: np.random.Generator, t: int) -> tuple[World, list[Record]]:
    """Draw and apply this step's engagements; trust and interoperability erode without them."""
    e = params.engagement
    n, m = world.n, e.max_per_step
    table = kind_table(params)
    draws = rng.random((5, n, m))  # slot use, partner, kind, cost, acceptance: fixed shape

    units = world.budget / world.steps_per_year
    whole = np.floor(units)
    used = (np.arange(m)[None, :] < whole[:, None]) | (
        (np.arange(m)[None, :] == whole[:, None]) & (draws[0] < (units - whole)[:, None])
    )

    value = partner_value(world, params)
    weights = value - value.max(axis=1, keepdims=True)  # softmax over partners, in place
    weights *= 1.0 / e.temperature
    np.exp(weights, out=weights)
    np.fill_diagonal(weights, 0.0)
    # inverse-CDF sampling of every row at once: one cumulative sum over the flattened rows,
    # row i occupying [base_i, base_i + total_i), so one sorted search serves all rows
    cum = np.cumsum(weights.ravel(), dtype=np.float64)
    total = weights.sum(axis=1, dtype=np.float64)
    base = np.concatenate([[0.0], cum[n - 1 :: n][:-1]])
    found = np.searchsorted(cum, (base[:, None] + draws[1] * total[:, None]).ravel(), side="right")
    rows = np.repeat(np.arange(n)[:, None], m, axis=1)
    partner = np.minimum(np.maximum(found.reshape(n, m) - rows * n, 0), n - 1)
    partner = np.where(partner == rows, (partner + 1) % n, partner)  # rounding at a row's end: never oneself

    avail = np.ones((n, m, len(KINDS)), dtype=bool)
    avail[:, :, KINDS.index(EngagementKind.border_patrol)] = world.border[rows, partner]
    avail[:, :, KINDS.index(EngagementKind.disaster_response)] = world.disaster[partner] > 0
    w = avail * (table["weight"] / table["cost"])[None, None, :]
    wcum = np.cumsum(w, axis=2)
    total = wcum[:, :, -1]
    kind = np.minimum((wcum < (draws[2] * total)[:, :, None]).sum(axis=2), len(KINDS) - 1)
    goes = used & (total > 0) & (draws[3] < 1.0 / table["cost"][kind])

    accept = 1.0 / (1.0 + np.exp(-(e.acceptance_slope * value.T[rows, partner] + e.acceptance_bias)))
    done = goes & (draws[4] < accept)

    spy = world.steps_per_year
    decayed = world.evolve(
        trust=bounded(world.trust, 0.0, per_step(e.trust_decay, spy)),
        interoperability=bounded(world.interoperability, 0.0, per_step(e.interoperability_decay, spy)),
        budget_units=world.budget_units + float(units.sum()),
    )
    return apply(decayed, params, rows[done], partner[done], kind[done], owned=True)
