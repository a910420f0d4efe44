"""Explorer for "The theorems": move w, a constant input h and the noise variance; watch the neuron
latch or escape, and the running Jacobian product d a_t / d a_0 vanish or grow."""

from __future__ import annotations

import matplotlib.pyplot as plt

from ..experiments.theorems.explore import explorer_run
from ..plots.theorems import plot_neuron_run


def neuron_explorer():
    """An ``interact`` over (w, h, noise variance, steps, seed) drawing
    :func:`longdeps.plots.theorems.plot_neuron_run` of :func:`longdeps.experiments.theorems.explorer_run`."""
    import ipywidgets as widgets

    def draw(w=2.0, h=0.0, noise_var=0.2, steps=100, seed=0):
        plot_neuron_run(explorer_run(w, h, noise_var, steps, seed))
        plt.show()

    return widgets.interact(
        draw,
        w=widgets.FloatSlider(value=2.0, min=0.1, max=4.0, step=0.05, description="w"),
        h=widgets.FloatSlider(value=0.0, min=-2.0, max=2.0, step=0.01, description="h"),
        noise_var=widgets.FloatSlider(value=0.2, min=0.0, max=2.0, step=0.01, description="noise var"),
        steps=widgets.IntSlider(value=100, min=10, max=500, step=10, description="steps"),
        seed=widgets.IntSlider(value=0, min=0, max=20, description="seed"),
    )
