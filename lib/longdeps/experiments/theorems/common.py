"""What several experiments of "The theorems" share: the 2-D network, the weights shown, the input bound
of Theorem 3, and two small statistics."""

from __future__ import annotations

import numpy as np

from ... import dynamics

CHAPTER = "theorems"

# The 2-D network of the chapter: symmetric W with eigenvalues 1.92 and 0.48, so (Marcus et al. via
# BSF94 Sec. IV-A) every attractor is a fixed point; the origin is a saddle and there are two
# attractors +-X, their basins split by the origin's stable manifold.
W2 = np.array([[1.8, 0.4], [0.4, 0.6]])
LATCH_WEIGHTS = (1.25, 1.5, 2.0, 3.0)  # the neuron's w in the Theorem 3/4 and eq. (4) demonstrations


def attractors_2d(W: np.ndarray = W2, steps: int = 2000) -> np.ndarray:
    """The two fixed-point attractors +-X of a = W tanh(a), by iterating M from (3, 1)."""
    a = np.array([3.0, 1.0])
    for _ in range(steps):
        a = dynamics.rnn_map(a, W)
    return np.stack([a, -a])


def fit_slope(t: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least-squares slope of y against t along the last axis (y may have leading axes)."""
    tc = t - t.mean()
    return np.sum((y - y.mean(axis=-1, keepdims=True)) * tc, axis=-1) / np.sum(tc**2)


def theorem3_setup(weights: np.ndarray, steps: int):
    """Per weight: d = half the gap between a_bar and the edge a_c of Gamma; autonomous trajectory
    from a_0 = a_bar + 1; lambda_t over the ball of radius d around it; b_t = (1 - lambda_t) d."""
    a_bar = dynamics.neuron_attractor(weights)
    d = 0.5 * (a_bar - dynamics.critical_state(weights))
    a0 = a_bar + 1.0
    auto = dynamics.neuron_trajectory(a0, weights, np.zeros(weights.shape + (steps,)))  # (W, T+1)
    lam = dynamics.neuron_contraction_on_ball(auto[:, :-1], weights[:, None], d[:, None])
    b = (1.0 - lam) * d[:, None]  # bound on |u_t|, t = 1..T (uses the ball around a_bar_{t-1})
    return a0, d, auto, lam, b


def log10_sum(logs: np.ndarray) -> np.ndarray:
    """log10 sum_i 10^logs_i along the last axis, without overflow."""
    m = np.max(logs, axis=-1, keepdims=True)
    return m[..., 0] + np.log10(np.sum(10.0 ** (logs - m), axis=-1))


def concordance(x, y, margin: float = 0.0) -> float:
    """Goodman-Kruskal gamma of x and y over the pairs whose x differ by more than ``margin``:
    (concordant - discordant) / (concordant + discordant); a pair with equal y counts as neither.
    Pairs whose x are tied (within the margin) carry no information and are left out, which is the
    point: nan when no pair is left."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    dx = x[:, None] - x[None, :]
    dy = y[:, None] - y[None, :]
    use = np.triu(np.abs(dx) > margin, 1)
    s = np.sign(dx[use]) * np.sign(dy[use])
    c, d = np.sum(s > 0), np.sum(s < 0)
    return float((c - d) / (c + d)) if c + d else float("nan")
