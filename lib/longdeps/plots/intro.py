"""The introduction's figure: the latch neuron's map and its attractors."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def plot_latch_map(res: dict, axes=None):
    """The map x -> tanh(w x) per w with its fixed points (filled: attracting, open: repelling) and
    a cobweb orbit from x_0 = 0.1.  ``res`` is the output of ``experiments.intro.latch_map``.

    The origin's stability comes from ``res["origin_attracts"]`` (|w| <= 1), not from ``|slope| < 1``:
    at w = 1 the slope is exactly 1 and the origin still attracts, slowly (not hyperbolically)."""
    n = len(res["weights"])
    if axes is None:
        _, axes = plt.subplots(1, n, figsize=(3.2 * n, 3.4), sharey=True, squeeze=False)
        axes = axes[0]
    x = res["x"]
    for ax, w, fx, xb, orbit, attracts0, sb in zip(
        axes,
        res["weights"],
        res["maps"],
        res["x_bar"],
        res["orbits"],
        res["origin_attracts"],
        res["slope_at_x_bar"],
    ):
        ax.plot(x, x, color="0.6", lw=0.8)
        ax.plot(x, fx, color="C0", lw=2, label=r"$\tanh(wx)$")
        # cobweb: vertical to the curve, horizontal to the diagonal
        cx = np.repeat(orbit[:-1], 2)
        cy = np.empty_like(cx)
        cy[0::2], cy[1::2] = np.r_[0.0, orbit[1:-1]], orbit[1:]
        ax.plot(cx, cy, color="C3", lw=0.9)
        ax.plot(0, 0, "o", ms=7, mfc="k" if attracts0 else "w", mec="k")
        if xb > 0:
            ax.plot([-xb, xb], [-xb, xb], "o", ms=7, mfc="k" if abs(sb) < 1 else "w", mec="k")
        if xb > 0:
            sub = f"$\\bar x$ = {xb:.3f}"
        elif abs(w) == 1:
            sub = "0 attracts slowly (slope 1)"
        else:
            sub = "no latch"
        ax.set_title(f"w = {w:g}\n{sub}", fontsize=10)
        ax.set_xlabel(r"$x_{t-1}$")
        ax.set_xlim(x[0], x[-1])
        ax.set_ylim(-1.1, 1.1)
        ax.set_aspect("equal", adjustable="box")
    axes[0].set_ylabel(r"$x_t$")
    return axes
