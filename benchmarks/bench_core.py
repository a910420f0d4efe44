"""The training core against the trainer it replaced, on the Fig. 2a grid of BSF94 (L = 3, T = 20,
20 sequences per run, batch gradient descent, every (w0, s) cell's runs trained together).

The core: ``fit`` + ``GradientLearner`` + ``sgd`` on ``LatchNet`` and ``LatchTask`` (the evaluation
that decides when to stop hands its forward pass to the step: one forward and one backward pass per
epoch).  The baseline: the pre-core loop over ``LatchProblem.cost_and_grad`` with the neuron's own
loops (``_baseline_trainer.py``).  Prints seconds for both, the ratio, and checks they agree (same
runs converge, parameters equal to rounding).  Not a test: run it by hand,

    .venv/bin/python benchmarks/bench_core.py [--runs 18] [--epochs 300] [--repeat 5]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _baseline_trainer import BaselineProblem, baseline_gradient_descent

from longdeps.experiments.minimal_task.common import PROTOCOL, setup
from longdeps.learning.bptt import gradient_descent
from longdeps.runner import trial_rngs


def grid_problem(runs_per_cell: int):
    w0 = np.repeat(np.linspace(0.25, 3.0, 12), 11 * runs_per_cell)
    s = np.tile(np.repeat(np.linspace(0.0, 1.0, 11), runs_per_cell), 12)
    rngs = trial_rngs(0, range(w0.size))
    return setup(rngs, 20, 3, w0, s, None, "all")


def best_of(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=18, help="runs per (w0, s) cell (the paper's 18)")
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    problem, theta0 = grid_problem(args.runs)
    lr, R = PROTOCOL.lr, problem.n_runs

    t_core, t_base = [], []
    for _ in range(args.repeat):  # interleaved, so a busy spell on the machine hits both alike
        t, core = best_of(lambda: gradient_descent(problem, theta0, lr=lr, epochs=args.epochs), 1)
        t_core.append(t)
        t, base = best_of(
            lambda: baseline_gradient_descent(BaselineProblem(problem), theta0, lr=lr, epochs=args.epochs), 1
        )
        t_base.append(t)
    t_core, t_base = min(t_core), min(t_base)
    theta_b, conv_b, steps_b = base
    print(f"Fig. 2a grid: 12 w0 x 11 s x {args.runs} runs = {R} runs, up to {args.epochs} epochs, T = 20")
    print(f"  baseline (pre-core trainer) : {t_base:7.2f} s")
    print(f"  training core (fit loop)    : {t_core:7.2f} s   ({t_base / t_core:.2f}x the baseline's speed)")
    same = np.array_equal(core.converged, conv_b) and np.array_equal(core.steps, steps_b)
    print(f"  same runs converge at the same epoch: {same}; converged {core.converged.sum()} of {R}")
    print(f"  largest |theta difference|: {np.nanmax(np.abs(core.theta - theta_b)):.2e}")


if __name__ == "__main__":
    main()
