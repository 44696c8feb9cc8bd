"""How large a difference in a headline score matters, and how far a finding survives the
model's judgement coefficients (docs/scenarios.md; issue 16, items 6 and 7).

**Minimal important difference (MID).** A difference in a headline score is worth an
analyst's attention when it is at least :data:`MID_SHARE` of the range the score spans
across the shipped scenarios and a one-at-a-time sweep of the ten levers of
:data:`LEVERS` (each at its low and its high value in the baseline): the rule is fixed
here, before any variant table is made, and never changed to make a finding pass. The
levers are choices and circumstances an analyst asks about, none of them Laos's own
autonomy, doctrine or hedging band (which set the autonomy score by construction).

**Sign robustness.** A variant's effect keeps its sign under the judgement coefficients
when, over :data:`DRAWS` draws that scale every coefficient marked as a judgement by a
factor between 0.5 and 2 (log-uniform, each within its bounds; :func:`judgement_draws`),
the paired effect has the sign it has at the defaults in most of them:
:func:`sign_kept` gives the share.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from laossim.scenario.docs import parameter_rows
from laossim.scenario.parameters import Parameters
from laossim.scenario.schema import Scenario

MID_SHARE = 0.1
"""A headline score's minimal important difference, as a share of its observed range."""
DRAWS = 20
"""Draws of the judgement coefficients a finding's sign is checked over."""
SCALE = (0.5, 2.0)
"""The factors each judgement coefficient is scaled by, drawn log-uniformly."""


@dataclass(frozen=True)
class Lever:
    """A one-at-a-time change of the baseline: what an analyst asks about, the override path, and
    its low and high values."""

    name: str
    path: str
    low: float
    high: float


LEVERS: tuple[Lever, ...] = (
    Lever("Laos's engagement budget (units a year)", "states.LAO.engagement_budget", 3.0, 12.0),
    Lever("ASEAN's strength", "forums.ASEAN.strength", 0.0, 0.5),
    Lever("the ADMM's strength", "forums.ADMM.strength", 0.0, 0.5),
    Lever("the ADMM-Plus's strength", "forums.ADMM_Plus.strength", 0.0, 0.4),
    Lever("Laos's debt to China (share of GDP)", "relations.CHN-LAO.debt.LAO", 0.0, 0.7),
    Lever("a joint exercise's visibility", "parameters.engagement.types.joint_exercise.visibility", 0.0, 1.0),
    Lever("rivals' reaction to visibility", "parameters.security.visibility_gain", 0.0, 1.5),
    Lever("crises' sensitivity to tension", "parameters.crises.tension", 2.0, 6.0),
    Lever("China's modernisation (a year)", "states.CHN.modernization", 0.0, 0.06),
    Lever("Laos-Viet Nam trust", "relations.LAO-VNM.trust", 0.4, 0.95),
)
"""The ten levers of the MID rule and of the autonomy score's span (none of them Laos's own autonomy,
doctrine or hedging band)."""


SCENARIOS: tuple[str, ...] = (
    "laos_baseline",
    "china_debt_leverage",
    "us_china_crisis",
    "asean_chair_year",
    "mekong_disaster_response",
    "vietnam_special_relationship",
    "mekong_patrols",
    "laos_debt_squeeze",
)
"""The shipped scenarios whose range the MID rule spans, the baseline first (the levers act on it)."""
MID_REPLICATIONS = 10
"""Replications of each run the MIDs are measured from."""
SHIPPED = Path(__file__).resolve().parent / "scenarios"
"""Where the shipped scenarios are (``src/laossim/scenarios``, a link to the repository's folder)."""


def mid_means(
    replications: int = MID_REPLICATIONS,
    known: Mapping[str, Mapping[str, float]] | None = None,
    folder: Path = SHIPPED,
    progress: bool = False,
) -> dict[str, dict[str, float]]:
    """Every output's mean over the final summary window (mean over replications) in each run the
    MID rule spans: each of :data:`SCENARIOS` (by its name), then the baseline at each lever's low
    and high end (``PATH=VALUE``). ``known``: runs already made, by the same names, not run again;
    ``progress``: a progress bar over the runs."""
    from tqdm.auto import tqdm

    from laossim.runs import run

    known = dict(known or {})
    wanted: list[tuple[str, str, dict[str, float]]] = [(name, name, {}) for name in SCENARIOS] + [
        (f"{lever.path}={end:g}", SCENARIOS[0], {lever.path: end})
        for lever in LEVERS
        for end in (lever.low, lever.high)
    ]
    means: dict[str, dict[str, float]] = {}
    for name, scenario, overrides in tqdm(wanted, desc="MIDs", unit="run", disable=not progress):
        if name in known:
            means[name] = dict(known[name])
            continue
        result = run(folder / f"{scenario}.yaml", replications=replications, overrides=overrides or None)
        means[name] = result.summary.set_index("score")["mean"].to_dict()
    return means


def minimal_important_differences(means: Mapping[str, Mapping[str, float]], scores: Sequence[str]) -> dict[str, float]:
    """Each score's MID: :data:`MID_SHARE` of the range of its means over the runs of ``means``
    (one mapping of score to mean per run: the shipped scenarios and the levers' ends)."""
    return {s: MID_SHARE * (max(m[s] for m in means.values()) - min(m[s] for m in means.values())) for s in scores}


def judgement_paths(params: Parameters) -> list[str]:
    """The dotted paths (``parameters.crises.tension``, ``parameters.engagement.types.training.cost``)
    of every coefficient the parameter table marks a judgement (:func:`laossim.scenario.docs.parameter_rows`)
    whose value is a non-zero real (a factor cannot move 0, nor a whole number of steps)."""
    return [
        f"parameters.{path}"
        for path, _default, provenance, _meaning in parameter_rows()
        if provenance == "judgement" and isinstance(value_at(params, path), float) and value_at(params, path) != 0.0
    ]


def value_at(params: Parameters, path: str) -> object:
    """A coefficient's value by its dotted path under ``parameters`` (an engagement kind's by its name)."""
    node: object = params
    for part in path.split("."):
        if isinstance(node, dict):
            node = {str(getattr(key, "value", key)): item for key, item in node.items()}[part]
        else:
            node = getattr(node, part)
    return node


def field_bounds(params: Parameters, path: str) -> tuple[float, float]:
    """The (low, high) a coefficient's field admits, found through the path's last parent."""
    parent, name = path.rsplit(".", 1)
    owner = value_at(params, parent)
    return bounds(type(owner).model_fields[name].metadata)  # type: ignore[attr-defined]


def judgement_draws(scenario: Scenario, draws: int = DRAWS, seed: int = 0) -> list[dict[str, float]]:
    """``draws`` sets of overrides, each scaling every judgement coefficient of ``scenario`` by its
    own log-uniform factor in :data:`SCALE`, held within the coefficient's bounds."""
    params = scenario.parameters
    rng = np.random.default_rng(seed)
    paths = judgement_paths(params)
    low, high = np.log(SCALE)
    out = []
    for _ in range(draws):
        factors = np.exp(rng.uniform(low, high, len(paths)))
        chosen = {}
        for path, factor in zip(paths, factors, strict=True):
            inner = path.removeprefix("parameters.")
            low_bound, high_bound = field_bounds(params, inner)
            value = float(value_at(params, inner)) * float(factor)  # type: ignore[arg-type]
            chosen[path] = float(np.clip(value, low_bound, high_bound))
        out.append(chosen)
    return out


def bounds(metadata: Sequence[object]) -> tuple[float, float]:
    """A field's (low, high) from its pydantic constraints (open where it has none)."""
    low = next((float(m.ge) for m in metadata if hasattr(m, "ge")), -np.inf)
    high = next((float(m.le) for m in metadata if hasattr(m, "le")), np.inf)
    return low, high


def sign_kept(default_effect: float, drawn_effects: Sequence[float]) -> float:
    """The share of ``drawn_effects`` with the sign of ``default_effect`` (NaN when it is 0)."""
    if default_effect == 0:
        return float("nan")
    return float(np.mean(np.sign(np.asarray(drawn_effects)) == np.sign(default_effect)))
