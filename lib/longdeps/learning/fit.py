"""The training loop every learner of the book goes through (Bengio, Simard & Frasconi 1994, Section
V-E: each algorithm runs "until some allowed number of function evaluations has been performed or the
task has been learned"; Fig. 4 reports the classification error after training and the number of
sequence presentations used).

R independent runs advance together as one array computation, with an *active* mask: at each step
only the active runs step (their state is taken out by index, stepped, and put back), so a run that
has stopped is frozen and costs nothing.  A run stops

* when a stopping rule says so at an evaluation (:func:`until_success`: the task is learned;
  :func:`patience`: the cost has not improved for n evaluations; any callable on an
  :class:`Evaluation` returning one bool per run);
* when its step budget ``max_steps`` or its presentation budget ``max_presentations`` is spent;
* when it diverges: a non-finite parameter or cost, or a parameter beyond ``DIVERGED`` = 1e6 in
  magnitude.  A diverged run is recorded as failed (``diverged``, never ``converged``) and frozen; it
  never stops the other runs.

Runs are evaluated before the first step (a run that starts solved takes 0 steps and 0
presentations) and after every ``eval_every`` steps, on the training set (fixed tasks: one training
set per run, drawn once, the 1994 protocol) or on a held-out validation batch (fresh tasks: a new
training batch every step).  Run r draws random numbers only from ``rngs[r]``, so its results do not
depend on which runs share the batch.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import DIVERGED
from .protocol import Learner, batch_runs, batch_take, put, take, tree_map

HISTORY_FIELDS = ("loss", "errors", "presentations", "steps")


@dataclass(frozen=True)
class Evaluation:
    """What a stopping rule sees at one evaluation: one row per run evaluated (r runs).

    * ``runs`` (r,): the runs' indices in the fit's runs axis.
    * ``steps``, ``presentations`` (r,): learner steps and sequence presentations used so far.
    * ``loss``, ``errors`` (r,), ``success`` (r,) bool: the task's cost, classification error and
      "learned" test on the evaluation batch.
    * ``best_loss`` (r,): the lowest loss of the run at any evaluation so far, this one included;
      ``since_best`` (r,): evaluations since the loss last went below its previous best (0: now).
    * ``state``: the learner's state of these runs (a copy, taken when first read), for rules that
      ask the learner (e.g. "the search is stuck").
    """

    runs: np.ndarray
    steps: np.ndarray
    presentations: np.ndarray
    loss: np.ndarray
    errors: np.ndarray
    success: np.ndarray
    best_loss: np.ndarray
    since_best: np.ndarray
    full_state: Any = field(default=None, repr=False)

    @property
    def state(self):
        return None if self.full_state is None else take(self.full_state, self.runs)


StopRule = Callable[[Evaluation], np.ndarray]


def until_success(ev: Evaluation) -> np.ndarray:
    """Stop the runs that have learned the task (``task.success`` on the evaluation batch)."""
    return ev.success


@dataclass(frozen=True)
class Patience:
    """Stop a run whose lowest loss has not improved for ``n`` evaluations in a row."""

    n: int

    def __post_init__(self):
        if isinstance(self.n, (bool, np.bool_)) or not isinstance(self.n, (int, np.integer)) or self.n < 1:
            raise ValueError(f"patience must be a positive integer, got n={self.n!r}")

    def __call__(self, ev: Evaluation) -> np.ndarray:
        return ev.since_best >= self.n


def patience(n: int) -> Patience:
    """The rule "stop when the loss has not improved for ``n`` evaluations" (picklable)."""
    return Patience(n)


@dataclass
class FitResult:
    """What :func:`fit` returns, one row per run.

    * ``theta`` (R, n_params): the parameters when the run stopped.
    * ``converged`` (R,) bool: the task's success test held at the run's last evaluation (never for a
      diverged run); ``diverged`` (R,) bool.
    * ``steps``, ``presentations`` (R,) int: learner steps and sequence presentations used.
    * ``loss``, ``errors`` (R,): cost and classification error at the last evaluation.
    * ``history``: ``loss``, ``errors``, ``presentations``, ``steps``, each (R, n_evals), at the
      scheduled evaluations (steps 0, e, 2e, ... and max_steps); a run that stopped keeps its final
      values in the later columns.  Empty when ``record=False``.
    * ``state``: the learner's final state (e.g. ``guesses`` of random guessing); not in :meth:`as_dict`.
    """

    theta: np.ndarray
    converged: np.ndarray
    diverged: np.ndarray
    steps: np.ndarray
    presentations: np.ndarray
    loss: np.ndarray
    errors: np.ndarray
    history: dict[str, np.ndarray] = field(default_factory=dict)
    state: Any = field(default=None, repr=False)

    def as_dict(self, prefix: str = "") -> dict[str, np.ndarray]:
        """Flat arrays with a leading runs axis (what a runner trial function returns);
        the history as ``history_loss`` etc."""
        out = {
            "theta": self.theta,
            "converged": self.converged,
            "diverged": self.diverged,
            "steps": self.steps,
            "presentations": self.presentations,
            "loss": self.loss,
            "errors": self.errors,
        }
        out.update({f"history_{k}": v for k, v in self.history.items()})
        return {prefix + k: v for k, v in out.items()}


def evaluation_steps(max_steps: int, eval_every: int) -> np.ndarray:
    """The steps at which every active run is evaluated: 0, e, 2e, ... and ``max_steps``."""
    s = list(range(0, max_steps + 1, eval_every))
    if s[-1] != max_steps:
        s.append(max_steps)
    return np.array(s, dtype=np.int64)


def fit(
    learner: Learner,
    task,
    model,
    theta0: np.ndarray,
    rngs: Sequence[np.random.Generator],
    *,
    train=None,
    max_steps: int,
    eval_every: int = 1,
    stop: StopRule | Sequence[StopRule] = (until_success,),
    max_presentations: int | None = None,
    batch_size: int | None = None,
    valid=None,
    record: bool = True,
    record_every: int = 1,
    record_params: bool = False,
) -> FitResult:
    """Train R runs of ``learner`` from ``theta0`` (R, n_params) until each stops.

    * Fixed tasks (``task.fresh`` False): ``train`` is the training set, a SequenceBatch with R runs,
      used by every step and by every evaluation.
    * Fresh tasks: every step samples ``batch_size`` new sequences per run from the run's generator;
      evaluations use ``valid``, a held-out SequenceBatch (or an int n: n sequences drawn per run
      before training; default ``batch_size``).

    Presentations are counted in one place: the sum of what ``learner.step`` returns.  The passes of
    the evaluations that decide when to stop are not counted (the papers count the passes an
    algorithm itself uses; a search learner, whose step evaluates the cost of its guesses, returns
    those passes).  ``stop``: rules applied at each evaluation (see :func:`until_success`,
    :func:`patience`).  ``max_presentations``: a run stops after the step that brings its count to
    this or beyond (it may overshoot by part of one step).  ``record``: keep the evaluation history
    (R x n_evals numbers per field); ``record_every``: keep only every k-th scheduled evaluation (and
    the last) in it, while still stopping at every one; ``record_params``: also keep theta there
    (``history["theta"]``, (R, n_kept, n_params)).

    A learner whose step starts with a forward pass of the training set at its current parameters
    (batch gradient descent) may declare a ``trace`` keyword in ``step``: on a fixed task the loop
    hands it the trace of the evaluation it has just made at those parameters, so stopping at every
    epoch costs no extra forward pass.
    """
    theta0 = np.asarray(theta0, dtype=float)
    if theta0.ndim != 2 or theta0.shape[1] != model.n_params:
        raise ValueError(f"theta0 must have shape (runs, {model.n_params}), got {theta0.shape}")
    R = theta0.shape[0]
    if len(rngs) != R:
        raise ValueError(f"need one generator per run: {R} runs, got {len(rngs)} generators")
    _check_count("max_steps", max_steps, 0)
    _check_count("eval_every", eval_every, 1)
    _check_count("record_every", record_every, 1)
    if max_presentations is not None:
        _check_count("max_presentations", max_presentations, 0)
    rules = (stop,) if callable(stop) else tuple(stop)
    if not all(callable(r) for r in rules):
        raise ValueError(f"stop must be a callable or a sequence of callables, got stop={stop!r}")
    rngs = list(rngs)

    if not task.fresh:
        if train is None:
            raise ValueError("a fixed task (task.fresh False) needs its training set: train=SequenceBatch")
        if batch_runs(train) != R:
            raise ValueError(f"train has {batch_runs(train)} runs, theta0 has {R}")
    else:
        if train is not None:
            raise ValueError("a fresh task draws its own batches: pass batch_size, not train")
        _check_count("batch_size", batch_size, 1)
        if valid is None or isinstance(valid, (int, np.integer)):
            _check_count("valid", batch_size if valid is None else valid, 1)
        elif batch_runs(valid) != R:
            raise ValueError(f"valid has {batch_runs(valid)} runs, theta0 has {R}")

    with np.errstate(all="ignore"):  # overflow and NaN are data here: such a run is marked diverged
        state = learner.init(theta0, rngs)  # first the learner's draws, then the validation set's
        eval_batch = train
        if task.fresh:
            if valid is None or isinstance(valid, (int, np.integer)):
                valid = task.sample(rngs, int(batch_size if valid is None else valid))
            eval_batch = valid
        loop = _Loop(learner, task, model, eval_batch, R, rules, max_presentations)
        schedule = evaluation_steps(int(max_steps), int(eval_every))
        kept = sorted(set(range(0, len(schedule), int(record_every))) | {len(schedule) - 1})
        loop.columns = {c: j for j, c in enumerate(kept)}
        history = {k: np.zeros((R, len(kept))) for k in HISTORY_FIELDS} if record else {}
        if record and record_params:
            history["theta"] = np.zeros((R, len(kept), model.n_params))
        hands_trace = not task.fresh and "trace" in inspect.signature(learner.step).parameters

        train_of = loop.eval_of if eval_batch is train else _Subsets(train)  # one copy, not two
        owned = False  # do we own every array of `state` (no aliasing)?  Needed before writing into it.
        loop.evaluate(state, np.arange(R), 0)
        loop.stop_spent(np.arange(R), max_steps == 0)
        col = 0
        loop.write(history, col)
        for k in range(1, int(max_steps) + 1):
            idx = np.flatnonzero(loop.active)
            if idx.size == 0:
                break
            sub_rngs = [rngs[i] for i in idx]
            everyone = idx.size == R
            batch = task.sample(sub_rngs, int(batch_size)) if task.fresh else train_of(idx)
            extra = {"trace": loop.trace_of(idx, k - 1)} if hands_trace else {}
            new, used = learner.step(state if everyone else take(state, idx), batch, sub_rngs, **extra)
            used = np.asarray(used)
            if used.shape != (idx.size,) or not np.issubdtype(used.dtype, np.integer):
                raise ValueError(f"learner.step must return ({idx.size},) int presentations, got {used!r}")
            if everyone:
                state, owned = new, False
            else:
                if not owned:
                    state, owned = tree_map(np.array, state), True
                state = put(state, idx, new)
            loop.steps[idx] = k
            loop.presentations[idx] += used

            scheduled = col + 1 < len(schedule) and schedule[col + 1] == k
            due = idx if scheduled else idx[loop.off_schedule(state, idx)]
            if due.size:
                loop.evaluate(state, due, k)
            loop.stop_spent(idx, k == max_steps)
            if scheduled:
                col += 1
                loop.write(history, col)
        for c in range(col + 1, len(schedule)):  # every run has stopped: its final values carry on
            loop.write(history, c)
        theta = np.array(learner.params(state), dtype=float)
    return FitResult(
        theta=theta,
        converged=loop.converged,
        diverged=loop.diverged,
        steps=loop.steps,
        presentations=loop.presentations,
        loss=loop.loss,
        errors=loop.errors,
        history={k: v.astype(np.int64) if k in ("presentations", "steps") else v for k, v in history.items()},
        state=state,
    )


class _Loop:
    """The per-run bookkeeping of :func:`fit` (arrays of R)."""

    def __init__(self, learner, task, model, eval_batch, R, rules, max_presentations):
        self.learner, self.task, self.model = learner, task, model
        self.eval_of = _Subsets(eval_batch)
        self.R, self.rules, self.max_presentations = R, rules, max_presentations
        self.active = np.ones(R, dtype=bool)
        self.converged = np.zeros(R, dtype=bool)
        self.diverged = np.zeros(R, dtype=bool)
        self.steps = np.zeros(R, dtype=np.int64)
        self.presentations = np.zeros(R, dtype=np.int64)
        self.loss = np.full(R, np.nan)
        self.errors = np.full(R, np.nan)
        self.best = np.full(R, np.inf)
        self.since_best = np.zeros(R, dtype=np.int64)
        self.columns: dict[int, int] = {}
        self.state = None  # the state at the last evaluation (for history["theta"])
        self._trace = None  # (step, runs, trace) of the last evaluation

    def trace_of(self, idx: np.ndarray, step: int):
        """The trace of the last evaluation restricted to runs ``idx``, if that evaluation was made
        after step ``step`` and covered them all (the parameters they hold now); else None."""
        if self._trace is None or self._trace[0] != step:
            return None
        _, runs, trace = self._trace
        pos = np.searchsorted(runs, idx)
        if np.any(pos >= runs.size) or not np.array_equal(runs[np.minimum(pos, runs.size - 1)], idx):
            return None
        return trace if pos.size == runs.size else batch_take(trace, pos)

    def _theta(self, state, idx) -> np.ndarray:
        return np.asarray(self.learner.params(state), dtype=float)[idx]

    @staticmethod
    def _bad(theta: np.ndarray) -> np.ndarray:
        return ~np.all(np.isfinite(theta), axis=1) | np.any(np.abs(theta) > DIVERGED, axis=1)

    def off_schedule(self, state, idx) -> np.ndarray:
        """Which of runs ``idx`` must be evaluated now although no evaluation is scheduled: those that
        diverged or spent their presentation budget at this step (their last evaluation)."""
        due = self._bad(self._theta(state, idx))
        if self.max_presentations is not None:
            due |= self.presentations[idx] >= self.max_presentations
        return due

    def evaluate(self, state, idx, step: int) -> None:
        """Evaluate runs ``idx`` after step ``step``, apply the stopping rules, and freeze the runs
        that stop."""
        theta = self._theta(state, idx)
        batch = self.eval_of(idx)
        trace = self.model.forward(theta, batch)
        self._trace = (step, np.asarray(idx), trace)
        self.state = state
        out = trace.out
        loss = np.asarray(self.task.loss(out, batch), dtype=float)
        errors = np.asarray(self.task.errors(out, batch), dtype=float)
        bad = self._bad(theta) | ~np.isfinite(loss)
        success = np.asarray(self.task.success(out, batch), dtype=bool) & ~bad
        improved = loss < self.best[idx]
        self.best[idx] = np.where(improved, loss, self.best[idx])
        self.since_best[idx] = np.where(improved, 0, self.since_best[idx] + 1)
        self.loss[idx], self.errors[idx] = loss, errors
        self.converged[idx] = success
        self.diverged[idx] |= bad
        ev = Evaluation(
            runs=idx,
            steps=self.steps[idx].copy(),
            presentations=self.presentations[idx].copy(),
            loss=loss,
            errors=errors,
            success=success,
            best_loss=self.best[idx].copy(),
            since_best=self.since_best[idx].copy(),
            full_state=state,
        )
        halt = bad.copy()
        for rule in self.rules:
            halt |= np.asarray(rule(ev), dtype=bool)
        self.active[idx[halt]] = False

    def stop_spent(self, idx, out_of_steps: bool) -> None:
        """Freeze runs ``idx`` whose step budget (``out_of_steps``) or presentation budget is spent."""
        spent = np.full(idx.size, bool(out_of_steps))
        if self.max_presentations is not None:
            spent |= self.presentations[idx] >= self.max_presentations
        self.active[idx[spent]] = False

    def write(self, history, col) -> None:
        if col not in self.columns:
            return
        j = self.columns[col]
        for k in history:
            if k == "theta":
                history[k][:, j] = self.learner.params(self.state)
            else:
                history[k][:, j] = getattr(self, k)


class _Subsets:
    """``batch`` restricted to some runs, taken again only when the runs change (the active set
    shrinks now and then; copying the training set at every step would be waste)."""

    def __init__(self, batch):
        self.batch, self.runs, self.sub = batch, None, batch

    def __call__(self, idx: np.ndarray):
        if self.batch is None or idx.size == batch_runs(self.batch):
            return self.batch
        if self.runs is None or not np.array_equal(idx, self.runs):
            self.runs, self.sub = idx.copy(), batch_take(self.batch, idx)
        return self.sub


def _check_count(name: str, value, low: int) -> None:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {name}={value!r}")
