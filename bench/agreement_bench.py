"""Benchmark: our Krippendorff's alpha against the ``krippendorff`` package (bench-only oracle).

Data: numpy ``default_rng(12345)``, 10 coders x 1,000,000 units, 5 categories (1..5), 10% of
the cells missing. For nominal and ordinal alpha it reports the best of ``--repeats`` wall
times of each implementation in the same run, their ratio, the peak extra memory of one call
of each (tracemalloc, which tracks numpy's allocations) and checks that both give the same
alpha. ``--check`` exits non-zero unless ours is at least 2x faster at both levels.

Run from the repository root:  .venv/bin/python bench/agreement_bench.py
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import krippendorff  # GPL: benchmark and tests only, never imported by cases/

from cases.review.agreement import krippendorff_alpha

SEED = 12345
CODERS, UNITS, CATEGORIES, MISSING = 10, 1_000_000, 5, 0.10
LEVELS = ("nominal", "ordinal")
MB = 1024 * 1024


def make_data(units: int = UNITS) -> np.ndarray:
    rng = np.random.default_rng(SEED)
    data = rng.integers(1, CATEGORIES + 1, size=(CODERS, units)).astype(np.float64)
    data[rng.random(data.shape) < MISSING] = np.nan
    return data


def best_time(function: Callable[[], float | None], repeats: int) -> tuple[float, float | None]:
    """Best wall time of ``repeats`` calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def peak_memory(function: Callable[[], float | None]) -> float:
    """Peak memory allocated during one call, beyond what existed before it (MiB)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / MB


def measure(data: np.ndarray, level: str, repeats: int) -> dict[str, float]:
    def ours() -> float | None:
        return krippendorff_alpha(data, level=level)

    def theirs() -> float:
        return float(krippendorff.alpha(data, level_of_measurement=level))

    ours_time, ours_value = best_time(ours, repeats)
    theirs_time, theirs_value = best_time(theirs, repeats)
    assert ours_value is not None and abs(ours_value - theirs_value) < 1e-9, (
        ours_value,
        theirs_value,
    )
    return {
        "ours_s": ours_time,
        "theirs_s": theirs_time,
        "ratio": theirs_time / ours_time,
        "ours_mb": peak_memory(ours),
        "theirs_mb": peak_memory(theirs),
        "alpha": ours_value,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="timing repeats (best is kept)")
    parser.add_argument("--units", type=int, default=UNITS, help="units (default 1,000,000)")
    parser.add_argument("--check", action="store_true", help="fail unless ours is >= 2x faster")
    args = parser.parse_args()

    data = make_data(args.units)
    input_mb = data.nbytes / MB
    cube_mb = args.units * CATEGORIES**2 * 8 / MB
    print(
        f"{CODERS} coders x {args.units:,} units, {CATEGORIES} categories, "
        f"{MISSING:.0%} missing (default_rng({SEED})); best of {args.repeats}"
    )
    print(f"input {input_mb:.0f} MiB; units x categories² floats would be {cube_mb:.0f} MiB\n")
    header = ("level", "ours s", "theirs s", "ratio", "ours MiB", "theirs MiB")
    print("{:<9}{:>9}{:>10}{:>8}{:>10}{:>12}".format(*header))
    ok = True
    for level in LEVELS:
        row = measure(data, level, args.repeats)
        ok &= row["ratio"] >= 2.0
        print(
            f"{level:<9}{row['ours_s']:>9.3f}{row['theirs_s']:>10.3f}{row['ratio']:>7.1f}x"
            f"{row['ours_mb']:>10.1f}{row['theirs_mb']:>12.1f}"
        )
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
