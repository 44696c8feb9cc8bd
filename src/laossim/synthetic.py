"""Synthetic worlds of any size, for tests and benchmarks."""

from __future__ import annotations

import numpy as np

from laossim.scenario.schema import Doctrine, Scenario


def synthetic_scenario(
    n_states: int, seed: int = 0, steps: int = 50, poles: int = 3, relations_per_state: int = 4
) -> Scenario:
    """A valid scenario with ``n_states`` states, a focal hedger and three poles.

    States sit at random capitals; each has a few random relations (borders
    between near neighbours), and two forums group them. Everything is drawn
    from ``seed``, so the same arguments give the same scenario.
    """
    if n_states < poles + 1:
        raise ValueError(f"need at least {poles + 1} states for {poles} poles, got {n_states}")
    rng = np.random.default_rng(seed)
    ids = [f"S{i:04d}" for i in range(n_states)]
    pole_ids = ids[:poles]
    lat = rng.uniform(-40, 60, n_states)
    lon = rng.uniform(-120, 150, n_states)
    cap = rng.lognormal(-6, 1.5, n_states)
    cap[:poles] = np.sort(rng.uniform(0.05, 0.25, poles))[::-1]
    doctrines = rng.choice([d.value for d in Doctrine], n_states, p=[0.5, 0.25, 0.25])
    states = []
    for i, sid in enumerate(ids):
        state: dict[str, object] = {
            "id": sid,
            "role": "focal" if i == poles else "regional",
            "doctrine": Doctrine.hedger.value if i == poles else str(doctrines[i]),
            "capital": [round(float(lat[i]), 3), round(float(lon[i]), 3)],
            "capability": float(cap[i]),
            "autonomy": round(float(rng.uniform(0.2, 0.8)), 3),
            "engagement_budget": round(float(rng.uniform(2, 12)), 2),
            "modernization": round(float(rng.uniform(-0.01, 0.04)), 4),
        }
        if i >= poles:
            a = rng.dirichlet(np.ones(poles))
            a = np.round(a, 6)
            a[-1] = 1.0 - a[:-1].sum()
            state["alignment"] = dict(zip(pole_ids, np.clip(a, 0, 1).tolist(), strict=True))
        states.append(state)
    pairs = set()
    for i in range(n_states):
        for j in rng.choice(n_states, size=min(relations_per_state, n_states - 1), replace=False):
            if i != j:
                pairs.add((min(i, int(j)), max(i, int(j))))
    relations = []
    share = 0.9 / (2 * relations_per_state + 2)
    for i, j in sorted(pairs):
        near = abs(lat[i] - lat[j]) + abs(lon[i] - lon[j]) < 30
        relations.append(
            {
                "between": [ids[i], ids[j]],
                "affinity": round(float(rng.uniform(-0.6, 0.9)), 3),
                "border": bool(near),
                "trade": {
                    ids[i]: round(float(rng.uniform(0, share)), 4),
                    ids[j]: round(float(rng.uniform(0, share)), 4),
                },
                "debt": {ids[i]: round(float(rng.uniform(0, 0.2)), 4)},
            }
        )
    half = n_states // 2
    forums = [
        {"id": "NORTH", "members": ids[: max(2, half)], "period": 4, "strength": 0.2},
        {"id": "GLOBAL", "members": ids, "period": 4, "strength": 0.1},
    ]
    return Scenario.model_validate(
        {
            "scenario": f"synthetic_{n_states}",
            "description": f"Synthetic world of {n_states} states (seed {seed}).",
            "simulation": {"steps": steps, "seed": seed, "replications": 1},
            "poles": pole_ids,
            "states": states,
            "relations": relations,
            "forums": forums,
        }
    )
