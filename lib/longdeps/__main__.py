"""Command line: ``python -m longdeps list`` and ``python -m longdeps run EXPERIMENT --profile P``."""

from __future__ import annotations

import argparse
import sys

from . import experiments
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m longdeps", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the experiments")
    run = sub.add_parser("run", help="run one experiment")
    run.add_argument("experiment")
    run.add_argument("--profile", default=DEFAULT_PROFILE, help=f"one of {', '.join(PROFILES)}")
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
    print(summarise(registry[args.experiment](profile=args.profile)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
