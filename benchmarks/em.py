"""EM iterations per second against sequence length (Bengio & Frasconi 1994, Section 6): one EM
iteration (E step over every sequence + M step) of R runs x B sequences for T = 10 ... 500.  The
forward-backward recursions are one loop over time, so the cost per iteration must grow linearly in T:
the script prints the seconds per iteration divided by T, which should stay roughly constant, and the
slope of log(time) against log(T) (1 = linear).  Not a test: run it by hand,

    .venv/bin/python benchmarks/em.py [--runs 20] [--seqs 20] [--repeats 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from longdeps.experiments.em_target_propagation import make_learner, make_model, make_task
from longdeps.experiments.em_target_propagation.common import TABLE_CONFIG, EMConfig

LENGTHS = (10, 20, 50, 100, 200, 500)


def seconds_per_iteration(problem: str, config: EMConfig, T: int, runs: int, seqs: int, repeats: int):
    rngs = [np.random.default_rng([T, r]) for r in range(runs)]
    task, model = make_task(problem, T), make_model(problem, config)
    batch = task.sample(rngs, seqs)
    learner = make_learner(model, config)
    state = learner.init(model.init(rngs), rngs)
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        learner.step(state, batch, rngs)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seqs", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    cases = [
        ("parity", "exact EM (table)", EMConfig(m_step="exact", lam=0.0)),
        ("parity", "Tables' config", TABLE_CONFIG),
        ("two_sequence", "Tables' config", TABLE_CONFIG),
    ]
    for problem, label, cfg in cases:
        print(f"{problem}, {label}: R = {args.runs} runs x B = {args.seqs} sequences")
        print(f"{'T':>5} {'iter/s':>9} {'ms/iter':>9} {'us/iter/T':>10}")
        times = []
        for T in LENGTHS:
            s = seconds_per_iteration(problem, cfg, T, args.runs, args.seqs, args.repeats)
            times.append(s)
            print(f"{T:>5} {1 / s:>9.2f} {1e3 * s:>9.2f} {1e6 * s / T:>10.1f}")
        slope = np.polyfit(np.log(LENGTHS), np.log(times), 1)[0]
        print(f"slope of log time against log T: {slope:.2f} (1 = linear)\n")


if __name__ == "__main__":
    main()
