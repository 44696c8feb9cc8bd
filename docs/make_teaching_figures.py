"""The figures quoted in docs/teaching.md: ``python docs/make_teaching_figures.py`` (about a minute).

Each line is one setting of one exercise, run as ``laossim run`` would run it
(the scenario's seed and replications, 10 years), so a teacher can check
any figure with the command the exercise gives.
"""

from __future__ import annotations

from pathlib import Path

import laossim

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


if __name__ == "__main__":
    main()
