"""The explorer's single run (not a profile experiment: the widget calls it with slider values)."""

from __future__ import annotations

import numpy as np

from ... import dynamics


def explorer_run(
    w: float = 2.0, h: float = 0.0, noise_var: float = 0.2, steps: int = 100, seed: int = 0
) -> dict:
    """One trajectory of eq. (1) from a_0 = -a_bar(w) (or -1 for w <= 1) under the constant input h
    plus Gaussian noise of variance ``noise_var``, with the running log10 |d a_t / d a_0|."""
    w = float(dynamics._check_positive_weight(w))
    noise_var = dynamics.check_noise_variance(noise_var)
    rng = np.random.default_rng(seed)
    a_bar = float(dynamics.neuron_attractor(w))
    inputs = h + np.sqrt(noise_var) * rng.standard_normal(steps)
    traj = dynamics.neuron_trajectory(-max(a_bar, 1.0) if w > 1 else -1.0, w, inputs)
    return {
        "w": w,
        "h": h,
        "noise_var": noise_var,
        "a_bar": a_bar,
        "a_c": float(dynamics.critical_state(w)) if w > 1 else 0.0,
        "h_star": float(dynamics.escape_threshold(w)) if w > 1 else 0.0,
        "t": np.arange(steps + 1),
        "traj": traj,
        "log10_grad": dynamics.neuron_log_derivative(traj, w) / np.log(10),
    }
