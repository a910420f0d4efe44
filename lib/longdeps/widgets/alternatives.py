"""Explorer for "Alternatives to gradient descent": pick a problem, the maximum length T, an algorithm
and a seed; one trial runs (BSF94 Section V-E protocol) and its cost curve is drawn."""

from __future__ import annotations

import matplotlib.pyplot as plt

from ..experiments.alternatives import ALGORITHMS, LABELS, PROBLEMS
from ..experiments.alternatives.explore import explorer_run
from ..plots.alternatives import plot_run


def alternatives_explorer():
    """An ``interact`` over (problem, T, algorithm, seed) drawing :func:`longdeps.plots.alternatives.plot_run`
    of :func:`longdeps.experiments.alternatives.explorer_run`."""
    import ipywidgets as widgets

    def draw(problem="latch", T=10, algorithm="backprop", seed=0):
        plot_run(explorer_run(problem, T, algorithm, seed), f"{problem}, T = {T}, {LABELS[algorithm]}:")
        plt.show()

    return widgets.interact(
        draw,
        problem=widgets.Dropdown(options=list(PROBLEMS), value="latch", description="problem"),
        T=widgets.IntSlider(value=10, min=3, max=100, step=1, description="T"),
        algorithm=widgets.Dropdown(options=list(ALGORITHMS), value="backprop", description="algorithm"),
        seed=widgets.IntSlider(value=0, min=0, max=20, description="seed"),
    )
