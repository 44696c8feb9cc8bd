"""laossim: a scenario simulation engine for the military diplomacy of Laos.

The public API::

    import laossim
    scenario = laossim.load_scenario("scenarios/laos_baseline.yaml", overrides={"states.LAO.autonomy": 0.5})
    result = laossim.run(scenario, seed=1, replications=5)
    result.summary; result.timeseries; result.save("results/my-run")
    laossim.discover("results/sweep", "focal_security < 0.5", "results/discovery")   # scenario discovery
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from laossim.discovery import discover
    from laossim.errors import Problem, ScenarioError
    from laossim.experiment.sweep import sweep
    from laossim.model import LaosModel, StateAgent, shipped_scenario
    from laossim.runs import Comparison, RunResult, compare, run
    from laossim.scenario import Scenario, load_scenario
    from laossim.synthetic import synthetic_scenario

_HOMES = {
    "discover": "laossim.discovery",
    "Problem": "laossim.errors",
    "ScenarioError": "laossim.errors",
    "sweep": "laossim.experiment.sweep",
    "LaosModel": "laossim.model",
    "StateAgent": "laossim.model",
    "shipped_scenario": "laossim.model",
    "Comparison": "laossim.runs",
    "RunResult": "laossim.runs",
    "compare": "laossim.runs",
    "run": "laossim.runs",
    "Scenario": "laossim.scenario",
    "load_scenario": "laossim.scenario",
    "synthetic_scenario": "laossim.synthetic",
}
"""Where each public name lives. They are imported on first use, so ``import laossim`` (and the
``laossim`` command) starts without Mesa and pandas, and a sweep's process pool can import them
in parallel with the command (``laossim.experiment.forkserver``)."""


def _version() -> str:
    from importlib import metadata  # 0.08 s: only when asked (a sweep's workers never ask)

    try:
        return metadata.version("laossim")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def __getattr__(name: str) -> object:
    if name == "__version__":
        globals()[name] = version = _version()
        return version
    if name in _HOMES:
        import importlib

        value = getattr(importlib.import_module(_HOMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'laossim' has no attribute {name!r}")


__all__ = [
    "Comparison",
    "LaosModel",
    "Problem",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "StateAgent",
    "__version__",
    "compare",
    "discover",
    "load_scenario",
    "run",
    "shipped_scenario",
    "sweep",
    "synthetic_scenario",
]
