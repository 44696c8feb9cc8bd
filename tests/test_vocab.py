"""The declared catalogue of outputs: complete, and read by every face.

A new score is declared once in ``laossim.vocab`` and computed once in
``laossim.metrics``; the last test adds one and finds it in the command's
tables, the plots, the report and the app without any other edit.
"""

from __future__ import annotations

import pytest

from conftest import ROOT, SCENARIOS
from laossim import metrics, vocab
from laossim.cli import main
from laossim.runs import run
from laossim.world import build_world

TEACHING = str(SCENARIOS / "teaching_minimal.yaml")


def test_the_catalogue_names_exactly_what_the_score_functions_compute(tiny):
    computed = metrics.scores(build_world(tiny), tiny.parameters)
    assert list(computed) == list(vocab.SCORES) + [c for c in computed if c not in vocab.SCORES]
    assert set(computed) == set(vocab.COLUMNS)
    assert len(set(vocab.COLUMNS)) == len(vocab.COLUMNS)


def test_every_output_has_a_label_a_meaning_and_a_place_in_the_model_doc():
    model = (ROOT / "docs" / "model.md").read_text()
    for entry in vocab.OUTPUTS:
        assert entry.label and len(entry.meaning) > 10, entry.name
        assert f"`{entry.name}`" in model or f"**{entry.name}**" in model, entry.name
    colours = [vocab.output(name).colour for name in vocab.SCORES]
    assert len(set(colours)) == len(colours)  # the scores can be told apart in one plot
    assert vocab.label("alignment.LAO.CHN") == "LAO on CHN"
    with pytest.raises(KeyError):
        vocab.output("stabilty")


def test_bounded_outputs_stay_in_the_unit_interval_over_a_run():
    result = run(SCENARIOS / "laos_baseline.yaml", replications=2, steps=12, seed=3)
    for entry in vocab.OUTPUTS:
        values = result.timeseries[entry.name]
        assert values.notna().all(), entry.name
        if entry.bounded:
            assert values.between(0, 1).all(), entry.name


def test_a_new_score_declared_in_the_catalogue_appears_in_every_face(tmp_path, monkeypatch, capsys):
    calm = vocab.Output("calm", "calm", "score", "1 minus mean tension, a score added by this test", colour="#17becf")
    monkeypatch.setattr(vocab, "OUTPUTS", (*vocab.OUTPUTS[:4], calm, *vocab.OUTPUTS[4:]))
    scores = (*vocab.SCORES, "calm")
    monkeypatch.setattr(vocab, "SCORES", scores)
    monkeypatch.setattr(vocab, "COLUMNS", (*scores, *vocab.COMPONENTS))
    computed = metrics.scores

    def with_calm(world, params):
        every = computed(world, params)
        return every | {"calm": 1.0 - every["mean_tension"]}

    monkeypatch.setattr(metrics, "scores", with_calm)
    out = tmp_path / "r"
    assert main(["run", TEACHING, "--steps", "4", "--replications", "2", "--out", str(out), "--report"]) == 0
    table = capsys.readouterr().out
    assert "\ncalm " in table  # the command's score table
    report = (out / "report.html").read_text()
    assert "<td>calm</td>" in report
    from laossim.plotting import scores_over_time

    result = run(TEACHING, steps=4, replications=2)
    titles = [ax.get_title() for ax in scores_over_time(result.timeseries).axes]
    assert titles == [vocab.label(name) for name in vocab.SCORES] and "calm" in titles
    assert main(["compare", TEACHING, TEACHING, "--steps", "3", "--replications", "2"]) == 0
    assert "\ncalm " in capsys.readouterr().out
    views = pytest.importorskip("laossim.app.views")
    assert views.score_colours()["calm"] == "#17becf"
    from laossim.model import LaosModel

    model = LaosModel(spec=TEACHING, rng=1)
    model.step()
    assert "calm" in model.datacollector.model_vars  # what the app's score plot draws


def test_a_new_family_of_per_state_outputs_declared_in_the_catalogue_is_recorded_by_sweeps(tmp_path, monkeypatch):
    from laossim import results
    from laossim.errors import ScenarioError
    from laossim.experiment.load import load_experiment
    from laossim.experiment.sweep import sweep

    family = vocab.Family("autonomy", "autonomy", None, "{state}'s autonomy", "a state's autonomy, added by a test")
    monkeypatch.setattr(vocab, "FAMILIES", (*vocab.FAMILIES, family))
    path = tmp_path / "autonomy.yaml"
    text = (
        f"format_version: 1\nexperiment: autonomy\nscenario: {TEACHING}\nreplications: 1\nsteps: 3\n"
        "design: {method: grid}\nvary:\n  states.LAO.autonomy: [0.3, 0.8]\n"
        "outputs: [stability, autonomy.LAO, alignment.LAO.CHN]\n"
    )
    path.write_text(text)
    sweep(path, tmp_path / "out", executor="serial", progress=False)
    table = results.load(tmp_path / "out", series=True)
    assert (table["autonomy.LAO"] == table["states.LAO.autonomy"]).all() and len(table) == 2 * 4
    assert vocab.label("autonomy.LAO") == "LAO's autonomy" and vocab.bounds("autonomy.LAO") == (0.0, 1.0)
    path.write_text(text.replace("autonomy.LAO,", "autonomy.LOA,"))
    with pytest.raises(ScenarioError, match=r"did you mean 'autonomy\.LAO'"):
        load_experiment(path)


def test_every_engagement_kind_has_a_phrase_default_effects_and_a_place_in_the_model_doc():
    from laossim.scenario.parameters import EngagementKind, EngagementType, Parameters

    model = (ROOT / "docs" / "model.md").read_text()
    fields = set(EngagementType.model_fields)
    assert [k.value for k in EngagementKind] == [k.name for k in vocab.KINDS]
    defaults = Parameters().engagement.types
    for kind in vocab.KINDS:
        assert kind.phrase and {name for name, _ in kind.defaults} <= fields, kind.name
        assert defaults[EngagementKind(kind.name)] == EngagementType(**dict(kind.defaults))
        assert f"parameters.engagement.types.{kind.name}.weight" in model, kind.name


NEW_KIND = """
import sys
from laossim import vocab
vocab.KINDS += (vocab.Kind("cyber_dialogue", "hold a cyber security dialogue", "border", (("weight", 50.0),)),)
vocab.PHRASES["cyber_dialogue"] = vocab.KINDS[-1].phrase
import laossim
from laossim.mechanisms.records import describe
from laossim.scenario.parameters import Parameters
scenario = laossim.load_scenario(sys.argv[1])
assert "cyber_dialogue" in Parameters().engagement.types
result = laossim.run(scenario, replications=1, steps=8)
chosen = result.events[result.events.kind == "cyber_dialogue"]
assert len(chosen) > 0, "a kind weighted 50 is chosen"
assert all({row.source, row.target} in ({"LAO", "VNM"}, {"CHN", "LAO"}, {"CHN", "VNM"}) for row in chosen.itertuples())
print(chosen.description.iloc[0])
"""


def test_a_new_engagement_kind_declared_in_the_catalogue_is_read_by_the_schema_the_mechanism_and_the_feed(tmp_path):
    """One entry in ``vocab.KINDS`` (here a border-only kind) is enough: scenario files may
    name it, it has default effects, the mechanism picks it only across borders, and the
    event tables describe it in its own words."""
    import subprocess
    import sys

    from laossim.inputs.tree import read_yaml, to_builtin
    from yaml_writer import dump

    doc, _ = read_yaml(SCENARIOS / "teaching_minimal.yaml")
    data = to_builtin(doc)
    data["events"].append({"at": 3, "type": "engagement", "kind": "cyber_dialogue", "between": ["LAO", "VNM"]})
    scenario = tmp_path / "with_cyber.yaml"
    scenario.write_text(dump(data))
    done = subprocess.run([sys.executable, "-c", NEW_KIND, str(scenario)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "hold a cyber security dialogue" in done.stdout
