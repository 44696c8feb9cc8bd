"""Loading experiment files: every mistake at once, varied paths checked against the scenario."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from laossim import vocab
from laossim.errors import Problem, ScenarioError, did_you_mean, show
from laossim.experiment.schema import Experiment, Method, Range
from laossim.inputs.kinds import EXPERIMENT, read_document
from laossim.inputs.translate import translate
from laossim.inputs.tree import LList, LMap, to_builtin
from laossim.scenario import Scenario, load_resolved, override_scenario
from laossim.simulation import outputs as model_outputs

SAMPLED = (Method.lhs, Method.sobol, Method.morris)


@dataclass(frozen=True)
class LoadedExperiment:
    """A validated experiment with its scenario and the hashes of every input file."""

    experiment: Experiment
    path: Path
    scenario: Scenario
    files: tuple[tuple[str, str], ...]
    """(path, sha256) of the experiment file, then its scenario chain."""

    @property
    def root_seed(self) -> int:
        return self.experiment.seed if self.experiment.seed is not None else self.scenario.simulation.seed

    @property
    def steps(self) -> int:
        return self.experiment.steps or self.scenario.simulation.steps


def load_experiment(path: str | Path) -> LoadedExperiment:
    """Read and validate an experiment file and the scenario it names.

    Raises:
        ScenarioError: with every problem, in the experiment file or its scenario.
    """
    path = Path(path)
    file = str(path)
    doc = read_document(path, EXPERIMENT)
    try:
        experiment = Experiment.model_validate(to_builtin(doc))
    except ValidationError as exc:
        raise ScenarioError(_check_outputs(doc) + translate(exc, doc, Experiment)) from None
    problems = _check_design(doc, experiment)
    scenario_path = path.parent / experiment.scenario
    try:
        resolved = load_resolved(scenario_path)
    except ScenarioError as exc:
        if any(p.message == "file not found" for p in exc.problems):
            problems.append(
                Problem.at(
                    doc.where("scenario"),
                    "scenario",
                    f"scenario file not found: {scenario_path}",
                    hint="paths are relative to the experiment file",
                )
            )
            raise ScenarioError(_check_outputs(doc) + problems) from None
        raise ScenarioError(_check_outputs(doc) + problems + list(exc.problems)) from None
    problems += _check_outputs(doc, resolved.scenario) + _check_paths(doc, experiment, resolved.scenario)
    if problems:
        raise ScenarioError(problems)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return LoadedExperiment(experiment, path, resolved.scenario, ((file, digest), *resolved.files))


def _check_outputs(doc: LMap, scenario: Scenario | None = None) -> list[Problem]:
    """Outputs must be scores or components, or (once the scenario is known) a family's member."""
    outputs = doc.get("outputs")
    if not isinstance(outputs, LList):
        return []
    known = model_outputs(scenario) if scenario is not None else list(vocab.COLUMNS)
    return [
        Problem.at(
            outputs.where(i),
            f"outputs[{i}]",
            "unknown output",
            f"a score or component of docs/model.md, {' or '.join(f.pattern for f in vocab.FAMILIES)}",
            show(name),
            did_you_mean(name, known),
        )
        for i, name in enumerate(outputs)
        if isinstance(name, str) and name not in known and (scenario is not None or vocab.family_member(name) is None)
    ]


def _check_design(doc: LMap, exp: Experiment) -> list[Problem]:
    problems = []
    design = doc.get("design")
    if not isinstance(design, LMap):
        design = doc
    vary = doc["vary"]
    method = exp.design.method
    if method in SAMPLED and exp.design.samples is None:
        problems.append(
            Problem.at(
                design.where("method"),
                "design.samples",
                f"{method.value} needs a sample size",
                "samples: N",
                hint="for sobol a power of two, e.g. 256",
            )
        )
    if method is Method.sobol and exp.design.samples and exp.design.samples & (exp.design.samples - 1):
        problems.append(
            Problem.at(
                design.where("samples"),
                "design.samples",
                "Sobol samples must be a power of two",
                "e.g. 128, 256, 512",
                show(exp.design.samples),
            )
        )
    for key, values in exp.vary.items():
        where = vary.where(key)
        if key.split(".")[0] == "simulation":
            file, line = where
            problems.append(
                Problem(
                    file,
                    line,
                    f"vary.{key}",
                    "a sweep's runs share one run length, seed and calendar, so simulation settings cannot vary",
                    hint="set steps:, seed: or replications: at the experiment's top level, "
                    "or write one experiment per value",
                )
            )
            continue
        if method in SAMPLED and not isinstance(values, Range):
            problems.append(
                Problem.at(
                    where,
                    f"vary.{key}",
                    f"a {method.value} design samples numeric ranges",
                    "{from: LOW, to: HIGH}",
                    show(values),
                    "use a grid design for a list of values",
                )
            )
        elif method is Method.grid and isinstance(values, Range) and values.steps is None:
            problems.append(
                Problem.at(
                    where, f"vary.{key}", "a grid range needs its number of values", "{from: LOW, to: HIGH, steps: N}"
                )
            )
        elif isinstance(values, list):
            if len({_kind(v) for v in values}) > 1:
                problems.append(
                    Problem.at(
                        where,
                        f"vary.{key}",
                        "values of one parameter must be of one kind",
                        "all numbers, all text or all true/false",
                        show(values),
                    )
                )
            if not values:
                problems.append(Problem.at(where, f"vary.{key}", "no values to vary over", "a non-empty list"))
    return problems


def _check_paths(doc: LMap, exp: Experiment, scenario: Scenario) -> list[Problem]:
    """Every varied path must exist in the scenario and accept the values it will be given."""
    problems = []
    vary = doc["vary"]
    for key, values in exp.vary.items():
        if key.split(".")[0] == "simulation":
            continue  # refused by _check_design
        probes = [values.start, values.to] if isinstance(values, Range) else list(values)
        for value in probes:
            try:
                override_scenario(scenario, {key: value})
            except ScenarioError as exc:
                first = exc.problems[0]
                problems.append(
                    Problem.at(vary.where(key), f"vary.{key}", first.message, first.expected, first.got, first.hint)
                )
                break
    return problems


def _kind(value: object) -> str:
    return "bool" if isinstance(value, bool) else "text" if isinstance(value, str) else "number"
