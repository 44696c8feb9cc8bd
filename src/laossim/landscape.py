"""Landscape theory of aggregation (Axelrod & Bennett 1993): energies, exact minima, basins.

Actors i have sizes s_i > 0 and symmetric propensities p_ij (p_ii unused). An
assignment gives each actor a coalition index; d_ij = 0 when i and j are
together and 1 otherwise. Frustration F_i = sum_{j != i} s_j p_ij d_ij;
energy E = sum_i sum_{j != i} s_i s_j p_ij d_ij over ordered pairs (each
separated pair counts twice, as in the paper). Moving actor k changes E by
exactly 2 s_k (F_k(after) - F_k(before)). A configuration is a local minimum
when no single actor can lower the energy by moving to another coalition
(an existing one or, with fewer than ``coalitions`` in use, a new one).

With two coalitions and spins sigma = +-1 the energy is (W - sigma' J sigma) / 2
with J_ij = s_i s_j p_ij and W = sum J: a zero-field Ising spin glass, whose
configurations come in mirror pairs of equal energy.

Descent rule (deterministic, documented): at each step the actor whose move
lowers the energy most moves, to the coalition that lowers it most; ties go
to the lowest actor index, then the lowest coalition index; moves must lower
the energy by more than ``TOLERANCE`` (relative to the largest |J|).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

TOLERANCE = 1e-9
"""Moves must lower the energy by more than TOLERANCE x max |J| (rounding is no move)."""

EXACT_LIMIT_TWO = 26
"""Largest n enumerated exactly with two coalitions (2^(n-1) configurations)."""

EXACT_LIMIT_STATES = 2_000_000
"""Largest number of labelled configurations k^n enumerated exactly for k > 2."""

RANDOM_EXACT_LIMIT = 40_000
"""With the random rule, every start is descended only while k^n is at most this."""


# -- energies -------------------------------------------------------------------


def couplings(sizes: np.ndarray, propensities: np.ndarray) -> np.ndarray:
    """J_ij = s_i s_j p_ij with a zero diagonal (p_ii is unused)."""
    s = np.asarray(sizes, dtype=float)
    j = np.outer(s, s) * np.asarray(propensities, dtype=float)
    np.fill_diagonal(j, 0.0)
    return j


def separated(assignment: np.ndarray) -> np.ndarray:
    """d (N, N): 1 where two actors are in different coalitions."""
    a = np.asarray(assignment)
    return (a[:, None] != a[None, :]).astype(float)


def frustration(sizes: np.ndarray, propensities: np.ndarray, assignment: np.ndarray) -> np.ndarray:
    """F_i for every actor, (N,)."""
    p = np.array(propensities, dtype=float)
    np.fill_diagonal(p, 0.0)
    return (p * separated(assignment)) @ np.asarray(sizes, dtype=float)


def energy(sizes: np.ndarray, propensities: np.ndarray, assignment: np.ndarray) -> float:
    """E(X) over ordered pairs."""
    return float((couplings(sizes, propensities) * separated(assignment)).sum())


def delta_energy(
    sizes: np.ndarray, propensities: np.ndarray, assignment: np.ndarray, actor: int, coalition: int
) -> float:
    """The change of E when ``actor`` moves to ``coalition``: 2 s_k (F_k(after) - F_k(before))."""
    s = np.asarray(sizes, dtype=float)
    p = np.asarray(propensities, dtype=float)
    a = np.asarray(assignment)
    others = np.arange(len(s)) != actor
    g_old = float((s * p[actor])[others & (a == a[actor])].sum())
    g_new = float((s * p[actor])[others & (a == coalition)].sum())
    return 2.0 * s[actor] * (g_old - g_new)


def propensities(
    affinity: np.ndarray,
    trust: np.ndarray,
    tension: np.ndarray,
    w_affinity: float | np.floating | np.ndarray,
    w_trust: float | np.floating | np.ndarray,
) -> np.ndarray:
    """The in-run propensities p_ij = w_H H_ij + w_R (R_ij - tau_ij) of a world's affinity H, trust R
    and tension tau (each run of a stack alike; the weights already shaped to act on them, e.g. by
    :func:`laossim.batch.along`): what the stability score's frustration and the camps' moves
    (:mod:`laossim.mechanisms.camps`) both read."""
    return w_affinity * affinity + w_trust * (trust - tension)


def quadratic_form(x: np.ndarray, s: np.ndarray) -> np.ndarray:
    """s' X s for a square X (or each of a stack of them, with s stacked alike), as row sums in
    double precision of X's entries times s, never as a matrix product: BLAS sums in an order that
    depends on the processor, so single-precision results moved with the machine."""
    rows = (x * s.astype(x.dtype)[..., None, :]).sum(axis=-1, dtype=np.float64)  # in X's own precision
    return (rows * s).sum(axis=-1)


def normalised_frustration(sizes: np.ndarray, propensities: np.ndarray, assignment: np.ndarray) -> float | np.ndarray:
    """(E - sum_{w<0} w) / sum |w| in [0, 1], with w_ij = s_i s_j p_ij (i != j): 0 at the best
    conceivable split, 1 at the worst; 0 when all propensities are zero. A float, or one per run
    of a stack (leading axes, each run's to the bit what it gets alone).

    Computed as E = s'Ps - sum_g s_g'P s_g over the coalitions g, the forms of P, of P within the
    coalitions and of its negative part each a :func:`quadratic_form`, worked out together.
    """
    p = np.asarray(propensities)
    if p.dtype.kind != "f":
        p = p.astype(float)
    s = np.asarray(sizes, float)
    self_terms = s * s * np.diagonal(p, axis1=-2, axis2=-1)  # p_ii is unused: remove it from every form
    groups = np.asarray(assignment)
    same = groups[..., :, None] == groups[..., None, :]
    forms = quadratic_form(np.stack([p, np.where(same, p, 0.0), np.minimum(p, 0.0)], axis=-3), s[..., None, :])
    everyone = forms[..., 0]
    total = everyone - self_terms.sum(axis=-1)
    e = everyone - forms[..., 1]  # the self terms cancel
    negative = forms[..., 2] - np.minimum(self_terms, 0.0).sum(axis=-1)
    scale = total - 2.0 * negative  # sum |w| = sum w - 2 sum_{w<0} w
    ratio = (e - negative) / np.where(scale > 0, scale, np.inf)  # 0 when every propensity is 0
    out = np.minimum(1.0, np.maximum(0.0, ratio))
    return float(out) if out.ndim == 0 else out


def canonical(assignment: np.ndarray | Sequence[int]) -> tuple[int, ...]:
    """Relabel coalitions in order of first appearance: (1, 1, 0) -> (0, 0, 1).

    Two assignments describe the same partition exactly when their canonical forms are equal.
    """
    labels: dict[int, int] = {}
    return tuple(labels.setdefault(int(x), len(labels)) for x in np.asarray(assignment))


# -- descent --------------------------------------------------------------------


def _gains(j: np.ndarray, assignment: np.ndarray, coalitions: int) -> np.ndarray:
    """G[a, c]: the sum of J_aj over the members j of coalition c (a excluded)."""
    onehot = np.eye(coalitions)[assignment]
    return j @ onehot  # J has a zero diagonal, so a itself adds nothing


def improving_moves(j: np.ndarray, assignment: np.ndarray, coalitions: int) -> np.ndarray:
    """Energy decrease (N, K) of moving each actor to each coalition (<= 0 where not improving).

    Moving a to c changes E by 2 (G[a, x_a] - G[a, c]) (with J = s s' p).
    """
    g = _gains(j, assignment, coalitions)
    current = g[np.arange(len(assignment)), assignment]
    return 2.0 * (g - current[:, None])


def descend(
    sizes: np.ndarray,
    propensities: np.ndarray,
    start: np.ndarray,
    coalitions: int = 2,
    rule: str = "steepest",
    seed: int | None = None,
) -> list[tuple[int, ...]]:
    """The path of configurations from ``start`` to a local minimum.

    ``rule="steepest"`` follows the deterministic rule of the module docstring;
    ``rule="random"`` moves a uniformly chosen actor among those that can lower
    the energy, to its best coalition (ties to the lowest index), drawing from
    ``numpy.random.default_rng(seed)``.
    """
    j = couplings(sizes, propensities)
    tol = TOLERANCE * max(float(np.abs(j).max()), 1e-300)
    x = np.array(start, dtype=np.int64)
    if x.max(initial=0) >= coalitions or x.min(initial=0) < 0:
        raise ValueError(f"start uses coalition indices outside 0..{coalitions - 1}")
    rng = np.random.default_rng(seed)
    path = [tuple(int(v) for v in x)]
    for _ in range(100_000):
        gain = improving_moves(j, x, coalitions)
        best = gain.max(axis=1)
        movers = np.flatnonzero(best > tol)
        if len(movers) == 0:
            return path
        actor = int(movers[np.argmax(best[movers])]) if rule == "steepest" else int(rng.choice(movers))
        x[actor] = int(np.argmax(gain[actor]))
        path.append(tuple(int(v) for v in x))
    raise RuntimeError("descent did not converge")  # pragma: no cover - energy strictly falls


# -- minima ---------------------------------------------------------------------


@dataclass(frozen=True)
class Minimum:
    """A local minimum of the landscape."""

    assignment: tuple[int, ...]
    """Coalition of each actor, canonical (the first actor is in coalition 0)."""
    energy: float
    basin: float
    """Share of starting configurations whose descent ends here (see ``Landscape.rule``)."""
    is_global: bool
    reached: int = 0
    """How many starts reached it (multi-start search)."""


@dataclass(frozen=True)
class Landscape:
    """Every local minimum found, sorted by energy, with how they were found."""

    minima: list[Minimum]
    coalitions: int
    method: str
    """``exact`` (every configuration) or ``search`` (multi-start local search)."""
    rule: str
    starts: int
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def best(self) -> Minimum:
        return self.minima[0]


def minima(
    sizes: np.ndarray,
    propensities: np.ndarray,
    coalitions: int = 2,
    *,
    rule: str = "steepest",
    seed: int = 0,
    starts: int | None = None,
    exact: bool | None = None,
) -> Landscape:
    """Every local minimum with its basin of attraction, sorted by energy.

    Two coalitions: exact enumeration of all 2^(n-1) configurations (mirror
    pairs once) up to n = 26, basins under the deterministic steepest-descent
    rule. More coalitions: exact enumeration of every partition into at most
    k coalitions while k^n <= 2 million, otherwise multi-start local search
    (Florian & Galam 2000) from ``starts`` random configurations. The
    ``random`` rule (random sequential moves, seeded) gives its basins by
    descending once from every start while k^n <= 40,000, and by multi-start
    search beyond.
    """
    s = np.asarray(sizes, dtype=float)
    p = np.asarray(propensities, dtype=float)
    _check_inputs(s, p, coalitions)
    n = len(s)
    if exact is None:
        if rule == "random":  # one Python descent per start: exact only while that stays quick
            exact = coalitions**n <= RANDOM_EXACT_LIMIT
        else:
            exact = (n <= EXACT_LIMIT_TWO) if coalitions == 2 else coalitions**n <= EXACT_LIMIT_STATES
    if exact and coalitions == 2 and rule == "steepest":
        return _exact_two(s, p)
    if exact:
        return _exact_partitions(s, p, coalitions, rule, seed)
    return _search(s, p, coalitions, rule, seed, starts or 2000)


def _check_inputs(s: np.ndarray, p: np.ndarray, coalitions: int) -> None:
    if s.ndim != 1 or len(s) < 2:
        raise ValueError("sizes must be a vector of at least two actors")
    if p.shape != (len(s), len(s)):
        raise ValueError(f"propensities must be {len(s)} x {len(s)}, got {p.shape}")
    if not np.allclose(p, p.T):
        raise ValueError("propensities must be symmetric")
    if (s <= 0).any() or not np.isfinite(s).all() or not np.isfinite(p).all():
        raise ValueError("sizes must be positive and every value finite")
    if coalitions < 2:
        raise ValueError("at least two coalitions")


def _spins(codes: np.ndarray, bits: int) -> np.ndarray:
    """+-1 spins (len(codes), bits) from integer codes; bit b set means actor b in coalition 1."""
    return 1.0 - 2.0 * ((codes[:, None] >> np.arange(bits)) & 1)


def two_coalition_energies(sizes: np.ndarray, propensities: np.ndarray) -> np.ndarray:
    """E of every configuration with the last actor in coalition 0, indexed by the integer code
    whose bit i is actor i's coalition (2^(n-1) values; the mirror of each has the same energy).

    Vectorised by splitting the actors into two halves: the energy of (high, low)
    is W/2 - (q_high + q_low + 2 cross) / 2 with one small matrix product for the cross terms.
    """
    j = couplings(sizes, propensities)
    n = len(sizes)
    free = n - 1  # the last actor is fixed in coalition 0: mirror pairs once
    low_bits = free // 2
    high_bits = free - low_bits
    low = _spins(np.arange(2**low_bits), low_bits)
    high = np.hstack([_spins(np.arange(2**high_bits), high_bits), np.ones((2**high_bits, 1))])
    lo, hi = slice(0, low_bits), slice(low_bits, n)
    q_low = np.einsum("ci,ij,cj->c", low, j[lo, lo], low)
    q_high = np.einsum("ci,ij,cj->c", high, j[hi, hi], high)
    cross = (high @ j[hi, lo]) @ low.T  # (2^high, 2^low)
    quadratic = q_high[:, None] + q_low[None, :] + 2.0 * cross
    return ((j.sum() - quadratic) / 2.0).ravel()  # code = high_index * 2^low + low_index


def _exact_two(s: np.ndarray, p: np.ndarray) -> Landscape:
    n = len(s)
    if n > EXACT_LIMIT_TWO:
        raise ValueError(f"exact two-coalition enumeration goes to n = {EXACT_LIMIT_TWO}; use exact=False")
    j = couplings(s, p)
    tol = TOLERANCE * max(float(np.abs(j).max()), 1e-300)
    energies = two_coalition_energies(s, p)
    count = len(energies)
    successor = np.empty(count, dtype=np.int64)
    full = (1 << n) - 1
    chunk = 1 << 16
    for start in range(0, count, chunk):
        codes = np.arange(start, min(start + chunk, count), dtype=np.int64)
        spins = _spins(codes, n)  # bit n-1 is 0: the last actor in coalition 0
        field_ = spins @ j
        decrease = -2.0 * spins * field_  # energy decrease of flipping each actor
        best = np.argmax(decrease, axis=1)  # lowest index on ties
        moves = decrease[np.arange(len(codes)), best] > tol
        nxt = np.where(moves, codes ^ (1 << best), codes)
        mirrored = (nxt >> (n - 1)) & 1
        successor[start : start + len(codes)] = np.where(mirrored == 1, nxt ^ full, nxt)
    root = successor
    while True:  # pointer jumping: every start to the end of its descent
        nxt = root[root]
        if np.array_equal(nxt, root):
            break
        root = nxt
    ends, counts = np.unique(root, return_counts=True)
    return _collect(ends, counts, energies[ends], n, count, "exact", "steepest")


def _collect(
    ends: np.ndarray, counts: np.ndarray, energies: np.ndarray, n: int, starts: int, method: str, rule: str
) -> Landscape:
    best = energies.min()
    scale = max(abs(best), 1e-300)
    order = np.lexsort((ends, energies))
    found = [
        Minimum(
            assignment=canonical((int(ends[i]) >> np.arange(n)) & 1),
            energy=float(energies[i]),
            basin=float(counts[i] / starts),
            is_global=bool(abs(energies[i] - best) <= 1e-9 * scale),
            reached=int(counts[i]),
        )
        for i in order
    ]
    return Landscape(found, 2, method, rule, starts)


def partitions(n: int, coalitions: int) -> np.ndarray:
    """Every partition of n actors into at most ``coalitions`` coalitions, as canonical label rows."""
    rows = np.array(list(itertools.product(range(coalitions), repeat=n - 1)), dtype=np.int64).reshape(-1, n - 1)
    rows = np.hstack([np.zeros((len(rows), 1), dtype=np.int64), rows])
    running = np.maximum.accumulate(rows, axis=1)
    ok = (rows[:, 1:] <= running[:, :-1] + 1).all(axis=1)  # restricted growth strings
    return rows[ok]


def _exact_partitions(s: np.ndarray, p: np.ndarray, coalitions: int, rule: str, seed: int) -> Landscape:
    n = len(s)
    configs = partitions(n, coalitions)
    ends: Counter[tuple[int, ...]] = Counter()
    rng = np.random.default_rng(seed)
    for row in configs:
        path = descend(s, p, row, coalitions, rule=rule, seed=int(rng.integers(2**63)))
        ends[canonical(path[-1])] += 1
    landscape = _from_counter(s, p, ends, coalitions, "exact", rule, len(configs))
    return landscape


def _search(s: np.ndarray, p: np.ndarray, coalitions: int, rule: str, seed: int, starts: int) -> Landscape:
    rng = np.random.default_rng(seed)
    n = len(s)
    ends: Counter[tuple[int, ...]] = Counter()
    for _ in range(starts):
        start = rng.integers(0, coalitions, n)
        path = descend(s, p, start, coalitions, rule=rule, seed=int(rng.integers(2**63)))
        ends[canonical(path[-1])] += 1
    return _from_counter(s, p, ends, coalitions, "search", rule, starts)


def _from_counter(
    s: np.ndarray, p: np.ndarray, ends: Counter, coalitions: int, method: str, rule: str, starts: int
) -> Landscape:
    items = [(energy(s, p, np.array(a)), a, c) for a, c in ends.items()]
    items.sort(key=lambda t: (t[0], t[1]))
    best = items[0][0]
    scale = max(abs(best), 1e-300)
    found = [Minimum(a, float(e), c / starts, bool(abs(e - best) <= 1e-9 * scale), c) for e, a, c in items]
    return Landscape(found, coalitions, method, rule, starts)


# -- structural balance ---------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    """Cartwright-Harary structural balance of a signed graph."""

    triads: int
    """Triads whose three relations are all non-zero."""
    balanced_share: float
    """Share of those triads with a positive sign product (weighted when weights are given)."""
    is_balanced: bool
    factions: tuple[tuple[int, ...], tuple[int, ...]] | None
    """The two factions (actor indices) when the graph is balanced."""


def structural_balance(signs: np.ndarray, weights: np.ndarray | None = None) -> Balance:
    """Balance of the signed graph ``sign(signs)`` (zero = no relation).

    A triad is balanced when the product of its three signs is positive; with
    ``weights``, each triad counts with the product of its three |weights|.
    The graph is balanced (Cartwright & Harary 1956) when its actors split
    into two factions with every positive relation inside a faction and
    every negative one across; this is tested on the whole graph, triads or not.
    """
    sign = np.sign(np.asarray(signs, dtype=float))
    np.fill_diagonal(sign, 0)
    n = len(sign)
    w = np.abs(np.asarray(weights, dtype=float)) if weights is not None else np.abs(sign)
    triads, good, total = 0, 0.0, 0.0
    for a, b, c in itertools.combinations(range(n), 3):
        product = sign[a, b] * sign[b, c] * sign[a, c]
        if product == 0:
            continue
        triads += 1
        weight = w[a, b] * w[b, c] * w[a, c]
        total += weight
        good += weight if product > 0 else 0.0
    side = _two_colour(sign)
    factions = None
    if side is not None:
        factions = (tuple(int(i) for i in np.flatnonzero(side == 0)), tuple(int(i) for i in np.flatnonzero(side == 1)))
    return Balance(triads, good / total if total > 0 else 1.0, side is not None, factions)


def _two_colour(sign: np.ndarray) -> np.ndarray | None:
    """Faction of each actor (0/1) with + inside and - across, or None if impossible."""
    n = len(sign)
    side = np.full(n, -1)
    for root in range(n):
        if side[root] >= 0:
            continue
        side[root] = 0
        stack = [root]
        while stack:
            a = stack.pop()
            for b in np.flatnonzero(sign[a]):
                want = side[a] if sign[a, b] > 0 else 1 - side[a]
                if side[b] < 0:
                    side[b] = want
                    stack.append(int(b))
                elif side[b] != want:
                    return None
    return side


# -- prediction against observed coalitions -------------------------------------


@dataclass(frozen=True)
class Agreement:
    """How a predicted configuration matches observed coalitions."""

    agreement: float
    """Share of actors placed as observed, after the best relabelling of coalitions."""
    misplaced: tuple[int, ...]


def agreement(predicted: np.ndarray, observed: np.ndarray) -> Agreement:
    """Compare two assignments up to relabelling (mirror symmetry for two coalitions)."""
    from scipy.optimize import linear_sum_assignment

    pred = np.asarray(predicted)
    obs = np.asarray(observed)
    p_labels, p_idx = np.unique(pred, return_inverse=True)
    o_labels, o_idx = np.unique(obs, return_inverse=True)
    table = np.zeros((len(p_labels), len(o_labels)))
    np.add.at(table, (p_idx, o_idx), 1)
    rows, cols = linear_sum_assignment(-table)
    mapping = dict(zip(rows.tolist(), cols.tolist(), strict=True))
    placed = np.array([mapping.get(int(a), -1) == int(b) for a, b in zip(p_idx, o_idx, strict=True)])
    return Agreement(float(placed.mean()), tuple(int(i) for i in np.flatnonzero(~placed)))
