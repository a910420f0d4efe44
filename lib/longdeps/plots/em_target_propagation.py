"""Figures of the chapter "EM target propagation" (Bengio & Frasconi 1994, Sections 6-7)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def plot_architecture(model, title: str = "", ax=None):
    """The states of an IOHMM as circles on a ring (initial state filled grey, final states of class k
    ringed in colour k) and its allowed transitions as arrows, read from ``model.transition_mask``."""
    if ax is None:
        _, ax = plt.subplots(figsize=(4.2, 3.6))
    n, A = model.n, model.transition_mask
    ang = np.pi / 2 - 2 * np.pi * np.arange(n) / n
    xy = np.stack([np.cos(ang), np.sin(ang)], axis=1)
    colours = ["tab:blue", "tab:red", "tab:green", "tab:purple"]
    final = {i: k for k, Fk in enumerate(model.final_states) for i in Fk}
    for j in range(n):
        for i in range(n):
            if not A[j, i]:
                continue
            if i == j:
                ax.add_patch(plt.Circle(xy[j] * 1.22, 0.1, fill=False, lw=0.8, color="0.4"))
                continue
            ax.annotate(
                "",
                xy=xy[i],
                xytext=xy[j],
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": "0.4",
                    "lw": 0.8,
                    "shrinkA": 12,
                    "shrinkB": 12,
                    "connectionstyle": "arc3,rad=0.12",
                },
            )
    for j in range(n):
        face = "0.8" if model.pi[j] > 0 else "white"
        edge = colours[final[j]] if j in final else "black"
        ax.add_patch(plt.Circle(xy[j], 0.14, facecolor=face, edgecolor=edge, lw=2.2 if j in final else 1))
        ax.text(*xy[j], str(j), ha="center", va="center", fontsize=9)
    ax.set_xlim(-1.5, 1.5)
    ax.set_ylim(-1.5, 1.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title or f"{n} states, {int(A.sum())} allowed transitions", fontsize=9)
    return ax


def plot_diffusion(dif, note: str = ""):
    """Target information left k steps before the end (left) and the mean log10 |det Phi_t| (right),
    untrained and trained, per variant (parity)."""
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.6))
    runs = dif["runs"]
    first = runs[("parity", "full")]
    k = np.arange(first["info_untrained"].shape[1])
    a.plot(k, first["info_untrained"].mean(0), "k--", label="untrained")
    names = [n for (p, n) in runs if p == "parity"]
    for n in names:
        a.plot(k, runs[("parity", n)]["info_trained"].mean(0), label=f"trained: {n}")
    a.set_xlabel("k, steps before the end")
    a.set_ylabel("1 - H(beta) / log n")
    a.set_title(f"Parity, T = {dif['T']}: target information propagated back", fontsize=9)
    a.legend(fontsize=7)
    vals = [first["logdet_untrained"].mean()] + [runs[("parity", n)]["logdet_trained"].mean() for n in names]
    b.barh(["untrained"] + names, vals, color="0.6")
    b.set_xlabel("mean log10 |det Phi_t|  (0 = volume kept)")
    b.set_title("Forward maps", fontsize=9)
    if note:
        fig.text(0.01, -0.02, note, fontsize=7)
    fig.tight_layout()
    return fig


def plot_iteration(run, ax=None):
    """Forward (alpha), backward target (beta) and posterior (gamma) distributions over time of one
    sequence, as images (states on the vertical axis)."""
    fig, axes = plt.subplots(1, 3, figsize=(11, 2.8), sharey=True)
    for a, key in zip(axes, ("alpha", "beta", "gamma")):
        a.imshow(
            run[key].T, aspect="auto", origin="lower", vmin=0, vmax=1, cmap="Greys", interpolation="nearest"
        )
        a.set_title(f"{key}_t", fontsize=9)
        a.set_xlabel("t")
    axes[0].set_ylabel("state")
    axes[0].set_yticks(range(run["alpha"].shape[1]))
    fig.suptitle(
        f"{run['problem']}, class {run['cls']}, length {run['length']}, after "
        f"{run['iteration']} iterations: mean log L per sequence {run['loglik']:.3f}",
        fontsize=9,
    )
    fig.tight_layout()
    return fig
