"""Figures of the chapter "The minimal task" (BSF94 Figs. 1b, 2a, 2b and the extra measurements).

Every function takes the results dict of an experiment in :mod:`longdeps.experiments.minimal_task`
(the explorer draws through :func:`plot_training_run` as well) and an optional caption line stating the
scale it ran at."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

CLASS_COLORS = ("C0", "C3")


def _caption(fig, text):
    if text:
        fig.text(0.5, -0.02, text, ha="center", va="top", fontsize=8, wrap=True)


def plot_fig1b(res: dict, caption: str = ""):
    """Fig. 1b: one input sequence per class, the trainable h_1..h_L (bold) as learned, then noise;
    right: the neuron's output x_t on every training sequence."""
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 3.4))
    u, x, L = res["u"], res["x"], res["L"]
    t = np.arange(1, u.shape[-1] + 1)
    for k in (0, 1):
        c = CLASS_COLORS[k]
        a1.plot(t, u[k, 0], "-", color=c, lw=0.8, marker="o", ms=3, label=f"class {k}")
        a1.plot(t[:L], u[k, 0, :L], "o", color=c, ms=9, mec="k", mew=1.5)
        for p in range(x.shape[1]):
            a2.plot(np.r_[0, t], np.r_[0, x[k, p]], color=c, lw=0.7, alpha=0.6)
        a2.axhline(res["targets"][k], color=c, ls="--", lw=1)
    a1.axvspan(0.5, L + 0.5, color="0.9", zorder=-1)
    a1.axhline(0, color="0.5", lw=0.5)
    a1.set(xlabel="t", ylabel=r"input $h_t$", title=f"(b) inputs: trainable $h_1..h_{L}$ (bold), then noise")
    a1.legend(fontsize=8)
    a2.set(xlabel="t", ylabel=r"$x_t$", ylim=(-1.05, 1.05), title=f"outputs, w = {res['theta'][0]:.2f}")
    _caption(fig, caption)
    fig.tight_layout()
    return fig


def _fig2a_panel(ax, res: dict, rate: np.ndarray, title: str):
    w0, s = res["w0"], res["s"]
    dw, ds = np.diff(w0).mean() if len(w0) > 1 else 1, np.diff(s).mean() if len(s) > 1 else 1
    im = ax.imshow(
        rate.T,
        origin="lower",
        cmap="gray",
        vmin=0,
        vmax=1,
        aspect="auto",
        extent=(w0[0] - dw / 2, w0[-1] + dw / 2, s[0] - ds / 2, s[-1] + ds / 2),
    )
    for i, a in enumerate(w0):
        for j, b in enumerate(s):
            ax.text(
                a,
                b,
                f"{rate[i, j]:.2f}"[1:] if rate[i, j] < 1 else "1",
                ha="center",
                va="center",
                fontsize=6,
                color="k" if rate[i, j] > 0.5 else "w",
            )
    ax.set(xlabel=r"initial weight $w_0$", ylabel="noise variance s", title=title)
    return im


def plot_fig2a(res: dict, caption: str = ""):
    """Fig. 2a: convergence density over (w0, s), white = high, the rate printed in each cell; left at
    the chapter's learning rate, right at the 10x smaller one."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6), sharey=True)
    im = _fig2a_panel(axes[0], res, res["rate"], f"(a) learning rate {res['lr']:g} (the protocol)")
    _fig2a_panel(axes[1], res, res["rate_small_lr"], f"(a) learning rate {res['small_lr']:g}")
    axes[1].set_ylabel("")
    fig.colorbar(im, ax=axes, label=f"fraction of {res['runs']} runs converged", fraction=0.04, pad=0.02)
    fig.suptitle(f"Fig. 2a: convergence density, L = {res['L']}, T = {res['T']}", fontsize=11)
    _caption(fig, caption)
    return fig


READING_STYLE = {
    "frozen": ("k", "o", "w frozen at 1.25 (only h trained)"),
    "trained": ("C0", "D", "w trained from 1.25 (w and h)"),
}


def plot_fig2b(res: dict, caption: str = "", ax=None):
    """Fig. 2b in both readings: gradient descent's convergence frequency versus T (filled markers,
    solid lines, drawn on top) and, in the same colour, the fraction of training sets a hand-made latch
    solves at all (large hollow squares, dotted, underneath)."""
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(8, 4))
    T = res["T"]
    for reading in ("frozen", "trained"):
        c, m, label = READING_STYLE[reading]
        r = res[reading]
        ax.plot(
            T,
            r["solvable_rate"],
            "s:",
            color=c,
            mfc="none",
            ms=10,
            lw=1,
            alpha=0.6,
            zorder=1,
            label=f"solvable at all, {reading} w",
        )
        ax.plot(
            T, r["rate"], "-", marker=m, color=c, ms=5, lw=2, zorder=3, label=f"gradient descent, {label}"
        )
    ax.set(
        xscale="log",
        xlabel="sequence length T",
        ylabel="frequency of convergence",
        ylim=(-0.03, 1.03),
        title=f"(b) s = {res['s']}, w0 = {res['w0']}, L = {res['L']}, {res['runs']} runs per T",
    )
    ax.set_xticks(T)
    ax.xaxis.set_major_formatter(plt.ScalarFormatter())
    ax.xaxis.set_minor_formatter(plt.NullFormatter())
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    _caption(fig, caption)
    fig.tight_layout()
    return fig


def plot_sensitivity(res: dict, caption: str = ""):
    """Fig. 2a's open choices one at a time: the fraction of runs whose final net meets the criterion on
    fresh test sequences, versus w0, one line per variant; one panel per noise variance."""
    ns = len(res["s"])
    fig, axes = plt.subplots(1, ns, figsize=(5 * ns + 3, 3.8), sharey=True, squeeze=False)
    styles = {"protocol": ("k", "o", "-", 2.5)}
    for j, (ax, s) in enumerate(zip(axes[0], res["s"])):
        for i, (name, label) in enumerate(zip(res["variants"], res["labels"])):
            c, m, ls, lw = styles.get(
                name, (f"C{i}", "os^v<>D"[i % 7], "--" if "fresh" in name else "-", 1.2)
            )
            ax.plot(res["w0"], res["test_rate"][i, :, j], ls, marker=m, color=c, lw=lw, ms=4, label=label)
        ax.set(xlabel=r"initial weight $w_0$", ylim=(-0.03, 1.03), title=f"noise variance s = {s:g}")
    axes[0, 0].set_ylabel("converged on fresh test sequences")
    axes[0, -1].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    fig.suptitle(
        f"Fig. 2a's protocol (L = {res['L']}, T = {res['T']}), one open choice changed at a time, "
        f"{res['runs']} runs per point",
        fontsize=10,
    )
    _caption(fig, caption)
    fig.tight_layout()
    return fig


def plot_fig2b_choices(res: dict, caption: str = ""):
    """Fig. 2b under the choices the paper leaves open: one panel per number of training sequences per
    class, one colour per convergence tolerance; gradient descent solid, the "solvable at all" ceiling
    dotted in the same colour."""
    ns, tols, T = res["n_per_class"], res["tol"], res["T"]
    fig, axes = plt.subplots(1, len(ns), figsize=(4 * len(ns), 3.4), sharey=True, squeeze=False)
    for ax, n, rate, ceil in zip(axes[0], ns, res["rate"], res["solvable_rate"]):
        for j, tol in enumerate(tols):
            c = f"C{j}"
            ax.plot(T, rate[j], "o-", color=c, ms=4, label=f"tol {tol:g}: gradient descent")
            ax.plot(
                T, ceil[j], ":", color=c, lw=3, alpha=0.7, zorder=3, label=f"tol {tol:g}: solvable at all"
            )
        ax.set(
            xscale="log",
            xlabel="sequence length T",
            ylim=(-0.03, 1.03),
            title=f"{n} sequence{'s' if n > 1 else ''} per class",
        )
        ax.set_xticks([t for t in (3, 5, 10, 20, 30, 60) if T.min() <= t <= T.max()])
        ax.xaxis.set_major_formatter(plt.ScalarFormatter())
        ax.xaxis.set_minor_formatter(plt.NullFormatter())
    axes[0, 0].set_ylabel("frequency of convergence")
    axes[0, -1].legend(fontsize=7)
    fig.suptitle(
        f"Fig. 2b (s = {res['s']}, w = {res['w0']} fixed) under training-set size and tolerance, "
        f"{res['runs']} runs per T",
        fontsize=10,
    )
    _caption(fig, caption)
    fig.tight_layout()
    return fig


def plot_curriculum(res: dict, caption: str = ""):
    """Short sequences first versus long sequences directly (same total epoch budget)."""
    fig, ax = plt.subplots(figsize=(6, 3.4))
    x = np.arange(len(res["T"]))
    ax.bar(x - 0.2, res["direct_rate"], 0.4, color="0.6", label=f"direct, {2 * res['epochs']} epochs on T")
    ax.bar(
        x + 0.2,
        res["curriculum_rate"],
        0.4,
        color="k",
        label=f"{res['epochs']} epochs on T = {res['T_short']}, then {res['epochs']} on T",
    )
    ax.set_xticks(x, [f"T = {t}" for t in res["T"]])
    ax.set(
        ylabel="fraction converged on T", ylim=(0, 1.05), title="short sequences first (w0 = 1.25, s = 0.2)"
    )
    ax.legend(fontsize=8)
    _caption(fig, caption)
    return fig


def plot_guessing(res: dict, caption: str = ""):
    """Left: mean number of random guesses to solve the latch versus T, per L (band: quartiles).
    Right: success rate of gradient descent on the same training sets (and of guessing within its
    budget).  Legends sit below the axes, off the data."""
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.2))
    T = res["T"]
    for i, L in enumerate(res["L"]):
        g = res["guesses"][i]
        q1, q3 = np.percentile(g, [25, 75], axis=-1)
        (line,) = a1.plot(T, res["mean_guesses"][i], "o-", label=f"L = {L} ({1 + 2 * L} parameters): mean")
        a1.fill_between(T, q1, q3, color=line.get_color(), alpha=0.2, label=f"L = {L}: quartiles")
        a2.plot(T, res["gd_rate"][i], "o-", label=f"gradient descent, L = {L}")
        a2.plot(T, res["guess_rate"][i], "x:", label=f"guessing within {res['max_guesses']}, L = {L}")
    a1.set(
        xscale="log",
        xlabel="sequence length T",
        ylabel="guesses until solved",
        title="random weight guessing",
    )
    a1.set_ylim(bottom=0)
    a2.set(
        xscale="log",
        xlabel="sequence length T",
        ylabel="fraction of runs solved",
        ylim=(-0.03, 1.03),
        title=f"gradient descent ({res['epochs']} epochs, w0 = 1.25)",
    )
    for ax in (a1, a2):
        ax.set_xticks(T)
        ax.xaxis.set_major_formatter(plt.ScalarFormatter())
        ax.xaxis.set_minor_formatter(plt.NullFormatter())
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)
    _caption(fig, caption)
    fig.tight_layout()
    return fig


def plot_training_run(run: dict, caption: str = ""):
    """One training run: cost, w and the h_t over epochs; the final outputs of both classes."""
    fig, axes = plt.subplots(1, 4, figsize=(14, 3.2))
    hist, L = run["history"], run["L"]
    n = np.count_nonzero(np.isfinite(run["cost"]))
    ep = np.arange(n)
    axes[0].plot(ep, run["cost"][:n], "k")
    axes[0].set(xlabel="epoch", ylabel="cost C", yscale="log", title="cost")
    axes[1].plot(ep, hist[:n, 0], "k")
    axes[1].axhline(1, color="0.6", ls=":")
    axes[1].set(xlabel="epoch", ylabel="w", title="recurrent weight")
    for k in (0, 1):
        for j in range(L):
            axes[2].plot(
                ep,
                hist[:n, 1 + k * L + j],
                color=CLASS_COLORS[k],
                alpha=1 - 0.25 * j,
                label=f"$h_{j + 1}^{k}$",
            )
    axes[2].set(xlabel="epoch", title="trainable inputs")
    axes[2].legend(fontsize=6, ncol=2)
    t = np.arange(run["x"].shape[-1] + 1)
    for k in (0, 1):
        for p in range(run["x"].shape[1]):
            axes[3].plot(t, np.r_[0, run["x"][k, p]], color=CLASS_COLORS[k], lw=0.7, alpha=0.6)
        axes[3].axhline(run["targets"][k], color=CLASS_COLORS[k], ls="--")
    verdict = "converged" if run["converged"] else ("diverged" if run["diverged"] else "not converged")
    axes[3].set(xlabel="t", ylabel="$x_t$", ylim=(-1.05, 1.05), title=f"final trajectories: {verdict}")
    _caption(fig, caption)
    fig.tight_layout()
    return fig
