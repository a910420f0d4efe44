"""An independent reference for the theory chapter's two loops: the straightforward numpy loops
``dynamics.rnn_trajectory`` and ``dynamics.fully_connected_run`` the book used before
``longdeps.models.theory`` ran them on the one recurrent network (issue 8).  Kept only as a test oracle."""

import numpy as np


def _logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


#: name -> (f, f' of the pre-activation)
ACTIVATIONS = {
    "logistic": (_logistic, lambda x: _logistic(x) * (1 - _logistic(x))),
    "tanh": (np.tanh, lambda x: 1 - np.tanh(x) ** 2),
}


def rnn_trajectory(a0: np.ndarray, W: np.ndarray, u: np.ndarray) -> np.ndarray:
    """a_0, a_1, ..., a_T of a_t = W tanh(a_{t-1}) + u_t (BSF94 eq. 2).

    ``a0``: (..., n); ``W``: (n, n) or (..., n, n); ``u``: (..., T, n) (the inputs u_1..u_T).
    Returns (..., T + 1, n).
    """
    u = np.asarray(u, dtype=float)
    W = np.asarray(W, dtype=float)
    a0 = np.asarray(a0, dtype=float)
    batch = np.broadcast_shapes(a0.shape[:-1], W.shape[:-2], u.shape[:-2])
    a = np.broadcast_to(a0, batch + u.shape[-1:]).copy()
    out = np.empty(batch + (u.shape[-2] + 1, u.shape[-1]))
    out[..., 0, :] = a
    for t in range(u.shape[-2]):
        a = np.einsum("...ij,...j->...i", W, np.tanh(a)) + u[..., t, :]
        out[..., t + 1, :] = a
    return out


def fully_connected_run(W, x, activation: str = "logistic"):
    """net_i(t) = sum_j w_ij a_j(t-1) + x_i(t), a_i(t) = f(net_i(t)), a(0) = 0 (HBFS01 Section 2).
    Returns f'(net(t)) for t = 1..T, shape (..., T, n).  ``W``: (..., n, n); ``x``: (..., T, n)."""
    f, df = ACTIVATIONS[activation]
    x = np.asarray(x, dtype=float)
    W = np.asarray(W, dtype=float)
    batch = np.broadcast_shapes(W.shape[:-2], x.shape[:-2])
    a = np.zeros(batch + x.shape[-1:])
    out = np.empty(batch + x.shape[-2:])
    for t in range(x.shape[-2]):
        net = np.einsum("...ij,...j->...i", W, a) + x[..., t, :]
        a = f(net)
        out[..., t, :] = df(net)
    return out
