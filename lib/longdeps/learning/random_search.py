"""Random weight guessing as a learner (Hochreiter, Bengio, Frasconi & Schmidhuber 2001, Section 4;
Schmidhuber & Hochreiter 1996): draw every trainable parameter uniformly in [-scale, scale] "until
the resulting net happens to classify all training sequences correctly".

No gradient and no memory: the number of guesses is geometric with the success probability of one
guess, whatever the sequence length does to the gradient.  The learner uses only the task's cost and
success test on the model's outputs, ``task.success(model.forward(theta, batch).out, batch)``.

One step draws ``chunk`` guesses per unsolved run (from the run's own generator, so a run's guesses do
not depend on ``chunk`` or on the other runs) and evaluates all R x chunk of them in one forward pass.
A run solved by guess j of the chunk is charged j + 1 guesses, i.e. (j + 1) B presentations: what
guessing one at a time would have used, so ``chunk`` only trades memory (chunk copies of the
training set) for speed.  An unsolved run is charged chunk B presentations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .protocol import batch_take, repeat_runs


@dataclass(frozen=True)
class GuessState:
    """Per run: ``theta`` (R, n_params), the solving guess once ``solved``, else the guess of lowest
    cost so far (theta0 before any guess); its cost ``loss`` (R,) (inf before any guess); ``solved``
    (R,) bool; ``guesses`` (R,) the number of guesses drawn (up to the solving one)."""

    theta: np.ndarray
    loss: np.ndarray
    solved: np.ndarray
    guesses: np.ndarray


@dataclass(frozen=True)
class RandomGuessing:
    """Guess all trainable parameters of ``model`` uniformly in [-scale, scale], ``chunk`` guesses per
    run and step, until ``task.success`` holds on the batch.  Frozen coordinates keep theta0's value."""

    model: Any
    task: Any
    scale: float = 100.0
    chunk: int = 16

    def __post_init__(self):
        scale = self.scale
        if not isinstance(scale, (int, float, np.number)) or not np.isfinite(scale) or scale <= 0:
            raise ValueError(f"scale must be positive and finite, got scale={self.scale!r}")
        if isinstance(self.chunk, (bool, np.bool_)) or not isinstance(self.chunk, (int, np.integer)):
            raise ValueError(f"chunk must be a positive integer, got chunk={self.chunk!r}")
        if self.chunk < 1:
            raise ValueError(f"chunk must be a positive integer, got chunk={self.chunk!r}")

    def init(self, theta0: np.ndarray, rngs=None) -> GuessState:
        theta = np.array(theta0, dtype=float, copy=True)
        if theta.ndim != 2 or theta.shape[1] != self.model.n_params:
            raise ValueError(f"theta0 must have shape (runs, {self.model.n_params}), got {theta.shape}")
        R = theta.shape[0]
        return GuessState(theta, np.full(R, np.inf), np.zeros(R, dtype=bool), np.zeros(R, dtype=np.int64))

    def step(self, state: GuessState, batch, rngs) -> tuple[GuessState, np.ndarray]:
        """``chunk`` guesses for every unsolved run, evaluated on ``batch`` (R runs, B sequences).
        Returns the new state and the presentations used, (R,): (guesses charged) x B, 0 once solved."""
        R, B = batch.lengths.shape
        k, mask = int(self.chunk), np.asarray(self.model.mask, dtype=bool)
        theta, loss = state.theta.copy(), state.loss.copy()
        solved, guesses = state.solved.copy(), state.guesses.copy()
        used = np.zeros(R, dtype=np.int64)
        idx = np.flatnonzero(~solved)
        if idx.size == 0:
            return GuessState(theta, loss, solved, guesses), used

        trials = np.repeat(theta[idx, None, :], k, axis=1)  # (r, k, n_params); frozen coordinates kept
        trials[:, :, mask] = np.stack(
            [rngs[r].uniform(-self.scale, self.scale, size=(k, int(mask.sum()))) for r in idx]
        )
        sub = batch if idx.size == R else batch_take(batch, idx)
        many = repeat_runs(sub, k)  # run j * k + i: run idx[j], guess i
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            out = self.model.forward(trials.reshape(idx.size * k, -1), many).out
            cost = np.asarray(self.task.loss(out, many), dtype=float).reshape(idx.size, k)
            ok = np.asarray(self.task.success(out, many), dtype=bool).reshape(idx.size, k)
        cost = np.where(np.isfinite(cost), cost, np.inf)
        ok &= np.isfinite(cost)

        hit = ok.any(axis=1)
        pick = np.where(hit, ok.argmax(axis=1), cost.argmin(axis=1))  # first solving guess, else the best
        charged = np.where(hit, pick + 1, k)
        rows = np.arange(idx.size)
        better = hit | (cost[rows, pick] < loss[idx])
        theta[idx[better]] = trials[rows[better], pick[better]]
        loss[idx[better]] = cost[rows[better], pick[better]]
        solved[idx[hit]] = True
        guesses[idx] += charged
        used[idx] = charged * B
        return GuessState(theta, loss, solved, guesses), used

    def params(self, state: GuessState) -> np.ndarray:
        return state.theta
