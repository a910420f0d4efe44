"""The IOHMM of Bengio & Frasconi 1994, Section 6: forward-backward against brute-force enumeration of
state paths, scaled vs log space, gradients against finite differences, EM monotonicity, long sequences,
the Section 7 configurations, the learning-rate rule and input validation."""

import itertools
from types import SimpleNamespace

import numpy as np
import pytest

from longdeps.models.iohmm import (
    IOHMM,
    adapt_learning_rate,
    full_connectivity,
    parity_iohmm,
    two_sequence_iohmm,
    two_sequence_mask,
)
from longdeps.runner import trial_rngs

SPARSE3 = np.array([[1, 1, 0], [0, 1, 1], [1, 0, 1]], dtype=bool)  # every state: itself and one other
ONE_SUCC3 = np.array([[1, 1, 1], [0, 1, 1], [0, 0, 1]], dtype=bool)  # state 2 has a single successor


def _batch(R, B, T, n_in=1, K=2, seed=0, min_len=1):
    rng = np.random.default_rng(seed)
    u = rng.uniform(-1.5, 1.5, (R, B, T, n_in))
    lengths = rng.integers(min_len, T + 1, (R, B))
    lengths[:, 0] = T
    u[np.arange(T)[None, None, :] >= lengths[..., None]] = 0.0  # zero padding
    return SimpleNamespace(u=u, lengths=lengths, cls=rng.integers(0, K, (R, B)))


def _model(allowed, kind, n_in=1, **kw):
    return IOHMM(allowed, ((0,), (1, 2)), n_in=n_in, kind=kind, initial=(0.5, 0.3, 0.2), **kw)


def _brute_force(model, Phi, batch):
    """Likelihood, h and gamma of one sequence at a time by enumerating every state path."""
    R, B, T = batch.u.shape[:3]
    n, pi = model.n, model.pi
    ll = np.zeros((R, B))
    h = np.zeros((R, B, T, n, n))
    gamma = np.zeros((R, B, T + 1, n))
    for r, b in itertools.product(range(R), range(B)):
        Tp, F = batch.lengths[r, b], model.final_states[batch.cls[r, b]]
        L = 0.0
        for path in itertools.product(range(n), repeat=Tp + 1):
            if path[-1] not in F:
                continue
            p = pi[path[0]] * np.prod([Phi[r, b, t, path[t + 1], path[t]] for t in range(Tp)])
            L += p
            for t in range(Tp):
                h[r, b, t, path[t + 1], path[t]] += p
            for t in range(T + 1):
                gamma[r, b, t, path[min(t, Tp)]] += p
        ll[r, b] = np.log(L)
        h[r, b] /= L
        gamma[r, b] /= L
    return ll, h, gamma


@pytest.mark.parametrize("allowed", [full_connectivity(3), SPARSE3, ONE_SUCC3])
@pytest.mark.parametrize("kind", ["linear", "table", "hidden"])
def test_forward_backward_matches_path_enumeration(allowed, kind):
    model = _model(allowed, kind, n_bins=3, n_hidden=2)
    batch = _batch(R=2, B=3, T=4)
    theta = model.init(trial_rngs(1, range(2)), scale=1.5)
    Phi = model.transitions(theta, batch.u)
    np.testing.assert_allclose(Phi.sum(axis=-2), 1.0)
    assert np.all(Phi[..., ~model.transition_mask.T] == 0) and np.all(Phi[..., model.transition_mask.T] > 0)
    ll, h, gamma = _brute_force(model, Phi, batch)
    for log_space in (False, True):
        post = model.posteriors(theta, batch, with_h=True, log_space=log_space)
        np.testing.assert_allclose(post.loglik_seq, ll, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(post.h, h, atol=1e-12)
        np.testing.assert_allclose(post.gamma, gamma, atol=1e-12)
        g = post.h.sum(axis=-2)  # g_j,t-1 = sum_i h_ij,t
        valid = np.arange(4)[None, None, :] < batch.lengths[..., None]
        np.testing.assert_allclose(g[valid], gamma[:, :, :-1][valid], atol=1e-12)
    np.testing.assert_allclose(model.forward(theta, batch).loglik, ll.sum(axis=1), rtol=1e-10, atol=1e-12)


def test_linear_transitions_are_the_softmax_of_eq_figure1():
    model = _model(SPARSE3, "linear", n_in=2)
    theta = model.init(trial_rngs(2, range(1)))
    u = np.array([0.3, -0.7])
    Phi = model.transitions(theta, u[None, None, None, :])[0, 0, 0]
    views = model.unpack(theta)
    for j, S in enumerate(model.successors):
        a = views[f"N{j}.w"][0] @ np.r_[1.0, u]
        np.testing.assert_allclose(Phi[list(S), j], np.exp(a) / np.exp(a).sum())
    assert model.names[:3] == ["N0.w[0,0]", "N0.w[0,1]", "N0.w[0,2]"]
    assert len(model.names) == model.n_params == 3 * 2 * 3


def test_scaled_and_log_versions_agree():
    model = two_sequence_iohmm(kind="hidden", n_hidden=2, accept="chain")
    batch = _batch(R=3, B=5, T=30, seed=4)
    theta = model.init(trial_rngs(5, range(3)), scale=2.0)
    post, post_log = model.posteriors(theta, batch), model.posteriors(theta, batch, log_space=True)
    for name in ("alpha", "beta", "gamma", "loglik_seq"):
        np.testing.assert_allclose(getattr(post, name), getattr(post_log, name), rtol=1e-9, atol=1e-12)
    la, ll = model.forward_log(theta, batch)
    np.testing.assert_allclose(np.exp(la).sum(axis=-1), 1.0)
    np.testing.assert_allclose(ll, model.forward(theta, batch).loglik_seq, rtol=1e-12)


def _fd(f, theta, eps=1e-6):
    num = np.zeros_like(theta)
    for i in range(theta.shape[1]):
        d = np.zeros_like(theta)
        d[:, i] = eps
        num[:, i] = (f(theta + d) - f(theta - d)) / (2 * eps)
    return num


@pytest.mark.parametrize("kind", ["linear", "table", "hidden"])
def test_loglik_gradient_matches_finite_differences(kind):
    model = _model(ONE_SUCC3, kind, n_in=2, n_bins=2, n_hidden=2)
    batch = _batch(R=2, B=4, T=6, n_in=2, seed=1)
    theta = model.init(trial_rngs(3, range(2)), scale=1.0)
    ll, grad = model.loglik_grad(theta, batch)
    np.testing.assert_allclose(ll, model.loglik(theta, batch))
    num = _fd(lambda th: model.loglik(th, batch), theta)
    np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("form", ["log", "abs"])
@pytest.mark.parametrize("kind", ["linear", "table"])
def test_determinant_gradient_matches_finite_differences(kind, form):
    model = _model(full_connectivity(3), kind, n_bins=3)
    batch = _batch(R=2, B=3, T=5, seed=2)
    theta = model.init(trial_rngs(4, range(2)), scale=2.0)
    D, grad = model.det_term(theta, batch, form=form)
    num = _fd(lambda th: model.det_term(th, batch, form=form)[0], theta)
    np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-8)
    # D by hand from the transition matrices: the time average per sequence, summed over sequences
    Phi = model.transitions(theta, batch.u)
    det = np.abs(np.linalg.det(Phi))
    val = np.log(det) if form == "log" else det
    valid = np.arange(5)[None, None, :] < batch.lengths[..., None]
    np.testing.assert_allclose(D, (np.where(valid, val, 0).sum(-1) / batch.lengths).sum(-1))
    J, ll, gJ = model.objective_grad(theta, batch, lam=np.array([0.0, 0.5]), form=form)
    np.testing.assert_allclose(J, ll + np.array([0.0, 0.5]) * D)
    np.testing.assert_allclose(gJ[1], model.loglik_grad(theta, batch)[1][1] + 0.5 * grad[1])


def test_determinant_of_structurally_singular_mask_is_refused():
    model = two_sequence_iohmm(self_loops=False)
    batch = _batch(R=1, B=2, T=5, min_len=3)
    with pytest.raises(ValueError, match="det Phi_t = 0"):
        model.det_term(model.init(trial_rngs(0, range(1))), batch)
    two_sequence_iohmm().det_term(
        two_sequence_iohmm().init(trial_rngs(0, range(1))), batch
    )  # self-loops: fine


def test_em_with_table_lookup_never_decreases_the_likelihood():
    model = _model(full_connectivity(3), "table", n_bins=3)
    batch = _batch(R=3, B=8, T=10, seed=5)
    theta = model.init(trial_rngs(6, range(3)), scale=1.0)
    lls = []
    for _ in range(20):
        theta, ll = model.em_step(theta, batch)
        lls.append(ll)
    lls.append(model.loglik(theta, batch))
    lls = np.array(lls)
    assert np.all(np.diff(lls, axis=0) >= -1e-9 * np.abs(lls[1:]))
    assert np.all(lls[-1] > lls[0] + 0.1) and np.all(np.isfinite(theta))


def test_exact_m_step_is_the_normalised_expected_counts():
    model = _model(ONE_SUCC3, "table", n_bins=3)
    batch = _batch(R=2, B=5, T=6, seed=9)
    theta = model.init(trial_rngs(9, range(2)), scale=1.0)
    h = model.posteriors(theta, batch, with_h=True).h  # (R, B, T, n, n)
    onehot = (model.quantise(batch.u)[..., None] == np.arange(3)).astype(float)
    N = np.einsum("rbtij,rbtc->rijc", h, onehot)
    new = model.em_step(theta, batch)[0]
    u_cells = np.linspace(-1, 1, 3)[None, None, :, None].repeat(2, 0)  # one input per cell
    P, P_old = (model.transitions(th, u_cells)[:, 0] for th in (new, theta))  # (R, c, i, j)
    for j, S in enumerate(model.successors[:2]):
        for c in range(3):
            tot = N[:, list(S), j, c].sum(axis=1, keepdims=True)
            expected = np.where(
                tot > 0, N[:, list(S), j, c] / np.maximum(tot, 1e-300), P_old[:, c, list(S), j]
            )
            np.testing.assert_allclose(P[:, c, list(S), j], expected, rtol=1e-9, atol=1e-11)
    assert np.any(N.sum(axis=1)[:, :2] == 0)  # the unvisited-cell branch is exercised


def test_runs_are_independent():
    model = two_sequence_iohmm(kind="hidden", n_hidden=2)
    batch = _batch(R=4, B=3, T=12, seed=10, min_len=3)
    theta = model.init(trial_rngs(10, range(4)))
    ll, grad = model.loglik_grad(theta, batch)
    sub = SimpleNamespace(u=batch.u[[2]], lengths=batch.lengths[[2]], cls=batch.cls[[2]])
    ll2, grad2 = model.loglik_grad(theta[[2]], sub)
    np.testing.assert_allclose(ll2, ll[[2]], rtol=1e-12)
    np.testing.assert_allclose(grad2, grad[[2]], rtol=1e-12)
    assert model.mask.shape == (model.n_params,) and model.names[0] == "N0.W[0,0]"
    assert set(model.unpack(theta)) == {f"N{j}.{k}" for j in (0, 1, 2, 4, 5) for k in "WV"}


def test_gem_increases_the_criterion_and_its_first_step_follows_the_likelihood_gradient():
    model = _model(SPARSE3, "linear")
    batch = _batch(R=2, B=6, T=8, seed=7)
    theta = model.init(trial_rngs(7, range(2)))
    # grad Q(theta, theta^k) at theta = theta^k is grad log L(theta^k)
    lr = 1e-4
    new, ll = model.gem_step(theta, batch, lr=lr, n_steps=1)
    np.testing.assert_allclose((new - theta) / lr, model.loglik_grad(theta, batch)[1], rtol=1e-9)
    np.testing.assert_allclose(ll, model.loglik(theta, batch))
    for lam in (0.0, 0.3):
        J0 = model.objective_grad(theta, batch, lam)[0]
        th = theta
        for _ in range(5):
            th, _ = model.gem_step(th, batch, lr=0.5, n_steps=3, lam=lam)
            J = model.objective_grad(th, batch, lam)[0]
            assert np.all(J >= J0 - 1e-10)
            J0 = J
    with pytest.raises(ValueError, match="kind='linear'"):
        model.em_step(theta, batch)


def test_length_500_gives_finite_loglik_and_gradients():
    batch = _batch(R=2, B=3, T=500, seed=8, min_len=250)
    for model in (two_sequence_iohmm(), parity_iohmm(kind="table")):
        theta = model.init(trial_rngs(8, range(2)))
        ll, grad = model.loglik_grad(theta, batch)
        assert np.all(np.isfinite(ll)) and np.all(np.isfinite(grad))
        assert np.all(np.isfinite(model.loglik(theta, batch, log_space=True)))
        post = model.posteriors(theta, batch)
        assert np.all(np.isfinite(post.beta)) and np.allclose(post.beta.sum(-1), 1)


def test_log_space_stays_finite_where_probabilities_underflow():
    # parity model that stays put with probability 1 - e^-800: reaching state 1 costs ~e^-800 per step
    model = parity_iohmm(kind="table", n_bins=1)
    theta = np.array([[0.0, -800.0, -800.0, 0.0]])  # N0: (stay 0, go 1), N1: (go 0, stay 1)
    batch = SimpleNamespace(u=np.zeros((1, 1, 500, 1)), lengths=np.array([[500]]), cls=np.array([[1]]))
    assert model.loglik(theta, batch)[0] == -np.inf
    ll = model.loglik(theta, batch, log_space=True)[0]
    np.testing.assert_allclose(ll, -800 + np.log(500), rtol=1e-6)


def test_two_sequence_structure_and_classification():
    model = two_sequence_iohmm()
    S = model.successors
    assert S == ((0, 1, 4), (1, 2), (2, 3), (3,), (4, 5), (5, 6), (6,))
    assert model.final_states == ((3,), (6,)) and model.pi.tolist() == [1, 0, 0, 0, 0, 0, 0]
    assert model.n_params == 3 * 2 + 4 * 2 * 2  # states 3 and 6 have a single successor: no parameters
    assert not two_sequence_mask(self_loops=False)[1, 1] and two_sequence_mask(self_loops=False)[3, 3]
    assert two_sequence_iohmm(accept="chain").final_states == ((1, 2, 3), (4, 5, 6))
    assert two_sequence_iohmm(connectivity="full").successors[3] == tuple(range(7))
    # a hand-made solution: go to chain 1 if u_1 < 0 else chain 2, then walk to the end of the chain
    theta = np.zeros((1, model.n_params))
    v = model.unpack(theta)
    v["N0.w"][0] = [[-50, 0], [0, -100], [0, 100]]  # successors 0, 1, 4: a = bias + w u
    for j in (1, 2, 4, 5):
        v[f"N{j}.w"][0] = [[0, 0], [50, 0]]  # move on
    u = np.zeros((1, 4, 5, 1))
    u[0, :, 0, 0] = [-1, 1, -1, 1]
    batch = SimpleNamespace(u=u, lengths=np.array([[5, 3, 4, 5]]), cls=np.array([[0, 1, 0, 0]]))
    assert model.predict(theta, batch).tolist() == [[0, 1, 0, 1]]
    np.testing.assert_allclose(model.errors(theta, batch), [0.25])
    out = model.forward(theta, batch).out
    np.testing.assert_allclose(out.sum(-1), 1.0, atol=1e-12)
    assert model.presentations(batch).tolist() == [4]


def test_parity_iohmm_solution():
    model = parity_iohmm()
    assert model.successors == ((0, 1), (0, 1)) and model.final_states == ((0,), (1,))
    theta = np.zeros((1, model.n_params))
    v = model.unpack(theta)
    v["N0.w"][0] = [[0, -30], [0, 30]]  # u = +1: 0 -> 1; u = -1: stay
    v["N1.w"][0] = [[0, 30], [0, -30]]  # u = +1: 1 -> 0; u = -1: stay
    rng = np.random.default_rng(3)
    u = rng.choice([-1.0, 1.0], (1, 20, 9, 1))
    batch = SimpleNamespace(u=u, lengths=np.full((1, 20), 9), cls=((u > 0).sum(axis=(2, 3)) % 2))
    assert model.errors(theta, batch)[0] == 0
    D = model.det_term(theta, batch)[0]  # near-permutation matrices: log|det| close to 0
    assert -1e-9 < D[0] <= 0


def test_learning_rate_rule():
    lr = np.array([1.0, 1.0, 1.0, 1.0])
    new = adapt_learning_rate(lr, np.array([-1.0, -2.0, -3.0, np.nan]), np.array([-2.0, -2.0, -2.0, -2.0]))
    np.testing.assert_allclose(new, [0.8, 1.25, 1.0, 1.0])  # improved: down; flat: up; worse: unchanged
    assert adapt_learning_rate(1.0, -1.0, -1.0, lr_max=1.1) == 1.1
    with pytest.raises(ValueError, match="down"):
        adapt_learning_rate(lr, lr, lr, down=2.0)


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="j=1"):
        IOHMM(np.array([[1, 1], [0, 0]]), ((0,), (1,)))
    with pytest.raises(ValueError, match="square"):
        IOHMM(np.ones((2, 3), bool), ((0,),))
    with pytest.raises(ValueError, match="'lstm'"):
        IOHMM(full_connectivity(2), ((0,), (1,)), kind="lstm")
    with pytest.raises(ValueError, match="k=1"):
        IOHMM(full_connectivity(2), ((0,), ()))
    with pytest.raises(ValueError, match="at least one class"):
        IOHMM(full_connectivity(2), ())
    with pytest.raises(ValueError, match=r"\[5\]"):
        IOHMM(full_connectivity(2), ((0,), (5,)))
    with pytest.raises(ValueError, match="disjoint"):
        IOHMM(full_connectivity(2), ((0,), (0, 1)))
    with pytest.raises(ValueError, match="initial"):
        IOHMM(full_connectivity(2), ((0,),), initial=2)
    with pytest.raises(ValueError, match="n_bins=0"):
        IOHMM(full_connectivity(2), ((0,),), kind="table", n_bins=0)
    model = parity_iohmm()
    theta = model.init(trial_rngs(0, range(2)))
    good = _batch(R=2, B=3, T=4)
    with pytest.raises(ValueError, match="n_in=1"):
        model.loglik(theta, SimpleNamespace(u=np.zeros((2, 3, 4, 2)), lengths=good.lengths, cls=good.cls))
    with pytest.raises(ValueError, match="n_params=8"):
        model.loglik(theta[:, :3], good)
    with pytest.raises(ValueError, match="lengths"):
        model.loglik(theta, SimpleNamespace(u=good.u, lengths=good.lengths + 4, cls=good.cls))
    with pytest.raises(ValueError, match="cls"):
        model.loglik(theta, SimpleNamespace(u=good.u, lengths=good.lengths, cls=good.cls + 2))
    with pytest.raises(ValueError, match="'det'"):
        model.det_term(theta, good, form="det")
    with pytest.raises(ValueError, match="accept"):
        two_sequence_iohmm(accept="first")
