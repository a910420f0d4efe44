"""The 1994 problems by name (BSF94 Section V-E, BF94 Section 7): ``make_task("parity", T=10)`` is how
a chapter, the command line or a test asks for a problem without importing its module.  The network
the papers trained on each: :func:`longdeps.models.registry.default_model`.
"""

from __future__ import annotations

from .latch_v import LatchV
from .parity import Parity
from .two_sequence import TwoSequence

TASKS: dict[str, type] = {"latch": LatchV, "two_sequence": TwoSequence, "parity": Parity}


def check_task_name(name: str) -> str:
    if name not in TASKS:
        raise KeyError(f"unknown task {name!r}; valid tasks: {', '.join(TASKS)}")
    return name


def make_task(name: str, **fields):
    """The task ``name`` with its fields (e.g. ``T``, ``noise``); validated by the task itself."""
    return TASKS[check_task_name(name)](**fields)
