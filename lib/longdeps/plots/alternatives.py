"""Figures of the chapter "Alternatives to gradient descent": BSF94 Fig. 4 (error and presentations
versus T, every algorithm, each problem) and the explorer's cost curve.  Each takes the result of the
matching experiment of :mod:`longdeps.experiments.alternatives` and a ``note`` (the scale line)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..experiments.alternatives import ALGORITHMS, LABELS, PROBLEM_LABELS, PROBLEMS
from ..experiments.alternatives.common import ONLINE, SEARCH

#: Fig. 4's markers (BSF94 caption), plus one for random guessing
MARKERS = {
    "backprop": "s",
    "pseudo_newton": "v",
    "time_weighted": "^",
    "discrete": "o",
    "multigrid": "P",
    "annealing": "D",
    "guessing": "x",
}
COLORS = {a: f"C{i}" for i, a in enumerate(ALGORITHMS)}


def _interval(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 10th and 90th percentiles over the trials (axis 0)."""
    return np.percentile(x, 10, axis=0), np.percentile(x, 90, axis=0)


def plot_fig4(res: dict, note: str = ""):
    """3 x 2 panels: per problem, the mean final error (left) and mean presentations (right, log) versus
    T, each algorithm a line; the bars reach the 10th and 90th percentiles of the trials (a skewed mean
    may lie outside them: the bar then stops at the mean).  Grey lines: the presentation budgets
    (dashed on-line learners, dotted search learners)."""
    fig, axes = plt.subplots(3, 2, figsize=(11, 10))
    for row, p in enumerate(PROBLEMS):
        r = res[p]
        T = np.asarray(r["T"])
        x = np.arange(len(T))
        for j, a in enumerate(ALGORITHMS):
            off = (j - 3) * 0.05
            for col, (field, mean) in enumerate(
                (("errors", "mean_error"), ("presentations", "mean_presentations"))
            ):
                ax = axes[row, col]
                vals = np.asarray(r[field], float)[:, :, j]
                lo, hi = _interval(vals)
                m = np.asarray(r[mean])[:, j]
                bars = [np.maximum(m - lo, 0), np.maximum(hi - m, 0)]
                ax.errorbar(
                    x + off, m, yerr=bars, marker=MARKERS[a], color=COLORS[a], ms=5,
                    lw=1, capsize=2, label=LABELS[a], mfc="none" if a != "multigrid" else COLORS[a],
                )  # fmt: skip
        for col in range(2):
            ax = axes[row, col]
            ax.set_xticks(x, [str(t) for t in T])
            ax.set_xlabel("maximum sequence length T")
        axes[row, 0].set(
            ylabel="final classification error", ylim=(-0.03, 0.6), title=f"{PROBLEM_LABELS[p]}: error"
        )
        axes[row, 1].set(
            ylabel="sequence presentations", yscale="log", title=f"{PROBLEM_LABELS[p]}: presentations"
        )
        budgets = r.get("budgets", {})
        for kind, style in (("on-line", "--"), ("search", ":")):
            # the budgets: a count on its line is a run that stopped unlearned when the budget ran out
            b = {budgets[a] for a in (ONLINE if kind == "on-line" else SEARCH) if a in budgets}
            for v in sorted(b):
                axes[row, 1].axhline(v, color="0.5", lw=0.8, ls=style, zorder=0)
                axes[row, 1].annotate(
                    f"{kind} budget", (1.0, v), xycoords=("axes fraction", "data"), ha="right",
                    va="bottom", fontsize=7, color="0.4",
                )  # fmt: skip
    axes[0, 0].legend(fontsize=7, ncol=2, loc="upper left")
    fig.suptitle("BSF94 Fig. 4, recomputed: mean of the trials, bars = 10-90% of the trials", fontsize=11)
    fig.tight_layout()
    if note:
        fig.text(0.5, -0.01, note, ha="center", va="top", fontsize=8, wrap=True)
    return fig


def plot_run(run: dict, title: str = ""):
    """The explorer: cost and classification error on the training set against presentations."""
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.4))
    p = run["presentations"]
    ax[0].plot(p, run["loss"], "C0.-", ms=3)
    ax[0].set(xlabel="sequence presentations", ylabel="cost C (training set)", yscale="log", title="cost")
    ax[1].plot(p, run["errors"], "C3.-", ms=3)
    ax[1].set(
        xlabel="sequence presentations", ylabel="classification error", ylim=(-0.03, 1.0), title="error"
    )
    state = "learned" if run["learned"] else "not learned"
    fig.suptitle(
        f"{title}  final error {run['final_error']:.2f}, {run['used']} presentations, {state}", fontsize=10
    )
    fig.tight_layout()
    return fig
