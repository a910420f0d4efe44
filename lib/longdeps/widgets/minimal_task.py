"""Explorer for "The minimal task": pick w0, s, T, L and watch one BPTT training run."""

from __future__ import annotations

import matplotlib.pyplot as plt

from ..experiments.minimal_task.explore import train_one
from ..plots.minimal_task import plot_training_run


def training_explorer():
    """An ``interact`` over w0, s, T, L, the trainable set and the seed, drawing
    :func:`longdeps.plots.minimal_task.plot_training_run` for one run."""
    import ipywidgets as widgets

    def draw(w0=1.25, s=0.2, T=20, L=3, learn="w and h", epochs=1000, seed=0):
        run = train_one(
            T=T, L=L, s=s, w0=w0, trainable="all" if learn == "w and h" else "h", epochs=epochs, seed=seed
        )
        plot_training_run(run, caption=f"one run, seed {seed}, epochs used {run['epochs_used']}")
        plt.show()

    return widgets.interact(
        draw,
        w0=widgets.FloatSlider(
            value=1.25, min=0.0, max=4.0, step=0.05, description="w0", continuous_update=False
        ),
        s=widgets.FloatSlider(
            value=0.2, min=0.0, max=1.5, step=0.05, description="s", continuous_update=False
        ),
        T=widgets.IntSlider(value=20, min=3, max=200, description="T", continuous_update=False),
        L=widgets.IntSlider(value=3, min=1, max=6, description="L", continuous_update=False),
        learn=widgets.ToggleButtons(options=["w and h", "h only"], description="learn"),
        epochs=widgets.IntSlider(
            value=1000, min=10, max=5000, step=10, description="epochs", continuous_update=False
        ),
        seed=widgets.IntSlider(value=0, min=0, max=50, description="seed", continuous_update=False),
    )
