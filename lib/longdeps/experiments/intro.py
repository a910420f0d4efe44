"""Introduction: the latch neuron's map and its attractors (Bengio, Simard & Frasconi 1994, eq. 1)."""

from __future__ import annotations

import numpy as np

from .. import dynamics
from ..profiles import sizes
from . import experiment


@experiment("intro.latch_map")
def latch_map(profile: str = "book") -> dict:
    """The map x -> tanh(w x) for a few w, its fixed points and their stability, and one orbit each."""
    s = sizes("intro.latch_map", profile)
    x = np.linspace(-1.5, 1.5, s["grid"])
    weights = np.array(s["weights"], dtype=float)
    x_bar = dynamics.latch_fixed_point(weights)
    return {
        "x": x,
        "weights": weights,
        "maps": dynamics.neuron_map(x[None, :], weights[:, None]),  # (n_weights, grid)
        "x_bar": x_bar,  # positive attractor, 0 where w <= 1
        "slope_at_0": dynamics.map_slope(0.0, weights),
        "origin_attracts": dynamics.origin_attracts(weights),  # |w| <= 1, including w = 1 (slowly)
        "slope_at_x_bar": dynamics.map_slope(x_bar, weights),
        "orbits": np.stack([dynamics.cobweb(0.1, w, s["steps"]) for w in weights]),
    }
