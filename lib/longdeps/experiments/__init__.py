"""The experiments behind the book's figures and tables, one module per chapter.

Each module registers its experiments with :func:`experiment` (and its claims with
:func:`longdeps.claims.claim`).  An experiment is a function ``fn(profile="book") -> results`` that
reads its sizes from :mod:`longdeps.profiles`; the command line runs any of them by name::

    python -m longdeps list
    python -m longdeps run minimal_task.fig2a --profile paper
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

EXPERIMENTS: dict[str, Callable] = {}


def experiment(name: str):
    """Register the decorated function as experiment ``name`` (``"<chapter>.<artifact>"``)."""

    def register(fn: Callable) -> Callable:
        if name in EXPERIMENTS and EXPERIMENTS[name].__qualname__ != fn.__qualname__:
            raise ValueError(f"experiment {name!r} is registered twice")
        fn.experiment_name = name  # claims declared `of=fn` find their experiment by it
        EXPERIMENTS[name] = fn
        return fn

    return register


def load_all() -> dict[str, Callable]:
    """Import every module of this package and its chapter subpackages (registering their experiments
    and claims)."""
    for info in pkgutil.walk_packages(__path__, prefix=f"{__name__}."):
        importlib.import_module(info.name)
    return EXPERIMENTS


def get(name: str) -> Callable:
    load_all()
    if name not in EXPERIMENTS:
        raise KeyError(f"unknown experiment {name!r}; valid experiments: {', '.join(sorted(EXPERIMENTS))}")
    return EXPERIMENTS[name]
