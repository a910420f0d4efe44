"""The recurrent net (models/rnn.py): BPTT against finite differences and complex steps, time copies,
Becker-LeCun curvatures, Jacobian-product norms, the latch adapter against the old neuron loops
(tests/reference_neuron.py), bad input.

The references here are written apart from the module: a forward pass with one copy of every parameter
per time step, reading parameters by their names (so the documented order of theta is checked too).
"""

import pickle
import re
import time
from dataclasses import dataclass

import numpy as np
import pytest
import reference_neuron as neuron

from longdeps.models.rnn import LatchNet, RecurrentNet, fully_connected, latch_neuron, parity_net, srn
from longdeps.runner import trial_rngs
from longdeps.tasks.latch import LatchTask, initial_params, sample_data, split_params


@dataclass(frozen=True)
class Batch:
    u: np.ndarray
    lengths: np.ndarray
    cls: np.ndarray


def _batch(rng, R, B, T, n_in, T_min=1, scale=1.0):
    u = rng.uniform(-scale, scale, size=(R, B, T, n_in))
    lengths = rng.integers(T_min, T + 1, size=(R, B))
    lengths[0, 0], lengths[-1, -1] = T_min, T  # both extremes occur
    t = np.arange(T)[None, None, :, None]
    u = np.where(t < lengths[..., None, None], u, 0.0)  # zero padding after each sequence
    cls = rng.integers(0, 2, size=(R, B))
    return Batch(u, lengths, cls)


def _loss(out, y):
    """C = 1/2 sum_p ||out_p - y_p||^2 per run; analytic, so it also works on complex outputs."""
    return 0.5 * ((out - y) ** 2).sum(axis=(1, 2))


def _with_x0(net: RecurrentNet) -> RecurrentNet:
    masks = dict(net.masks)
    masks["x0"] = np.ones(net.n_units, bool)
    return RecurrentNet(net.n_units, net.n_in, net.n_out, masks, dict(net.fixed), net.activation)


def _one_unit(activation="tanh", n_out=2):
    """n = 1 with every block trainable (W, U, b, V, c, x0): a single path from every node to the output."""
    shapes = {"W": (1, 1), "U": (1, 2), "b": 1, "V": (n_out, 1), "c": n_out}
    masks = {k: np.ones(s, bool) for k, s in shapes.items()}
    masks["x0"] = np.ones(1, bool)
    return RecurrentNet(1, 2, n_out, masks, {}, activation)


NETS = {
    "fully_connected": lambda: fully_connected(5),
    "fully_connected_bias_x0": lambda: _with_x0(fully_connected(5, bias=True)),
    "parity": parity_net,
    "parity_logistic": lambda: parity_net("logistic"),
    "srn": lambda: srn(4, 2, 3),
    "srn_logistic": lambda: srn(3, 1, 2, activation="logistic"),
    "one_unit": _one_unit,
}


def _theta(net, R, seed=0, scale=0.9):
    return net.init(trial_rngs(seed, range(R)), scale=scale)


# ---------------------------------------------------------------------------------------------------
# An independent reference: one copy of the parameters per time step, parameters read by name
# ---------------------------------------------------------------------------------------------------


def _by_name(net, vec):
    """Blocks from a flat vector (..., n_params) using only net.names (e.g. "W[0,1]") and the sizes."""
    n, m, k = net.n_units, net.n_in, net.n_out
    shapes = {"W": (n, n), "F": (n, n), "U": (n, m), "b": (n,), "V": (k, n), "c": (k,), "x0": (n,)}
    out = {b: np.zeros(vec.shape[:-1] + s) for b, s in shapes.items()}
    for col, name in enumerate(net.names):
        block, idx = re.fullmatch(r"(\w+)\[([\d,]+)\]", name).groups()
        out[block][(...,) + tuple(int(i) for i in idx.split(","))] = vec[..., col]
    return out


def _ref_outputs(net, theta_t, u, lengths):
    """out (R, B, n_out) with parameters theta_t (R, T, n_params): step t uses theta_t[:, t - 1]
    (V and c: the copy of the sequence's end step; x0: the copy of step 1).  Unit by unit."""
    f = np.tanh if net.activation == "tanh" else (lambda a: 1 / (1 + np.exp(-a)))
    P = _by_name(net, theta_t)
    R, B, T, _ = u.shape
    n = net.n_units
    x = np.zeros((R, B, n), dtype=theta_t.dtype) + P["x0"][:, 0, None, :]
    out = np.zeros((R, B, net.n_out), dtype=theta_t.dtype)
    for t in range(T):
        new = np.zeros_like(x)
        for i in range(n):
            a = (
                np.einsum("rj,rbj->rb", P["W"][:, t, i], x)
                + np.einsum("rj,rbj->rb", P["F"][:, t, i], new)
                + np.einsum("rj,rbj->rb", P["U"][:, t, i], u[:, :, t])
                + P["b"][:, t, i, None]
            )
            new[..., i] = f(a)
        x = new
        o = np.einsum("roj,rbj->rbo", P["V"][:, t], x) + P["c"][:, t, None, :]
        out = np.where((lengths == t + 1)[..., None], o, out)
    return out


def _time_copy_jacobian(net, theta, batch, eps=1e-6):
    """d out / d (time-t copy of parameter k), central differences: (R, T, n_params, B, n_out)."""
    R, T = theta.shape[0], batch.u.shape[2]
    base = np.repeat(theta[:, None, :], T, axis=1)
    J = np.zeros((R, T, net.n_params) + batch.lengths.shape[1:] + (net.n_out,))
    for t in range(T):
        for k in range(net.n_params):
            d = np.zeros_like(base)
            d[:, t, k] = eps
            hi = _ref_outputs(net, base + d, batch.u, batch.lengths)
            lo = _ref_outputs(net, base - d, batch.u, batch.lengths)
            J[:, t, k] = (hi - lo) / (2 * eps)
    return J


# ---------------------------------------------------------------------------------------------------
# Gradients
# ---------------------------------------------------------------------------------------------------


def test_reference_forward_agrees_with_the_model():
    rng = np.random.default_rng(1)
    for make in NETS.values():
        net = make()
        theta = _theta(net, 2)
        b = _batch(rng, 2, 3, 6, net.n_in)
        ref = _ref_outputs(net, np.repeat(theta[:, None], 6, axis=1), b.u, b.lengths)
        np.testing.assert_allclose(net.forward(theta, b).out, ref, rtol=1e-13, atol=1e-14)


def test_parity_net_by_hand():
    """h_t = f(U0 u + W01 y_{t-1} + b0), y_t = f(U1 u + W11 y_{t-1} + F10 h_t + b1): 7 parameters."""
    net = parity_net()
    assert net.n_params == 15 and net.mask.sum() == 7
    theta = _theta(net, 1)
    p = {k: v[0] for k, v in net.unpack(theta).items()}
    u = np.array([1.0, -1.0, -1.0, 1.0, 1.0])
    y = 0.0
    for ut in u:
        h = np.tanh(p["U"][0, 0] * ut + p["W"][0, 1] * y + p["b"][0])
        y = np.tanh(p["U"][1, 0] * ut + p["W"][1, 1] * y + p["F"][1, 0] * h + p["b"][1])
    b = Batch(u[None, None, :, None], np.array([[5]]), np.zeros((1, 1), int))
    np.testing.assert_allclose(net.forward(theta, b).out[0, 0, 0], y, rtol=1e-14)


@pytest.mark.parametrize("name", list(NETS))
def test_gradient_matches_finite_differences(name):
    net = NETS[name]()
    rng = np.random.default_rng(2)
    R, B, T = 2, 4, 6
    theta, b = _theta(net, R), _batch(rng, R, B, T, net.n_in)
    y = rng.uniform(-0.8, 0.8, size=(R, B, net.n_out))
    tr = net.forward(theta, b)
    g = net.backward(theta, tr, tr.out - y).grad
    fd = _finite_differences(net, theta, b, y)
    np.testing.assert_allclose(g, fd * net.mask, rtol=1e-6, atol=1e-9)
    assert np.all(g[:, net.mask == 0] == 0) and np.all(g[:, net.mask == 1] != 0)


def test_latch_adapter_gradient_matches_finite_differences():
    net = LatchNet(L=3)
    rng = np.random.default_rng(3)
    theta = net.init(trial_rngs(4, range(3)), w0=np.array([0.8, 1.3, 2.0]))
    b = _batch(rng, 3, 6, 8, 1, T_min=3)
    b = Batch(np.where(np.arange(8)[None, None, :, None] < 3, 0.0, b.u), b.lengths, b.cls)
    y = np.where(b.cls == 1, 0.8, -0.8)[..., None]
    tr = net.forward(theta, b)
    g = net.backward(theta, tr, tr.out - y, per_step=True)
    fd = _finite_differences(net, theta, b, y)
    np.testing.assert_allclose(g.grad, fd, rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(g.grad_t.sum(1), g.grad, rtol=1e-12, atol=1e-15)
    frozen = LatchNet(L=3, trainable="h")
    assert np.all(frozen.backward(theta, tr, tr.out - y).grad[:, 0] == 0)


def test_trace_take_is_the_trace_of_those_runs():
    """Trace.take (the fit loop's hand-over of an evaluation's forward pass to the step) gives, bit for
    bit, the forward pass of the runs alone, for an index array and for a boolean mask; the latch
    adapter keeps no inputs in its trace (its U is frozen), and a SequenceBatch's time-major copy is
    taken along with it."""
    from longdeps.tasks.base import SequenceBatch

    rng = np.random.default_rng(5)
    b = _batch(rng, 5, 4, 9, 1, T_min=3)
    batch = SequenceBatch(u=b.u, lengths=b.lengths, y=np.zeros((5, 4, 1)), cls=b.cls)
    runs, mask = np.array([0, 2, 3]), np.array([True, False, True, True, False])
    for net in (LatchNet(L=2), parity_net(), fully_connected()):
        theta = net.init(trial_rngs(1, range(5)))
        full = net.forward(theta, batch)
        alone = net.forward(theta[runs], batch.take(runs))
        for sel in (runs, mask):
            part = full.take(sel)
            for name in ("xs", "out", "lengths", "cls"):
                np.testing.assert_array_equal(getattr(part, name), getattr(alone, name))
            assert (part.u is None) == isinstance(net, LatchNet)
    sub = batch.take(mask)
    np.testing.assert_array_equal(sub.u_time_major, np.moveaxis(b.u[mask], 2, 0))
    assert not sub.u_time_major.flags.writeable


def test_grad_u_is_the_input_gradient():
    net = srn(3, 2, 2)
    rng = np.random.default_rng(5)
    theta, b = _theta(net, 1), _batch(rng, 1, 2, 4, 2, T_min=4)
    y = np.zeros((1, 2, 2))
    tr = net.forward(theta, b)
    gu = net.backward(theta, tr, tr.out - y).grad_u
    eps = 1e-6
    for t, j in [(0, 0), (2, 1), (3, 0)]:
        d = np.zeros_like(b.u)
        d[:, :, t, j] = eps
        hi = net.forward(theta, Batch(b.u + d, b.lengths, b.cls)).out
        lo = net.forward(theta, Batch(b.u - d, b.lengths, b.cls)).out
        fd = (0.5 * ((hi - y) ** 2).sum(-1) - 0.5 * ((lo - y) ** 2).sum(-1)) / (2 * eps)  # per sequence
        np.testing.assert_allclose(gu[:, :, t, j], fd, rtol=1e-6, atol=1e-10)


def _finite_differences(model, theta, b, y, eps=1e-6):
    """Central differences of the loss, one coordinate at a time (all runs at once): (R, n_params)."""
    fd = np.zeros_like(theta)
    for k in range(theta.shape[1]):
        d = np.zeros_like(theta)
        d[:, k] = eps
        hi, lo = _loss(model.forward(theta + d, b).out, y), _loss(model.forward(theta - d, b).out, y)
        fd[:, k] = (hi - lo) / (2 * eps)
    return fd


def _complex_step(model, theta, b, y, coords, h=1e-20):
    out = np.zeros((theta.shape[0], len(coords)))
    for i, k in enumerate(coords):
        th = theta.astype(complex)
        th[:, k] += 1j * h
        out[:, i] = _loss(model.forward(th, b).out, y).imag / h
    return out


def test_vanishing_gradients_match_complex_step_at_T_250():
    """Where the gradient is ~1e-50 of the largest one, finite differences see nothing; the complex
    step L(theta + i h e_k).imag / h has no cancellation and resolves it to machine precision."""
    rng = np.random.default_rng(6)
    net = _with_x0(fully_connected(5))
    R, B, T = 2, 3, 250
    theta = _theta(net, R)
    Q = np.linalg.qr(rng.normal(size=(5, 5)))[0]
    net.unpack(theta)["W"][:] = 0.5 * Q
    b = _batch(rng, R, B, T, 1, T_min=200)
    y = rng.uniform(-0.8, 0.8, size=(R, B, 1))
    tr = net.forward(theta, b)
    g = net.backward(theta, tr, tr.out - y).grad
    x0 = np.arange(net.layout["x0"][0].start, net.n_params)
    assert np.all(np.abs(g[:, x0]) < 1e-8 * np.abs(g).max(axis=1, keepdims=True))
    assert np.all(np.abs(g[:, x0]) > 0)
    cs = _complex_step(net, theta, b, y, list(x0) + [0, 7, 24])
    np.testing.assert_allclose(g[:, list(x0) + [0, 7, 24]], cs, rtol=1e-9, atol=0)
    eps, k = 1e-6, x0[0]
    d = np.zeros_like(theta)
    d[:, k] = eps
    fd = (_loss(net.forward(theta + d, b).out, y) - _loss(net.forward(theta - d, b).out, y)) / (2 * eps)
    assert not np.allclose(fd, g[:, k], rtol=0.5, atol=0)  # float64 differences cannot resolve it

    latch = LatchNet(L=2)
    theta = latch.init(trial_rngs(7, range(2)), w0=0.6)
    b = _batch(rng, 2, 4, 220, 1, T_min=200, scale=0.3)
    y = np.where(b.cls == 1, 0.8, -0.8)[..., None]
    tr = latch.forward(theta, b)
    g = latch.backward(theta, tr, tr.out - y).grad
    assert np.all(np.abs(g[:, 1:]) < 1e-8 * np.abs(g[:, :1]))
    np.testing.assert_allclose(g, _complex_step(latch, theta, b, y, range(latch.n_params)), rtol=1e-9, atol=0)


# ---------------------------------------------------------------------------------------------------
# Time copies (eq. 6) and curvatures (Becker & LeCun 1988)
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["fully_connected_bias_x0", "parity", "srn_logistic", "one_unit"])
def test_time_copy_gradients_and_curvatures(name):
    net = NETS[name]()
    rng = np.random.default_rng(8)
    R, B, T = 2, 3, 5
    theta, b = _theta(net, R), _batch(rng, R, B, T, net.n_in)
    y = rng.uniform(-0.8, 0.8, size=(R, B, net.n_out))
    hess = rng.uniform(0.5, 2.0, size=(R, B, net.n_out))  # a diagonal d2L/dout2 > 0
    tr = net.forward(theta, b)
    g = net.backward(theta, tr, tr.out - y, per_step=True, curvature=hess)
    # per-step gradients: independent derivative through each time copy of each parameter
    J = _time_copy_jacobian(net, theta, b)  # (R, T, n_params, B, n_out)
    ref = np.einsum("rtkbo,rbo->rtk", J, tr.out - y) * net.mask
    np.testing.assert_allclose(g.grad_t, ref, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(g.grad_t.sum(1), g.grad, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(g.curv_t.sum(1), g.curv, rtol=1e-12, atol=1e-14)
    assert np.all(g.curv >= 0) and np.all(g.curv_t >= 0) and np.all(g.D >= 0)
    assert np.all(g.curv[:, net.mask == 0] == 0)
    gn = np.einsum("rtkbo,rbo->rtk", J**2, hess) * net.mask  # Gauss-Newton diagonal of each time copy
    if net.n_units == 1:  # one path from every node to the output: the Becker-LeCun recursion is exact
        np.testing.assert_allclose(g.curv_t, gn, rtol=1e-6, atol=1e-10)
    else:  # several paths: the diagonal recursion drops cross terms (the documented approximation)
        assert not np.allclose(g.curv_t, gn, rtol=1e-3)


T1_NETS = [lambda: srn(5, 2, 3), parity_net, lambda: srn(4, 1, 2, activation="logistic")]


@pytest.mark.parametrize("make", T1_NETS)
def test_curvature_is_the_gauss_newton_diagonal_at_T_1(make):
    """At T = 1 (no x0) every parameter reaches each output along one path: curv = diag(J^T H J),
    J = d out / d theta from central differences."""
    net = make()
    rng = np.random.default_rng(9)
    R, B = 2, 4
    theta, b = _theta(net, R), _batch(rng, R, B, 1, net.n_in)
    hess = rng.uniform(0.5, 2.0, size=(R, B, net.n_out))
    tr = net.forward(theta, b)
    curv = net.backward(theta, tr, np.zeros_like(tr.out), curvature=hess).curv
    eps, gn = 1e-6, np.zeros_like(theta)
    for k in range(net.n_params):
        d = np.zeros_like(theta)
        d[:, k] = eps
        Jk = (net.forward(theta + d, b).out - net.forward(theta - d, b).out) / (2 * eps)
        gn[:, k] = np.einsum("rbo,rbo->r", Jk**2, hess)
    np.testing.assert_allclose(curv, gn * net.mask, rtol=1e-7, atol=1e-12)


def test_single_neuron_curvature_recursion_of_the_notes():
    """D_t = f'(a_t)^2 w^2 D_{t+1}, D_T = f'(a_T)^2; d2C/dw_t^2 = D_t x_{t-1}^2 (one sequence)."""
    net = latch_neuron()
    theta = net.fixed_theta[None].copy()
    theta[0, 0] = 1.4
    u = np.array([0.5, -0.3, 0.2, 0.1])
    tr = net.forward(theta, Batch(u[None, None, :, None], np.array([[4]]), np.zeros((1, 1), int)))
    g = net.backward(theta, tr, np.zeros((1, 1, 1)), per_step=True, curvature=np.ones((1, 1, 1)))
    x = tr.x[0, 0, :, 0]
    D, ref = 1.0, []
    for t in range(4, 0, -1):
        D = (1 - x[t] ** 2) ** 2 * D if t == 4 else (1 - x[t] ** 2) ** 2 * 1.4**2 * D
        ref.append(D * x[t - 1] ** 2)
    np.testing.assert_allclose(g.curv_t[0, :, 0], ref[::-1], rtol=1e-13)


# ---------------------------------------------------------------------------------------------------
# Jacobians and their products
# ---------------------------------------------------------------------------------------------------


def _ref_step(net, theta, x_prev, u_t):
    """x_t from x_{t-1} (R, B, n) with the reference forward of one step."""
    P = _by_name(net, theta)
    f = np.tanh if net.activation == "tanh" else (lambda a: 1 / (1 + np.exp(-a)))
    new = np.zeros_like(x_prev)
    for i in range(net.n_units):
        a = (
            np.einsum("rj,rbj->rb", P["W"][:, i], x_prev)
            + np.einsum("rj,rbj->rb", P["F"][:, i], new)
            + np.einsum("rj,rbj->rb", P["U"][:, i], u_t)
            + P["b"][:, i, None]
        )
        new[..., i] = f(a)
    return new


@pytest.mark.parametrize("name", ["parity", "srn_logistic", "fully_connected"])
def test_jacobian_matches_finite_differences(name):
    net = NETS[name]()
    rng = np.random.default_rng(10)
    theta, b = _theta(net, 2, scale=1.5), _batch(rng, 2, 3, 5, net.n_in)
    tr = net.forward(theta, b)
    J = net.jacobian(theta, tr)
    assert J.shape == (2, 3, 5, net.n_units, net.n_units)
    eps = 1e-6
    for t in (1, 3, 5):
        x_prev, u_t = tr.x[:, :, t - 1], b.u[:, :, t - 1]
        np.testing.assert_allclose(_ref_step(net, theta, x_prev, u_t), tr.x[:, :, t], rtol=1e-13, atol=1e-15)
        for j in range(net.n_units):
            d = np.zeros_like(x_prev)
            d[..., j] = eps
            hi, lo = _ref_step(net, theta, x_prev + d, u_t), _ref_step(net, theta, x_prev - d, u_t)
            col = (hi - lo) / (2 * eps)
            np.testing.assert_allclose(J[:, :, t - 1, :, j], col, rtol=1e-6, atol=1e-9)


def _orthogonal_net(rng, n, gain, R=1):
    net = RecurrentNet(n, 1, 1, {"W": np.ones((n, n), bool)}, {"U": np.ones((n, 1)), "V": np.eye(1, n)})
    theta = np.tile(net.fixed_theta, (R, 1))
    for r in range(R):
        net.unpack(theta)["W"][r] = gain * np.linalg.qr(rng.normal(size=(n, n)))[0]
    return net, theta


def test_log_jacobian_norms_are_2_norms_of_the_products():
    """A scaled orthogonal W with small inputs keeps several singular values of the product of similar
    size, so the 2-norm and the Frobenius norm differ."""
    rng = np.random.default_rng(11)
    net, theta = _orthogonal_net(rng, 4, 0.95, R=2)
    b = _batch(rng, 2, 3, 30, 1, T_min=20, scale=0.2)
    tr = net.forward(theta, b)
    J = net.jacobian(theta, tr)
    logn = net.log_jacobian_norms(theta, tr)
    assert logn.shape == (2, 3, 31)
    for r in range(2):
        for s_ in range(3):
            Tp = b.lengths[r, s_]
            P = np.eye(4)
            assert logn[r, s_, Tp] == 0 and np.all(np.isnan(logn[r, s_, Tp + 1 :]))
            for s in range(Tp - 1, -1, -1):  # P = J_{T_p} ... J_{s+1}
                P = P @ J[r, s_, s]
                two, fro = np.linalg.norm(P, 2), np.linalg.norm(P, "fro")
                np.testing.assert_allclose(logn[r, s_, s], np.log(two), rtol=1e-10, atol=1e-12)
                assert np.log(fro) - np.log(two) > 0.15  # the Frobenius norm is not what is returned
            sv = np.linalg.svd(P, compute_uv=False)
            assert sv[1] / sv[0] > 0.3  # not nearly rank 1


def test_log_jacobian_norms_stay_finite_at_T_2000():
    rng = np.random.default_rng(12)
    net, theta = _orthogonal_net(rng, 4, 0.5)
    b = _batch(rng, 1, 2, 2000, 1, T_min=2000, scale=0.2)
    tr = net.forward(theta, b)
    logn = net.log_jacobian_norms(theta, tr)
    assert np.all(np.isfinite(logn))
    assert np.all(logn[:, :, 0] < np.log(1e-300) - 300) and np.all(logn[:, :, 0] < 2000 * np.log(0.5) + 1)
    # the 1-unit case has a closed form: log |prod_t w f'(a_t)| = sum_t log |w f'(a_t)|
    latch = LatchNet(L=1)
    th = np.array([[0.4, 0.3, -0.3]])
    tr = latch.forward(th, b)
    ref = np.log(np.abs(0.4 * (1 - tr.x[0, :, 1:, 0] ** 2)))  # (B, T)
    ref = np.concatenate([np.cumsum(ref[:, ::-1], axis=1)[:, ::-1], np.zeros((2, 1))], axis=1)
    logn = latch.log_jacobian_norms(th, tr)[0]
    assert np.all(ref[:, 0] < -1500)
    np.testing.assert_allclose(logn, ref, rtol=1e-10)


# ---------------------------------------------------------------------------------------------------
# The latch adapter reproduces the old neuron loops (tests/reference_neuron.py)
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("T_min", [None, 5])
def test_latch_adapter_reproduces_the_neuron_module(T_min):
    task = LatchTask(T=12, L=3, s=0.3, n_per_class=4, T_min=T_min, h_init=0.8)
    w0 = np.linspace(0.5, 2.0, 5)
    theta = initial_params(task, trial_rngs(3, range(5)), w0=w0)
    net = LatchNet(L=3)
    np.testing.assert_array_equal(net.init(trial_rngs(3, range(5)), scale=0.8, w0=w0), theta)
    w, h = split_params(theta, 3)
    np.testing.assert_array_equal(net.unpack(theta)["w"], w)
    np.testing.assert_array_equal(net.unpack(theta)["h"], h)
    data = sample_data(task, trial_rngs(3, range(5)))
    R, P, T = 5, 4, 12
    batch = Batch(
        data.noise.reshape(R, 2 * P, T, 1),
        data.lengths.reshape(R, 2 * P),
        np.tile(np.repeat([0, 1], P), (R, 1)),
    )
    x_old = neuron.forward(w, neuron.inputs(h, data.noise))  # (R, 2, P, T)
    tr = net.forward(theta, batch)
    np.testing.assert_array_equal(tr.x[:, :, 1:, 0], x_old.reshape(R, 2 * P, T))
    np.testing.assert_array_equal(tr.out[..., 0], neuron.read_out(x_old, data.lengths).reshape(R, 2 * P))
    d = task.targets[batch.cls][..., None]
    g = net.backward(theta, tr, tr.out - d).grad
    gw, gh = neuron.backward(w, x_old, data.lengths, task.targets, 3)
    np.testing.assert_allclose(g[:, 0], gw, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(g[:, 1:], gh.reshape(R, -1), rtol=1e-12, atol=1e-15)
    cost = 0.5 * ((neuron.read_out(x_old, data.lengths) - task.targets[None, :, None]) ** 2).sum(axis=(1, 2))
    np.testing.assert_allclose(_loss(tr.out, d), cost, rtol=1e-14)
    assert net.names == ["w", "h[0,1]", "h[0,2]", "h[0,3]", "h[1,1]", "h[1,2]", "h[1,3]"]


# ---------------------------------------------------------------------------------------------------
# Construction, layout, init
# ---------------------------------------------------------------------------------------------------


def test_the_books_networks():
    fc = fully_connected(5)
    assert fc.mask.sum() == 25 and all(n.startswith("W[") for n, m in zip(fc.names, fc.mask) if m)
    p = fc.unpack(fc.fixed_theta[None])
    assert p["U"][0, 0, 0] == 1 and p["U"].sum() == 1 and p["V"][0, 0, 4] == 1 and p["V"].sum() == 1
    assert parity_net().mask.sum() == 7 and parity_net().has_F and not fc.has_F
    assert latch_neuron().mask.sum() == 1 and latch_neuron().n_params == 5
    s = srn(100, 1, 2)
    assert s.n_params == s.mask.sum() == 100 * 100 + 100 + 100 + 2 * 100 + 2
    assert list(s.layout) == ["W", "U", "b", "V", "c"]
    assert list(_with_x0(parity_net()).layout) == ["W", "F", "U", "b", "V", "c", "x0"]
    assert LatchNet(L=1).n_params == 3  # Section V-E: w, u_0, u_1


def test_unpack_views_and_init_per_run():
    net = parity_net()
    rngs = trial_rngs(5, range(3))
    theta = net.init(rngs)
    assert theta.shape == (3, 15) and np.all(np.abs(theta[:, net.mask == 1]) <= 0.5)
    np.testing.assert_array_equal(theta[:, net.mask == 0], np.tile(net.fixed_theta[net.mask == 0], (3, 1)))
    np.testing.assert_array_equal(net.init(trial_rngs(5, [2]))[0], theta[2])  # run r uses only rngs[r]
    p = net.unpack(theta)
    p["W"][1, 0, 1] = 7.0
    assert theta[1, net.names.index("W[0,1]")] == 7.0  # a view


def test_models_pickle_for_process_pools():
    for model in (parity_net(), _with_x0(srn(3, 2, 1)), LatchNet(L=2, trainable="h")):
        back = pickle.loads(pickle.dumps(model))
        assert back.names == model.names and np.array_equal(back.mask, model.mask)


def test_overflow_never_raises():
    net = srn(3, 1, 1, activation="logistic")
    theta = np.full((1, net.n_params), 1e300)
    b = _batch(np.random.default_rng(0), 1, 2, 4, 1)
    with np.errstate(over="raise", invalid="raise"):  # the model must contain these itself
        tr = net.forward(theta, b)
        net.backward(theta, tr, np.ones((1, 2, 1)), per_step=True, curvature=np.ones((1, 2, 1)))


def test_bad_input():
    net = fully_connected(5)
    theta = _theta(net, 2)
    b = _batch(np.random.default_rng(0), 2, 3, 4, 1)
    with pytest.raises(ValueError, match=r"\(2, 40\)"):
        net.forward(theta[:, :-1], b)
    with pytest.raises(ValueError, match=r"\(2, 3, 4, 2\)"):
        net.forward(theta, Batch(np.zeros((2, 3, 4, 2)), b.lengths, b.cls))
    with pytest.raises(ValueError, match="runs=2"):
        net.forward(theta, Batch(np.zeros((1, 3, 4, 1)), b.lengths[:1], b.cls[:1]))
    with pytest.raises(ValueError, match=r"\[0\]"):
        net.forward(theta, Batch(b.u, np.where(b.lengths == b.lengths[0, 0], 0, b.lengths), b.cls))
    with pytest.raises(ValueError, match="5"):
        net.forward(theta, Batch(b.u, np.full((2, 3), 5), b.cls))
    with pytest.raises(ValueError, match="T=0"):
        net.forward(theta, Batch(np.zeros((2, 3, 0, 1)), np.ones((2, 3), int), b.cls))
    with pytest.raises(ValueError, match="'relu'"):
        srn(3, 1, 1, activation="relu")
    with pytest.raises(ValueError, match="'relu'"):
        parity_net("relu")
    with pytest.raises(ValueError, match="strictly lower"):
        RecurrentNet(2, 1, 1, {"F": np.array([[False, True], [False, False]])})
    with pytest.raises(KeyError, match="'Z'"):
        RecurrentNet(2, 1, 1, {"Z": np.ones(2, bool)})
    with pytest.raises(ValueError, match="n_units=0"):
        RecurrentNet(0, 1, 1, {})
    with pytest.raises(ValueError, match=r"\(2, 3, 1\)"):
        net.backward(theta, net.forward(theta, b), np.zeros((2, 3, 2)))
    with pytest.raises(ValueError, match="readout_unit=7"):
        fully_connected(5, readout_unit=7)
    latch = LatchNet(L=3)
    with pytest.raises(ValueError, match=r"\(runs, 7\)"):
        latch.forward(np.zeros((2, 5)), b)
    with pytest.raises(ValueError, match="T=2"):
        latch.forward(np.zeros((2, 7)), Batch(b.u[:, :, :2], np.ones((2, 3), int), b.cls))
    with pytest.raises(ValueError, match="cls"):
        latch.forward(np.zeros((2, 7)), Batch(b.u, b.lengths, b.cls + 1))
    with pytest.raises(ValueError, match="'x'"):
        LatchNet(L=3, trainable="x")


def test_srn_of_100_units_runs_fast():
    """Guard against a slow forward: the srn of the TPTT chapter, 100 units, T = 200, B = 20."""
    net = srn(100, 1, 1)
    theta = _theta(net, 1)
    b = _batch(np.random.default_rng(0), 1, 20, 200, 1, T_min=100)
    t0 = time.perf_counter()
    tr = net.forward(theta, b)
    net.backward(theta, tr, np.ones((1, 20, 1)), curvature=np.ones((1, 20, 1)))
    assert time.perf_counter() - t0 < 5.0


@pytest.mark.parametrize(
    "name", ["fully_connected_bias_x0", "parity", "parity_logistic", "srn_logistic", "one_unit"]
)
def test_keep_pre_keeps_the_values_fed_to_f_and_changes_nothing(name):
    """forward(..., keep_pre=True): the same x and out bit for bit, and trace.pre (T, R, B, n) holds the
    pre-activations a_t with f(a_t) = x_t exactly (the F nets too: a_t after the same-step terms)."""
    net = NETS[name]()
    theta = _theta(net, 2)
    b = _batch(np.random.default_rng(8), 2, 3, 7, net.n_in)
    plain, kept = net.forward(theta, b), net.forward(theta, b, keep_pre=True)
    assert plain.pre is None and kept.pre.shape == (7, 2, 3, net.n_units)
    np.testing.assert_array_equal(kept.xs, plain.xs)
    np.testing.assert_array_equal(kept.out, plain.out)
    f = np.tanh if net.activation == "tanh" else (lambda a: 1 / (1 + np.exp(-a)))
    np.testing.assert_array_equal(f(kept.pre), kept.xs[1:])
    P = net.unpack(theta)  # a_t = W x_{t-1} + F x_t + U u_t + b
    x = kept.x
    a = (
        np.einsum("rij,rbtj->rbti", P["W"], x[:, :, :-1])
        + np.einsum("rij,rbtj->rbti", P.get("F", np.zeros_like(P["W"])), x[:, :, 1:])
        + np.einsum("rij,rbtj->rbti", P["U"], b.u)
        + P["b"][:, None, None, :]
    )
    np.testing.assert_allclose(np.moveaxis(kept.pre, 0, 2), a, rtol=1e-13, atol=1e-14)
    np.testing.assert_array_equal(kept.take([1]).pre, kept.pre[:, [1]])
