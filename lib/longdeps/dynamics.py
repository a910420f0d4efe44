"""Dynamics of recurrent maps: attractors, Jacobian products, basins, error-flow bounds.

Starts with the single latching neuron of Bengio, Simard & Frasconi 1994, eq. (1)::

    a_t = w f(a_{t-1}) + h_t,    x_t = f(a_t) = tanh(a_t)

With no input (h_t = 0) the output follows the map x -> tanh(w x).  For w <= 1 its only fixed point
is x = 0 (attracting); at w = 1 a pitchfork bifurcation creates two attractors +-x_bar(w) and makes
0 a repeller: the neuron can now *latch* a bit.
"""

from __future__ import annotations

import numpy as np


def neuron_map(x: np.ndarray, w: float | np.ndarray, h: float | np.ndarray = 0.0) -> np.ndarray:
    """One step of the latch neuron in output space: x_t = tanh(w x_{t-1} + h_t) (eq. 1)."""
    return np.tanh(np.asarray(w) * np.asarray(x) + np.asarray(h))


def latch_fixed_point(w: float | np.ndarray, iters: int = 60) -> np.ndarray:
    """x_bar(w) >= 0, the positive solution of x = tanh(w x) (0 where w <= 1).

    Shape: that of ``w``.  Found by Newton's method on g(x) = tanh(w x) - x from x = 1, which
    converges monotonically for w > 1 because g is concave on x > 0.
    """
    w = np.asarray(w, dtype=float)
    if np.any(w <= 0):
        raise ValueError(f"latch_fixed_point needs w > 0, got min w = {w.min()}")
    latch = w > 1
    x = np.where(latch, 1.0, 0.0)
    for _ in range(iters):
        t = np.tanh(w * x)
        g, dg = t - x, w * (1 - t**2) - 1
        x = np.where(latch, x - g / np.where(latch, dg, 1.0), 0.0)  # dg < 0 on the way down for w > 1
    return x


def map_slope(x: np.ndarray, w: float | np.ndarray) -> np.ndarray:
    """d x_t / d x_{t-1} = w (1 - x_t^2) for the map x -> tanh(w x); |slope| < 1 at an attractor."""
    return np.asarray(w) * (1 - np.tanh(np.asarray(w) * x) ** 2)


def origin_attracts(w: float | np.ndarray) -> np.ndarray:
    """Whether x = 0 attracts under x -> tanh(w x): exactly when |w| <= 1.

    For |w| < 1 it attracts hyperbolically (|slope| = |w| < 1).  At |w| = 1 the slope is 1 in modulus
    yet |tanh x| < |x| for x != 0, so it still attracts, slowly (x_t ~ sqrt(3 / (2 t)) for w = 1): a
    test ``|slope| < 1`` calls it a repeller, wrongly.
    """
    return np.abs(np.asarray(w, dtype=float)) <= 1


def cobweb(x0: float, w: float, steps: int) -> np.ndarray:
    """The orbit x_0, x_1, ..., x_steps of x -> tanh(w x).  Shape (steps + 1,)."""
    xs = [float(x0)]
    for _ in range(steps):
        xs.append(float(neuron_map(xs[-1], w)))
    return np.array(xs)


# ---------------------------------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------------------------------


def _check_latch_weight(w, name: str = "w") -> np.ndarray:
    """``w`` as a float array; every entry must exceed 1 (the latch exists only for w > 1)."""
    w = np.asarray(w, dtype=float)
    if w.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(w)) or np.any(w <= 1):
        raise ValueError(
            f"{name} must be > 1 (two attractors exist only for w > 1), got min {name} = {w.min()}"
        )
    return w


def _check_positive_weight(w, name: str = "w") -> np.ndarray:
    w = np.asarray(w, dtype=float)
    if w.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(w)) or np.any(w <= 0):
        raise ValueError(f"{name} must be > 0, got min {name} = {w.min()}")
    return w


def check_noise_variance(s) -> float:
    """``s`` as a float; must be finite and >= 0 (a variance)."""
    s = float(s)
    if not np.isfinite(s) or s < 0:
        raise ValueError(f"noise variance must be >= 0, got {s!r}")
    return s


def check_grid(points, name: str = "grid") -> np.ndarray:
    """A non-empty array of points with a trailing state axis: shape (..., n)."""
    points = np.asarray(points, dtype=float)
    if points.size == 0:
        raise ValueError(f"{name} is empty (shape {points.shape})")
    return points


def _check_steps(steps, name: str = "steps") -> int:
    if not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"{name} must be a positive integer, got {steps!r}")
    return int(steps)


# ---------------------------------------------------------------------------------------------------
# The map M of a recurrent net, a_t = W tanh(a_{t-1}) + u_t  (BSF94 eq. 2; eq. 3 with u = 0)
# (its trajectories are run by the one recurrent network: longdeps.models.theory.trajectory)
# ---------------------------------------------------------------------------------------------------


def rnn_map(a: np.ndarray, W: np.ndarray) -> np.ndarray:
    """M(a) = W tanh(a) (BSF94 eq. 3 for a first-order net).  ``a``: (..., n); ``W``: (n, n) or
    (..., n, n) broadcasting against ``a``'s leading axes."""
    return np.einsum("...ij,...j->...i", np.asarray(W, dtype=float), np.tanh(a))


def rnn_jacobian(a: np.ndarray, W: np.ndarray) -> np.ndarray:
    """M'(a) = W diag(1 - tanh(a)^2): [M'(a)]_ij = d M_i / d a_j.  Shape (..., n, n)."""
    W = np.asarray(W, dtype=float)
    return W * (1.0 - np.tanh(a) ** 2)[..., None, :]


def log_jacobian_norms(traj: np.ndarray, W: np.ndarray) -> np.ndarray:
    """log || d a_t / d a_0 ||_2 for t = 0..T along a trajectory of eq. (2), in log space.

    d a_t / d a_0 = M'(a_{t-1}) ... M'(a_0) (the inputs are additive, so they do not enter).  The
    product is renormalised every step and its log scale accumulated, so 500-step products neither
    underflow nor overflow.  ``traj``: (..., T + 1, n), e.g. from ``models.theory.trajectory``.  Returns
    (..., T + 1) (natural log; entry 0 is log ||I|| = 0).
    """
    traj = np.asarray(traj, dtype=float)
    n, T = traj.shape[-1], traj.shape[-2] - 1
    P = np.broadcast_to(np.eye(n), traj.shape[:-2] + (n, n)).copy()
    log_scale = np.zeros(traj.shape[:-2])
    out = np.zeros(traj.shape[:-2] + (T + 1,))
    for t in range(1, T + 1):
        P = rnn_jacobian(traj[..., t - 1, :], W) @ P
        norm = np.sqrt(np.sum(P**2, axis=(-2, -1)))
        norm = np.where(norm > 0, norm, np.finfo(float).tiny)
        P = P / norm[..., None, None]
        log_scale = log_scale + np.log(norm)
        out[..., t] = log_scale + np.log(spectral_norm(P))
    return out


# ---------------------------------------------------------------------------------------------------
# The single latching neuron, a_t = w tanh(a_{t-1}) + h_t (BSF94 eq. 1), in activation space
# ---------------------------------------------------------------------------------------------------


def neuron_step(a: np.ndarray, w, h=0.0) -> np.ndarray:
    """a_t = w tanh(a_{t-1}) + h_t (BSF94 eq. 1; the 1-D case of eq. 2)."""
    return np.asarray(w) * np.tanh(a) + np.asarray(h)


def neuron_slope(a: np.ndarray, w) -> np.ndarray:
    """M'(a) = w (1 - tanh(a)^2) = d a_t / d a_{t-1} for the neuron."""
    return np.asarray(w) * (1.0 - np.tanh(a) ** 2)


def neuron_attractor(w) -> np.ndarray:
    """a_bar(w) = w x_bar(w) >= 0, the positive attractor of a = w tanh(a) (0 where w <= 1).

    The fixed points of the autonomous neuron are 0 and, for w > 1, +-a_bar(w) (the pitchfork at
    w = 1).  Defined for w > 0; the paper's latch needs w > 1.
    """
    w = _check_positive_weight(w)
    return w * latch_fixed_point(w)


def neuron_fixed_points(w: float) -> tuple[np.ndarray, np.ndarray]:
    """The fixed points of a = w tanh(a) for one w > 0 and whether each is an attractor.

    Returns (points, stable): points sorted ascending (just 0 for w <= 1); stable[i] is
    |M'(points[i])| < 1 (Definition 2 in one dimension).
    """
    w = float(_check_positive_weight(w))
    a_bar = float(neuron_attractor(w))
    pts = np.array([-a_bar, 0.0, a_bar]) if w > 1 else np.array([0.0])
    return pts, np.abs(neuron_slope(pts, w)) < 1


def critical_state(w) -> np.ndarray:
    """a_c(w) = artanh(sqrt(1 - 1/w)) > 0: where M'(a) = 1.  |M'| > 1 on (-a_c, a_c), < 1 outside.

    It is also the edge of the reduced attracting set Gamma of +a_bar (Definition 4), and where the
    saddle-node that ends the latch happens under a constant input (see :func:`escape_threshold`).
    """
    w = _check_latch_weight(w)
    return np.arctanh(np.sqrt(1.0 - 1.0 / w))


def escape_threshold(w) -> np.ndarray:
    """h*(w): the largest constant input magnitude that cannot flip a latched neuron (BSF94 Sec. III).

    Under a constant h > 0 the fixed points solve a - w tanh(a) = h.  Starting at -a_bar the state
    stays negative while the negative fixed point exists; it disappears in a saddle-node where
    M'(a) = 1, i.e. at a = -a_c(w).  So h*(w) = w s - artanh(s) with s = sqrt(1 - 1/w), and
    dh*/dw = s > 0: h* increases with w.  Needs w > 1.
    """
    w = _check_latch_weight(w)
    s = np.sqrt(1.0 - 1.0 / w)
    return w * s - np.arctanh(s)


def escapes(h, w, steps: int) -> np.ndarray:
    """Whether a constant input h flips the neuron from -a_bar(w) to a_t > 0 within ``steps`` steps."""
    steps = _check_steps(steps)
    h, w = np.broadcast_arrays(np.asarray(h, dtype=float), _check_latch_weight(w))
    a = -neuron_attractor(w)
    for _ in range(steps):
        a = neuron_step(a, w, h)
    return a > 0


def escape_threshold_simulated(w, steps: int = 2000, iters: int = 40) -> np.ndarray:
    """h*(w) by direct simulation: bisection on the constant input h in [0, w], an input escaping when
    it takes the neuron from -a_bar to a > 0 within ``steps`` steps.  Vectorised over ``w``.

    Close to h* the passage through the saddle-node bottleneck takes ~ pi / sqrt(s (h - h*)) steps,
    s = sqrt(1 - 1/w) (g(a) = a - w tanh a has g''(-a_c) = -2 s), so a finite ``steps`` over-estimates
    h* by about pi^2 / (s steps^2).
    """
    w = _check_latch_weight(w)
    lo, hi = np.zeros_like(w), w.copy()  # h = w always escapes: a_1 >= -w tanh(a_bar) + w > 0
    for _ in range(int(iters)):
        mid = 0.5 * (lo + hi)
        esc = escapes(mid, w, steps)
        lo, hi = np.where(esc, lo, mid), np.where(esc, mid, hi)
    return 0.5 * (lo + hi)


def transient_length(h, w, max_steps: int = 10_000, target: str = "attractor") -> np.ndarray:
    """L1(h, w): steps a constant input h takes the neuron from x_0 = -x_bar to the other side.

    ``target="attractor"`` (BSF94 Sec. III): the first t with x_t > x_bar; ``target="zero"``: the first
    t with x_t > 0.  Broadcasts ``h`` against ``w``; inf where the input never gets there within
    ``max_steps`` (always the case for h <= h*(w)).
    """
    if target not in ("attractor", "zero"):
        raise ValueError(f"target must be 'attractor' or 'zero', got {target!r}")
    max_steps = _check_steps(max_steps, "max_steps")
    h, w = np.broadcast_arrays(np.asarray(h, dtype=float), _check_latch_weight(w))
    a_bar = neuron_attractor(w)
    goal = a_bar if target == "attractor" else np.zeros_like(a_bar)
    a = -a_bar
    out = np.full(h.shape, np.inf)
    for t in range(1, max_steps + 1):
        a = neuron_step(a, w, h)
        out = np.where(np.isinf(out) & (a > goal), t, out)
        if not np.any(np.isinf(out)):
            break
    return out


def neuron_trajectory(a0, w, h) -> np.ndarray:
    """a_0..a_T of a_t = w tanh(a_{t-1}) + h_t.  ``h``: (..., T) inputs h_1..h_T; ``w`` and ``a0``
    broadcast against ``h[..., 0]``.  Returns (..., T + 1)."""
    h = np.asarray(h, dtype=float)
    if h.ndim < 1 or h.shape[-1] == 0:
        raise ValueError(f"h must have shape (..., T) with T >= 1, got {h.shape}")
    w = np.asarray(w, dtype=float)
    a = np.broadcast_to(np.asarray(a0, dtype=float), np.broadcast_shapes(h.shape[:-1], w.shape)).copy()
    out = np.empty(a.shape + (h.shape[-1] + 1,))
    out[..., 0] = a
    for t in range(h.shape[-1]):
        a = neuron_step(a, w, h[..., t])
        out[..., t + 1] = a
    return out


def neuron_log_derivative(traj: np.ndarray, w) -> np.ndarray:
    """log |d a_t / d a_0| = sum_{tau < t} log M'(a_tau) along a neuron trajectory (..., T + 1).

    Returns (..., T + 1), natural log, entry 0 = 0.  A sum of logs: no underflow at any length.
    """
    traj = np.asarray(traj, dtype=float)
    logs = np.log(np.abs(neuron_slope(traj[..., :-1], np.asarray(w)[..., None])))
    return np.concatenate([np.zeros(traj.shape[:-1] + (1,)), np.cumsum(logs, axis=-1)], axis=-1)


# ---------------------------------------------------------------------------------------------------
# Basins and reduced attracting sets (BSF94 Definitions 3-4), on a grid of states
# ---------------------------------------------------------------------------------------------------


def basin_labels(points, W, attractors, steps: int = 200, tol: float = 1e-3) -> np.ndarray:
    """Definition 3 on a grid: which attractor each point converges to under M (eq. 3).

    ``points``: (N, n); ``attractors``: (K, n).  Returns (N,) int: k if M^steps(point) is within
    ``tol`` of attractors[k], else -1 (not converged: on or near a basin boundary).
    """
    points = check_grid(points, "points")
    steps = _check_steps(steps)
    attractors = np.asarray(attractors, dtype=float)
    a = points.copy()
    for _ in range(steps):
        a = rnn_map(a, W)
    dist = np.linalg.norm(a[:, None, :] - attractors[None, :, :], axis=-1)
    k = np.argmin(dist, axis=1)
    return np.where(dist[np.arange(len(a)), k] < tol, k, -1)


def reduced_attracting_mask(points, W, steps: int = 60, criterion: str = "eig") -> np.ndarray:
    """Definition 4 on a grid: whether (M^l)'(y) has all eigenvalues below 1 in modulus for
    l = 1..``steps`` (``criterion="eig"``, the definition) or its 2-norm below 1 (``"norm"``, the
    |M'| of Theorems 1-3).  (M^l)'(y) = M'(M^{l-1} y) ... M'(y), renormalised in log space.

    ``points``: (N, n).  Returns (N,) bool.  Combine with :func:`basin_labels` for Gamma(X) of one X.
    "For all l >= 1" is truncated at ``steps``; near a hyperbolic attractor the product only shrinks.
    """
    if criterion not in ("eig", "norm"):
        raise ValueError(f"criterion must be 'eig' or 'norm', got {criterion!r}")
    points = check_grid(points, "points")
    steps = _check_steps(steps)
    n = points.shape[-1]
    a = points.copy()
    P = np.broadcast_to(np.eye(n), points.shape[:-1] + (n, n)).copy()
    log_scale = np.zeros(points.shape[:-1])
    ok = np.ones(points.shape[:-1], dtype=bool)
    for _ in range(steps):
        P = rnn_jacobian(a, W) @ P
        a = rnn_map(a, W)
        norm = np.sqrt(np.sum(P**2, axis=(-2, -1)))
        norm = np.where(norm > 0, norm, np.finfo(float).tiny)
        P = P / norm[..., None, None]
        log_scale = log_scale + np.log(norm)
        size = spectral_radius(P) if criterion == "eig" else spectral_norm(P)
        ok &= log_scale + np.log(np.maximum(size, np.finfo(float).tiny)) < 0
    return ok


def spectral_radius(P: np.ndarray) -> np.ndarray:
    """max |eigenvalue| of each matrix of a stack (..., n, n); closed form for n <= 2 (fast on grids)."""
    n = P.shape[-1]
    if n == 1:
        return np.abs(P[..., 0, 0])
    if n == 2:
        tr = P[..., 0, 0] + P[..., 1, 1]
        det = P[..., 0, 0] * P[..., 1, 1] - P[..., 0, 1] * P[..., 1, 0]
        disc = tr**2 - 4 * det
        real = 0.5 * (np.abs(tr) + np.sqrt(np.maximum(disc, 0.0)))
        return np.where(disc >= 0, real, np.sqrt(np.abs(det)))
    return np.max(np.abs(np.linalg.eigvals(P)), axis=-1)


def spectral_norm(P: np.ndarray) -> np.ndarray:
    """The 2-norm (largest singular value) of each matrix of a stack; closed form for n <= 2."""
    n = P.shape[-1]
    if n == 1:
        return np.abs(P[..., 0, 0])
    if n == 2:
        f = np.sum(P**2, axis=(-2, -1))
        det = P[..., 0, 0] * P[..., 1, 1] - P[..., 0, 1] * P[..., 1, 0]
        return np.sqrt(0.5 * (f + np.sqrt(np.maximum(f**2 - 4 * det**2, 0.0))))
    return np.linalg.norm(P, ord=2, axis=(-2, -1))


# ---------------------------------------------------------------------------------------------------
# Theorem 3 for the neuron: the input bound b_t = (1 - lambda_t) d
# ---------------------------------------------------------------------------------------------------


def neuron_contraction_on_ball(a_center, w, d: float) -> np.ndarray:
    """lambda_t = max |M'(y)| over the ball [a_center - d, a_center + d] (Theorem 3's D_t).

    M'(y) = w sech^2(y) is largest where |y| is smallest, so the max sits at the ball's point closest
    to 0.
    """
    d = np.asarray(d, dtype=float)
    if np.any(~(d > 0)):
        raise ValueError(f"d must be > 0, got {d!r}")
    a_center = np.asarray(a_center, dtype=float)
    closest = np.maximum(np.abs(a_center) - d, 0.0)
    return neuron_slope(closest, w)


# ---------------------------------------------------------------------------------------------------
# Eq. (4): the temporal terms of the weight gradient
# ---------------------------------------------------------------------------------------------------


def log_temporal_terms(traj: np.ndarray, W: np.ndarray, dC_da_T: np.ndarray) -> np.ndarray:
    """log10 | dC_T/da_tau * da_tau/dW | for tau = 1..T (BSF94 eq. 4) on a net a_t = W tanh(a_{t-1}) + u_t.

    The tau-th term is the outer product delta_tau tanh(a_{tau-1})^T, delta_tau = dC_T/da_tau =
    dC_T/da_T M'(a_{T-1}) ... M'(a_tau); its Frobenius norm is |delta_tau| |tanh(a_{tau-1})|.  delta is
    renormalised each step (log space), so terms of 10^-300 are still reported.
    ``traj``: (..., T + 1, n); ``dC_da_T``: (..., n).  Returns (..., T) for tau = 1..T.
    """
    traj = np.asarray(traj, dtype=float)
    T = traj.shape[-2] - 1
    delta = np.asarray(dC_da_T, dtype=float) * np.ones(traj.shape[:-2] + traj.shape[-1:])
    log_scale = np.zeros(traj.shape[:-2])
    out = np.empty(traj.shape[:-2] + (T,))
    for tau in range(T, 0, -1):
        nd = np.linalg.norm(delta, axis=-1)
        nx = np.linalg.norm(np.tanh(traj[..., tau - 1, :]), axis=-1)
        with np.errstate(divide="ignore"):
            out[..., tau - 1] = (log_scale + np.log(nd) + np.log(nx)) / np.log(10)
        if tau > 1:  # delta_{tau-1} = delta_tau M'(a_{tau-1})
            delta = np.einsum("...i,...ij->...j", delta, rnn_jacobian(traj[..., tau - 1, :], W))
            nrm = np.linalg.norm(delta, axis=-1)
            nrm = np.where(nrm > 0, nrm, np.finfo(float).tiny)
            delta = delta / nrm[..., None]
            log_scale = log_scale + np.log(nrm)
    return out


# ---------------------------------------------------------------------------------------------------
# Hochreiter et al. 2001, Section 2: the error scaling factor and its weak upper bound
# ---------------------------------------------------------------------------------------------------


def logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


ACTIVATIONS = {
    # name: (f, f' of the pre-activation, max f'); the nets themselves run in models.theory
    "logistic": (logistic, lambda x: logistic(x) * (1 - logistic(x)), 0.25),
    "tanh": (np.tanh, lambda x: 1 - np.tanh(x) ** 2, 1.0),
}


def log_error_scaling(W, fprime) -> np.ndarray:
    """log10 max_{v,k} |d theta_v(s) / d theta_k(t)| for lags q = t - s = 1..T-1 (HBFS01 eq. 2).

    Eq. (1) in matrix form: theta(s) = F'(s) W^T theta(s+1), so the scaling factors for error injected
    at every output unit k at t = T form the matrix S(s) = F'(s) W^T F'(s+1) W^T ... F'(T-1) W^T
    ([S]_vk = d theta_v(s) / d theta_k(T)), the sum over all paths of eq. (2).  Computed backwards
    from s = T - 1 with renormalisation (log space).  ``W``: (..., n, n); ``fprime``: (..., T, n) =
    f'(net(t)), t = 1..T (``models.theory.fully_connected_run``).  Returns (..., T - 1), entry q-1 for
    lag q.
    """
    fprime = np.asarray(fprime, dtype=float)
    T, n = fprime.shape[-2], fprime.shape[-1]
    Wt = np.swapaxes(np.asarray(W, dtype=float), -1, -2)
    S = np.broadcast_to(np.eye(n), fprime.shape[:-2] + (n, n)).copy()
    log_scale = np.zeros(fprime.shape[:-2])
    out = np.empty(fprime.shape[:-2] + (T - 1,))
    for q in range(1, T):
        s = T - q  # time index s (1-based) -> fprime[..., s - 1, :]
        S = fprime[..., s - 1, :, None] * (Wt @ S)
        m = np.max(np.abs(S), axis=(-2, -1))
        m = np.where(m > 0, m, np.finfo(float).tiny)
        S = S / m[..., None, None]
        log_scale = log_scale + np.log10(m)
        out[..., q - 1] = log_scale
    return out


def weight_norm_A(W) -> np.ndarray:
    """||W||_A = max_r sum_s |w_rs| (HBFS01 Sec. 2, the norm compatible with ||x|| = max_r |x_r|)."""
    return np.max(np.sum(np.abs(W), axis=-1), axis=-1)


def log_scaling_bound(W, fprime_max: float, lags) -> np.ndarray:
    """log10 of HBFS01's weak upper bound n (f'max ||W||_A)^(t-s), for each lag q = t - s.
    ``W``: (..., n, n); returns (..., len(lags))."""
    W = np.asarray(W, dtype=float)
    n = W.shape[-1]
    lags = np.asarray(lags, dtype=float)
    return np.log10(n) + lags * np.log10(fprime_max * weight_norm_A(W))[..., None]
