"""What worker processes and a Dask cluster buy for one trial workload: the same trials run serially
(one array computation), on 2 worker processes, and on a local Dask cluster of 2 worker processes.

Two workloads: the Fig. 2a trainer of BSF94 (``experiments.minimal_task._fig2a_trials``: L = 3,
T = 20, batch gradient descent) and the new training core (``learning.fit`` + ``GradientLearner`` on
the Section V-E latch, lengths in [T/2, T]).  Prints seconds and the speed-up over serial, and checks
the numbers are identical.  Pool start-up is included for processes (a pool is started per call);
the cluster's start-up is reported separately.  The CPUs may be shared with other jobs: the script
first measures how many busy loops run at once ("parallel capacity"), the ceiling of any speed-up.
Not a test: run it by hand,

    .venv/bin/python benchmarks/bench_executors.py [--runs 400] [--epochs 300] [--T 20] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from longdeps.experiments import minimal_task as mt
from longdeps.runner import run_trials


def fit_latch_trials(rngs, T, epochs, lr):
    """BPTT on the V-E latch (w, u_0, u_1 trainable, 20 sequences per run) through the fit loop."""
    from longdeps import optim
    from longdeps.learning.fit import fit
    from longdeps.learning.gradient import GradientLearner
    from longdeps.models.rnn import LatchNet
    from longdeps.tasks.latch_v import LatchV

    task, model = LatchV(T=T), LatchNet(L=1)
    theta0 = model.init(rngs)
    train = task.sample(rngs, 20)
    learner = GradientLearner(model, task, optim.sgd(lr))
    res = fit(learner, task, model, theta0, rngs, train=train, max_steps=epochs, eval_every=10)
    return res.as_dict()


def _busy(n: int) -> float:
    t0 = time.perf_counter()
    s = 0
    for i in range(n):
        s += i
    return time.perf_counter() - t0


def parallel_capacity(workers: int, n: int = 10_000_000) -> float:
    """How many pure-Python loops the machine runs at once right now (other jobs share the CPUs):
    the speed-up of ``workers`` loops in ``workers`` processes over one loop.  Bounds any speed-up."""
    import concurrent.futures

    from longdeps.runner import _mp_context

    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=_mp_context()) as pool:
        list(pool.map(_busy, [10] * workers))
        one = list(pool.map(_busy, [n]))[0]
        t0 = time.perf_counter()
        list(pool.map(_busy, [n] * workers))
        return workers * one / (time.perf_counter() - t0)


def report(label: str, seconds: float, serial: float, same: bool | None) -> None:
    tail = "" if same is None else f"  speed-up {serial / seconds:4.2f} x  (identical numbers: {same})"
    print(f"  {label:28s}: {seconds:7.2f} s{tail}")


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k], equal_nan=True) for k in a)


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=400)
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--T", type=int, default=20, help="sequence length (Fig. 2a: 20)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask cluster")
    args = parser.parse_args()
    os.environ["LONGDEPS_PROGRESS"] = "0"

    rng = np.random.default_rng(0)
    workloads = {
        "Fig. 2a trainer (minimal_task)": (
            mt._fig2a_trials,
            dict(
                w0=rng.uniform(0.25, 3.0, args.runs).tolist(),
                s=rng.uniform(0.0, 1.0, args.runs).tolist(),
                T=args.T,
                L=3,
                epochs=args.epochs,
                lr=mt.CHOICES["lr"],
            ),
        ),
        "fit + GradientLearner, V-E latch": (fit_latch_trials, dict(T=args.T, epochs=args.epochs, lr=0.05)),
    }
    half = -(-args.runs // args.workers)
    print(f"parallel capacity now: {parallel_capacity(args.workers):.2f} of {args.workers} (busy loops)")
    cluster = client = None
    if not args.no_dask:
        from distributed import Client, LocalCluster

        t_start, cluster = timed(
            lambda: LocalCluster(
                n_workers=args.workers,
                processes=True,
                threads_per_worker=1,
                dashboard_address=None,
                silence_logs=40,
            )
        )
        client = Client(cluster)
        print(
            f"(local Dask cluster of {args.workers} processes started in {t_start:.1f} s, not counted below)"
        )
    try:
        for name, (fn, cfg) in workloads.items():
            print(
                f"{name}: {args.runs} runs x up to {args.epochs} epochs, T = {args.T}, {os.cpu_count()} CPUs"
            )

            def go(executor, batch_size=None, fn=fn, cfg=cfg):
                return run_trials(
                    "bench", fn, args.runs, config=cfg, cache=False, executor=executor, batch_size=batch_size
                )

            t_serial, ref = timed(lambda: go("serial"))
            report("serial, one batch", t_serial, t_serial, None)
            t_proc, out = timed(lambda: go(args.workers, half))
            report(f"{args.workers} processes", t_proc, t_serial, _same(ref, out))
            if client is not None:
                t_dask, out = timed(lambda: go(client, half))
                report(f"Dask LocalCluster, {args.workers} proc.", t_dask, t_serial, _same(ref, out))
    finally:
        if client is not None:
            client.close()
            cluster.close()


if __name__ == "__main__":
    main()
