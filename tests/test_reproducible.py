"""The same scenario and seed give the same numbers to the bit on any machine's linear algebra.

OpenBLAS picks its kernels by processor, and each kernel sums a matrix product in its own
order: single-precision scores moved in their eighth digit between machines, so a results
hash taken on one failed on another. The model therefore uses no matrix product; this runs
the shipped scenarios under each kernel this processor can run (``OPENBLAS_CORETYPE``) and with
one and two BLAS threads, and compares every table bit for bit.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

SCRIPT = """
import hashlib, sys
import pandas as pd
import laossim
digest = hashlib.sha256()
for name in sys.argv[1:]:
    result = laossim.run(name, seed=3, replications=2, steps=24)
    for table in ("timeseries", "states", "events", "network", "summary"):
        digest.update(pd.util.hash_pandas_object(getattr(result, table), index=False).to_numpy().tobytes())
print(digest.hexdigest())
"""
SCENARIOS = [
    str(ROOT / "scenarios" / f"{name}.yaml") for name in ("laos_baseline", "us_china_crisis", "asean_chair_year")
]


def kernels() -> list[str]:
    """OpenBLAS kernels this processor can run: Prescott (SSE3) always, Haswell with AVX2, SkylakeX with AVX-512."""
    flags = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    return ["Prescott"] + ["Haswell"] * ("avx2" in flags) + ["SkylakeX"] * ("avx512f" in flags)


def digest(**env: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *SCENARIOS],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_every_table_is_the_same_under_every_blas_kernel_and_thread_count():
    runs = {f"{kernel}, {threads} thread(s)": digest(OPENBLAS_CORETYPE=kernel, OPENBLAS_NUM_THREADS=str(threads))
            for kernel in kernels() for threads in (1, 2)}  # fmt: skip
    assert len(runs) >= 2
    assert len(set(runs.values())) == 1, runs
