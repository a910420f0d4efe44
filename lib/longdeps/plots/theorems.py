"""Figures of the chapter "The theorems".  Each takes the results dict of the matching experiment in
:mod:`longdeps.experiments.theorems` (the static figures and the explorer share them) and a
``note`` string (the scale line) for the title."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap


def _suptitle(fig, title: str, note: str) -> None:
    fig.suptitle(f"{title}\n{note}", fontsize=9)


def plot_attractors(res: dict, note: str = ""):
    """(a) pitchfork: fixed points versus w; (b) h*(w), formula and simulation; (c) L1(h, w)."""
    fig, ax = plt.subplots(1, 3, figsize=(13, 3.8))
    w, ab = res["w"], res["a_bar"]
    ax[0].plot(w[w <= 1], 0 * w[w <= 1], "k-", lw=2, label="attractor")
    ax[0].plot(w[w > 1], 0 * w[w > 1], "k--", lw=1, label="repeller")
    for sgn in (1, -1):
        ax[0].plot(w[w > 1], sgn * ab[w > 1], "C0-", lw=2)
    ax[0].axvline(1, color="0.7", lw=0.8)
    ax[0].set(
        xlabel="w", ylabel=r"fixed points $a = w\tanh(a)$", title=r"(a) pitchfork at w = 1: $\pm\bar a(w)$"
    )
    ax[0].legend(fontsize=8)
    ax[1].plot(
        res["w_latch"], res["h_star"], "C0-", label=r"$h^* = ws - \mathrm{artanh}\,s$, $s=\sqrt{1-1/w}$"
    )
    ax[1].plot(res["w_sim"], res["h_star_sim"], "C3o", ms=4, mfc="none", label="simulated escape (bisection)")
    ax[1].set(xlabel="w", ylabel="h*(w)", title="(b) escape threshold h*(w)")
    ax[1].legend(fontsize=8)
    for i, ew in enumerate(res["escape_weights"]):
        exc = res["h"][i] - res["h"][i, 0] + 1e-4
        ax[2].loglog(exc, res["L1"][i], f"C{i}-", label=f"w = {ew:g} (to $x > \\bar x$)")
        ax[2].loglog(exc, res["L1_zero"][i], f"C{i}:", lw=1)
    ax[2].set(
        xlabel="h - h*(w)", ylabel="L1 (steps)", title="(c) transient length L1(h, w) (dotted: to x > 0)"
    )
    ax[2].legend(fontsize=8)
    _suptitle(fig, "The latching neuron a_t = w tanh(a_{t-1}) + h (BSF94 eq. 1)", note)
    fig.tight_layout()
    return fig


def plot_basins(res: dict, note: str = ""):
    """Fig. 3 computed: beta and Gamma in 1-D and 2-D, the balls' points, and rho_t / rho_0."""
    fig, ax = plt.subplots(1, 3, figsize=(14, 4.4), gridspec_kw={"width_ratios": [1, 1.1, 1]})
    g1, lab1, gam1 = res["grid_1d"], res["labels_1d"], res["gamma_1d"]
    for k, col in ((0, "C0"), (1, "C1")):
        m = lab1 == k
        ax[0].fill_between(g1, 0, 1, where=m, color=col, alpha=0.25, lw=0)
        ax[0].fill_between(g1, 0, 1, where=m & gam1, color=col, alpha=0.6, lw=0)
    ax[0].plot(g1, np.minimum(res["w"] * (1 - np.tanh(g1) ** 2) / res["w"], 1.2), "k-", lw=1)
    for x in (res["a_bar"], -res["a_bar"]):
        ax[0].plot([x], [0.5], "ko")
    for x in (res["a_c"], -res["a_c"]):
        ax[0].axvline(x, color="k", ls=":", lw=1)
    ax[0].set(
        xlabel="a",
        yticks=[],
        title=f"(a) neuron w = {res['w']:g}: $\\beta$ light, $\\Gamma$ dark\n"
        f"edge of $\\Gamma$ at $\\pm a_c$ = {res['a_c']:.3f} (dotted); curve: M'(a)/w",
    )
    g2 = res["grid_2d"]
    lab2, gam2 = res["labels_2d"], res["gamma_2d"]
    img = np.where(lab2 < 0, 0, 1 + lab2 + 2 * gam2)  # 0 unconverged, 1/2 beta only, 3/4 Gamma
    cmap = ListedColormap(["white", "#c6dbef", "#fdd0a2", "#4292c6", "#f16913"])
    ext = (g2[0], g2[-1], g2[0], g2[-1])
    ax[1].imshow(img, origin="lower", extent=ext, cmap=cmap, vmin=0, vmax=4, interpolation="nearest")
    ax[1].contour(g2, g2, res["gamma_2d_norm"].astype(float), levels=[0.5], colors="k", linewidths=0.8)
    X = res["attractors_2d"]
    ax[1].plot(X[:, 0], X[:, 1], "k*", ms=12)
    cols = ("C2", "C3", "C4")
    ring = res["ring_traj"]  # (3, K, T+1, 2)
    for i in range(ring.shape[0]):
        for t in (0, 3, 6, 12):
            ax[1].plot(ring[i, :, t, 0], ring[i, :, t, 1], ".", color=cols[i], ms=2)
    ax[1].set(
        xlabel="$a_1$",
        ylabel="$a_2$",
        title="(b) 2-D net: $\\beta$ light, $\\Gamma$ dark (eigenvalues);\nblack line: |M'| < 1 region edge "
        "(norm); balls at t = 0, 3, 6, 12",
    )
    t = np.arange(res["rho_1d"].shape[1])
    for i, lab in enumerate(res["ball_labels"]):
        ax[2].semilogy(t, res["rho_1d"][i] / res["radius"], color=cols[i], ls="-", label=f"1-D, {lab}")
        ax[2].semilogy(t, res["rho_2d"][i] / res["radius"], color=cols[i], ls="--", label=f"2-D, {lab}")
    ax[2].axhline(1, color="0.6", lw=0.8)
    ax[2].set(
        xlabel="t",
        ylabel=r"$\rho_t / \rho_0$",
        title="(c) radius of the ball of uncertainty",
        ylim=(1e-12, 1e3),
    )
    ax[2].legend(fontsize=7)
    _suptitle(
        fig, "Basins, reduced attracting sets and the ball of uncertainty (BSF94 Defs. 3-4, Fig. 3)", note
    )
    fig.tight_layout()
    return fig


def plot_theorem3(res: dict, note: str = ""):
    """max_t |a_t - a_bar_t| / d per run under inputs bounded by b_t (Theorem 3)."""
    fig, ax = plt.subplots(1, 2, figsize=(11, 3.6))
    w = res["weights"]
    for i, wi in enumerate(w):
        ax[0].plot(res["b"][i], label=f"w = {wi:g}, d = {res['d'][i]:.2f}")
    ax[0].set(xlabel="t", ylabel=r"$b_t = (1-\lambda_t)\,d$", title="(a) the input bound of Theorem 3")
    ax[0].legend(fontsize=8)
    dev = res["max_dev_over_d"]  # (R, W)
    ax[1].boxplot([dev[:, i] for i in range(len(w))])
    ax[1].set_xticks(np.arange(1, len(w) + 1), [f"{x:g}" for x in w])
    ax[1].plot(np.arange(1, len(w) + 1), res["worst_dev_over_d"][0], "rx", ms=9, label="worst-case input")
    ax[1].axhline(1, color="k", ls="--", lw=1, label="d")
    ax[1].set(
        xlabel="w",
        ylabel=r"$\max_t |a_t - \bar a_t| / d$",
        title="(b) deviation stays below d",
        ylim=(0, 1.1),
    )
    ax[1].legend(fontsize=8)
    _suptitle(fig, "Theorem 3 on the neuron: bounded inputs keep the state within d", note)
    fig.tight_layout()
    return fig


def plot_decay(res: dict, note: str = "", show_runs: int = 20):
    """Theorem 4 (log10 |d a_t / d a_0| on latched runs, with t log10 max M') and the Lemma."""
    fig, ax = plt.subplots(1, 2, figsize=(12, 4))
    t = res["t"]
    for i, w in enumerate(res["weights"]):
        ax[0].plot(t, res["log10_latched"][:show_runs, i].T, color=f"C{i}", lw=0.5, alpha=0.6)
        ax[0].plot(
            t,
            t * np.median(res["rate_bound"][:, i]),
            color=f"C{i}",
            ls="--",
            lw=1.5,
            label=f"w = {w:g}: fitted {np.median(res['rate_latched'][:, i]):.3f}/step, "
            f"log10 max M' {np.median(res['rate_bound'][:, i]):.3f}",
        )
    ax[0].plot(t, res["log10_latched_2d"][:show_runs].T, color="k", lw=0.5, alpha=0.6)
    ax[0].plot([], [], "k-", label=f"2-D net: fitted {np.median(res['rate_latched_2d']):.3f}/step")
    ax[0].set(
        xlabel="t",
        ylabel=r"$\log_{10} |\partial a_t / \partial a_0|$",
        title="(a) Theorem 4: robustly latched",
    )
    ax[0].legend(fontsize=7)
    for i, w in enumerate(res["weights"]):
        ax[1].plot(t, res["log10_held"][:show_runs, i].T, color=f"C{i}", lw=0.5)
        ax[1].plot([], [], color=f"C{i}", label=f"w = {w:g}: {np.median(res['rate_held'][:, i]):.3f}/step")
    ax[1].plot(t, res["log10_held_2d"][:show_runs].T, color="k", lw=0.5)
    ax[1].plot([], [], "k-", label=f"2-D net: {np.median(res['rate_held_2d']):.3f}/step")
    ax[1].set(
        xlabel="t",
        ylabel=r"$\log_{10} |\partial a_t / \partial a_0|$",
        title="(b) Lemma: held on the boundary",
    )
    ax[1].legend(fontsize=7)
    _suptitle(fig, "Jacobian products along trajectories (log space)", note)
    fig.tight_layout()
    return fig


def plot_eq4(res: dict, note: str = ""):
    """Median log10 |dC_T/da_tau da_tau/dW| versus tau (eq. 4)."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    tau = res["tau"]
    for i, w in enumerate(res["weights"]):
        ax.plot(tau, np.median(res["log10_terms"][:, i], axis=0), color=f"C{i}", label=f"neuron, w = {w:g}")
    ax.plot(tau, np.median(res["log10_terms_2d"], axis=0), "k-", label="2-D net")
    ax.set(
        xlabel=r"$\tau$",
        ylabel=r"median $\log_{10}$ |term $\tau$ of eq. (4)|",
        title=f"{note}",
        ylim=(-150, 5),
    )
    ax.legend(fontsize=8)
    fig.suptitle("Temporal terms of dC_T/dW on a latched network (BSF94 eq. 4)", fontsize=10)
    fig.tight_layout()
    return fig


def plot_hochreiter(res: dict, note: str = ""):
    """Measured log10 max |scaling factor| versus t - s against the weak upper bound, per condition."""
    names = res["conditions"]
    fig, ax = plt.subplots(1, len(names), figsize=(3.4 * len(names), 3.6), sharey=True)
    lags = res["lags"]
    for i, name in enumerate(names):
        m, b = res["measured"][i], res["bound"][i]
        ax[i].fill_between(lags, *np.quantile(m, [0.1, 0.9], axis=0), color="C0", alpha=0.3, lw=0)
        ax[i].plot(lags, np.median(m, axis=0), "C0-", label="measured (median, 10-90%)")
        ax[i].plot(lags, np.median(b, axis=0), "C3--", label="bound n (f'max ||W||_A)^(t-s)")
        ax[i].set(
            title=f"{name}\nmedian f'max||W||_A = {np.median(res['fprime_norm'][i]):.2f}", xlabel="t - s"
        )
    ax[0].set(
        ylabel=r"$\log_{10} \max_{v,k} |\partial\vartheta_v(s)/\partial\vartheta_k(t)|$", ylim=(-120, 60)
    )
    ax[0].legend(fontsize=7)
    _suptitle(
        fig, f"Error scaling factor of HBFS01 eq. (2), random fully connected nets, n = {res['units']}", note
    )
    fig.tight_layout()
    return fig


def plot_dilemma(res: dict, note: str = ""):
    """P(keep the bit for T steps) and median |d a_T / d a_0| across w: the dilemma in one figure."""
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    w = res["weights"]
    ax2 = ax.twinx()
    for k, s in enumerate(res["noise"]):
        ax.plot(w, res["p_keep"][k], f"C{k}-", lw=2, label=f"P(keep), s = {s:g}")
        ax2.plot(w, res["log10_grad_median"][k], f"C{k}--", lw=1.2, label=f"log10 |da_T/da_0|, s = {s:g}")
    ax.axvline(1, color="0.6", lw=0.8)
    ax.set(xlabel="w", ylabel=f"P(sign kept after T = {res['steps']} steps)", ylim=(0.4, 1.02))
    ax2.set(ylabel=r"median $\log_{10} |\partial a_T / \partial a_0|$ (dashed)")
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=7, loc="center right")
    _suptitle(fig, "The dilemma: the weights that store robustly are those whose gradients vanish", note)
    fig.tight_layout()
    return fig


def plot_neuron_run(res: dict):
    """One trajectory of the neuron with its attractors, and the running log10 |d a_t / d a_0|."""
    fig, ax = plt.subplots(1, 2, figsize=(11, 3.6))
    t = res["t"]
    ax[0].plot(t, res["traj"], "C0-", lw=1)
    for y in (res["a_bar"], -res["a_bar"]):
        ax[0].axhline(y, color="k", ls="--", lw=0.8)
    for y in (res["a_c"], -res["a_c"]):
        ax[0].axhline(y, color="0.6", ls=":", lw=0.8)
    ax[0].set(
        xlabel="t",
        ylabel="$a_t$",
        title=f"w = {res['w']:g}, h = {res['h']:g} (h* = {res['h_star']:.3f}), "
        f"noise variance {res['noise_var']:g}\n"
        r"dashed: $\pm\bar a$; dotted: $\pm a_c$ (edge of $\Gamma$)",
    )
    ax[1].plot(t, res["log10_grad"], "C3-")
    ax[1].set(
        xlabel="t", ylabel=r"$\log_{10} |\partial a_t / \partial a_0|$", title="running Jacobian product"
    )
    fig.tight_layout()
    return fig
