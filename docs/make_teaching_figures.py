"""The figures quoted in docs/teaching.md: ``python docs/make_teaching_figures.py`` (about a minute).

Each line is one setting of one exercise, run as ``laossim run`` would run it
(the scenario's seed and replications, 10 years), so a teacher can check
any figure with the command the exercise gives; the fourth exercise's are the two models the
app's side-by-side view steps (:func:`laossim.app.viewmodel.paired`), as the class sees them.
"""

from __future__ import annotations

from pathlib import Path

import laossim
from laossim.app import viewmodel as vm

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
FORUMS = ("ASEAN", "ADMM", "ADMM_Plus")


def run(name: str, overrides: dict[str, float], steps: int) -> laossim.RunResult:
    return laossim.run(laossim.load_scenario(SCENARIOS / f"{name}.yaml", overrides=overrides), steps=steps)


def means(result: laossim.RunResult, *scores: str) -> str:
    table = result.summary.set_index("score")["mean"]
    return ", ".join(f"{s} {table[s]:.3f}" for s in scores)


def main() -> None:
    print("1. The hedging dilemma under debt (laos_baseline and china_debt_leverage, 40 steps)")
    for doctrine in ("hedger", "bandwagoner"):
        for name in ("laos_baseline", "china_debt_leverage"):
            result = run(name, {"states.LAO.doctrine": doctrine}, steps=40)
            final = result.states[(result.states.state == "LAO") & (result.states.step == 40)]
            print(
                f"   {doctrine}, {name}: Laos's China share {final.alignment_CHN.mean():.3f}; "
                + means(result, "focal_autonomy", "dependence_concentration")
            )
    print("2. The security dilemma of a visible exercise (40 steps)")
    for name in ("laos_baseline", "vietnam_special_relationship"):
        for visibility in (1.0, 0.0):
            result = run(name, {"parameters.engagement.types.joint_exercise.visibility": visibility}, steps=40)
            print(f"   {name}, joint exercise visibility {visibility}: " + means(result, "focal_security", "stability"))
    print("3. Forums as shock absorbers (us_china_crisis, 24 steps)")
    for strength in (0.0, 0.2, 0.8):
        result = run("us_china_crisis", {f"forums.{f}.strength": strength for f in FORUMS}, steps=24)
        print(f"   every forum at strength {strength}: " + means(result, "stability", "mean_tension", "cooperation"))
    print("4. Same chance, two futures (laos_baseline beside laos_debt_squeeze in the app, one shared seed)")
    left, right = vm.paired(
        *(laossim.load_scenario(SCENARIOS / f"{n}.yaml") for n in ("laos_baseline", "laos_debt_squeeze"))
    )
    for t in range(1, 13):
        left.step()
        right.step()
        if t in (4, 12):
            for model in (left, right):
                w, lao = model.world, model.world.focal
                china = w.engagement_tally[lao, w.ids.index("CHN")] / w.engagement_tally[lao].sum()
                print(
                    f"   step {t}, {model.spec.scenario}: budget US$ {w.defence_budget[lao]:.1f} m, engagements a year "
                    f"{w.self_funded[lao]:.3f} self-funded and {w.financed[lao]:.3f} financed, China's share "
                    f"{china:.3f}, focal_autonomy {model.scores['focal_autonomy']:.3f}"
                )


if __name__ == "__main__":
    main()
