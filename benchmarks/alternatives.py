"""Sequence presentations per second of each algorithm of "Alternatives to gradient descent" (BSF94
Section V-E protocol), one trial alone and a batch of trials as one array computation.

Not a test: run it by hand,

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/alternatives.py [--problem parity] [--T 10]
"""

from __future__ import annotations

import argparse
import time

from longdeps.experiments.alternatives.common import ALGORITHMS, ONLINE, run_cell
from longdeps.runner import trial_rngs


def rate(problem: str, T: int, algorithm: str, runs: int, budget: int) -> tuple[float, float]:
    """(presentations per second summed over the runs, seconds) of one cell of ``runs`` trials."""
    t0 = time.perf_counter()
    r = run_cell(trial_rngs(0, range(runs)), problem, T, algorithm, budget)
    dt = time.perf_counter() - t0
    return float(r.presentations.sum()) / dt, dt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problem", default="parity", choices=("latch", "two_sequence", "parity"))
    parser.add_argument("--T", type=int, default=10)
    parser.add_argument("--batch", type=int, default=20, help="trials run together")
    parser.add_argument("--online-budget", type=int, default=1000)
    parser.add_argument("--search-budget", type=int, default=20000)
    a = parser.parse_args()
    print(f"{a.problem}, T = {a.T}: presentations per second (single trial | {a.batch} trials batched)")
    for alg in ALGORITHMS:
        budget = a.online_budget if alg in ONLINE else a.search_budget
        single, _ = rate(a.problem, a.T, alg, 1, budget)
        batched, dt = rate(a.problem, a.T, alg, a.batch, budget)
        print(f"  {alg:15s} {single:12.0f} | {batched:12.0f}   (x{batched / single:5.1f}; batch {dt:.1f}s)")


if __name__ == "__main__":
    main()
