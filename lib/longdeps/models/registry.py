"""The network the 1994 papers trained on each problem (BSF94 Section V-E, BF94 Section 7), by the
problem's name in :data:`longdeps.tasks.registry.TASKS`: ``default_model("parity")``."""

from __future__ import annotations

from collections.abc import Callable

from ..tasks.registry import check_task_name, make_task


def _latch_net(task):
    from .rnn import LatchNet

    return LatchNet(L=task.L)


def _two_sequence_net(task):
    from .rnn import fully_connected

    return fully_connected(5)  # 5 fully connected units, no bias, input into one unit: 25 parameters


def _parity_net(task):
    from .rnn import parity_net

    return parity_net()  # one hidden and one output unit: 7 parameters


MODELS: dict[str, Callable] = {"latch": _latch_net, "two_sequence": _two_sequence_net, "parity": _parity_net}


def default_model(name: str, task=None):
    """The network of the papers for task ``name`` (``task``: the task instance, for its sizes)."""
    check_task_name(name)
    return MODELS[name](task if task is not None else make_task(name, T=10))
