"""Command line: ``python -m longdeps list`` and ``python -m longdeps run EXPERIMENT --profile P``.

``run`` takes ``--processes N`` (run the experiment's trial batches on N worker processes) or
``--scheduler tcp://HOST:8786`` (on a Dask cluster); the numbers are the same as a serial run.
"""

from __future__ import annotations

import argparse
import contextlib
import sys

from . import experiments, runner
from .profiles import DEFAULT_PROFILE, PROFILES


def summarise(results) -> str:
    """A short text view of an experiment's results (dicts of arrays, numbers, or dataclasses)."""
    import numpy as np

    if hasattr(results, "__dataclass_fields__"):
        results = {k: getattr(results, k) for k in results.__dataclass_fields__}
    if not isinstance(results, dict):
        return repr(results)
    lines = []
    for k, v in results.items():
        if isinstance(v, np.ndarray) and v.size > 8:
            lines.append(f"{k}: array{v.shape} mean={np.nanmean(v):.4g}")
        else:
            lines.append(f"{k}: {v}")
    return "\n".join(lines)


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m longdeps", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the experiments")
    run = sub.add_parser("run", help="run one experiment")
    run.add_argument("experiment")
    run.add_argument("--profile", default=DEFAULT_PROFILE, help=f"one of {', '.join(PROFILES)}")
    where = run.add_mutually_exclusive_group()
    where.add_argument(
        "--processes", type=_positive_int, metavar="N", help="run trial batches on N processes"
    )
    where.add_argument("--scheduler", metavar="tcp://HOST:8786", help="run trial batches on a Dask cluster")
    args = parser.parse_args(argv)

    registry = experiments.load_all()
    if args.command == "list":
        for name in sorted(registry):
            doc = (registry[name].__doc__ or "").strip().splitlines()
            print(f"{name:40s} {doc[0] if doc else ''}")
        return 0
    if args.profile not in PROFILES:
        print(f"unknown profile {args.profile!r}; valid profiles: {', '.join(PROFILES)}", file=sys.stderr)
        return 2
    if args.experiment not in registry:
        print(
            f"unknown experiment {args.experiment!r}; valid experiments: {', '.join(sorted(registry))}",
            file=sys.stderr,
        )
        return 2
    if args.scheduler is not None and "://" not in args.scheduler:
        print(
            f"--scheduler needs a scheduler address like tcp://HOST:8786, got {args.scheduler!r}",
            file=sys.stderr,
        )
        return 2
    executor = args.processes or args.scheduler
    with runner.using_executor(executor) if executor else contextlib.nullcontext():
        print(summarise(registry[args.experiment](profile=args.profile)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
