"""Discrete error propagation, Bengio, Simard & Frasconi 1994 (BSF94), Section V-D (eqs. 7-10), and
Bengio & Frasconi 1994 (NIPS), Section 5.

The sigmoid units of the network are replaced by hard thresholds, and a discrete "pseudo-gradient" is
propagated backwards in time through them.  For a unit i with input (net activation) a_i and output
y_i (the paper writes x_i for the input):

    forward                         y_i = sign(a_i) in {-1, +1}                                 (7)
    possible output changes         Dy_i = 2 if a_i < 0 and a_i + Da_i >= 0,
                                          -2 if a_i >= 0 and a_i + Da_i < 0,  0 otherwise          (8)
    input change for a desired Dy   Da_i = eps - a_i (Dy_i = 2), -eps - a_i (Dy_i = -2), 0 (else)  (9)
    stochastic quantisation         P(S(g) = 2) = (g - MIN) / (MAX - MIN),
                                    P(S(g) = -2) = (MAX - g) / (MAX - MIN)                       (10)

"In our experiment we set DC/Da_i to 1 / Da_i(Dy_i) if Dy_i != 0 and 0 otherwise", and the error
signal g_i reaching y_i is turned into a desired change by Dy_i = S(g_i), whose expectation is g_i.
"The non-linear threshold unit can be used in combination with any other differentiable elements that
backpropagate the gradient in the usual fashion": here the weighted sums into each unit and the
linear read-out out = V x_{T_p} + c (and the task's cost) are those differentiable elements.

One backward pass over a sequence (time t = T_p down to 1, units of one step from the last to the
first when the net has same-step connections F)::

    g_t   = [t = T_p] V^T e + W^T delta_{t+1} + F^T delta_t     e = -dC/dout, the error signal
    Dy_t  = S(g_t), kept only where eq. (8) allows it (Dy = -2 y_t), else 0
    delta_t = 1 / Da_t(Dy_t) by eq. (9) where Dy_t != 0, else 0

and the update of every weight into a unit is the usual one with delta in place of the gradient
(Dw_ij = lr sum_t delta_i,t * (what w_ij multiplies at t)); V and c (the differentiable read-out) get
lr e x_{T_p}^T and lr e.  Frozen coordinates (``model.mask`` = 0) never move.

Sign convention (a reading, the paper mixes both): g, delta and e are *error signals* in the sense of
the delta rule, i.e. pointing the way the cost decreases.  With this reading all of eqs. (8)-(10) and
"DC/Da = 1/Da" agree: S(g) = +2 is a wish to raise y, eq. (9) then gives Da > 0, and 1/Da > 0 raises a.

Choices where the paper is silent or inconsistent:

* choice: MIN = -2, MAX = 2.  The paper asks "-2 < MIN and MAX < 2" and states E[S(g)] = g, but with
  eq. (10) E[S(g)] = 2 (2g - MIN - MAX) / (MAX - MIN), which equals g only for MIN = -2, MAX = 2.  We
  keep the stated property: P(S(g) = 2) = clip((g + 2) / 4, 0, 1), so E[S(g)] = clip(g, -2, 2) ("if
  |g_i| > 2 the resulting expected value will be -2 or +2").
* choice: a desired change that eq. (8) cannot produce (S(g) = +2 while y = +1 already, or -2 while
  y = -1) is no change (Dy = 0, delta = 0): eq. (9) is the inverse of eq. (8), which only flips.
* alternative reading, ``quantizer="feasible"``: eq. (10) followed by the filter above flips a
  correct unit with probability about 1/2 when g is small (the source of the "very irregular" learning
  curves, NIPS Section 5); the paper also says "we must insure that Dy_i is in {2, -2, 0}", which a
  draw on {-2 y_i, 0} with E[Dy_i] = g_i (when g_i points the way y_i can flip) does with far less
  noise.  Not the paper's eq. (10); offered for comparison (the chapter runs both on parity: at the
  book's sizes it takes a few points off the error and solves parity hardly more often).
* choice: g = 0 exactly (no error reaches the unit, e.g. steps after a sequence's end, or a unit with
  no path to the output) gives Dy = 0 rather than a coin flip S(0).
* choice: sign(0) = +1 (eq. 8 counts a_i >= 0 as the +1 side).
* choice: eps = 0.1 and lr = 0.1 by default (the paper gives no values); 1/Da is then at most 1/eps.
* choice: on-line updates ("because it performs an on-line local search", Section V-E): a step is one
  pass over the B sequences of the training set in a random order drawn from the run's own generator,
  one update after each sequence (``online=False``: one update per pass with the summed deltas).  Every
  sequence is presented once per step: B presentations per run.
* choice: every unit of the net is a threshold unit ("the discrete error propagation algorithm used
  hard threshold neurons instead of symmetric sigmoids"); the read-out stays linear.
* choice: a trainable initial state x0 gets lr W^T delta_1 (the error signal reaching x_0).

:class:`ThresholdNet` is the hard-threshold forward pass of a :class:`~longdeps.models.rnn.RecurrentNet`
(or :class:`~longdeps.models.rnn.LatchNet`) on the same flat theta; hand it to
:func:`~longdeps.learning.fit.fit` as the model, so evaluations use threshold units too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..models.rnn import LatchNet, RecurrentNet
from .protocol import take_sequences

#: eq. (10)'s bounds, chosen so that E[S(g)] = g on [MIN, MAX]
S_MIN, S_MAX = -2.0, 2.0
#: how an error signal becomes a desired change (see :func:`desired_change`)
QUANTIZERS = ("paper", "feasible")


# ---------------------------------------------------------------------------------------------------
# The discrete element: eqs. (7)-(10)
# ---------------------------------------------------------------------------------------------------


def threshold(a: np.ndarray) -> np.ndarray:
    """Eq. (7): y = sign(a) in {-1, +1}, with sign(0) = +1 (any shape)."""
    return np.where(a >= 0, 1.0, -1.0)


def stochastic_target(g: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """Eq. (10): S(g) in {-2, +2}, = +2 where uniforms < P(S(g) = 2) = clip((g - MIN)/(MAX - MIN), 0, 1).

    ``g`` and ``uniforms`` (U[0, 1) draws) share one shape.  E[S(g)] = clip(g, -2, 2)."""
    with np.errstate(invalid="ignore"):
        p = np.clip((g - S_MIN) / (S_MAX - S_MIN), 0.0, 1.0)
    return np.where(uniforms < p, 2.0, -2.0)


def desired_change(
    g: np.ndarray, a: np.ndarray, uniforms: np.ndarray, quantizer: str = "paper"
) -> np.ndarray:
    """Dy in {-2, 0, 2} (same shape as g, a, uniforms).

    ``quantizer="paper"``: S(g) of eq. (10), kept where eq. (8) can produce it (S(g) = -2 sign(a)) and
    g != 0, else 0.  ``"feasible"``: the only possible change, -2 sign(a), with probability
    clip(-g sign(a) / 2, 0, 1), else 0, so that E[Dy] = g whenever g points the way the unit can flip
    (and 0 otherwise)."""
    y = threshold(a)
    if quantizer == "feasible":
        with np.errstate(invalid="ignore"):
            p = np.clip(-g * y / 2.0, 0.0, 1.0)
        return np.where(uniforms < p, -2.0 * y, 0.0)
    s = stochastic_target(g, uniforms)
    return np.where((g != 0) & (s == -2.0 * y), s, 0.0)


def input_change(dy: np.ndarray, a: np.ndarray, eps: float) -> np.ndarray:
    """Eq. (9): Da = eps - a (Dy = 2), -eps - a (Dy = -2), 0 otherwise (same shape)."""
    return np.where(dy > 0, eps - a, np.where(dy < 0, -eps - a, 0.0))


def pseudo_delta(dy: np.ndarray, a: np.ndarray, eps: float) -> np.ndarray:
    """The error signal at a unit's input: 1 / Da(Dy) where Dy != 0, else 0 (eq. 9 and the sentence
    after it).  Where Dy is feasible |Da| >= eps, so |delta| <= 1/eps."""
    da = input_change(dy, a, eps)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(dy != 0, 1.0 / np.where(dy != 0, da, 1.0), 0.0)


# ---------------------------------------------------------------------------------------------------
# The hard-threshold network
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThresholdTrace:
    """A threshold forward pass: ``a`` (R, B, T, n) unit inputs, ``x`` (R, B, T + 1, n) outputs x_0..x_T
    in {-1, +1} (x_0 = 0 or x0), ``out`` (R, B, n_out) = V x_{T_p} + c, ``u`` (R, B, T, n_in) the inputs
    the units received, ``lengths`` (R, B), ``cls`` (R, B) or None."""

    a: np.ndarray
    x: np.ndarray
    out: np.ndarray
    u: np.ndarray
    lengths: np.ndarray
    cls: np.ndarray | None = None


@dataclass(frozen=True, eq=False)
class ThresholdNet:
    """``net`` (a RecurrentNet or a LatchNet) with every unit a hard threshold, eq. (7): x_t = sign(a_t),
    a_t = W x_{t-1} + F x_t + U u_t + b, out = V x_{T_p} + c.  Same theta layout, ``mask``, ``names``,
    ``unpack`` and ``init`` as ``net`` (its activation is ignored)."""

    net: Any

    def __post_init__(self):
        if not isinstance(self.net, (RecurrentNet, LatchNet)):
            raise ValueError(f"net must be a RecurrentNet or a LatchNet, got net={self.net!r}")

    @property
    def n_params(self) -> int:
        return self.net.n_params

    @property
    def mask(self) -> np.ndarray:
        return self.net.mask

    @property
    def names(self) -> list[str]:
        return self.net.names

    @property
    def n_in(self) -> int:
        return self.net.n_in

    @property
    def n_out(self) -> int:
        return self.net.n_out

    def check_theta(self, theta) -> np.ndarray:
        return self.net.check_theta(theta)

    def unpack(self, theta) -> dict[str, np.ndarray]:
        return self.net.unpack(theta)

    def init(self, rngs: Sequence[np.random.Generator], **kw) -> np.ndarray:
        """The net's initial distribution (U[-0.5, 0.5], BSF94 Section V-E)."""
        return self.net.init(rngs, **kw)

    def rnn_view(self, theta, batch) -> tuple[RecurrentNet, np.ndarray, np.ndarray, np.ndarray, Any]:
        """(rnn, rnn theta, u, lengths, cls): a LatchNet as its neuron fed u_t + h_t^{cls} (t <= L)."""
        theta = self.check_theta(theta)
        cls = getattr(batch, "cls", None)
        if isinstance(self.net, RecurrentNet):
            u, lengths = self.net.check_batch(theta, batch)
            return self.net, theta, u, lengths, cls
        neuron, L = self.net.neuron, self.net.L
        th = np.tile(neuron.fixed_theta, (theta.shape[0], 1))
        th[:, neuron.layout["W"][0]] = theta[:, :1]
        u, lengths = neuron.check_batch(th, batch)
        if u.shape[2] < L:
            raise ValueError(f"T must be >= L={L}, got T={u.shape[2]}")
        cls = np.asarray(cls)
        if cls.shape != lengths.shape or not np.all((cls == 0) | (cls == 1)):
            raise ValueError(f"cls must be 0 or 1 with shape {lengths.shape}, got {cls!r}")
        cls = cls.astype(np.int64)
        h = self.net.unpack(theta)["h"]
        u = u.astype(float, copy=True)
        u[:, :, :L, 0] += np.take_along_axis(h, cls[:, :, None], axis=1)
        return neuron, th, u, lengths, cls

    def forward(self, theta, batch) -> ThresholdTrace:
        """Threshold units on ``batch`` (u (R, B, T, n_in), lengths (R, B)): a :class:`ThresholdTrace`."""
        rnn, th, u, lengths, cls = self.rnn_view(theta, batch)
        p = rnn.unpack(th)
        R, B, T, _ = u.shape
        n = rnn.n_units
        Wt = np.swapaxes(p["W"], 1, 2)
        a = np.empty((R, B, T, n))
        x = np.empty((R, B, T + 1, n))
        with np.errstate(over="ignore", invalid="ignore"):
            drive = np.einsum("rbti,rni->rbtn", u, p["U"]) + p["b"][:, None, None, :]
            x[:, :, 0] = p["x0"][:, None, :] if "x0" in p else 0.0
            for t in range(1, T + 1):
                at = x[:, :, t - 1] @ Wt + drive[:, :, t - 1]
                if rnn.has_F:
                    F = p["F"]
                    for i in range(n):
                        at[..., i] += np.einsum("rbj,rj->rb", x[:, :, t, :i], F[:, i, :i])
                        x[:, :, t, i] = threshold(at[..., i])
                else:
                    x[:, :, t] = threshold(at)
                a[:, :, t - 1] = at
            x_end = np.take_along_axis(x, lengths[:, :, None, None], axis=2)[:, :, 0]
            out = np.einsum("rbj,roj->rbo", x_end, p["V"]) + p["c"][:, None, :]
        return ThresholdTrace(a=a, x=x, out=out, u=u, lengths=lengths, cls=cls)


# ---------------------------------------------------------------------------------------------------
# The backward pass and the weight change
# ---------------------------------------------------------------------------------------------------


def discrete_backward(
    rnn: RecurrentNet,
    theta: np.ndarray,
    trace: ThresholdTrace,
    e: np.ndarray,
    uniforms: np.ndarray,
    eps: float,
    quantizer: str = "paper",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Propagate the error signal e = -dC/dout (R, B, n_out) back through the threshold units.

    ``theta`` (R, n_params) in ``rnn``'s layout; ``uniforms`` (R, B, T, n) U[0, 1) draws for S (eq. 10);
    ``quantizer`` as in :func:`desired_change`.
    Returns (delta (R, B, T, n): 1/Da per unit and step, eq. 9; g (R, B, T, n): the error signal that
    reached each unit's output; g0 (R, B, n): the one reaching x_0).  Steps after a sequence's end get
    g = delta = 0.
    """
    p = rnn.unpack(theta)
    a, lengths = trace.a, trace.lengths
    R, B, T, n = a.shape
    W = p["W"]
    F = p["F"] if rnn.has_F else None
    inject = e @ p["V"]  # (R, B, n): V^T e
    delta = np.zeros((R, B, T, n))
    g_all = np.zeros((R, B, T, n))
    nxt = np.zeros((R, B, n))
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(T, 0, -1):
            g = np.where((lengths == t)[:, :, None], inject, 0.0) + nxt @ W
            g = np.where((t <= lengths)[:, :, None], g, 0.0)
            at, ut = a[:, :, t - 1], uniforms[:, :, t - 1]
            if F is None:
                d = pseudo_delta(desired_change(g, at, ut, quantizer), at, eps)
            else:  # units from the last down: g_i += sum_{k > i} F_ki delta_k,t
                d = np.zeros((R, B, n))
                for i in range(n - 1, -1, -1):
                    g[..., i] += np.einsum("rbk,rk->rb", d[..., i + 1 :], F[:, i + 1 :, i])
                    dy = desired_change(g[..., i], at[..., i], ut[..., i], quantizer)
                    d[..., i] = pseudo_delta(dy, at[..., i], eps)
            delta[:, :, t - 1], g_all[:, :, t - 1] = d, g
            nxt = d
        g0 = nxt @ W
    return delta, g_all, g0


def weight_change(
    rnn: RecurrentNet, trace: ThresholdTrace, e: np.ndarray, delta: np.ndarray, g0: np.ndarray
) -> np.ndarray:
    """The ascent direction (R, n_params) in ``rnn``'s layout, summed over the B sequences:
    W: sum delta_t x_{t-1}^T, F: sum delta_t x_t^T, U: sum delta_t u_t^T, b: sum delta_t,
    V: sum e x_{T_p}^T, c: sum e, x0: sum g0 (unmasked)."""
    x, u, lengths = trace.x, trace.u, trace.lengths
    R = x.shape[0]
    x_end = np.take_along_axis(x, lengths[:, :, None, None], axis=2)[:, :, 0]
    with np.errstate(over="ignore", invalid="ignore"):
        blocks = {
            "W": np.einsum("rbti,rbtj->rij", delta, x[:, :, :-1]),
            "F": np.einsum("rbti,rbtj->rij", delta, x[:, :, 1:]),
            "U": np.einsum("rbti,rbtj->rij", delta, u),
            "b": delta.sum(axis=(1, 2)),
            "V": np.einsum("rbo,rbj->roj", e, x_end),
            "c": e.sum(axis=1),
            "x0": g0.sum(axis=1),
        }
    out = np.zeros((R, rnn.n_params))
    for name, (sl, _) in rnn.layout.items():
        out[:, sl] = blocks[name].reshape(R, -1)
    return out


# ---------------------------------------------------------------------------------------------------
# The learner
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiscreteState:
    """``theta`` (R, n_params)."""

    theta: np.ndarray


@dataclass(frozen=True, eq=False)
class DiscreteErrorPropagation:
    """The discrete error propagation learner of BSF94 Section V-D (see the module docstring).

    * ``model`` -- a :class:`ThresholdNet`, or a RecurrentNet / LatchNet (wrapped into one); the learner's
      ``model`` is then the ThresholdNet to hand to :func:`~longdeps.learning.fit.fit`.
    * ``task`` -- gives ``loss_grad`` (the error signal at the read-out is -loss_grad).
    * ``lr`` > 0 -- the step size of every weight change; ``eps`` > 0 -- eq. (9)'s margin.
    * ``online`` -- True (the paper's on-line search): one update after each sequence, in a random order
      per run; False: one update per pass over the training set.
    * ``quantizer`` -- "paper" (eq. 10, then eq. 8's filter) or "feasible" (see :func:`desired_change`).
    """

    model: Any
    task: Any
    lr: float = 0.1
    eps: float = 0.1
    online: bool = True
    quantizer: str = "paper"

    def __post_init__(self):
        if not isinstance(self.model, ThresholdNet):
            object.__setattr__(self, "model", ThresholdNet(self.model))
        for name in ("lr", "eps"):
            v = getattr(self, name)
            ok = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
            if not ok or not np.isfinite(v) or v <= 0:
                raise ValueError(f"{name} must be a finite number > 0, got {name}={v!r}")
        if self.quantizer not in QUANTIZERS:
            raise ValueError(
                f"quantizer must be one of {', '.join(QUANTIZERS)}, got quantizer={self.quantizer!r}"
            )
        if not isinstance(self.online, (bool, np.bool_)):
            raise ValueError(f"online must be True or False, got online={self.online!r}")
        if not callable(getattr(self.task, "loss_grad", None)):
            raise ValueError(f"task must have a loss_grad method, got task={self.task!r}")

    def init(self, theta0: np.ndarray, rngs=None) -> DiscreteState:
        """theta0 (R, n_params) -> the state (a copy)."""
        theta = np.array(theta0, dtype=float, copy=True)
        if theta.ndim != 2 or theta.shape[1] != self.model.n_params:
            raise ValueError(f"theta0 must have shape (runs, {self.model.n_params}), got {theta.shape}")
        return DiscreteState(theta)

    def step(self, state: DiscreteState, batch, rngs) -> tuple[DiscreteState, np.ndarray]:
        """One pass over ``batch`` (R runs, B sequences); returns the new state and B presentations per
        run (R,).  Run r draws (its order, then per update its U[0, 1) numbers for S) from rngs[r] only."""
        R, B = np.asarray(batch.lengths).shape
        if len(rngs) != R:
            raise ValueError(f"need one generator per run: {R} runs, got {len(rngs)} generators")
        theta = state.theta
        if not self.online:
            theta = self._update(theta, batch, rngs)
        else:
            order = np.stack([rng.permutation(B) for rng in rngs])  # (R, B)
            for j in range(B):
                theta = self._update(theta, take_sequences(batch, order[:, j : j + 1]), rngs)
        return DiscreteState(theta), np.full(R, B, dtype=np.int64)

    def params(self, state: DiscreteState) -> np.ndarray:
        return state.theta

    def _update(self, theta: np.ndarray, batch, rngs) -> np.ndarray:
        """theta + lr * (pseudo-gradient ascent direction) on ``batch``, frozen coordinates kept."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            trace = self.model.forward(theta, batch)
            rnn, th, *_ = self.model.rnn_view(theta, batch)
            e = -np.asarray(self.task.loss_grad(trace.out, batch), dtype=float)
            R, B, T, n = trace.a.shape
            uniforms = np.stack([rng.random((B, T, n)) for rng in rngs])
            delta, _, g0 = discrete_backward(rnn, th, trace, e, uniforms, self.eps, self.quantizer)
            step = weight_change(rnn, trace, e, delta, g0)
            if isinstance(self.model.net, LatchNet):
                step = self._latch_change(step, rnn, trace, delta)
            return theta + self.lr * step * self.model.mask

    def _latch_change(self, step: np.ndarray, rnn: RecurrentNet, trace: ThresholdTrace, delta) -> np.ndarray:
        """A LatchNet's (w, h^0_1..h^0_L, h^1_1..h^1_L): w from the neuron's W, h_t^k = sum over the
        class-k sequences of delta_t (the h's are added to the neuron's input)."""
        L = self.model.net.L
        R = step.shape[0]
        onehot = (trace.cls[:, :, None] == np.arange(2)).astype(float)  # (R, B, 2)
        out = np.empty((R, 1 + 2 * L))
        out[:, 0] = step[:, rnn.layout["W"][0].start]
        out[:, 1:] = np.einsum("rbk,rbt->rkt", onehot, delta[:, :, :L, 0]).reshape(R, -1)
        return out
