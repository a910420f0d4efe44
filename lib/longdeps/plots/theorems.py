"""Figures of the chapter "The theorems".  Each takes the results dict of the matching experiment in
:mod:`longdeps.experiments.theorems` (the static figures and the explorer share them) and a
``note`` string (the scale line), printed as a caption under the figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

BALL_COLORS = ("C2", "C3", "C4")


def _finish(fig, title: str, note: str) -> None:
    """Title on top, the scale note as a caption below the axes."""
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    if note:
        fig.text(0.5, -0.01, note, ha="center", va="top", fontsize=8, wrap=True)


def plot_attractors(res: dict, note: str = ""):
    """(a) pitchfork: fixed points versus w; (b) h*(w), formula and simulation; (c) L1(h, w) against
    the bottleneck law pi / sqrt(s (h - h*))."""
    fig, ax = plt.subplots(1, 3, figsize=(13, 3.9))
    w, ab = res["w"], res["a_bar"]
    ax[0].plot(w[w <= 1], 0 * w[w <= 1], "k-", lw=2, label="0, attracting")
    ax[0].plot(w[w > 1], 0 * w[w > 1], "k--", lw=1, label="0, repelling")
    ax[0].plot(w[w > 1], ab[w > 1], "C0-", lw=2, label=r"$\pm\bar a(w)$, attracting")
    ax[0].plot(w[w > 1], -ab[w > 1], "C0-", lw=2)
    ax[0].axvline(1, color="0.7", lw=0.8)
    ax[0].set(xlabel="w", ylabel=r"fixed points of $a = w\tanh a$", title="(a) pitchfork at w = 1")
    ax[0].legend(fontsize=8, loc="upper left")
    ax[1].plot(res["w_latch"], res["h_star"], "C0-", label=r"$h^* = ws - \mathrm{artanh}\,s$")
    ax[1].plot(res["w_sim"], res["h_star_sim"], "C3o", ms=4, mfc="none", label="simulated escape")
    ax[1].set(xlabel="w", ylabel=r"$h^*(w)$", title=r"(b) escape threshold $h^*(w)$")
    ax[1].legend(fontsize=8, loc="upper left")
    exc = res["excess"]
    for i, ew in enumerate(res["escape_weights"]):
        ax[2].loglog(exc, res["L1"][i], f"C{i}-", label=f"w = {ew:g}: $L_1$ (to $x > \\bar x$)")
        ax[2].loglog(exc, res["L1_zero"][i], f"C{i}:", lw=1)
        ax[2].loglog(exc, res["L1_law"][i], "k--", lw=0.8)
    ax[2].plot([], [], "k:", lw=1, label="dotted: to $x > 0$")
    ax[2].plot([], [], "k--", lw=0.8, label=r"law $\pi/\sqrt{s\,(h-h^*)}$")
    ax[2].set(xlabel=r"$h - h^*(w)$", ylabel=r"$L_1$ (steps)", title=r"(c) transient length $L_1(h, w)$")
    ax[2].legend(fontsize=7, loc="lower left")
    _finish(fig, r"The latching neuron $a_t = w\tanh(a_{t-1}) + h$ (BSF94 eq. 1)", note)
    return fig


def _rings(ax, res, times):
    ring = res["ring_traj"]  # (3, K, T+1, 2)
    for i in range(ring.shape[0]):
        c = res["centre_traj_2d"][i]
        ax.plot(c[:, 0], c[:, 1], "-", color=BALL_COLORS[i], lw=0.8)
        for t in times:
            pts = np.concatenate([ring[i, :, t], ring[i, :1, t]])
            ax.plot(pts[:, 0], pts[:, 1], "-", color=BALL_COLORS[i], lw=1.6)


def plot_basins(res: dict, note: str = "", zoom: float = 1.0):
    """Fig. 3 computed: (a) the neuron's M'(a) over beta and Gamma; (b) beta and Gamma of the 2-D net;
    (c) the balls of uncertainty near the origin (|a_i| < ``zoom``) at t = 0..3; (d) rho_t / rho_0."""
    fig, axs = plt.subplots(2, 2, figsize=(12, 10))
    ax = axs.ravel()
    g1, lab1, gam1 = res["grid_1d"], res["labels_1d"], res["gamma_1d"]
    slope = res["w"] * (1 - np.tanh(g1) ** 2)
    top = 1.1 * res["w"]
    for k, col in ((0, "C0"), (1, "C1")):
        m = lab1 == k
        ax[0].fill_between(g1, 0, top, where=m, color=col, alpha=0.2, lw=0)
        ax[0].fill_between(g1, 0, top, where=m & gam1, color=col, alpha=0.45, lw=0)
    ax[0].plot(g1, slope, "k-", lw=1.5)
    ax[0].axhline(1, color="k", ls="--", lw=0.8)
    ax[0].plot([res["a_bar"], -res["a_bar"]], [0.05 * top] * 2, "k*", ms=11)
    for x in (res["a_c"], -res["a_c"]):
        ax[0].axvline(x, color="k", ls=":", lw=1)
    ax[0].set(xlabel="a", ylabel=r"$M'(a) = w\,(1 - \tanh^2 a)$", ylim=(0, top), xlim=(g1[0], g1[-1]))
    ax[0].set_title(f"(a) neuron, w = {res['w']:g}: blue, orange = the two basins", fontsize=10)
    ax[0].legend(
        handles=[
            Line2D([], [], color="k", lw=1.5, label="M'(a)"),
            Line2D([], [], color="k", ls="--", lw=0.8, label="M' = 1"),
            Line2D([], [], color="k", ls=":", lw=1, label=r"$\pm a_c$ (edge of $\Gamma$)"),
            Line2D([], [], color="k", marker="*", ls="", label=r"attractors $\pm\bar a$"),
            Patch(color="C1", alpha=0.2, label=r"$\beta$ only"),
            Patch(color="C1", alpha=0.45, label=r"$\Gamma$"),
        ],
        fontsize=8,
        loc="upper left",
        bbox_to_anchor=(0.0, -0.12),
        ncol=3,
    )
    g2 = res["grid_2d"]
    lab2, gam2 = res["labels_2d"], res["gamma_2d"]
    img = np.where(lab2 < 0, 0, 1 + lab2 + 2 * gam2)  # 0 unconverged, 1/2 beta only, 3/4 Gamma
    cmap = ListedColormap(["white", "#deebf7", "#fee6ce", "#9ecae1", "#fdae6b"])
    ext = (g2[0], g2[-1], g2[0], g2[-1])
    X = res["attractors_2d"]
    for a_, lim in ((ax[1], g2[-1]), (ax[2], zoom)):
        a_.imshow(img, origin="lower", extent=ext, cmap=cmap, vmin=0, vmax=4, interpolation="nearest")
        a_.contour(g2, g2, res["gamma_2d_norm"].astype(float), levels=[0.5], colors="k", linewidths=0.8)
        a_.plot(X[:, 0], X[:, 1], "k*", ms=12)
        a_.set(xlabel="$a_1$", ylabel="$a_2$", xlim=(-lim, lim), ylim=(-lim, lim))
    _rings(ax[1], res, (0, 3, 6))
    _rings(ax[2], res, (0, 1, 2, 3))
    ax[1].add_patch(plt.Rectangle((-zoom, -zoom), 2 * zoom, 2 * zoom, fill=False, ec="k", ls="--", lw=0.8))
    ax[1].set_title("(b) 2-D net; balls at t = 0, 3, 6 and their centres' paths", fontsize=10)
    ax[2].set_title("(c) zoom on the dashed square: balls at t = 0, 1, 2, 3", fontsize=10)
    ax[1].legend(
        handles=[
            Line2D([], [], color="k", lw=0.8, label=r"edge of $\|M'^l\| < 1$ (norm)"),
            Patch(color="#9ecae1", label=r"$\Gamma$ (eigenvalues)"),
            Patch(color="#deebf7", label=r"$\beta$ only"),
            Line2D([], [], color="k", marker="*", ls="", label=r"attractors $\pm X$"),
        ],
        fontsize=8,
        loc="upper left",
        bbox_to_anchor=(0.0, -0.12),
        ncol=2,
    )
    ax[2].legend(
        handles=[
            Line2D([], [], color=BALL_COLORS[i], lw=1.6, label=lab)
            for i, lab in enumerate(res["ball_labels"])
        ],
        fontsize=8,
        loc="upper left",
        bbox_to_anchor=(0.0, -0.12),
        ncol=2,
    )
    t = np.arange(res["rho_1d"].shape[1])
    for i in range(len(res["ball_labels"])):
        ax[3].semilogy(t, res["rho_1d"][i] / res["radius"], color=BALL_COLORS[i], ls="-")
        ax[3].semilogy(t, res["rho_2d"][i] / res["radius"], color=BALL_COLORS[i], ls="--")
    ax[3].axhline(1, color="0.6", lw=0.8)
    ax[3].set(xlabel="t", ylabel=r"$\rho_t / \rho_0$", ylim=(1e-12, 1e3))
    ax[3].set_title("(d) radius of the ball of uncertainty", fontsize=10)
    ax[3].legend(
        handles=[Line2D([], [], color=BALL_COLORS[i], label=lab) for i, lab in enumerate(res["ball_labels"])]
        + [
            Line2D([], [], color="k", ls="-", label="1-D neuron"),
            Line2D([], [], color="k", ls="--", label="2-D net"),
        ],
        fontsize=8,
        loc="upper left",
        bbox_to_anchor=(0.0, -0.12),
        ncol=2,
    )
    _finish(
        fig,
        r"Basins $\beta$, reduced attracting sets $\Gamma$ and the ball of uncertainty "
        "(BSF94 Defs. 3-4, Fig. 3)",
        note,
    )
    return fig


def plot_theorem3(res: dict, note: str = ""):
    """max_t |a_t - a_bar_t| / d per run under inputs bounded by b_t (Theorem 3)."""
    fig, ax = plt.subplots(1, 2, figsize=(11, 3.8))
    w = res["weights"]
    for i, wi in enumerate(w):
        ax[0].plot(res["b"][i], label=f"w = {wi:g}, d = {res['d'][i]:.2f}")
    ax[0].set(xlabel="t", ylabel=r"$b_t = (1-\lambda_t)\,d$", title="(a) the input bound of Theorem 3")
    ax[0].legend(fontsize=8, loc="center right")
    dev = res["max_dev_over_d"]  # (R, W)
    ax[1].boxplot([dev[:, i] for i in range(len(w))])
    ax[1].set_xticks(np.arange(1, len(w) + 1), [f"{x:g}" for x in w])
    ax[1].plot(np.arange(1, len(w) + 1), res["worst_dev_over_d"][0], "rx", ms=9, label="worst-case input")
    ax[1].axhline(1, color="k", ls="--", lw=1, label="d")
    ax[1].set(
        xlabel="w",
        ylabel=r"$\max_t |a_t - \bar a_t| / d$",
        title="(b) deviation stays below d",
        ylim=(0, 1.15),
    )
    ax[1].legend(fontsize=8, loc="lower right")
    _finish(fig, "Theorem 3 on the neuron: bounded inputs keep the state within d", note)
    return fig


def plot_decay(res: dict, note: str = "", show_runs: int = 20):
    """Theorem 4 (log10 |d a_t / d a_0| on latched runs, with the proof's bound t log10 max M') and the
    Lemma (held on the boundary, with t log10 w)."""
    fig, ax = plt.subplots(1, 2, figsize=(12, 4.4))
    t = res["t"]
    for i, w in enumerate(res["weights"]):
        ax[0].plot(t, res["log10_latched"][:show_runs, i].T, color=f"C{i}", lw=0.5, alpha=0.6)
        ax[0].plot(t, t * np.median(res["rate_bound"][:, i]), color=f"C{i}", ls="--", lw=1.5)
        ax[0].plot([], [], color=f"C{i}", label=f"w = {w:g}")
    ax[0].plot(t, res["log10_latched_2d"][:show_runs].T, color="k", lw=0.5, alpha=0.6)
    ax[0].plot([], [], "k-", label="2-D net")
    ax[0].plot([], [], color="0.4", lw=0.5, label=f"solid: {show_runs} runs")
    ax[0].plot(
        [], [], color="0.4", ls="--", lw=1.5, label=r"dashed: bound $t\,\log_{10}\max_\tau M'(a_\tau)$"
    )
    ax[0].set(
        xlabel="t",
        ylabel=r"$\log_{10} |\partial a_t / \partial a_0|$",
        title="(a) Theorem 4: robustly latched",
    )
    ax[0].legend(fontsize=7, loc="lower left")
    for i, w in enumerate(res["weights"]):
        ax[1].plot(t, res["log10_held"][:show_runs, i].T, color=f"C{i}", lw=0.5)
        ax[1].plot(t, t * np.log10(w), color=f"C{i}", ls="--", lw=1)
        ax[1].plot([], [], color=f"C{i}", label=f"w = {w:g}")
    ax[1].plot(t, res["log10_held_2d"][:show_runs].T, color="k", lw=0.5)
    ax[1].plot([], [], "k-", label="2-D net")
    ax[1].plot([], [], color="0.4", ls="--", lw=1, label=r"dashed: $t\,\log_{10} w$")
    ax[1].set(
        xlabel="t",
        ylabel=r"$\log_{10} |\partial a_t / \partial a_0|$",
        title="(b) Lemma: held on the boundary",
    )
    ax[1].legend(fontsize=7, loc="upper left")
    _finish(fig, "Jacobian products along trajectories (log scale)", note)
    return fig


def plot_eq4(res: dict, note: str = ""):
    """Median log10 |dC_T/da_tau da_tau/dW| versus tau (eq. 4)."""
    fig, ax = plt.subplots(figsize=(7, 4.2))
    tau = res["tau"]
    lows = []
    for i, w in enumerate(res["weights"]):
        m = np.median(res["log10_terms"][:, i], axis=0)
        lows.append(m.min())
        ax.plot(tau, m, color=f"C{i}", label=f"neuron, w = {w:g}")
    m2 = np.median(res["log10_terms_2d"], axis=0)
    ax.plot(tau, m2, "k-", label="2-D net")
    lo = min(min(lows), m2.min())
    ax.set(
        xlabel=r"$\tau$",
        ylabel=r"median $\log_{10}$ |term $\tau$ of eq. (4)|",
        ylim=(lo - 0.05 * abs(lo) - 1, 5),
        xlim=(tau[0], tau[-1]),
    )
    ax.legend(fontsize=8, loc="lower right")
    _finish(fig, r"Temporal terms of $\partial C_T/\partial W$ on a latched network (BSF94 eq. 4)", note)
    return fig


def plot_hochreiter(res: dict, note: str = ""):
    """Measured log10 max |scaling factor| versus t - s against the weak upper bound, per condition."""
    names = res["conditions"]
    fig, ax = plt.subplots(1, len(names), figsize=(3.4 * len(names), 3.9), sharey=True)
    lags = res["lags"]
    for i, name in enumerate(names):
        m, b = res["measured"][i], res["bound"][i]
        ax[i].fill_between(lags, *np.quantile(m, [0.1, 0.9], axis=0), color="C0", alpha=0.3, lw=0)
        ax[i].plot(lags, np.median(m, axis=0), "C0-", label="measured (median, 10-90%)")
        ax[i].plot(lags, np.median(b, axis=0), "C3--", label=r"bound $n\,(f'_{\max}\|W\|_A)^{t-s}$")
        ax[i].set_title(
            f"{name}\nmedian $f'_{{\\max}}\\|W\\|_A$ = {np.median(res['fprime_norm'][i]):.2f}", fontsize=9
        )
        ax[i].set(xlabel="t - s")
    ax[0].set(
        ylabel=r"$\log_{10} \max_{v,k} |\partial\vartheta_v(s)/\partial\vartheta_k(t)|$", ylim=(-120, 60)
    )
    ax[0].legend(fontsize=7, loc="lower left")
    _finish(
        fig, f"Error scaling factor of HBFS01 eq. (2), random fully connected nets, n = {res['units']}", note
    )
    return fig


def plot_local_factor(res: dict, note: str = ""):
    """(a) |f'(w a) w| for the logistic sigmoid over w, its peak at coth(net/2)/a; (b) measured decay
    rates of random logistic nets for larger weights and more units."""
    fig, ax = plt.subplots(1, 3, figsize=(14, 4), gridspec_kw={"width_ratios": [1.4, 1, 1]})
    w = res["w"]
    for i, a in enumerate(res["a"]):
        ax[0].plot(w, res["factor"][i], color=f"C{i}", label=f"a = {a:g}")
        ax[0].axvline(res["peak_w_formula"][i], color=f"C{i}", ls=":", lw=1)
    ax[0].axhline(1, color="k", ls="--", lw=0.8)
    ax[0].axvspan(0, 4, color="0.9", lw=0)
    ax[0].set(xscale="log", xlim=(0.1, w[-1]), xlabel="w (log scale)", ylabel=r"$|f'(w a)\,w|$")
    ax[0].set_title("(a) one link's factor; dotted: w = coth(net/2)/a; grey: |w| < 4", fontsize=10)
    ax[0].minorticks_off()
    ax[0].legend(fontsize=8, loc="upper left")
    r1 = np.median(res["rate_by_w_max"], axis=0)
    r2 = np.median(res["rate_by_units"], axis=0)
    ax[1].plot(res["w_max"], r1, "C0o-")
    ax[1].set(
        xscale="log", xlabel=r"$w_{\max}$ (log scale)", ylabel=r"median fitted $\log_{10}$-rate per step"
    )
    ax[1].set_xticks(res["w_max"], [f"{x:g}" for x in res["w_max"]])
    ax[1].set_title(r"(b) n = 10 units, weights in $(-w_{\max}, w_{\max})$", fontsize=10)
    ax[2].plot(res["units"], r2, "C3s-")
    ax[2].set(xscale="log", xlabel="n, units (log scale)")
    ax[2].set_xticks(res["units"], [str(n) for n in res["units"]])
    ax[2].set_title(f"(c) n units, $|w_{{ij}}| < {res['units_w_max']:g}$", fontsize=10)
    for a_ in ax[1:]:
        a_.axhline(0, color="k", lw=0.8)
        a_.minorticks_off()
    ax[2].sharey(ax[1])
    _finish(fig, "HBFS01 Sec. 2, the intuitive analysis, for logistic units", note)
    return fig


def plot_module_a(res: dict, note: str = ""):
    """Module A feeding latch B: P(the sign at T is A's) and the gradient reaching A, across w and T."""
    fig, ax = plt.subplots(1, 2, figsize=(12, 4))
    w = res["weights"]
    for k, T in enumerate(res["T"]):
        ax[0].plot(w, res["p_correct"][k], f"C{k}-", label=f"T = {T}")
        ax[1].plot(w, res["log10_grad_median"][k], f"C{k}-", label=f"T = {T}")
    for a in ax:
        a.axvline(1, color="0.6", lw=0.8)
        a.set_xlabel("w (B's self-weight)")
    ax[0].set(ylabel="P(sign of $x_T$ = A's class)", ylim=(0.4, 1.02))
    ax[0].set_title("(a) does B keep what A said?", fontsize=10)
    ax[0].legend(fontsize=8, loc="lower right")
    ax[1].set(ylabel=r"median $\log_{10} |\partial x_T / \partial h_1|$")
    ax[1].set_title("(b) the gradient that reaches A", fontsize=10)
    ax[1].legend(fontsize=8, loc="lower left")
    _finish(fig, f"Module A feeds the latch B (BSF94 Sec. IV-B), noise variance s = {res['noise']:g}", note)
    return fig


def plot_dilemma(res: dict, note: str = ""):
    """P(keep the bit for T steps) and median |d a_T / d a_0| across w: the dilemma in one figure."""
    fig, ax = plt.subplots(1, 2, figsize=(12, 4))
    w = res["weights"]
    for k, s in enumerate(res["noise"]):
        ax[0].plot(w, res["p_keep"][k], f"C{k}-", lw=2, label=f"s = {s:g}")
        ax[1].plot(w, res["log10_grad_median"][k], f"C{k}-", lw=1.5, label=f"s = {s:g}")
    for a in ax:
        a.axvline(1, color="0.6", lw=0.8)
        a.set_xlabel("w")
    ax[0].axhline(0.95, color="k", ls=":", lw=0.8)
    ax[0].set(ylabel=f"P(sign kept after T = {res['steps']} steps)", ylim=(0.4, 1.02))
    ax[0].set_title("(a) storage (dotted: 0.95, 'robust')", fontsize=10)
    ax[0].legend(fontsize=8, loc="lower right")
    ax[1].axhline(-3, color="k", ls=":", lw=0.8)
    ax[1].set(ylabel=r"median $\log_{10} |\partial a_T / \partial a_0|$")
    ax[1].set_title("(b) gradient (dotted: $10^{-3}$)", fontsize=10)
    ax[1].legend(fontsize=8, loc="lower left")
    _finish(fig, "The dilemma: the weights that store robustly are those whose gradients vanish", note)
    return fig


def plot_neuron_run(res: dict):
    """One trajectory of the neuron with its attractors, and the running log10 |d a_t / d a_0|."""
    fig, ax = plt.subplots(1, 2, figsize=(11, 3.8))
    t = res["t"]
    ax[0].plot(t, res["traj"], "C0-", lw=1, label="$a_t$")
    for j, y in enumerate((res["a_bar"], -res["a_bar"])):
        ax[0].axhline(y, color="k", ls="--", lw=0.8, label=r"$\pm\bar a$" if j == 0 else None)
    for j, y in enumerate((res["a_c"], -res["a_c"])):
        ax[0].axhline(
            y, color="0.6", ls=":", lw=0.8, label=r"$\pm a_c$ (edge of $\Gamma$)" if j == 0 else None
        )
    ax[0].set(xlabel="t", ylabel="$a_t$")
    ax[0].set_title(
        f"w = {res['w']:g}, h = {res['h']:g} (h* = {res['h_star']:.3f}), noise variance {res['noise_var']:g}",
        fontsize=9,
    )
    ax[0].legend(fontsize=7, loc="best")
    ax[1].plot(t, res["log10_grad"], "C3-")
    ax[1].set(xlabel="t", ylabel=r"$\log_{10} |\partial a_t / \partial a_0|$")
    ax[1].set_title("running Jacobian product", fontsize=9)
    fig.tight_layout()
    return fig
