"""Loading experiment files: every mistake at once, varied paths checked against the scenario."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
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
    problems = _check_form(doc, exp)
    design = doc.get("design")
    if not isinstance(design, LMap):
        design = doc
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
    section = "uncertainties" if exp.robust else "vary"
    block = doc.get(section)
    if not isinstance(block, LMap):
        block = doc
    for key, values in exp.sampled.items():
        where = block.where(key)
        if key.split(".")[0] == "simulation":
            problems.append(_simulation_refused(where, f"{section}.{key}"))
            continue
        # a robust experiment's Latin hypercube samples a set too (each value equally often)
        if method in SAMPLED and not isinstance(values, Range) and not exp.robust:
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
                    where,
                    f"{section}.{key}",
                    "a grid range needs its number of values",
                    "{from: LOW, to: HIGH, steps: N}",
                )
            )
        elif isinstance(values, list):
            if len({_kind(v) for v in values}) > 1:
                problems.append(
                    Problem.at(
                        where,
                        f"{section}.{key}",
                        "values of one parameter must be of one kind",
                        "all numbers, all text or all true/false",
                        show(values),
                    )
                )
            if not values:
                problems.append(Problem.at(where, f"{section}.{key}", "no values to vary over", "a non-empty list"))
    return problems


def _simulation_refused(where: tuple[str, int | None], field: str) -> Problem:
    file, line = where
    return Problem(
        file,
        line,
        field,
        "a sweep's runs share one run length, seed and calendar, so simulation settings cannot vary",
        hint="set steps:, seed: or replications: at the experiment's top level, or write one experiment per value",
    )


def _check_form(doc: LMap, exp: Experiment) -> list[Problem]:
    """A sweep varies fields (``vary:``); a robust experiment names lever settings and samples
    uncertainties (``levers:``, ``uncertainties:``): each form's keys, and only its own."""
    problems = []
    if not exp.robust:
        if not exp.vary:
            problems.append(
                Problem.at(
                    doc.where("vary") if "vary" in doc else doc.loc,
                    "vary",
                    "an experiment needs fields to vary",
                    "vary: {PATH: [VALUES] or {from: LOW, to: HIGH}}",
                    hint="or, to compare policies across futures, levers: and uncertainties: (laossim robust)",
                )
            )
        for key in ("uncertainties", "thresholds", "tolerances"):
            if key in doc and getattr(exp, key):
                problems.append(
                    Problem.at(
                        doc.where(key),
                        key,
                        f"{key} belong to a robust experiment, which names its lever settings",
                        "levers: {NAME: {PATH: VALUE}, ...} beside them",
                        hint="or, for a sweep, write the varied fields under vary:",
                    )
                )
        return problems
    levers = doc["levers"]
    if exp.vary:
        problems.append(
            Problem.at(
                doc.where("vary"),
                "vary",
                "a robust experiment samples its futures from uncertainties:, not vary:",
                "uncertainties: {PATH: {from: LOW, to: HIGH} or [VALUES]}",
                hint="rename vary: to uncertainties:",
            )
        )
    if not exp.uncertainties:
        problems.append(
            Problem.at(
                doc.where("uncertainties") if "uncertainties" in doc else doc.where("levers"),
                "uncertainties",
                "a robust experiment needs the uncertainties its futures are sampled from",
                "uncertainties: {PATH: {from: LOW, to: HIGH} or [VALUES]}",
            )
        )
    if len(exp.levers) < 2:
        problems.append(
            Problem.at(
                doc.where("levers"),
                "levers",
                "a robust experiment compares lever settings: it needs at least two",
                "levers: {hedge: {}, concentrate: {PATH: VALUE, ...}}",
                show(list(exp.levers)),
                "{} is the scenario as written",
            )
        )
    if exp.design.method not in (Method.lhs, Method.grid):
        problems.append(
            Problem.at(
                doc["design"].where("method") if isinstance(doc.get("design"), LMap) else doc.where("design"),
                "design.method",
                "a robust experiment's futures are a Latin hypercube or a grid",
                "lhs or grid",
                exp.design.method.value,
            )
        )
    uncertainties = doc.get("uncertainties")
    for name, setting in exp.levers.items():
        for path in setting:
            if path.split(".")[0] == "simulation":
                problems.append(_simulation_refused(levers[name].where(path), f"levers.{name}.{path}"))
            elif path in exp.uncertainties and isinstance(uncertainties, LMap):
                problems.append(
                    Problem.at(
                        uncertainties.where(path),
                        f"uncertainties.{path}",
                        f"set by the lever setting '{name}' (line {levers[name].where(path)[1]}) and sampled as "
                        "an uncertainty",
                        hint="a field is either chosen (a lever) or uncertain, not both: remove it from one",
                    )
                )
    outputs = doc.get("outputs")
    for i, name in enumerate(exp.outputs):
        if vocab.better(name) != "higher":
            side = "lower values are better" if vocab.better(name) == "lower" else "neither way is better"
            problems.append(
                Problem.at(
                    outputs.where(i) if isinstance(outputs, LList) else doc.loc,
                    f"outputs[{i}]",
                    f"robustness reads higher values as better (regret, satisficing, maximin), and of {name} {side}",
                    hint="leave it out, or take an output where higher is better (focal_security for "
                    "crisis_probability, stability for mean_tension)",
                )
            )
        elif name not in vocab.COLUMNS and name not in exp.tolerances:
            problems.append(
                Problem.at(
                    outputs.where(i) if isinstance(outputs, LList) else doc.loc,
                    f"outputs[{i}]",
                    "has no minimal important difference to serve as the domain tolerance (only the scores and "
                    "components have one)",
                    hint=f"give tolerances: {{{name}: VALUE}}",
                )
            )
    for key in ("thresholds", "tolerances"):
        block = doc.get(key)
        for name in getattr(exp, key):
            if name not in exp.outputs and isinstance(block, LMap):
                problems.append(
                    Problem.at(
                        block.where(name),
                        f"{key}.{name}",
                        "not an output of this experiment",
                        f"one of {', '.join(exp.outputs)}",
                        show(name),
                        did_you_mean(name, exp.outputs),
                    )
                )
    return problems


def _check_paths(doc: LMap, exp: Experiment, scenario: Scenario) -> list[Problem]:
    """Every varied or sampled path must exist in the scenario and accept the values it will be
    given; each lever setting must make a valid scenario, path by path and as a whole."""
    section = "uncertainties" if exp.robust else "vary"
    problems = []
    for key, values in exp.sampled.items():
        if key.split(".")[0] == "simulation":
            continue  # refused by _check_design
        probes = [values.start, values.to] if isinstance(values, Range) else list(values)
        if isinstance(values, Range):  # sampled between its ends: a value inside too (a whole-number field refuses it)
            probes += (
                list(np.linspace(values.start, values.to, values.steps))
                if values.steps
                else [(values.start + values.to) / 2]
            )
        for value in probes:
            problem = _refused(scenario, {key: value}, doc[section].where(key), f"{section}.{key}")
            if problem:
                if isinstance(values, Range) and value not in (values.start, values.to):
                    problem = replace(
                        problem,
                        message=f"{problem.message}, inside the range {values.start:g} to {values.to:g}",
                        hint="a range is sampled between its ends: for a field of whole numbers give a list "
                        "of its values instead, e.g. [1, 2, 3]",
                    )
                problems.append(problem)
                break
    for name, setting in exp.levers.items():
        located = doc["levers"][name]
        alone = [
            _refused(scenario, {path: value}, located.where(path), f"levers.{name}.{path}")
            for path, value in setting.items()
            if path.split(".")[0] != "simulation"
        ]
        found = [p for p in alone if p]
        problems += found
        settable = {path: value for path, value in setting.items() if path.split(".")[0] != "simulation"}
        if not found and len(settable) > 1 and len(settable) == len(setting):
            problem = _refused(scenario, settable, doc["levers"].where(name), f"levers.{name}")
            if problem:
                problems.append(problem)
    return problems


def _refused(scenario: Scenario, overrides: dict, where: tuple[str, int | None], field: str) -> Problem | None:
    """The first problem of ``scenario`` with ``overrides`` set, placed at ``where``; None if valid."""
    try:
        override_scenario(scenario, overrides)
    except ScenarioError as exc:
        first = exc.problems[0]
        message = first.message if len(overrides) == 1 else f"{first.path}: {first.message}"
        return Problem.at(where, field, message, first.expected, first.got, first.hint)
    return None


def _kind(value: object) -> str:
    return "bool" if isinstance(value, bool) else "text" if isinstance(value, str) else "number"
