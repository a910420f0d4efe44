"""The theory chapter's nets, run by the one recurrent network of the book (issue 8).

BSF94 writes its recurrent net on the states a_t, eq. (2) (eq. 3 when u = 0)::

    a_t = W tanh(a_{t-1}) + u_t,        t = 1..T

and HBFS01 Section 2 its fully connected net as net_i(t) = sum_j w_ij a_j(t-1) + x_i(t),
a_i(t) = f(net_i(t)), a(0) = 0.  Both are a :class:`~.rnn.RecurrentNet` whose inputs are added to the
units (U = identity, frozen), with no bias (b = 0) and no output read (V, c unused): the net's
pre-activation at step t (``trace.pre``) is BSF94's a_t and HBFS01's net(t), its x_t = f(a_t) is
HBFS01's a(t), and BSF94's initial state a_0 enters as x_0 = tanh(a_0) (the net's "x0" block).

The functions take the chapter's shapes: states (..., n) with any leading axes, W shared (n, n) or one
per trajectory (..., n, n), inputs (..., T, n); the leading axes broadcast.  Every trajectory is one
run of the net (its own W and x_0) with one sequence.  A run that overflows is kept (NaN/inf
entries), never raised: callers mark it as failed.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .rnn import ACTIVATIONS, RecurrentNet, Trace


def _check(W, u, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(W, u) as float arrays: u (..., T, n) with T >= 1, W (..., n, n)."""
    u = np.asarray(u, dtype=float)
    if u.ndim < 2 or u.shape[-2] == 0:
        raise ValueError(f"{name} must have shape (..., T, n) with T >= 1, got {u.shape}")
    n = u.shape[-1]
    W = np.asarray(W, dtype=float)
    if W.ndim < 2 or W.shape[-2:] != (n, n):
        raise ValueError(f"W must have shape (n, n) or (..., n, n) with n = {n}, got {W.shape}")
    return W, u


def _run(W: np.ndarray, u: np.ndarray, activation: str, x0: np.ndarray | None = None):
    """Run x_t = f(W x_{t-1} + u_t) on a RecurrentNet, keeping the pre-activations.

    ``W`` (..., n, n), ``u`` (..., T, n) and ``x0`` (..., n) (None: x_0 = 0) broadcast to the
    trajectories' shape S.  Returns (S, trace): R = prod(S) runs of one sequence each, so
    ``trace.x`` is (R, 1, T + 1, n) and ``trace.pre`` (T, R, 1, n)."""
    T, n = u.shape[-2:]
    S = np.broadcast_shapes(W.shape[:-2], u.shape[:-2], () if x0 is None else x0.shape[:-1])
    fixed = {"U": np.eye(n)} if x0 is None else {"U": np.eye(n), "x0": np.zeros(n)}
    net = RecurrentNet(n, n, 1, {}, fixed, activation)
    R = int(np.prod(S))
    if R == 0:  # no trajectory: an empty trace
        xs = np.empty((T + 1, 0, 1, n))
        return S, Trace(xs, np.empty((0, 1, 1)), None, np.empty((0, 1), int), pre=np.empty((T, 0, 1, n)))
    theta = np.tile(net.fixed_theta, (R, 1))
    theta[:, net.layout["W"][0]] = np.broadcast_to(W, S + (n, n)).reshape(R, n * n)
    if x0 is not None:
        theta[:, net.layout["x0"][0]] = np.broadcast_to(x0, S + (n,)).reshape(R, n)
    batch = SimpleNamespace(u=np.broadcast_to(u, S + (T, n)).reshape(R, 1, T, n), lengths=np.full((R, 1), T))
    return S, net.forward(theta, batch, keep_pre=True)


def trajectory(a0, W, u) -> np.ndarray:
    """a_0, a_1, ..., a_T of a_t = W tanh(a_{t-1}) + u_t (BSF94 eq. 2; eq. 3 when u = 0).

    ``a0``: (..., n); ``W``: (n, n) shared, or (..., n, n) one per trajectory; ``u``: (..., T, n), the
    inputs u_1..u_T.  Returns (..., T + 1, n) (leading axes broadcast): a_0 = ``a0``, then the
    pre-activations the net fed to tanh at steps 1..T.  Overflow is kept as NaN/inf, never raised.
    """
    W, u = _check(W, u, "u")
    T, n = u.shape[-2:]
    a0 = np.asarray(a0, dtype=float)
    if a0.ndim < 1 or a0.shape[-1] != n:
        raise ValueError(f"a0 must have shape (..., n) with n = {n}, got {a0.shape}")
    S, trace = _run(W, u, "tanh", x0=np.tanh(a0))
    out = np.empty(S + (T + 1, n))
    out[..., 0, :] = a0
    out[..., 1:, :] = np.moveaxis(trace.pre[:, :, 0], 0, 1).reshape(S + (T, n))
    return out


def fully_connected_run(W, x, activation: str = "logistic") -> np.ndarray:
    """f'(net(t)) for t = 1..T on the fully connected net of HBFS01 Section 2: net_i(t) = sum_j w_ij
    a_j(t-1) + x_i(t), a_i(t) = f(net_i(t)), a(0) = 0, f = "logistic" or "tanh".

    ``W``: (..., n, n) (or one shared (n, n)); ``x``: (..., T, n) external inputs.  Returns (..., T, n)
    (leading axes broadcast), the gains f'(net(t)) of HBFS01 eq. (1), computed from a(t) = f(net(t))
    as the net's backward pass computes them.  Overflow is kept as NaN/inf, never raised.
    """
    W, x = _check(W, x, "x")
    T, n = x.shape[-2:]
    S, trace = _run(W, x, activation)
    _, df = ACTIVATIONS[activation]
    return df(trace.x[:, 0, 1:]).reshape(S + (T, n))


def uncertainty_ball(center, W, u, radius: float, n_points: int = 64) -> np.ndarray:
    """Fig. 3 of BSF94 computed: follow a ball of radius ``radius`` around ``center`` under eq. (2),
    every point of the ball receiving the same inputs ``u``.  Returns the ball's radius rho_t = max
    distance of its points from the trajectory of the centre, t = 0..T: shape (..., T + 1).

    ``center``: (..., n); ``W``: (n, n) shared, or (..., n, n) one per centre; ``u``: (..., T, n).
    Points are spread evenly on the sphere's surface (1-D: the two ends; 2-D: ``n_points`` on a
    circle; n > 2: +-radius along each axis).
    """
    center = np.asarray(center, dtype=float)
    if not radius > 0:
        raise ValueError(f"radius must be > 0, got {radius!r}")
    n = center.shape[-1]
    if n == 1:
        offs = np.array([[-1.0], [1.0]])
    elif n == 2:
        ang = np.linspace(0, 2 * np.pi, n_points, endpoint=False)
        offs = np.stack([np.cos(ang), np.sin(ang)], axis=-1)
    else:
        offs = np.concatenate([np.eye(n), -np.eye(n)])
    pts = center[..., None, :] + radius * offs  # (..., K, n)
    u, W = np.asarray(u, dtype=float), np.asarray(W, dtype=float)
    traj_c = trajectory(center, W, u)  # (..., T+1, n)
    traj_p = trajectory(pts, W if W.ndim == 2 else W[..., None, :, :], u[..., None, :, :])  # (..., K, T+1, n)
    return np.max(np.linalg.norm(traj_p - traj_c[..., None, :, :], axis=-1), axis=-2)
