"""The discrete-state model of Bengio & Frasconi 1994 ("Credit assignment through time", NIPS 6),
Section 6: an input/output HMM trained by EM to propagate *targets* instead of gradients.

The state q_t takes one of n values.  For each state j a feedforward subnetwork N_j reads the input u_t
and outputs, through a softmax over the allowed successors S_j of j,

    phi_ij,t = P(q_t = i | q_{t-1} = j, u_t; theta)       (i in S_j; zero elsewhere)     (Figure 1)

so the transition matrix Phi_t = (phi_ij,t) has columns that sum to one.  The distribution over states
is propagated forward, "a linear combination of the outputs of the subnetworks, gated by the
previously computed distribution":

    alpha_i,t = P(q_t = i | u_1^t) = sum_j alpha_j,t-1 phi_ij,t,   i.e. alpha_t = Phi_t alpha_{t-1}    (4)

and training maximises the likelihood "of falling in the 'correct' state at the end of each sequence"

    L(theta) = prod_p P(q_{T_p} in F_{k_p} | u_1^{T_p}; theta)                                     (5)

where F_k is the set of final states of class k ("Different final states for each class are used as
targets").  The E step propagates a distribution of targets backward (beta_j,t = P(q_T in F | q_t = j,
u_{t+1}^T)) and gives the posteriors h_ij,t = alpha_j,t-1 phi_ij,t beta_i,t / L and g_j,t-1 = sum_i
h_ij,t; the M step maximises Q(theta, theta^k) = sum_{p,t,i,j} h_ij,t log phi_ij,t(theta) (eqs. 6, 7):
exactly for table look-up subnetworks (normalised expected counts), by a few gradient-ascent steps for
linear or hidden-layer subnetworks (GEM).  The plain gradient of log L (for stochastic gradient ascent)
uses the same posteriors: d log L / d a_ij,t = h_ij,t - phi_ij,t g_j,t-1 (a = softmax pre-activation).

Conventions.  Arrays carry a leading runs axis R and a sequence axis B; inputs u are (R, B, T, n_in),
zero-padded after each sequence's length (lengths (R, B)); class labels cls (R, B) index the final-state
sets F_k.  Array index t = 0..T-1 of u is the paper's time t + 1; alpha and beta carry T + 1 entries
(index 0 = before the first input).  Steps after a sequence's end use the identity in place of Phi_t, so
every quantity "at the end" is read at index T.  Python loops run over time only.

Counting presentations.  One E step over one sequence -- the forward pass (4) and the backward pass of
targets on that sequence -- is one sequence presentation (the backward pass does not count again).
``em_step``, ``gem_step``, ``loglik_grad`` and ``objective_grad`` on a batch of B sequences each use B
presentations per run (:meth:`IOHMM.presentations`); GEM's inner ascent steps on Q reuse the E-step
posteriors and are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

#: subnetwork kinds: linear map + softmax, one tanh hidden layer + softmax, table look-up + softmax
KINDS = ("linear", "hidden", "table")
#: smallest probability the exact M step writes into a table (its logits must stay finite)
P_MIN = 1e-12
#: forms of the determinant term, see :meth:`IOHMM.det_term`
DET_FORMS = ("log", "abs")

_ERR = {"over": "ignore", "invalid": "ignore", "divide": "ignore"}


@dataclass(frozen=True)
class Trace:
    """The forward pass (4) on a batch.

    ``out`` (R, B, K): P(q_{T_p} in F_k | u) for every class k (the model's output at each sequence's
    end); ``alpha`` (R, B, T + 1, n): the forward distributions alpha_t / c_t; ``log_scale`` (R, B, T):
    log c_t (zero after the sequence's end); ``loglik_seq`` (R, B): log P(q_{T_p} in F_{cls} | u) (eq. 5).
    """

    out: np.ndarray
    alpha: np.ndarray
    log_scale: np.ndarray
    loglik_seq: np.ndarray

    @property
    def loglik(self) -> np.ndarray:
        """log L (eq. 5) per run, summed over sequences: (R,)."""
        return self.loglik_seq.sum(axis=1)


@dataclass(frozen=True)
class Posteriors:
    """The E step on a batch: forward and backward distributions and posteriors.

    ``alpha`` (R, B, T + 1, n): normalised forward distribution P(q_t | u_1^t);
    ``beta`` (R, B, T + 1, n): the backward target distribution beta_t normalised to sum 1 over states
    (beta_j,t is proportional to P(q_T in F | q_t = j, u_{t+1}^T): the targets propagated backward);
    ``gamma`` (R, B, T + 1, n): posterior state distribution g_j,t = P(q_t = j | u, q_T in F);
    ``h`` (R, B, T, n, n) or None: h[..., t, i, j] = P(q_{t+1} = i, q_t = j | u, q_T in F) (zero after the
    sequence's end); ``loglik_seq`` (R, B).  After a sequence's end every distribution stays at its
    value at the end.
    """

    alpha: np.ndarray
    beta: np.ndarray
    gamma: np.ndarray
    loglik_seq: np.ndarray
    h: np.ndarray | None = None

    @property
    def loglik(self) -> np.ndarray:
        return self.loglik_seq.sum(axis=1)


def _logsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    """log sum exp over one axis; all -inf gives -inf (not NaN)."""
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    return np.squeeze(m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)), axis=axis)


def _has_permutation(allowed: np.ndarray) -> bool:
    """True if some permutation sigma has allowed[j, sigma(j)] for every j (augmenting paths), i.e. the
    transition matrices are not structurally singular."""
    n = len(allowed)
    match = [-1] * n  # match[i] = j with j -> i in the matching

    def augment(j, seen):
        for i in range(n):
            if allowed[j, i] and not seen[i]:
                seen[i] = True
                if match[i] < 0 or augment(match[i], seen):
                    match[i] = j
                    return True
        return False

    return all(augment(j, [False] * n) for j in range(n))


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _is_int(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


@dataclass(frozen=True)
class IOHMM:
    """n states, one subnetwork N_j per state (Figure 1), final-state supervision (eq. 5).

    * ``allowed`` -- (n, n) bool, allowed[j, i] = i is an allowed successor of j ("each state j has a
      defined set of successors S_j"); every state needs at least one successor.  Stored as nested
      tuples (hashable); :attr:`transition_mask` gives the array.
    * ``final_states`` -- F_k for each class k: a tuple of non-empty, disjoint tuples of states.
    * ``n_in`` -- size of the input u_t.
    * ``kind`` -- the subnetworks: ``"linear"`` (a_ij = w_ij . [1, u_t], weights (n_in + 1) per successor),
      ``"hidden"`` (``n_hidden`` tanh units z = tanh(W [1, u_t]), a_ij = v_ij . [1, z]) or ``"table"`` (a_ij
      = logit looked up in a table over ``n_bins`` ** n_in cells of quantised inputs; each input
      coordinate is cut into ``n_bins`` equal bins over ``u_range``, values outside go to the end bins).
      All kinds end with a softmax over S_j.  A state with a single successor has no parameters
      (its subnetwork outputs the constant 1).
    * ``initial`` -- the fixed initial state (int, default 0) or a distribution pi over the n states.

    theta (R, n_params) is flat: for each state j with two or more successors, in order, its block
    ``N{j}.w`` (|S_j|, n_in + 1) (column 0 = bias), or ``N{j}.W`` (n_hidden, n_in + 1) then ``N{j}.V``
    (|S_j|, n_hidden + 1), or ``N{j}.logp`` (|S_j|, n_cells); rows follow the successors in increasing
    order.  Every coordinate is trainable.
    """

    allowed: tuple
    final_states: tuple
    n_in: int = 1
    kind: str = "linear"
    n_hidden: int = 3
    n_bins: int = 2
    u_range: tuple = (-1.0, 1.0)
    initial: int | tuple = 0

    def __post_init__(self):
        A = np.asarray(self.allowed)
        if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] < 1:
            raise ValueError(f"allowed must be a square (n, n) matrix, got shape {A.shape}")
        if A.dtype != bool and not np.all((A == 0) | (A == 1)):
            raise ValueError(f"allowed must be boolean (or 0/1), got {A!r}")
        A = A.astype(bool)
        for j in range(len(A)):
            if not A[j].any():
                raise ValueError(f"state j={j} has no allowed successor (row {j} of allowed is all False)")
        object.__setattr__(self, "allowed", tuple(tuple(bool(x) for x in row) for row in A))
        n = len(A)
        if not _is_int(self.n_in) or self.n_in < 1:
            raise ValueError(f"n_in must be a positive integer, got n_in={self.n_in!r}")
        if self.kind not in KINDS:
            raise ValueError(f"unknown subnetwork kind={self.kind!r}; expected one of {KINDS}")
        if not _is_int(self.n_hidden) or self.n_hidden < 1:
            raise ValueError(f"n_hidden must be a positive integer, got n_hidden={self.n_hidden!r}")
        if not _is_int(self.n_bins) or self.n_bins < 1:
            raise ValueError(f"n_bins must be a positive integer, got n_bins={self.n_bins!r}")
        lo, hi = (float(x) for x in self.u_range)
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ValueError(f"u_range must be finite with lo < hi, got u_range={self.u_range!r}")
        object.__setattr__(self, "u_range", (lo, hi))
        try:
            F = tuple(tuple(int(i) for i in Fk) for Fk in self.final_states)
        except TypeError as e:
            raise ValueError(
                f"final_states must be a tuple of tuples of states, got {self.final_states!r}"
            ) from e
        if len(F) < 1:
            raise ValueError(f"final_states needs at least one class, got final_states={self.final_states!r}")
        seen: set[int] = set()
        for k, Fk in enumerate(F):
            if len(Fk) == 0:
                raise ValueError(f"class k={k} has no final state (final_states={self.final_states!r})")
            bad = [i for i in Fk if not 0 <= i < n]
            if bad:
                raise ValueError(f"final state(s) {bad} of class k={k} not in 0..{n - 1}")
            if seen & set(Fk):
                raise ValueError(
                    f"final-state sets must be disjoint; class k={k} repeats {sorted(seen & set(Fk))}"
                )
            seen |= set(Fk)
        object.__setattr__(self, "final_states", F)
        if _is_int(self.initial):
            if not 0 <= self.initial < n:
                raise ValueError(f"initial state must be in 0..{n - 1}, got initial={self.initial!r}")
            object.__setattr__(self, "initial", int(self.initial))
        else:
            pi = np.asarray(self.initial, dtype=float)
            if pi.shape != (n,) or np.any(pi < 0) or not np.isclose(pi.sum(), 1.0):
                raise ValueError(
                    f"initial must be a state or a distribution over {n} states, got {self.initial!r}"
                )
            object.__setattr__(self, "initial", tuple(float(x) for x in pi))

    # ---------------------------------------------------------------------------------------------
    # Structure and parameters
    # ---------------------------------------------------------------------------------------------

    @property
    def n(self) -> int:
        return len(self.allowed)

    @property
    def n_classes(self) -> int:
        return len(self.final_states)

    @property
    def n_cells(self) -> int:
        """Table cells: n_bins ** n_in (used by kind='table')."""
        return self.n_bins**self.n_in

    @cached_property
    def successors(self) -> tuple[tuple[int, ...], ...]:
        """S_j for each state j (increasing order)."""
        return tuple(tuple(i for i in range(self.n) if self.allowed[j][i]) for j in range(self.n))

    @cached_property
    def _A(self) -> np.ndarray:
        """(n, n) bool in the layout of Phi: _A[i, j] = allowed[j, i]."""
        return _frozen(self.transition_mask.T)

    @cached_property
    def transition_mask(self) -> np.ndarray:
        """The transition mask as an (n, n) bool array: [j, i] = i is an allowed successor of j."""
        return _frozen(np.array(self.allowed, dtype=bool))

    @cached_property
    def pi(self) -> np.ndarray:
        """Initial distribution (n,) (fixed, not trained)."""
        if isinstance(self.initial, int):
            return _frozen(np.eye(self.n)[self.initial])
        return _frozen(np.array(self.initial))

    @cached_property
    def F(self) -> np.ndarray:
        """(K, n) indicator of the final-state sets F_k."""
        F = np.zeros((self.n_classes, self.n))
        for k, Fk in enumerate(self.final_states):
            F[k, list(Fk)] = 1.0
        return _frozen(F)

    @cached_property
    def _layout(self):
        """Dense index arrays (-1 = no parameter) per block, the names, and the per-state views."""
        n, K1, H, C = self.n, self.n_in + 1, self.n_hidden, self.n_cells
        if self.kind == "linear":
            dense = {"w": np.full((n, n, K1), -1)}  # [i, j, k]
        elif self.kind == "table":
            dense = {"logp": np.full((n, n, C), -1)}  # [i, j, c]
        else:
            dense = {"W": np.full((n, H, K1), -1), "V": np.full((n, n, H + 1), -1)}  # [j, h, k], [i, j, h]
        names: list[str] = []
        views: list[tuple[str, int, tuple[int, ...]]] = []
        pos = 0

        def block(key, j, rows, ncols, index_of, row_label):
            nonlocal pos
            views.append((f"N{j}.{key}", pos, (len(rows), ncols)))
            for r in rows:
                for c in range(ncols):
                    dense[key][index_of(r, c)] = pos
                    names.append(f"N{j}.{key}[{row_label(r)},{c}]")
                    pos += 1

        for j, S in enumerate(self.successors):
            if len(S) < 2:
                continue
            if self.kind == "linear":
                block("w", j, S, K1, lambda i, k, j=j: (i, j, k), str)
            elif self.kind == "table":
                block("logp", j, S, C, lambda i, c, j=j: (i, j, c), str)
            else:
                block("W", j, range(H), K1, lambda h, k, j=j: (j, h, k), str)
                block("V", j, S, H + 1, lambda i, h, j=j: (i, j, h), str)
        return {k: (v, v >= 0) for k, v in dense.items()}, names, views, pos

    @property
    def n_params(self) -> int:
        return self._layout[3]

    @property
    def names(self) -> list[str]:
        """Coordinate names, e.g. "N0.w[1,0]" = bias of successor 1 in N_0 (column 0 = bias)."""
        return list(self._layout[1])

    @property
    def mask(self) -> np.ndarray:
        """(n_params,) 1 = trainable: every coordinate (pi and the structure are fixed, not parameters)."""
        return np.ones(self.n_params)

    def _check_theta(self, theta) -> np.ndarray:
        theta = np.asarray(theta, dtype=float)
        if theta.ndim != 2 or theta.shape[1] != self.n_params:
            raise ValueError(f"theta must have shape (R, n_params={self.n_params}), got {theta.shape}")
        return theta

    def unpack(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        """Views of theta per subnetwork: ``N{j}.w`` (R, |S_j|, n_in + 1), or ``N{j}.W``
        (R, n_hidden, n_in + 1) and ``N{j}.V`` (R, |S_j|, n_hidden + 1), or ``N{j}.logp``
        (R, |S_j|, n_cells)."""
        theta = self._check_theta(theta)
        R = theta.shape[0]
        return {
            key: theta[:, s : s + int(np.prod(shape))].reshape((R,) + shape)
            for key, s, shape in self._layout[2]
        }

    def init(self, rngs, scale: float = 0.5) -> np.ndarray:
        """theta0 (R, n_params) ~ U[-scale, scale] per coordinate, run r drawing from rngs[r] (the 1994
        papers' initial distribution with the default scale; the paper only says "chosen randomly")."""
        if not np.isfinite(scale) or scale < 0:
            raise ValueError(f"scale must be finite and >= 0, got scale={scale!r}")
        if len(rngs) < 1:
            raise ValueError("rngs must hold one generator per run, got none")
        return np.stack([rng.uniform(-scale, scale, self.n_params) for rng in rngs])

    def presentations(self, batch) -> np.ndarray:
        """Sequence presentations of one E step (or one gradient evaluation) on ``batch``: B per run, (R,)."""
        R, B = np.shape(batch.lengths)
        return np.full(R, B, dtype=int)

    # ---------------------------------------------------------------------------------------------
    # Subnetworks and transition matrices
    # ---------------------------------------------------------------------------------------------

    def _dense(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        """Parameters scattered into dense arrays (R, ...) with zeros where there is no parameter."""
        return {
            k: np.where(valid, theta[:, np.maximum(idx, 0)], 0.0)
            for k, (idx, valid) in self._layout[0].items()
        }

    def _pack(self, dense: dict[str, np.ndarray]) -> np.ndarray:
        """Inverse of :meth:`_dense` (also packs dense gradients): (R, n_params)."""
        R = next(iter(dense.values())).shape[0]
        out = np.zeros((R, self.n_params))
        for k, (idx, valid) in self._layout[0].items():
            out[:, idx[valid]] = dense[k][:, valid]
        return out

    def quantise(self, u: np.ndarray) -> np.ndarray:
        """Table cell of each input vector: u (..., n_in) -> (...) int in [0, n_cells)."""
        lo, hi = self.u_range
        b = np.clip(np.floor((np.asarray(u) - lo) / (hi - lo) * self.n_bins), 0, self.n_bins - 1).astype(int)
        return (b * self.n_bins ** np.arange(self.n_in)).sum(axis=-1)

    def _inputs(self, u: np.ndarray) -> np.ndarray:
        """What the subnetworks read: [1, u_t] (R, B, T, n_in + 1), or table cells (R, B, T)."""
        if self.kind == "table":
            return self.quantise(u)
        return np.concatenate([np.ones(u.shape[:-1] + (1,)), u], axis=-1)

    def _pre(self, dense, x):
        """Softmax pre-activations a[..., i, j] of every N_j at one step: (R, B, n, n), and a cache."""
        if self.kind == "linear":
            return np.einsum("rijk,rbk->rbij", dense["w"], x), x
        if self.kind == "table":
            R = x.shape[0]
            return dense["logp"].transpose(0, 3, 1, 2)[np.arange(R)[:, None], x], x
        z = np.tanh(np.einsum("rjhk,rbk->rbjh", dense["W"], x))
        z1 = np.concatenate([np.ones(z.shape[:-1] + (1,)), z], axis=-1)
        return np.einsum("rijh,rbjh->rbij", dense["V"], z1), (x, z1)

    def _backprop(self, dense, cache, delta, grads) -> None:
        """Add d objective / d theta (dense) for delta = d objective / d a at one step (R, B, n, n)."""
        if self.kind == "linear":
            grads["w"] += np.einsum("rbij,rbk->rijk", delta, cache)
        elif self.kind == "table":
            onehot = (cache[..., None] == np.arange(self.n_cells)).astype(float)
            grads["logp"] += np.einsum("rbij,rbc->rijc", delta, onehot)
        else:
            x, z1 = cache
            grads["V"] += np.einsum("rbij,rbjh->rijh", delta, z1)
            dz = np.einsum("rbij,rijh->rbjh", delta, dense["V"][..., 1:])
            grads["W"] += np.einsum("rbjh,rbk->rjhk", dz * (1.0 - z1[..., 1:] ** 2), x)

    def _softmax(self, a):
        """phi and log phi over the allowed successors (axis -2); zero / -inf where not allowed."""
        a = np.where(self._A, a, -np.inf)
        m = np.max(a, axis=-2, keepdims=True)
        e = np.exp(a - m)
        s = np.sum(e, axis=-2, keepdims=True)
        return e / s, a - m - np.log(s)

    def _step(self, dense, x):
        """(phi (R, B, n, n), log phi, cache) at one step."""
        a, cache = self._pre(dense, x)
        phi, logphi = self._softmax(a)
        return phi, logphi, cache

    def transitions(self, theta: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Phi (R, B, T, n, n): Phi[..., t, i, j] = P(q_{t+1} = i | q_t = j, u[..., t, :]), the paper's
        phi_ij,t+1 (array index t is the paper's time t + 1).  Columns sum to 1 and entries not allowed
        are 0.  Computed for every t, padding included."""
        theta = self._check_theta(theta)
        u = self._check_u(u, theta.shape[0])
        dense, xs = self._dense(theta), self._inputs(u)
        with np.errstate(**_ERR):
            return np.stack([self._step(dense, xs[:, :, t])[0] for t in range(u.shape[2])], axis=2)

    # ---------------------------------------------------------------------------------------------
    # Input checks
    # ---------------------------------------------------------------------------------------------

    def _check_u(self, u, R) -> np.ndarray:
        u = np.asarray(u, dtype=float)
        if u.ndim != 4 or u.shape[-1] != self.n_in or u.shape[2] < 1:
            raise ValueError(f"u must have shape (R, B, T >= 1, n_in={self.n_in}), got {u.shape}")
        if u.shape[0] != R:
            raise ValueError(f"u has {u.shape[0]} runs but theta has R={R}")
        return u

    def _arrays(self, theta, batch):
        """Validated (theta, u, lengths, cls) from a batch-like object with u, lengths, cls."""
        theta = self._check_theta(theta)
        u = self._check_u(batch.u, theta.shape[0])
        R, B, T = u.shape[:3]
        lengths, cls = np.asarray(batch.lengths), np.asarray(batch.cls)
        if lengths.shape != (R, B) or not np.issubdtype(lengths.dtype, np.integer):
            raise ValueError(
                f"lengths must be integers of shape (R, B) = {(R, B)}, got {lengths.dtype} {lengths.shape}"
            )
        if lengths.min() < 1 or lengths.max() > T:
            raise ValueError(f"lengths must lie in [1, T={T}], got min {lengths.min()}, max {lengths.max()}")
        if cls.shape != (R, B) or not np.issubdtype(cls.dtype, np.integer):
            raise ValueError(f"cls must be integers of shape (R, B) = {(R, B)}, got {cls.dtype} {cls.shape}")
        if cls.min() < 0 or cls.max() >= self.n_classes:
            raise ValueError(
                f"cls must lie in [0, {self.n_classes}) (one final-state set per class), "
                f"got min {cls.min()}, max {cls.max()}"
            )
        return theta, u, lengths.astype(int), cls.astype(int)

    # ---------------------------------------------------------------------------------------------
    # E step: forward (eq. 4), likelihood (eq. 5), backward targets, posteriors
    # ---------------------------------------------------------------------------------------------

    def _forward(self, dense, xs, lengths):
        """Scaled forward pass: alpha_hat (R, B, T + 1, n) and log c_t (R, B, T)."""
        R, B, T = lengths.shape + (xs.shape[2],)
        alpha = np.empty((R, B, T + 1, self.n))
        alpha[:, :, 0] = self.pi
        log_c = np.zeros((R, B, T))
        for t in range(T):
            phi = self._step(dense, xs[:, :, t])[0]
            a = np.einsum("rbij,rbj->rbi", phi, alpha[:, :, t])
            c = a.sum(axis=-1)
            valid = t < lengths
            alpha[:, :, t + 1] = np.where(valid[..., None], a / c[..., None], alpha[:, :, t])
            log_c[:, :, t] = np.where(valid, np.log(c), 0.0)
        return alpha, log_c

    def _final(self, alpha_T, log_c, cls):
        """Class probabilities (R, B, K) and log-likelihood per sequence (R, B)."""
        out = np.exp(log_c.sum(axis=-1))[..., None] * (alpha_T @ self.F.T)
        ll = log_c.sum(axis=-1) + np.log(np.sum(alpha_T * self.F[cls], axis=-1))
        return out, ll

    def _target(self, cls):
        """beta at the end: indicator of F_cls, normalised (R, B, n)."""
        b = self.F[cls]
        return b / b.sum(axis=-1, keepdims=True)

    @staticmethod
    def _beta_step(phi, alpha_t, beta_next, valid):
        """One backward step: h_t (R, B, n, n) (zero if not valid) and the normalised beta at t."""
        num = alpha_t[..., None, :] * phi * beta_next[..., :, None]
        s = num.sum(axis=(-2, -1))
        ok = valid & (s > 0)
        h = np.where(ok[..., None, None], num / np.where(s > 0, s, 1.0)[..., None, None], 0.0)
        b = np.einsum("rbij,rbi->rbj", phi, beta_next)
        sb = b.sum(axis=-1, keepdims=True)
        b = np.where(sb > 0, b / np.where(sb > 0, sb, 1.0), 0.0)
        return h, np.where(valid[..., None], b, beta_next)

    def forward(self, theta: np.ndarray, batch) -> Trace:
        """Eq. (4) with per-step scaling, alpha_t = Phi_t alpha_{t-1} / c_t, and eq. (5).

        ``batch``: any object with u (R, B, T, n_in), lengths (R, B), cls (R, B).  Because every column
        of Phi_t sums to 1 (there are no emission terms), alpha_t stays a distribution and c_t = 1 up to
        rounding; the scaling only guards against drift.  The likelihood itself can underflow when the
        final states become very improbable: :meth:`forward_log` then stays finite."""
        theta, u, lengths, cls = self._arrays(theta, batch)
        with np.errstate(**_ERR):
            alpha, log_c = self._forward(self._dense(theta), self._inputs(u), lengths)
            out, ll = self._final(alpha[:, :, -1], log_c, cls)
        return Trace(out, alpha, log_c, ll)

    def forward_log(self, theta: np.ndarray, batch) -> tuple[np.ndarray, np.ndarray]:
        """Eq. (4) in log space: log alpha (R, B, T + 1, n) (unnormalised = true probabilities) and
        log P(q_{T_p} in F_cls | u) (R, B), using log-softmax outputs and log-sum-exp."""
        theta, u, lengths, cls = self._arrays(theta, batch)
        with np.errstate(**_ERR):
            la = self._forward_log(self._dense(theta), self._inputs(u), lengths)
            ll = _logsumexp(la[:, :, -1] + np.log(self.F[cls]), axis=-1)
        return la, ll

    def _forward_log(self, dense, xs, lengths):
        R, B, T = lengths.shape + (xs.shape[2],)
        la = np.empty((R, B, T + 1, self.n))
        la[:, :, 0] = np.log(self.pi)
        for t in range(T):
            logphi = self._step(dense, xs[:, :, t])[1]
            nxt = _logsumexp(logphi + la[:, :, t, None, :], axis=-1)
            la[:, :, t + 1] = np.where((t < lengths)[..., None], nxt, la[:, :, t])
        return la

    def loglik(self, theta: np.ndarray, batch, log_space: bool = False) -> np.ndarray:
        """log L (eq. 5) per run (R,): sum over sequences of log P(q_{T_p} in F_cls | u)."""
        if log_space:
            return self.forward_log(theta, batch)[1].sum(axis=1)
        return self.forward(theta, batch).loglik

    def posteriors(
        self, theta: np.ndarray, batch, with_h: bool = False, log_space: bool = False
    ) -> Posteriors:
        """The E step: forward pass, the backward pass of the targets, and the posteriors.

        beta_T = indicator of F_cls; beta_j,t-1 = sum_i phi_ij,t beta_i,t (normalised every step);
        h_ij,t = alpha_j,t-1 phi_ij,t beta_i,t / L; gamma_t = alpha_t beta_t / sum(alpha_t beta_t).
        ``with_h``: also return h (R, B, T, n, n).  ``log_space``: the same in log space (log alpha,
        log beta with log-sum-exp), for checks and extreme parameters."""
        theta, u, lengths, cls = self._arrays(theta, batch)
        dense, xs = self._dense(theta), self._inputs(u)
        R, B, T = u.shape[:3]
        with np.errstate(**_ERR):
            if log_space:
                return self._posteriors_log(dense, xs, lengths, cls, with_h)
            alpha, log_c = self._forward(dense, xs, lengths)
            ll = self._final(alpha[:, :, -1], log_c, cls)[1]
            beta = np.empty_like(alpha)
            beta[:, :, T] = self._target(cls)
            h = np.zeros((R, B, T, self.n, self.n)) if with_h else None
            for t in range(T - 1, -1, -1):
                phi = self._step(dense, xs[:, :, t])[0]
                ht, beta[:, :, t] = self._beta_step(phi, alpha[:, :, t], beta[:, :, t + 1], t < lengths)
                if with_h:
                    h[:, :, t] = ht
            g = alpha * beta
            g = g / g.sum(axis=-1, keepdims=True)
        return Posteriors(alpha, beta, g, ll, h)

    def _posteriors_log(self, dense, xs, lengths, cls, with_h):
        R, B, T = xs.shape[:3]
        la = self._forward_log(dense, xs, lengths)
        ll = _logsumexp(la[:, :, -1] + np.log(self.F[cls]), axis=-1)
        lb = np.empty_like(la)
        lb[:, :, T] = np.log(self.F[cls])
        h = np.zeros((R, B, T, self.n, self.n)) if with_h else None
        for t in range(T - 1, -1, -1):
            logphi = self._step(dense, xs[:, :, t])[1]
            valid = (t < lengths)[..., None]
            lb[:, :, t] = np.where(
                valid, _logsumexp(logphi + lb[:, :, t + 1, :, None], axis=-2), lb[:, :, t + 1]
            )
            if with_h:
                lh = la[:, :, t, None, :] + logphi + lb[:, :, t + 1, :, None] - ll[..., None, None]
                h[:, :, t] = np.where(valid[..., None], np.exp(lh), 0.0)

        def normalise(x):
            return np.exp(x - _logsumexp(x, axis=-1)[..., None])

        return Posteriors(normalise(la), normalise(lb), normalise(la + lb), ll, h)

    # ---------------------------------------------------------------------------------------------
    # Gradients: log-likelihood, the determinant term, Q (GEM)
    # ---------------------------------------------------------------------------------------------

    def _sweep(self, dense, xs, delta_fn):
        """Backward-in-time loop over the subnetworks: delta_fn(t, phi, logphi) -> (d objective / d a_t
        (R, B, n, n), objective increment (R,)); returns (objective (R,), gradient (R, n_params))."""
        R, T = xs.shape[0], xs.shape[2]
        grads = {k: np.zeros_like(v) for k, v in dense.items()}
        value = np.zeros(R)
        for t in range(T - 1, -1, -1):
            phi, logphi, cache = self._step(dense, xs[:, :, t])
            delta, v = delta_fn(t, phi, logphi)
            value = value + v
            self._backprop(dense, cache, delta, grads)
        return value, self._pack(grads)

    def loglik_grad(self, theta: np.ndarray, batch) -> tuple[np.ndarray, np.ndarray]:
        """(log L (R,), d log L / d theta (R, n_params)) via the posteriors:
        d log L / d a_ij,t = h_ij,t - phi_ij,t g_j,t-1, then back through the subnetworks.
        Costs one E step (B presentations per run)."""
        theta, u, lengths, cls = self._arrays(theta, batch)
        dense, xs = self._dense(theta), self._inputs(u)
        with np.errstate(**_ERR):
            alpha, log_c = self._forward(dense, xs, lengths)
            ll = self._final(alpha[:, :, -1], log_c, cls)[1]
            beta = self._target(cls)

            def delta_fn(t, phi, logphi):
                nonlocal beta
                h, beta = self._beta_step(phi, alpha[:, :, t], beta, t < lengths)
                return h - phi * h.sum(axis=-2, keepdims=True), 0.0

            _, grad = self._sweep(dense, xs, delta_fn)
        return ll.sum(axis=1), grad

    def det_term(self, theta: np.ndarray, batch, form: str = "log") -> tuple[np.ndarray, np.ndarray]:
        """The extra criterion of Section 6 and its gradient: (D (R,), dD/dtheta (R, n_params)).

        The paper: "using an optimization criterion that incorporates the maximization of the average
        magnitude of the determinant of the transition matrices, this algorithm performs much better",
        motivated by "a diffusion of credit or blame occurring when the forward maps (i.e. the matrix of
        transition probabilities) at each time step are such that many inputs map to a few outputs, i.e.,
        when the ratio of a small volume in the image of the map with respect to the corresponding volume
        in the domain is small.  This ratio is the absolute value of the determinant of the Jacobian of
        the map."  The exact form is not given.  We adopt (``form="log"``, default)

            D = sum_p (1 / T_p) sum_{t <= T_p} log |det Phi_t^p|,      dD/dPhi_t = Phi_t^{-T} / T_p,

        the average over time of the log volume ratio, summed over sequences like log L (so lambda
        weighs it per sequence whatever T).  Why the log: the volume ratio of the whole T-step map is
        the product of the per-step ratios, so the average log is the log of its geometric mean per step
        -- the quantity that decides whether credit diffuses over many steps -- and it needs no scale
        choice.  ``form="abs"`` is the literal reading, D = sum_p (1/T_p) sum_t |det Phi_t^p| with
        dD/dPhi_t = |det Phi_t| Phi_t^{-T} / T_p.  The gradient goes through the column softmaxes:
        dD/da_ij = phi_ij (G_ij - sum_k phi_kj G_kj), G = dD/dPhi_t.  For stochastic matrices |det| <= 1,
        with equality only for permutations (deterministic, volume-preserving maps).  An exactly singular
        Phi_t (measure zero) gives log|det| = -inf with a NaN gradient ("log"), or a zero gradient
        ("abs").  Caution: log|det| has a barrier at det = 0, so small steps never let Phi_t(u) change
        orientation; parity needs det Phi(u = +1) < 0 < det Phi(u = -1), and from a small random start
        (det near 0, random sign) "log" can lock a run out of the solution, where "abs" can cross.
        A transition mask admitting no permutation makes det Phi_t = 0 for every theta
        (e.g. a left-to-right chain without self-loops): ValueError.  Costs no E step."""
        if form not in DET_FORMS:
            raise ValueError(f"unknown determinant form={form!r}; expected one of {DET_FORMS}")
        if not _has_permutation(np.array(self.allowed)):
            raise ValueError(
                "det Phi_t = 0 for every theta with this transition mask (no permutation of allowed "
                "transitions, e.g. a state without self-loop in a left-to-right chain)"
            )
        theta, u, lengths, _ = self._arrays(theta, batch)
        dense, xs = self._dense(theta), self._inputs(u)
        eye = np.eye(self.n)
        with np.errstate(**_ERR):

            def delta_fn(t, phi, logphi):
                w = np.where(t < lengths, 1.0 / lengths, 0.0)  # (R, B)
                sign, logdet = np.linalg.slogdet(phi)
                singular = sign == 0
                G = np.swapaxes(np.linalg.inv(np.where(singular[..., None, None], eye, phi)), -1, -2)
                if form == "log":
                    val = logdet
                    G = np.where(singular[..., None, None], np.nan, G)
                else:
                    val = np.exp(logdet)
                    G = np.where(singular[..., None, None], 0.0, val[..., None, None] * G)
                d = phi * (G - np.sum(phi * G, axis=-2, keepdims=True))
                d = np.where(self._A & (w > 0)[..., None, None], d * w[..., None, None], 0.0)
                return d, np.sum(np.where(w > 0, w * val, 0.0), axis=1)

            return self._sweep(dense, xs, delta_fn)

    def objective_grad(
        self, theta: np.ndarray, batch, lam: float | np.ndarray = 0.0, form: str = "log"
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """J = log L + lam * D and its gradient, for (stochastic) gradient ascent: (J (R,), log L (R,),
        dJ/dtheta (R, n_params)).  ``lam``: a number or one per run (R,); lam = 0 skips the determinant."""
        ll, grad = self.loglik_grad(theta, batch)
        lam = np.broadcast_to(np.asarray(lam, dtype=float), ll.shape)
        if np.all(lam == 0):
            return ll, ll, grad
        D, gD = self.det_term(theta, batch, form)
        return ll + lam * D, ll, grad + lam[:, None] * gD

    # ---------------------------------------------------------------------------------------------
    # M steps
    # ---------------------------------------------------------------------------------------------

    def em_step(self, theta: np.ndarray, batch) -> tuple[np.ndarray, np.ndarray]:
        """One EM iteration with the exact M step (kind='table' only): (theta_new, log L(theta) (R,)).

        "If the inputs are quantized and the subnetworks perform a simple look-up in a table of
        probabilities, then the EM algorithm can be used, i.e. dQ/dtheta = 0 can be solved
        analytically": P_new(i | j, c) = N_ijc / sum_i' N_i'jc with expected counts
        N_ijc = sum_{p, t: cell(u_t) = c} h_ij,t.  Cells with no expected visit of j keep their old
        values; probabilities are floored at P_MIN so that the stored logits stay finite.  The returned
        log-likelihood is the one at the input theta (from the E step).  B presentations per run."""
        if self.kind != "table":
            raise ValueError(f"the exact M step needs kind='table', got kind={self.kind!r}; use gem_step")
        theta, u, lengths, cls = self._arrays(theta, batch)
        dense, xs = self._dense(theta), self._inputs(u)
        R, B, T = u.shape[:3]
        with np.errstate(**_ERR):
            alpha, log_c = self._forward(dense, xs, lengths)
            ll = self._final(alpha[:, :, -1], log_c, cls)[1]
            beta = self._target(cls)
            N = np.zeros((R, self.n, self.n, self.n_cells))
            cells = np.arange(self.n_cells)
            for t in range(T - 1, -1, -1):
                phi = self._step(dense, xs[:, :, t])[0]
                h, beta = self._beta_step(phi, alpha[:, :, t], beta, t < lengths)
                N += np.einsum("rbij,rbc->rijc", h, (xs[:, :, t, None] == cells).astype(float))
            tot = N.sum(axis=1, keepdims=True)
            P = N / np.where(tot > 0, tot, 1.0)
            logp = np.where(tot > 0, np.log(np.maximum(P, P_MIN)), dense["logp"])
        return self._pack({"logp": logp}), ll.sum(axis=1)

    def gem_step(
        self,
        theta: np.ndarray,
        batch,
        lr: float | np.ndarray = 0.1,
        n_steps: int = 5,
        lam: float | np.ndarray = 0.0,
        form: str = "log",
    ) -> tuple[np.ndarray, np.ndarray]:
        """One GEM iteration: E step at theta^k, then ``n_steps`` gradient-ascent steps on
        Q(theta, theta^k) + lam * D(theta) (any kind): (theta_new, log L(theta^k) (R,)).

        "then one can use the GEM algorithm (which simply increases Q, for example with gradient
        ascent)".  dQ/da_ij,t = h_ij,t - phi_ij,t(theta) g_j,t-1 with h, g from theta^k.  A step that
        would decrease the objective is rejected and that run's step size halved, so Q + lam D never
        decreases, hence log L + lam D never decreases (the EM bound).  ``lr``: a number or one per run,
        on the summed (not averaged) objective.  B presentations per run (one E step)."""
        if not _is_int(n_steps) or n_steps < 0:
            raise ValueError(f"n_steps must be a non-negative integer, got n_steps={n_steps!r}")
        theta, u, lengths, cls = self._arrays(theta, batch)
        R = theta.shape[0]
        lr = np.broadcast_to(np.asarray(lr, dtype=float), (R,)).copy()
        lam = np.broadcast_to(np.asarray(lam, dtype=float), (R,))
        if not np.all(np.isfinite(lr) & (lr > 0)):
            raise ValueError(f"lr must be positive and finite, got lr={lr!r}")
        use_det = bool(np.any(lam != 0))
        if use_det and form not in DET_FORMS:
            raise ValueError(f"unknown determinant form={form!r}; expected one of {DET_FORMS}")
        dense_k, xs = self._dense(theta), self._inputs(u)
        with np.errstate(**_ERR):
            alpha, log_c = self._forward(dense_k, xs, lengths)
            ll = self._final(alpha[:, :, -1], log_c, cls)[1].sum(axis=1)
            # the backward targets at theta^k, kept for recomputing h_t from theta^k's Phi_t
            T = xs.shape[2]
            betas = np.empty_like(alpha)
            betas[:, :, T] = self._target(cls)
            for t in range(T - 1, -1, -1):
                phi = self._step(dense_k, xs[:, :, t])[0]
                betas[:, :, t] = self._beta_step(phi, alpha[:, :, t], betas[:, :, t + 1], t < lengths)[1]

            def q_and_grad(th):
                def delta_fn(t, phi, logphi):
                    phi_k = self._step(dense_k, xs[:, :, t])[0]
                    h = self._beta_step(phi_k, alpha[:, :, t], betas[:, :, t + 1], t < lengths)[0]
                    q = np.sum(np.where(h > 0, h * logphi, 0.0), axis=(1, 2, 3))
                    return h - phi * h.sum(axis=-2, keepdims=True), q

                q, g = self._sweep(self._dense(th), xs, delta_fn)
                if use_det:
                    D, gD = self.det_term(th, batch, form)
                    q, g = q + lam * D, g + lam[:, None] * gD
                return q, g

            cur, (q_cur, g_cur) = theta, q_and_grad(theta)
            for _ in range(n_steps):
                cand = cur + lr[:, None] * g_cur
                q_c, g_c = q_and_grad(cand)
                ok = np.isfinite(q_c) & (q_c >= q_cur)
                cur = np.where(ok[:, None], cand, cur)
                q_cur = np.where(ok, q_c, q_cur)
                g_cur = np.where(ok[:, None], g_c, g_cur)
                lr = np.where(ok, lr, 0.5 * lr)
        return cur, ll

    # ---------------------------------------------------------------------------------------------
    # Classification
    # ---------------------------------------------------------------------------------------------

    def predict(self, theta: np.ndarray, batch) -> np.ndarray:
        """Predicted class (R, B): the class whose final-state set has the largest probability at the end."""
        return np.argmax(self.forward(theta, batch).out, axis=-1)

    def errors(self, theta: np.ndarray, batch) -> np.ndarray:
        """Fraction of sequences misclassified per run (R,)."""
        return np.mean(self.predict(theta, batch) != np.asarray(batch.cls), axis=1)


# -------------------------------------------------------------------------------------------------
# The learning-rate rule of Section 6
# -------------------------------------------------------------------------------------------------


def adapt_learning_rate(
    lr, loglik, loglik_prev, *, tol: float = 1e-3, down: float = 0.8, up: float = 1.25, lr_max: float = np.inf
) -> np.ndarray:
    """The learning-rate rule of Section 6, per run (R,).

    "Another trick that drastically improved performance was to use stochastic gradient ascent in a
    way that helps the training algorithm get out of local optima.  The learning rate is decreased
    when the likelihood improves but it is increased when the likelihood remains flat (the system is
    stuck in a plateau or local optimum)."

    improved (loglik - loglik_prev > tol): lr * down; flat (|loglik - loglik_prev| <= tol): lr * up
    (capped at lr_max); worse, or non-finite: unchanged (the paper says nothing about it).  The paper
    gives no numbers: ``tol``, ``down``, ``up`` are ours; pass log-likelihoods on the scale ``tol``
    is meant for (e.g. the mean per sequence)."""
    if not (0 < down <= 1 and up >= 1 and tol >= 0):
        raise ValueError(f"need 0 < down <= 1, up >= 1, tol >= 0, got down={down!r}, up={up!r}, tol={tol!r}")
    lr = np.asarray(lr, dtype=float)
    diff = np.asarray(loglik, dtype=float) - np.asarray(loglik_prev, dtype=float)
    with np.errstate(invalid="ignore"):
        improved = np.isfinite(diff) & (diff > tol)
        flat = np.isfinite(diff) & (np.abs(diff) <= tol)
    return np.where(improved, lr * down, np.where(flat, np.minimum(lr * up, lr_max), lr))


# -------------------------------------------------------------------------------------------------
# The configurations of Section 7
# -------------------------------------------------------------------------------------------------


def full_connectivity(n: int) -> np.ndarray:
    """(n, n) all-True transition mask (every state may follow every state)."""
    if not _is_int(n) or n < 1:
        raise ValueError(f"n must be a positive integer, got n={n!r}")
    return np.ones((n, n), dtype=bool)


def two_sequence_mask(self_loops: bool = True) -> np.ndarray:
    """The sparse 7-state mask for the 2-sequence problem: "a 7-state system with a sparse connectivity
    matrix (an initial state, and two separate left-to-right submodels of three states each to model
    the two types of sequences)".  State 0 is the initial state; 1 -> 2 -> 3 models class 0 and
    4 -> 5 -> 6 class 1; 0 may enter either chain (0 -> 1, 0 -> 4).  Left-to-right without skips.
    Self-loops are not stated in the paper: with ``self_loops`` (default) every state loops on itself
    (the usual left-to-right HMM); without, only the chain ends 3 and 6 do (they must have a successor)."""
    A = np.zeros((7, 7), dtype=bool)
    for j, i in [(0, 1), (0, 4), (1, 2), (2, 3), (4, 5), (5, 6), (3, 3), (6, 6)]:
        A[j, i] = True
    if self_loops:
        A[np.arange(7), np.arange(7)] = True
    return A


def two_sequence_iohmm(
    n_in: int = 1,
    kind: str = "linear",
    *,
    connectivity: str = "sparse",
    self_loops: bool = True,
    accept: str = "last",
    **subnet,
) -> IOHMM:
    """The 7-state model of Section 7 for the 2-sequence problem (class 0 -> chain 1-2-3, class 1 ->
    chain 4-5-6, start in state 0).

    ``accept="last"`` (default): F_0 = {3}, F_1 = {6}, the last state of each class's left-to-right
    submodel (a sequence must then be at least 3 steps long, else its likelihood is 0);
    ``accept="chain"``: F_0 = {1, 2, 3}, F_1 = {4, 5, 6}.  ``connectivity="full"``: the same 7 states and
    final states with every transition allowed (the ablation of sparse connectivity).  ``subnet``:
    n_hidden, n_bins, u_range for the subnetworks."""
    if accept not in ("last", "chain"):
        raise ValueError(f"accept must be 'last' or 'chain', got accept={accept!r}")
    if connectivity not in ("sparse", "full"):
        raise ValueError(f"connectivity must be 'sparse' or 'full', got connectivity={connectivity!r}")
    allowed = two_sequence_mask(self_loops) if connectivity == "sparse" else full_connectivity(7)
    F = ((3,), (6,)) if accept == "last" else ((1, 2, 3), (4, 5, 6))
    return IOHMM(allowed, F, n_in=n_in, kind=kind, initial=0, **subnet)


def parity_iohmm(n_in: int = 1, kind: str = "linear", **subnet) -> IOHMM:
    """The 2-state, fully connected model of Section 7 for the parity problem: start in state 0;
    class 0 (even number of 1's) ends in F_0 = {0}, class 1 (odd) in F_1 = {1}."""
    return IOHMM(full_connectivity(2), ((0,), (1,)), n_in=n_in, kind=kind, initial=0, **subnet)
