"""One recurrent network for every chapter, with exact BPTT, time-copy gradients and curvatures.

The units x_t in R^n of every sequence follow (x_0 = 0, or a trainable x0)::

    a_t = W x_{t-1} + F x_t + U u_t + b,     x_t = f(a_t),     t = 1..T              (BSF94 eq. 2)
    out = V x_{T_p} + c                       read once, at each sequence's own end T_p

with f = tanh (Bengio, Simard & Frasconi 1994) or the logistic function (Hochreiter, Bengio,
Frasconi & Schmidhuber 2001).  F is strictly lower triangular: unit i may read the units j < i of the
*same* step (the parity net of BSF94 Section V-E, whose output unit reads the hidden unit).  With
F = 0 and U u_t additive this is eq. (2) of BSF94 written for the outputs x_t = f(a_t).

Which entries are trainable is set by boolean masks (:class:`RecurrentNet`); the flat parameter vector
theta (R, n_params) holds every entry of the blocks, in this order (row-major inside a block):

    W (n, n) | F (n, n), only if the net has an "F" block | U (n, n_in) | b (n,) | V (n_out, n) |
    c (n_out,) | x0 (n,), only if the net has an "x0" block

Gradients are exact BPTT (BSF94 eq. 4): each sequence's error enters at its own end step.  The
gradient through the time-t copy of each weight (``grad_t``) and the Gauss-Newton diagonal
curvatures of Becker & LeCun 1988 (``curv``, ``curv_t``) feed the pseudo-Newton rules, eq. (5) and
the time-weighted eq. (6) of BSF94.  Constructors build the networks of the book:
:func:`fully_connected` (the 2-sequence net), :func:`parity_net`, :func:`latch_neuron` (with the
adapter :class:`LatchNet` for the latch task's trainable inputs) and :func:`srn` (the simple
recurrent network of Manchev & Spratling 2020).

Arrays carry a leading runs axis R and a sequences axis B; the only Python loops are over time (and
over units, when F != 0).  Time t = 1..T of the papers is array index t - 1 of u and index t of x.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..dynamics import spectral_norm

#: the blocks of theta, in their order; "F" and "x0" are present only when a net declares them
BLOCKS = ("W", "F", "U", "b", "V", "c", "x0")
_OPTIONAL = ("F", "x0")


def _logistic(a):
    return 1.0 / (1.0 + np.exp(-a))


#: name -> (f, f' written in terms of x = f(a))
ACTIVATIONS = {
    "tanh": (np.tanh, lambda x: 1.0 - x * x),
    "logistic": (_logistic, lambda x: x * (1.0 - x)),
}


@dataclass(frozen=True)
class Trace:
    """What a forward pass keeps for the backward pass.

    ``xs`` (T + 1, R, B, n): x_0..x_T, time-major (the layout the time loops read, one contiguous
    slice per step); ``x`` is the same as (R, B, T + 1, n) (a view).  Steps after a sequence's end are
    computed on the zero padding and never read.  ``out`` (R, B, n_out) = V x_{T_p} + c; ``u`` (R, B,
    T, n_in) the inputs the units received (None when no trainable weight reads them: the latch
    neuron's U is frozen); ``lengths`` (R, B); ``cls`` (R, B) the class labels, when the model needs
    them.  ``pre`` (T, R, B, n), time-major, only when the forward pass was asked to keep them
    (``keep_pre``): the pre-activations a_1..a_T, exactly the values the loop fed to f; else None.
    """

    xs: np.ndarray
    out: np.ndarray
    u: np.ndarray | None
    lengths: np.ndarray
    cls: np.ndarray | None = None
    pre: np.ndarray | None = None

    @property
    def x(self) -> np.ndarray:
        return np.moveaxis(self.xs, 0, 2)

    @property
    def T(self) -> int:
        return self.xs.shape[0] - 1

    @property
    def n_runs(self) -> int:
        return self.out.shape[0]

    def take(self, runs) -> Trace:
        """The trace of some runs (index array or boolean mask on the runs axis); copies."""
        runs = np.asarray(runs)
        runs = np.flatnonzero(runs) if runs.dtype == bool else runs
        return Trace(
            np.take(self.xs, runs, axis=1),
            self.out[runs],
            None if self.u is None else self.u[runs],
            self.lengths[runs],
            None if self.cls is None else self.cls[runs],
            None if self.pre is None else np.take(self.pre, runs, axis=1),
        )


@dataclass(frozen=True)
class Grads:
    """The backward pass.

    ``grad`` (R, n_params): dL/dtheta, frozen coordinates zero.  ``delta`` (R, B, T, n): dL/da_t.
    ``grad_u`` (R, B, T, n_in): dL/du_t = U^T delta_t (what a module feeding the net would receive;
    computed when first read).  With ``per_step``: ``grad_t`` (R, T, n_params), the gradient through
    the time-t copy of each parameter (sum over t = grad).  With ``curvature``: ``curv`` (R, n_params)
    and ``D`` (R, B, T, n) (the Becker-LeCun d2L/da_t2), plus ``curv_t`` (R, T, n_params) with
    ``per_step``.
    """

    grad: np.ndarray
    delta: np.ndarray
    U: np.ndarray = field(repr=False)  # (R, n, n_in), for grad_u
    grad_t: np.ndarray | None = None
    curv: np.ndarray | None = None
    curv_t: np.ndarray | None = None
    D: np.ndarray | None = None

    @property
    def grad_u(self) -> np.ndarray:
        if self.delta.shape[-1] == self.U.shape[-1] == 1:  # one unit, one input: a product
            return self.delta * self.U[:, None, None, 0, :]
        return np.einsum("rbtn,rni->rbti", self.delta, self.U)


@dataclass(frozen=True, eq=False)
class RecurrentNet:
    """A recurrent net a_t = W x_{t-1} + F x_t + U u_t + b, x_t = f(a_t), out = V x_{T_p} + c.

    * ``n_units`` n, ``n_in``, ``n_out`` -- sizes.
    * ``masks`` -- block name -> boolean array of the block's shape, True = trainable.  Blocks W, U, b,
      V, c always exist (a block missing here is entirely frozen); F and x0 exist only if named here
      or in ``fixed``.  F must be strictly lower triangular (unit i reads units j < i of its step).
    * ``fixed`` -- block name -> values of the frozen entries (entries under a True mask are ignored);
      missing blocks are zero.
    * ``activation`` -- "tanh" or "logistic".

    Derived: ``n_params``, ``mask`` (n_params,) float 0/1, ``names`` ("W[0,1]", ...), ``layout``
    (block -> (slice, shape)), ``fixed_theta`` (n_params,) the frozen values (trainable entries 0).
    """

    n_units: int
    n_in: int
    n_out: int
    masks: Mapping[str, np.ndarray]
    fixed: Mapping[str, np.ndarray] = field(default_factory=dict)
    activation: str = "tanh"
    layout: Mapping[str, tuple[slice, tuple[int, ...]]] = field(init=False, repr=False)
    mask: np.ndarray = field(init=False, repr=False)
    fixed_theta: np.ndarray = field(init=False, repr=False)
    names: list[str] = field(init=False, repr=False)

    def __post_init__(self):
        for name in ("n_units", "n_in", "n_out"):
            v = getattr(self, name)
            if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
                raise ValueError(f"{name} must be a positive integer, got {name}={v!r}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(
                f"activation must be one of {', '.join(ACTIVATIONS)}, got activation={self.activation!r}"
            )
        for key in list(self.masks) + list(self.fixed):
            if key not in BLOCKS:
                raise KeyError(f"unknown block {key!r}; blocks are {', '.join(BLOCKS)}")
        n, m, k = self.n_units, self.n_in, self.n_out
        shapes = {"W": (n, n), "F": (n, n), "U": (n, m), "b": (n,), "V": (k, n), "c": (k,), "x0": (n,)}
        masks, fixed, layout, names = {}, {}, {}, []
        start = 0
        for name in BLOCKS:
            if name in _OPTIONAL and name not in self.masks and name not in self.fixed:
                continue
            shape = shapes[name]
            msk = np.asarray(self.masks.get(name, np.zeros(shape, dtype=bool)))
            if msk.dtype != bool or msk.shape != shape:
                raise ValueError(f"mask of {name} must be a boolean array of shape {shape}, got {msk!r}")
            val = np.asarray(self.fixed.get(name, np.zeros(shape)), dtype=float)
            if val.shape != shape or not np.all(np.isfinite(val)):
                raise ValueError(f"fixed values of {name} must be finite, of shape {shape}, got {val!r}")
            val = np.where(msk, 0.0, val)
            if name == "F":
                upper = ~np.tri(n, k=-1, dtype=bool)
                if np.any(msk[upper]) or np.any(val[upper] != 0):
                    raise ValueError(
                        f"F must be strictly lower triangular (unit i reads units j < i), got mask {msk!r} "
                        f"and fixed values {val!r}"
                    )
            size = int(np.prod(shape))
            layout[name] = (slice(start, start + size), shape)
            masks[name], fixed[name] = _read_only(msk), _read_only(val)
            names += [f"{name}[{','.join(map(str, ix))}]" for ix in np.ndindex(*shape)]
            start += size
        set_ = object.__setattr__
        set_(self, "masks", masks)
        set_(self, "fixed", fixed)
        set_(self, "layout", layout)
        set_(self, "mask", _read_only(np.concatenate([masks[b].ravel() for b in layout]).astype(float)))
        set_(self, "fixed_theta", _read_only(np.concatenate([fixed[b].ravel() for b in layout])))
        set_(self, "names", names)

    # -- parameters ---------------------------------------------------------------------------------

    @property
    def n_params(self) -> int:
        return self.mask.size

    @property
    def has_F(self) -> bool:
        """Whether some unit reads another unit of its own step (then steps are computed unit by unit)."""
        return "F" in self.layout and bool(self.masks["F"].any() or self.fixed["F"].any())

    def check_theta(self, theta) -> np.ndarray:
        """theta as a float (or complex) array of shape (R, n_params)."""
        theta = np.asarray(theta)
        if not np.iscomplexobj(theta):
            theta = theta.astype(float, copy=False)
        if theta.ndim != 2 or theta.shape[1] != self.n_params or theta.shape[0] < 1:
            raise ValueError(f"theta must have shape (runs, {self.n_params}), got shape {theta.shape}")
        return theta

    def unpack(self, theta) -> dict[str, np.ndarray]:
        """Views of theta (R, n_params): {"W": (R, n, n), "U": (R, n, n_in), "b": (R, n), ...}."""
        theta = self.check_theta(theta)
        R = theta.shape[0]
        return {name: theta[:, sl].reshape((R,) + shape) for name, (sl, shape) in self.layout.items()}

    def init(self, rngs: Sequence[np.random.Generator], scale: float = 0.5) -> np.ndarray:
        """theta0 (R, n_params): trainable entries ~ U[-scale, scale] drawn from rngs[r] in theta order
        (BSF94 Section V-E: "uniformly between -0.5 and 0.5"); frozen entries get their fixed values."""
        _check_rngs(rngs)
        if not np.isfinite(scale) or scale < 0:
            raise ValueError(f"scale must be finite and >= 0, got scale={scale!r}")
        theta = np.tile(self.fixed_theta, (len(rngs), 1))
        train = self.mask > 0
        for r, rng in enumerate(rngs):
            theta[r, train] = rng.uniform(-scale, scale, size=int(train.sum()))
        return theta

    # -- forward ------------------------------------------------------------------------------------

    def forward(self, theta, batch, keep_pre: bool = False) -> Trace:
        """Run every sequence of ``batch`` (``u`` (R, B, T, n_in), ``lengths`` (R, B)); returns a
        :class:`Trace` with x (R, B, T + 1, n) and out (R, B, n_out).  ``keep_pre=True`` also keeps
        the pre-activations a_1..a_T in ``trace.pre`` (T, R, B, n)."""
        theta = self.check_theta(theta)
        u, lengths = self.check_batch(theta, batch)
        return self._forward(theta, u, lengths, getattr(batch, "cls", None), keep_pre=keep_pre)

    def check_batch(self, theta: np.ndarray, batch) -> tuple[np.ndarray, np.ndarray]:
        """(u, lengths) of a batch, validated against theta's runs and the net's n_in."""
        u = np.asarray(batch.u)
        if not np.iscomplexobj(u):
            u = u.astype(float, copy=False)
        if u.ndim != 4 or u.shape[3] != self.n_in or u.shape[0] != theta.shape[0]:
            raise ValueError(
                f"u must have shape (runs={theta.shape[0]}, B, T, n_in={self.n_in}), got shape {u.shape}"
            )
        if u.shape[2] < 1:
            raise ValueError(f"T must be an integer >= 1, got T={u.shape[2]}")
        lengths = np.asarray(batch.lengths)
        if lengths.shape != u.shape[:2] or not np.issubdtype(lengths.dtype, np.integer):
            raise ValueError(f"lengths must be integers of shape {u.shape[:2]}, got {lengths!r}")
        if np.any(lengths < 1) or np.any(lengths > u.shape[2]):
            bad = lengths[(lengths < 1) | (lengths > u.shape[2])]
            raise ValueError(f"lengths must lie in [1, T={u.shape[2]}], got lengths={bad.tolist()}")
        return u, lengths

    def _forward(self, theta, u, lengths, cls=None, drive=None, head=None, keep_pre=False) -> Trace:
        """The time loop.  ``drive`` (T, R, B, n), time-major: U u_t + b, when the caller has made it
        (then ``u`` is only kept in the trace, and may be None); ``head`` (k, R, B, n), if given,
        replaces the drive of the first k steps.  ``keep_pre``: also store a_t (T, R, B, n), the
        values fed to f, in the trace."""
        f, _ = ACTIVATIONS[self.activation]
        p = self.unpack(theta)
        n = self.n_units
        if drive is None:
            drive = np.einsum("rbti,rni->trbn", u, p["U"]) + p["b"][None, :, None, :]  # U u_t + b
        T, R, B, _ = drive.shape
        xs = np.empty((T + 1, R, B, n), dtype=np.result_type(theta, drive))  # time-major
        xs[0] = p["x0"][:, None, :] if "x0" in p else 0.0
        pre = np.empty((T, R, B, n), dtype=xs.dtype) if keep_pre else None  # a_1..a_T, time-major
        one = n == 1 and not self.has_F  # one unit: a product, not a (1 x 1) matmul
        w = p["W"][:, None, :, 0] if one else None  # (R, 1, 1)
        Wt = np.swapaxes(p["W"], 1, 2)
        with np.errstate(over="ignore", invalid="ignore"):
            for t in range(1, T + 1):
                d = head[t - 1] if head is not None and t <= len(head) else drive[t - 1]
                if one:  # in place: x_t = f(w x_{t-1} + drive_t) without temporaries
                    np.multiply(xs[t - 1], w, out=xs[t])
                    xs[t] += d
                    if pre is not None:
                        pre[t - 1] = xs[t]
                    xs[t] = f(xs[t]) if self.activation != "tanh" else np.tanh(xs[t], out=xs[t])
                    continue
                a = xs[t - 1] @ Wt + d
                if self.has_F:  # unit by unit: a_i += sum_{j<i} F_ij x_j,t
                    F = p["F"]
                    for i in range(n):
                        a[..., i] += np.einsum("rbj,rj->rb", xs[t, :, :, :i], F[:, i, :i])
                        xs[t, :, :, i] = f(a[..., i])
                else:
                    xs[t] = f(a)
                if pre is not None:
                    pre[t - 1] = a
            x_end = _at_end(np.moveaxis(xs, 0, 2), lengths)
            if n == self.n_out == 1:  # a product, not a (1 x 1) contraction
                out = x_end * p["V"][:, None, 0, :] + p["c"][:, None, :]
            else:
                out = np.einsum("rbj,roj->rbo", x_end, p["V"]) + p["c"][:, None, :]
        return Trace(xs=xs, out=out, u=u, lengths=lengths, cls=cls, pre=pre)

    # -- backward -----------------------------------------------------------------------------------

    def backward(self, theta, trace: Trace, dL, per_step: bool = False, curvature=None) -> Grads:
        """Exact BPTT of a loss L(out) with dL = dL/dout (R, B, n_out) (BSF94 eq. 4).

        delta_t = dL/da_t = f'(a_t) [ [t = T_p] V^T dL + W^T delta_{t+1} + F^T delta_t ] (the F term:
        units after i of the same step, done from the last unit down); dL/dW = sum_{b,t} delta_t
        x_{t-1}^T, dL/dF = sum delta_t x_t^T, dL/dU = sum delta_t u_t^T, dL/db = sum delta_t,
        dL/dV = sum_b dL x_{T_p}^T, dL/dc = sum_b dL, dL/dx0 = sum_b W^T delta_1.

        ``per_step=True`` adds ``grad_t`` (R, T, n_params): row t - 1 holds the terms of time t (V and c
        count at each sequence's end step, x0 at t = 1), so ``grad_t.sum(1) == grad``; this is the
        dC/dw_it of the time-weighted pseudo-Newton rule, BSF94 eq. (6).

        ``curvature`` = d2L/dout2 (R, B, n_out) (its diagonal) adds ``curv`` (R, n_params), and with
        ``per_step`` ``curv_t`` (R, T, n_params): the diagonal second derivatives of Becker & LeCun 1988
        back-propagated in their Gauss-Newton form,

            D_t = d2L/da_t2 ~ f'(a_t)^2 [ [t = T_p] (V^2)^T d2L/dout2 + (W^2)^T D_{t+1} + (F^2)^T D_t ],
            d2L/dW_ij,t^2 ~ D_i,t x_j,t-1^2  (likewise F: x_j,t^2; U: u_j,t^2; b: 1; V_oj: d2L/dout_o2 x_j^2),

        where ^2 is elementwise.  Approximations (the ones the paper's "diagonal approximation of the
        Hessian that is cheap to compute and guaranteed to be positive" makes): the f'' dL/dx term is
        dropped (Gauss-Newton), the recursion keeps only the diagonal of d2L/da2 (cross terms between
        units l != m are dropped, so D is a sum over paths of squared path gains, not the square of their
        sum), and a shared weight's curvature is the sum of its time copies' (cross terms between copies
        dropped).  With d2L/dout2 >= 0 every entry is >= 0.  ``curv`` is the |d2C/dw_i^2| of eq. (5),
        ``curv_t`` the per-copy one of eq. (6).  Exact (= diag of J^T H J) when every node has a single
        path to the output, e.g. T = 1, or one unit (then ``curv_t`` is exact per copy).
        """
        theta = self.check_theta(theta)
        x, u, lengths = trace.x, trace.u, trace.lengths
        R, B, T = x.shape[0], x.shape[1], x.shape[2] - 1
        if R != theta.shape[0] or x.shape[-1] != self.n_units:
            raise ValueError(
                f"trace of shape {x.shape} does not fit theta of shape {theta.shape} and n={self.n_units}"
            )
        dL = _check_out_array(dL, (R, B, self.n_out), "dL")
        _, df = ACTIVATIONS[self.activation]
        p = self.unpack(theta)
        W, V = p["W"], p["V"]
        F = p["F"] if self.has_F else None
        with np.errstate(over="ignore", invalid="ignore"):
            x_tm = np.moveaxis(x, 2, 0)  # time-major (T + 1, R, B, n): contiguous per step
            end_tm = np.arange(1, T + 1)[:, None, None] == lengths[None]  # (T, R, B): t = T_p
            end = np.moveaxis(end_tm, 0, 2)  # (R, B, T)
            delta = _backprop(x_tm, df, W, F, np.einsum("rbo,roj->rbj", dL, V), end_tm)
            x_end = (
                _at_end(x, lengths)
                if np.any(self.mask[self.layout["V"][0]]) or curvature is not None
                else None
            )
            blocks = {"V": (dL, x_end), "x0": delta[:, :, 0] @ W if "x0" in self.layout else None}
            grad, grad_t = self._assemble(delta, x, u, dL, x_end, end, blocks, per_step)
            curv = curv_t = D = None
            if curvature is not None:
                h = _check_out_array(curvature, (R, B, self.n_out), "curvature")
                F2 = None if F is None else F**2
                D = _backprop(x_tm, df, W**2, F2, np.einsum("rbo,roj->rbj", h, V**2), end_tm, square=True)
                blocks2 = {"V": (h, x_end**2), "x0": D[:, :, 0] @ W**2 if "x0" in self.layout else None}
                curv, curv_t = self._assemble(
                    D, x**2, None if u is None else u**2, h, x_end**2, end, blocks2, per_step
                )
        return Grads(grad=grad, delta=delta, U=p["U"], grad_t=grad_t, curv=curv, curv_t=curv_t, D=D)

    def _assemble(self, delta, x, u, e, x_end, end, blocks, per_step):
        """Sum the per-(sequence, step) terms of each block into (R, n_params) and, if asked, keep
        them per step (R, T, n_params).  ``x``/``u``/``x_end`` may be squared (curvature)."""
        R, B, T, _ = delta.shape
        terms = {  # block -> (left (R, B, T, i), right (R, B, T, j)): the block's sum_b left right^T
            "W": (delta, x[:, :, :-1]),
            "F": (delta, x[:, :, 1:]),
            "U": (delta, u),
        }
        out = np.zeros((R, self.n_params), dtype=delta.dtype)
        out_t = np.zeros((R, T, self.n_params), dtype=delta.dtype) if per_step else None
        endf = end.astype(delta.dtype) if per_step else None
        for name, (sl, _) in self.layout.items():
            if not np.any(self.mask[sl]):  # a frozen block: its gradient is zero, skip the sums
                continue
            if name in terms:
                left, right = terms[name]
                if right is None:
                    raise ValueError("the trace keeps no inputs u (trace.u is None): U cannot be trained")
                if left.shape[-1] == right.shape[-1] == 1:  # a 1 x 1 block: a product, no matmul
                    # step by step on the time-major buffers (contiguous (R, B) slices), summed over B
                    lt, rt = np.moveaxis(left[..., 0], 2, 0), np.moveaxis(right[..., 0], 2, 0)
                    prod_t = np.empty((R, T), dtype=out.dtype)
                    for t in range(T):
                        prod_t[:, t] = (lt[t] * rt[t]).sum(axis=-1)  # contiguous: a fixed order
                    if per_step:
                        out_t[:, :, sl] = prod_t[:, :, None]
                    out[:, sl] = _sum_over(prod_t, 1)[:, None]
                elif per_step:
                    prod = left.transpose(0, 2, 3, 1) @ right.transpose(0, 2, 1, 3)  # (R, T, i, j)
                    out_t[:, :, sl] = prod.reshape(R, T, -1)
                    out[:, sl] = _sum_over(out_t[:, :, sl], 1)
                else:
                    prod = left.reshape(R, B * T, -1).transpose(0, 2, 1) @ right.reshape(R, B * T, -1)
                    out[:, sl] = prod.reshape(R, -1)
            elif name == "b":
                if per_step:
                    out_t[:, :, sl] = _sum_over(delta, 1)
                out[:, sl] = _sum_over(_sum_over(delta, 2), 1)
            elif name == "V":
                left, right = blocks["V"]
                out[:, sl] = np.einsum("rbo,rbj->roj", left, right).reshape(R, -1)
                if per_step:
                    out_t[:, :, sl] = np.einsum("rbt,rbo,rbj->rtoj", endf, left, right).reshape(R, T, -1)
            elif name == "c":
                out[:, sl] = _sum_over(e, 1)
                if per_step:
                    out_t[:, :, sl] = np.einsum("rbt,rbo->rto", endf, e)
            elif name == "x0":
                out[:, sl] = _sum_over(blocks["x0"], 1)
                if per_step:
                    out_t[:, 0, sl] = out[:, sl]
        out *= self.mask
        if per_step:
            out_t *= self.mask
        return out, out_t

    # -- Jacobians ----------------------------------------------------------------------------------

    def jacobian(self, theta, trace: Trace) -> np.ndarray:
        """J_t = d x_t / d x_{t-1} for t = 1..T: (R, B, T, n, n) (row i: d x_i,t / d x_j,t-1).

        J_t = diag(f'(a_t)) W without F; with F, J_t = (I - diag(f'(a_t)) F)^{-1} diag(f'(a_t)) W,
        computed row by row: J_i = f'_i (W_i + sum_{j<i} F_ij J_j)."""
        theta = self.check_theta(theta)
        _, df = ACTIVATIONS[self.activation]
        p = self.unpack(theta)
        fp = df(trace.x[:, :, 1:])  # (R, B, T, n)
        W = p["W"][:, None, None]  # (R, 1, 1, n, n)
        if not self.has_F:
            return fp[..., :, None] * W
        F = p["F"]
        J = np.empty(fp.shape + (self.n_units,), dtype=np.result_type(fp, W))
        for i in range(self.n_units):
            row = W[..., i, :] + np.einsum("rbtjk,rj->rbtk", J[..., :i, :], F[:, i, :i])
            J[..., i, :] = fp[..., i, None] * row
        return J

    def log_jacobian_norms(self, theta, trace: Trace) -> np.ndarray:
        """log || d x_{T_p} / d x_s ||_2 for s = 0..T: (R, B, T + 1), natural log, 2-norm (largest
        singular value, not Frobenius) of J_{T_p} ... J_{s+1}, the product of eq. (4) of BSF94.

        Entry s = T_p is 0 (the identity); entries s > T_p are NaN.  The product is accumulated from
        t = T_p down, renormalised by its Frobenius norm every step with the log scale summed apart, so
        products far below 1e-300 stay finite in log space.
        """
        J = self.jacobian(theta, trace)
        lengths = trace.lengths
        R, B, T, n, _ = J.shape
        P = np.broadcast_to(np.eye(n), (R, B, n, n)).astype(J.dtype)
        log_scale = np.zeros((R, B))
        out = np.full((R, B, T + 1), np.nan)
        np.put_along_axis(out, lengths[:, :, None], 0.0, axis=2)
        tiny = np.finfo(float).tiny
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            for t in range(T, 0, -1):
                on = (t <= lengths)[:, :, None, None]
                P = np.where(on, P @ J[:, :, t - 1], P)
                norm = np.sqrt(np.sum(np.abs(P) ** 2, axis=(-2, -1)))
                norm = np.where(on[..., 0, 0], np.where(norm > 0, norm, tiny), 1.0)
                P = P / norm[..., None, None]
                log_scale = log_scale + np.log(norm)
                val = log_scale + np.log(spectral_norm(P))
                out[:, :, t - 1] = np.where(on[..., 0, 0], val, out[:, :, t - 1])
        return out


# ---------------------------------------------------------------------------------------------------
# The book's networks
# ---------------------------------------------------------------------------------------------------


def fully_connected(
    n_units: int = 5,
    n_in: int = 1,
    bias: bool = False,
    input_units: Sequence[int] = (0,),
    readout_unit: int | None = None,
    activation: str = "tanh",
) -> RecurrentNet:
    """The 2-sequence net of BSF94 Section V-E: "a fully connected recurrent network with five units
    and no bias (one of the units received external additive input; i.e., the network has 25 free
    parameters)".

    Our reading: the 25 free parameters are the n^2 = 25 entries of W; input j is *added* to unit
    ``input_units[j]`` with a frozen weight 1 (the additive inputs of eq. 2), so U is not trained.  The
    output is unit ``readout_unit`` (default: the last unit, n - 1, a unit other than the input unit;
    the paper does not say which), read through a frozen V = e_k, c = 0.  ``bias=True`` adds trainable
    biases b.
    """
    if not isinstance(n_units, (int, np.integer)) or n_units < 1:
        raise ValueError(f"n_units must be a positive integer, got n_units={n_units!r}")
    if len(input_units) != n_in or not all(0 <= int(i) < n_units for i in input_units):
        raise ValueError(
            f"input_units must name {n_in} unit(s) in [0, {n_units}), got input_units={tuple(input_units)!r}"
        )
    k = n_units - 1 if readout_unit is None else readout_unit
    if not isinstance(k, (int, np.integer)) or not 0 <= k < n_units:
        raise ValueError(f"readout_unit must be a unit in [0, {n_units}), got readout_unit={readout_unit!r}")
    U = np.zeros((n_units, n_in))
    U[list(input_units), np.arange(n_in)] = 1.0
    V = np.zeros((1, n_units))
    V[0, k] = 1.0
    masks = {"W": np.ones((n_units, n_units), bool), "b": np.full(n_units, bool(bias))}
    return RecurrentNet(n_units, n_in, 1, masks, {"U": U, "V": V}, activation)


def parity_net(activation: str = "tanh") -> RecurrentNet:
    """The parity net of BSF94 Section V-E: 2 units, 7 free parameters ("2 inputs connected to 1
    hidden and 1 output units").

    The two inputs of both units are the external input u_t and the previous output y_{t-1}; the
    output unit also reads the hidden unit of the same step (F)::

        h_t = f(U_0 u_t + W_01 y_{t-1} + b_0)                          3 parameters
        y_t = f(U_1 u_t + W_11 y_{t-1} + F_10 h_t + b_1)                4 parameters

    Unit 0 is h, unit 1 is y (read out: V = e_1, c = 0, frozen).  W_00 = W_10 = 0 (frozen).
    """
    masks = {
        "W": np.array([[False, True], [False, True]]),
        "F": np.array([[False, False], [True, False]]),
        "U": np.ones((2, 1), bool),
        "b": np.ones(2, bool),
    }
    return RecurrentNet(2, 1, 1, masks, {"V": np.array([[0.0, 1.0]])}, activation)


def latch_neuron(activation: str = "tanh") -> RecurrentNet:
    """The single neuron of BSF94 eq. (1): a_t = w x_{t-1} + u_t, out = x_{T_p}.  Only the self-loop
    w = W[0,0] is trainable (U = 1, b = 0, V = 1, c = 0 frozen).  theta = (W, U, b, V, c): 5 entries.
    The latch task's trainable inputs h_t^k live in :class:`LatchNet`."""
    fixed = {"U": np.ones((1, 1)), "V": np.ones((1, 1))}
    return RecurrentNet(1, 1, 1, {"W": np.ones((1, 1), bool)}, fixed, activation)


def srn(n_hidden: int, n_in: int, n_out: int, activation: str = "tanh") -> RecurrentNet:
    """The simple recurrent network of Manchev & Spratling 2020 (eqs. 1-2): h_t = f(W_hh h_{t-1} +
    W_xh x_t + b_h), out = W_hy h_T + b_y (linear; a softmax belongs to the task's loss).  In our
    names W = W_hh, U = W_xh, b = b_h, V = W_hy, c = b_y; all trainable."""
    for name, v in (("n_hidden", n_hidden), ("n_in", n_in), ("n_out", n_out)):
        if not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{name} must be a positive integer, got {name}={v!r}")
    masks = {
        "W": np.ones((n_hidden, n_hidden), bool),
        "U": np.ones((n_hidden, n_in), bool),
        "b": np.ones(n_hidden, bool),
        "V": np.ones((n_out, n_hidden), bool),
        "c": np.ones(n_out, bool),
    }
    return RecurrentNet(n_hidden, n_in, n_out, masks, {}, activation)


# ---------------------------------------------------------------------------------------------------
# The latch of BSF94 Sections III and V: the neuron plus trainable per-class inputs
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LatchNet:
    """The latch neuron of eq. (1) fed, on the first L steps, by trainable inputs h_1^k..h_L^k shared
    by the sequences of class k (BSF94 Section II; Section V-E's latch with L = 1 has the 3 parameters
    w, u_0, u_1).  The inputs h are *added* to batch.u, which the latch task leaves zero for t <= L.

    theta (R, 1 + 2L) = (w, h_1^0..h_L^0, h_1^1..h_L^1), the order of ``tasks/latch.py: split_params``;
    names "w", "h[k,t]" (t = 1..L).  ``trainable``: "all", or "h" (w frozen: Fig. 2b).
    dL/dh_t^k = sum over the class-k sequences of delta_t (the neuron's dL/da_t).
    """

    L: int
    trainable: str = "all"
    activation: str = "tanh"
    neuron: RecurrentNet = field(init=False, repr=False)

    def __post_init__(self):
        if not isinstance(self.L, (int, np.integer)) or self.L < 1:
            raise ValueError(f"L must be a positive integer, got L={self.L!r}")
        if self.trainable not in ("all", "h"):
            raise ValueError(f"trainable must be 'all' or 'h', got trainable={self.trainable!r}")
        object.__setattr__(self, "neuron", latch_neuron(self.activation))

    n_units = n_in = n_out = 1

    @property
    def n_params(self) -> int:
        return 1 + 2 * self.L

    @property
    def mask(self) -> np.ndarray:
        m = np.ones(self.n_params)
        if self.trainable == "h":
            m[0] = 0.0
        return m

    @property
    def names(self) -> list[str]:
        return ["w"] + [f"h[{k},{t}]" for k in (0, 1) for t in range(1, self.L + 1)]

    def check_theta(self, theta) -> np.ndarray:
        theta = np.asarray(theta)
        if not np.iscomplexobj(theta):
            theta = theta.astype(float, copy=False)
        if theta.ndim != 2 or theta.shape[1] != self.n_params or theta.shape[0] < 1:
            raise ValueError(
                f"theta must have shape (runs, {self.n_params}) for L={self.L}, got shape {theta.shape}"
            )
        return theta

    def unpack(self, theta) -> dict[str, np.ndarray]:
        """{"w": (R,), "h": (R, 2, L)} (views)."""
        theta = self.check_theta(theta)
        return {"w": theta[:, 0], "h": theta[:, 1:].reshape(-1, 2, self.L)}

    def init(self, rngs: Sequence[np.random.Generator], scale: float = 0.5, w0=None) -> np.ndarray:
        """theta0 (R, 1 + 2L).  Without ``w0``: every entry ~ U[-scale, scale] (Section V-E).  With ``w0``
        (a number or one per run): w = w0 and the 2L h's ~ U[-scale, scale], the draws of
        ``tasks/latch.py: initial_params`` with h_init = scale."""
        _check_rngs(rngs)
        if not np.isfinite(scale) or scale < 0:
            raise ValueError(f"scale must be finite and >= 0, got scale={scale!r}")
        theta = np.empty((len(rngs), self.n_params))
        for r, rng in enumerate(rngs):
            if w0 is None:
                theta[r] = rng.uniform(-scale, scale, size=self.n_params)
            else:
                theta[r, 1:] = rng.uniform(-scale, scale, size=2 * self.L)
        if w0 is not None:
            theta[:, 0] = np.broadcast_to(np.asarray(w0, dtype=float), (len(rngs),))
        return theta

    def _neuron_theta(self, theta: np.ndarray) -> np.ndarray:
        th = np.tile(self.neuron.fixed_theta.astype(theta.dtype), (theta.shape[0], 1))
        th[:, self.neuron.layout["W"][0]] = theta[:, :1]
        return th

    def forward(self, theta, batch) -> Trace:
        """u_t + h_t^{cls} for t <= L into the neuron; ``batch`` needs u (R, B, T, 1), lengths, cls."""
        theta = self.check_theta(theta)
        th = self._neuron_theta(theta)
        u, lengths = self.neuron.check_batch(th, batch)
        if u.shape[2] < self.L:
            raise ValueError(f"T must be >= L={self.L}, got T={u.shape[2]}")
        cls = np.asarray(batch.cls)
        if cls.shape != lengths.shape or not np.all((cls == 0) | (cls == 1)):
            raise ValueError(f"cls must be 0 or 1 with shape {lengths.shape}, got {cls!r}")
        cls = cls.astype(np.int64)
        h = self.unpack(theta)["h"]  # (R, 2, L)
        # the neuron's drive U u_t + b = u_t (U = 1, b = 0 frozen), time-major, with h_t^{cls} added
        u_tm = getattr(batch, "u_time_major", None)  # a batch keeps its time-major copy
        u_tm = np.moveaxis(u, 2, 0) if u_tm is None else u_tm  # (T, R, B, 1)
        h_t = np.moveaxis(h, 2, 0)[:, :, None, :]  # (L, R, 1, 2)
        head = u_tm[: self.L] + np.where(cls[None, :, :, None] == 1, h_t[..., 1:], h_t[..., :1])
        return self.neuron._forward(th, None, lengths, cls, drive=u_tm, head=head)

    def backward(self, theta, trace: Trace, dL, per_step: bool = False, curvature=None) -> Grads:
        """Exact BPTT: dL/dw from the neuron, dL/dh_t^k = sum_{b in class k} delta_{b,t}; curvatures
        d2L/dh_t^k2 ~ sum_{b in class k} D_{b,t} (see :meth:`RecurrentNet.backward`)."""
        theta = self.check_theta(theta)
        g = self.neuron.backward(self._neuron_theta(theta), trace, dL, per_step, curvature)
        w_ix = self.neuron.layout["W"][0].start
        onehot = (trace.cls[:, :, None] == np.arange(2)).astype(float)  # (R, B, 2)
        R, L = theta.shape[0], self.L

        def combine(total, per_t, site):  # site: (R, B, T, 1) delta or D
            out = np.empty((R, self.n_params))
            out[:, 0] = total[:, w_ix]
            # sum over each class's sequences: one small matrix product per run (the same sums
            # whatever runs share the batch)
            out[:, 1:] = (onehot.transpose(0, 2, 1) @ np.ascontiguousarray(site[:, :, :L, 0])).reshape(R, -1)
            out_t = None
            if per_t is not None:
                out_t = np.zeros((R, trace.T, self.n_params))
                out_t[:, :, 0] = per_t[:, :, w_ix]
                for k in (0, 1):
                    idx = 1 + k * L + np.arange(L)
                    out_t[:, np.arange(L), idx] = out[:, idx]
            return out * self.mask, None if out_t is None else out_t * self.mask

        grad, grad_t = combine(g.grad, g.grad_t, g.delta)
        curv = curv_t = None
        if g.curv is not None:
            curv, curv_t = combine(g.curv, g.curv_t, g.D)
        return Grads(grad, g.delta, g.U, grad_t, curv, curv_t, g.D)

    def jacobian(self, theta, trace: Trace) -> np.ndarray:
        """d x_t / d x_{t-1} = w f'(a_t): (R, B, T, 1, 1)."""
        return self.neuron.jacobian(self._neuron_theta(self.check_theta(theta)), trace)

    def log_jacobian_norms(self, theta, trace: Trace) -> np.ndarray:
        """log |d x_{T_p} / d x_s|, s = 0..T: (R, B, T + 1) (see :meth:`RecurrentNet.log_jacobian_norms`)."""
        return self.neuron.log_jacobian_norms(self._neuron_theta(self.check_theta(theta)), trace)


# ---------------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------------


def _backprop(x, df, W, F, inject, end, square: bool = False) -> np.ndarray:
    """The backward recursion shared by gradients and curvatures, over the time-major states ``x``
    (T + 1, R, B, n) and ``end`` (T, R, B) (the layout the loops keep: contiguous per step); the gains
    fp_t = f'(a_t) = ``df(x_t)`` (squared if ``square``) are made step by step.

    Returns s (R, B, T, n) with s_t = fp_t * ([t = T_p] inject + W^T s_{t+1} + F^T s_t), F^T s_t done
    unit by unit from the last unit (F strictly lower triangular).  Gradients: fp = f', W, F, inject =
    V^T dL.  Curvatures: fp = f'^2, W^2, F^2, inject = (V^2)^T d2L/dout2.
    """
    T1, R, B, n = x.shape
    T = T1 - 1
    s = np.empty((T, R, B, n), dtype=np.result_type(x, W, inject))  # time-major while looping
    nxt = np.zeros((R, B, n), dtype=s.dtype)
    one = n == 1 and F is None  # one unit: products, not (1 x 1) matmuls
    w = W[:, None, 0, :] if one else None  # (R, 1, 1)
    for t in range(T - 1, -1, -1):
        fp = df(x[t + 1])
        if square:
            fp *= fp
        g = nxt * w if one else nxt @ W
        g += np.where(end[t, :, :, None], inject, 0.0)  # [t = T_p] inject
        if F is None:
            np.multiply(fp, g, out=s[t])
        else:
            for i in range(n - 1, -1, -1):
                gi = g[..., i] + np.einsum("rbk,rk->rb", s[t, ..., i + 1 :], F[:, i + 1 :, i])
                s[t, ..., i] = fp[..., i] * gi
        nxt = s[t]
    return np.moveaxis(s, 0, 2)  # (R, B, T, n), a view


def _sum_over(a: np.ndarray, axis: int) -> np.ndarray:
    """``a.sum(axis)`` in an order that does not depend on the other axes' sizes or memory layout:
    each run's numbers are the same whatever runs share the array (results must not depend on how
    runs are batched, bit for bit).  The summed axis is moved last and made contiguous."""
    return np.ascontiguousarray(np.moveaxis(a, axis, -1)).sum(-1)


def _at_end(x: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """x_{T_p} of each sequence: (R, B, n) from x (R, B, T + 1, n) (one gather, no index arrays of x's
    size)."""
    R, B = lengths.shape
    return x[np.arange(R)[:, None], np.arange(B)[None, :], lengths]


def _check_out_array(a, shape, name) -> np.ndarray:
    a = np.asarray(a)
    if a.shape != shape:
        raise ValueError(f"{name} must have shape {shape} (runs, sequences, n_out), got shape {a.shape}")
    return a


def _read_only(a: np.ndarray) -> np.ndarray:
    a = np.array(a)
    a.flags.writeable = False
    return a


def _check_rngs(rngs) -> None:
    if len(rngs) < 1 or not all(isinstance(g, np.random.Generator) for g in rngs):
        raise ValueError("rngs must be a non-empty list of numpy Generators (one per run)")
