"""Explorer for the introduction: move w and the starting point, watch the neuron latch (or not)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import dynamics
from ..plots.intro import plot_latch_map


def latch_map_explorer():
    """An ``interact`` over w and x_0 drawing :func:`longdeps.plots.intro.plot_latch_map`."""
    import ipywidgets as widgets

    def draw(w=1.5, x0=0.1, steps=12):
        x = np.linspace(-1.5, 1.5, 301)
        x_bar = dynamics.latch_fixed_point(np.array([w]))
        res = {
            "x": x,
            "weights": np.array([w]),
            "maps": dynamics.neuron_map(x, w)[None],
            "x_bar": x_bar,
            "slope_at_0": dynamics.map_slope(0.0, np.array([w])),
            "origin_attracts": dynamics.origin_attracts(np.array([w])),
            "slope_at_x_bar": dynamics.map_slope(x_bar, np.array([w])),
            "orbits": dynamics.cobweb(x0, w, steps)[None],
        }
        _, ax = plt.subplots(figsize=(4, 4))
        plot_latch_map(res, axes=[ax])
        plt.show()

    return widgets.interact(
        draw,
        w=widgets.FloatSlider(value=1.5, min=0.1, max=4.0, step=0.05, description="w"),
        x0=widgets.FloatSlider(value=0.1, min=-1.0, max=1.0, step=0.05, description="x0"),
        steps=widgets.IntSlider(value=12, min=1, max=60, description="steps"),
    )
