"""laossim: a scenario simulation engine for the military diplomacy of Laos.

The public API::

    import laossim
    scenario = laossim.load_scenario("scenarios/laos_baseline.yaml", overrides={"states.LAO.autonomy": 0.5})
    result = laossim.run(scenario, seed=1, replications=5)
    result.summary; result.timeseries; result.save("results/my-run")
"""

from importlib import metadata

try:
    __version__ = metadata.version("laossim")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

from laossim.errors import Problem, ScenarioError
from laossim.experiment.sweep import sweep
from laossim.model import LaosModel, StateAgent, shipped_scenario
from laossim.run import Comparison, RunResult, compare, run
from laossim.scenario import Scenario, load_scenario
from laossim.synthetic import synthetic_scenario

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
    "load_scenario",
    "run",
    "shipped_scenario",
    "sweep",
    "synthetic_scenario",
]
