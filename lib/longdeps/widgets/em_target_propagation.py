"""Explorer for "EM target propagation": pick a problem, T, a number of EM iterations and a seed; see
the forward, backward-target and posterior distributions of one sequence per time step."""

from __future__ import annotations

import matplotlib.pyplot as plt

from ..experiments.em_target_propagation.explore import em_iteration
from ..plots.em_target_propagation import plot_iteration


def em_explorer():
    """An ``interact`` over (problem, T, iteration, seed) drawing
    :func:`longdeps.plots.em_target_propagation.plot_iteration` of
    :func:`longdeps.experiments.em_target_propagation.em_iteration`."""
    import ipywidgets as widgets

    def draw(problem="parity", T=20, iteration=0, seed=0):
        plot_iteration(em_iteration(problem, T, iteration, seed))
        plt.show()

    return widgets.interact(
        draw,
        problem=widgets.Dropdown(options=["parity", "two_sequence"], value="parity", description="problem"),
        T=widgets.IntSlider(value=20, min=4, max=200, step=1, description="T"),
        iteration=widgets.IntSlider(value=0, min=0, max=100, description="iteration"),
        seed=widgets.IntSlider(value=0, min=0, max=20, description="seed"),
    )
