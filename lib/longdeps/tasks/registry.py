"""The 1994 problems by name, each with the network the papers trained on it (BSF94 Section V-E,
BF94 Section 7).  ``make_task("parity", T=10)`` and ``default_model("parity")`` are how a chapter, the
command line or a test asks for a problem without importing its module.
"""

from __future__ import annotations

from collections.abc import Callable

from .latch_v import LatchV
from .parity import Parity
from .two_sequence import TwoSequence

TASKS: dict[str, type] = {"latch": LatchV, "two_sequence": TwoSequence, "parity": Parity}


def _latch_net(task):
    from ..models.rnn import LatchNet

    return LatchNet(L=task.L)


def _two_sequence_net(task):
    from ..models.rnn import fully_connected

    return fully_connected(5)  # 5 fully connected units, no bias, input into one unit: 25 parameters


def _parity_net(task):
    from ..models.rnn import parity_net

    return parity_net()  # one hidden and one output unit: 7 parameters


MODELS: dict[str, Callable] = {"latch": _latch_net, "two_sequence": _two_sequence_net, "parity": _parity_net}


def check_task_name(name: str) -> str:
    if name not in TASKS:
        raise KeyError(f"unknown task {name!r}; valid tasks: {', '.join(TASKS)}")
    return name


def make_task(name: str, **fields):
    """The task ``name`` with its fields (e.g. ``T``, ``noise``); validated by the task itself."""
    return TASKS[check_task_name(name)](**fields)


def default_model(name: str, task=None):
    """The network of the papers for task ``name`` (``task``: the task instance, for its sizes)."""
    check_task_name(name)
    return MODELS[name](task if task is not None else make_task(name, T=10))
