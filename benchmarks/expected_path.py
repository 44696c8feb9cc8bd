"""How still the baseline stands when nothing happens: ``python benchmarks/expected_path.py``.

The expected path is the mean of many replications (64, run as one stack) of the
baseline with no scheduled events and no modernisation. Prints one table, with
the alignment noise off and at its default: the largest total-variation move of
any state's mean alignment from its start over 80 quarters, and each headline
score's step-0 mean and its largest move over the first 20 steps (the model's
targets: under 0.02 each; docs/model.md, section 3.3, (8)). A few seconds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from laossim.scenario import load_scenario, override_scenario
from laossim.simulation import Simulation
from laossim.vocab import SCORES

ROOT = Path(__file__).resolve().parents[1]
REPLICATIONS, STEPS, EARLY = 64, 80, 20


def expected_path(noise: float) -> Simulation:
    base = load_scenario(ROOT / "scenarios" / "laos_baseline.yaml")
    still = {f"states.{s.id}.modernization": 0.0 for s in base.states} | {"parameters.alignment.noise": noise}
    stack = Simulation.replicated(override_scenario(base, still).model_copy(update={"events": []}), REPLICATIONS, STEPS)
    stack.run()
    return stack


def main() -> None:
    print(f"{'noise':>6} {'alignment TV (max state)':>26} " + " ".join(f"{s:>22}" for s in SCORES))
    for noise in (0.0, 0.02):
        stack = expected_path(noise)
        mean = np.stack(stack.histories["alignment"]).mean(axis=1)
        tv = 0.5 * np.abs(mean - mean[0]).sum(axis=-1).max(axis=0)
        worst = stack.world.ids[int(tv.argmax())]
        cells = []
        for name in SCORES:
            path = stack.series(name).mean(axis=1)
            cells.append(f"{path[0]:.3f} moves {np.abs(path[: EARLY + 1] - path[0]).max():.3f}")
        print(f"{noise:>6} {tv.max():>20.3f} ({worst}) " + " ".join(f"{c:>22}" for c in cells))


if __name__ == "__main__":
    main()
