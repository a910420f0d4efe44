"""An independent reference for the latch neuron of BSF94 eq. (1): the straightforward loops the book
used before the training core (``longdeps.models.rnn``) took over.  Kept only as a test oracle."""

import numpy as np


def inputs(h: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """The input sequences u (R, 2, P, T): h_t^k for t <= L (shared by the P sequences of class k),
    the noise afterwards.  ``h`` is (R, 2, L), ``noise`` (R, 2, P, T)."""
    L = h.shape[-1]
    u = noise.copy()
    u[..., :L] = h[:, :, None, :]
    return u


def forward(w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Outputs x_1..x_T of eq. (1) for inputs u (R, 2, P, T) and weights w (R,); x has u's shape."""
    w = np.asarray(w, dtype=float)[:, None, None]
    x = np.empty_like(u)
    prev = np.zeros(u.shape[:-1])
    for t in range(u.shape[-1]):
        prev = np.tanh(w * prev + u[..., t])
        x[..., t] = prev
    return x


def read_out(x: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """x at the end of each sequence, x_{T_p}^p: shape (R, 2, P)."""
    return np.take_along_axis(x, (lengths - 1)[..., None], axis=-1)[..., 0]


def backward(w: np.ndarray, x: np.ndarray, lengths: np.ndarray, targets: np.ndarray, L: int):
    """Exact BPTT for C = 1/2 sum_p (x_{T_p}^p - d^p)^2 (summed over both classes).

    With delta_t = dC/da_t:  delta_t = (1 - x_t^2) (e_t + w delta_{t+1}),  e_t = (x_t - d) [t = T_p];
    dC/dw = sum_{p,t} delta_t x_{t-1} (x_0 = 0), dC/dh_t^k = sum_p delta_t^{k,p} for t <= L (eq. 4 of
    the paper written out for one unit).  Returns (dC/dw (R,), dC/dh (R, 2, L)).
    """
    R, _, P, T = x.shape
    w3 = np.asarray(w, dtype=float)[:, None, None]
    d = np.asarray(targets, dtype=float)[None, :, None]
    err = read_out(x, lengths) - d  # (R, 2, P)
    gw = np.zeros(R)
    gh = np.zeros((R, 2, L))
    delta = np.zeros((R, 2, P))
    for t in range(T - 1, -1, -1):
        g = w3 * delta + np.where(lengths - 1 == t, err, 0.0)
        delta = (1.0 - x[..., t] ** 2) * g
        if t > 0:
            gw += np.einsum("rkp,rkp->r", delta, x[..., t - 1])
        if t < L:
            gh[:, :, t] = delta.sum(axis=-1)
    return gw, gh
