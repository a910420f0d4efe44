"""How much the leading runs axis buys: training R latch runs as one array computation versus one
run at a time (the Fig. 2a protocol of BSF94: L = 3, T = 20, 10 sequences per class).

Prints seconds and runs per second for both, and the speed-up.  Not a test: run it by hand,

    .venv/bin/python benchmarks/bench_vectorised.py [--runs 198] [--loop-runs 12] [--epochs 300]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from longdeps.experiments import minimal_task as mt
from longdeps.runner import run_trials


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=198, help="runs trained together (one Fig. 2a row)")
    parser.add_argument("--loop-runs", type=int, default=12, help="runs trained one by one (extrapolated)")
    parser.add_argument("--epochs", type=int, default=300)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    cfg = dict(
        w0=rng.uniform(0.25, 3.0, args.runs).tolist(),
        s=rng.uniform(0.0, 1.0, args.runs).tolist(),
        T=20,
        L=3,
        epochs=args.epochs,
        lr=mt.CHOICES["lr"],
    )

    def vectorised():
        run_trials("bench", mt._fig2a_trials, args.runs, config=cfg, cache=False, progress=False)

    def one_by_one():
        run_trials("bench", mt._fig2a_trials, args.loop_runs, config=cfg, batch_size=1, cache=False)

    t_vec = timed(vectorised)
    t_loop = timed(one_by_one) * args.runs / args.loop_runs
    print(f"Fig. 2a trainer, {args.runs} runs x up to {args.epochs} epochs (L = 3, T = 20, 20 sequences)")
    print(f"  one array computation : {t_vec:7.2f} s  ({args.runs / t_vec:8.1f} runs/s)")
    print(f"  one run at a time     : {t_loop:7.2f} s  ({args.runs / t_loop:8.1f} runs/s, extrapolated")
    print(f"                          from {args.loop_runs} runs)")
    print(f"  speed-up              : {t_loop / t_vec:7.1f} x")


if __name__ == "__main__":
    main()
