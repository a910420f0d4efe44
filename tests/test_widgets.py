"""The explorers, in-process.

Headless runs never execute an explorer cell (it can block the kernel, issue 7), so their code is
covered here: each explorer's widget is built, one control is moved to a non-default value (which
runs the update once), and the figure it draws must not be empty.
"""

import importlib
import pkgutil

import matplotlib.pyplot as plt
import pytest

import longdeps.widgets

#: explorer -> {control description: non-default value}; every explorer must have an entry
MOVES = {
    "intro.latch_map_explorer": {"w": 0.8, "x0": -0.4, "steps": 5},
    "theorems.neuron_explorer": {"h": 0.5, "steps": 30},
    "minimal_task.training_explorer": {"epochs": 20, "T": 8, "seed": 3},
    "alternatives.alternatives_explorer": {"problem": "parity", "T": 5, "algorithm": "multigrid", "seed": 2},
    "em_target_propagation.em_explorer": {"problem": "two_sequence", "T": 8, "iteration": 3, "seed": 2},
}


def all_explorers() -> dict[str, object]:
    found = {}
    for info in pkgutil.iter_modules(longdeps.widgets.__path__):
        module = importlib.import_module(f"longdeps.widgets.{info.name}")
        for name in dir(module):
            if name.endswith("_explorer") and callable(getattr(module, name)):
                found[f"{info.name}.{name}"] = getattr(module, name)
    return found


def test_every_explorer_has_a_case_here():
    assert sorted(all_explorers()) == sorted(MOVES)


def _figure_has_data(fig) -> bool:
    return any(ax.lines or ax.images or ax.collections or ax.patches for ax in fig.axes)


@pytest.mark.parametrize("name", sorted(MOVES))
def test_explorer_builds_and_redraws_with_non_default_values(name):
    plt.close("all")
    explorer = all_explorers()[name]()
    panel = explorer.widget  # ipywidgets.interactive: the controls and the output area
    controls = {c.description: c for c in panel.children if hasattr(c, "description") and c.description}
    moves = MOVES[name]
    assert set(moves) <= set(controls), f"{name}: controls are {sorted(controls)}"
    before = set(plt.get_fignums())
    with panel.hold_trait_notifications():
        for label, value in moves.items():
            assert controls[label].value != value, f"{name}: {label}={value} is the default"
            controls[label].value = value
    panel.update()
    drawn = [plt.figure(n) for n in plt.get_fignums() if n not in before] or [plt.gcf()]
    assert any(_figure_has_data(fig) for fig in drawn), f"{name} drew an empty figure"
    assert panel.kwargs == {**panel.kwargs, **moves}
    plt.close("all")
