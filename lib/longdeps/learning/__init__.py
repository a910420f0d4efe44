"""Learning rules, all behind one small interface so a chapter can loop over them.

The training core (one protocol, one loop; use it for new code):

* :mod:`.protocol` -- the :class:`~.protocol.Learner` protocol (``init``, ``step`` returning the
  presentations it used, ``params``) and ``take`` / ``put`` of a learner's state by run;
* :mod:`.fit` -- :func:`~.fit.fit`, the loop every learner goes through, and its :class:`~.fit.FitResult`;
* :mod:`.gradient` -- :class:`~.gradient.GradientLearner` (model + task loss + optimiser; batch or
  online back-propagation through time);
* :mod:`.random_search` -- :class:`~.random_search.RandomGuessing`.

(They are not imported here, so that a trial using only the older rules below does not depend on
their source: see :func:`longdeps.runner.code_digest`.)

The older rules (:mod:`.bptt`, :mod:`.guessing`) work on a *problem*
(e.g. :class:`longdeps.models.neuron.LatchProblem`), which holds R independent runs and offers

* ``n_runs``, ``n_params``, ``mask`` (1 = trainable coordinate), ``sequences_per_eval``;
* ``cost(theta) -> (R,)`` and ``cost_and_grad(theta) -> (cost (R,), grad (R, n_params), converged (R,))``;
* ``converged(theta) -> (R,) bool`` -- the task's success criterion;
* ``take(runs)`` -- the same problem restricted to some runs.

A *learning rule* takes a problem and starting parameters theta0 (R, n_params) and returns a
:class:`LearningResult`: final parameters, the cost trajectory, and its count of sequence
presentations (one sequence through the network once = one presentation, the unit the paper uses
in Section V).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: a parameter beyond this magnitude (or a non-finite cost) marks a run as diverged (= failed)
DIVERGED = 1e6


@dataclass
class LearningResult:
    """What every learning rule returns, one row per run.

    * ``theta`` (R, n_params): final parameters (the parameters at convergence for converged runs).
    * ``cost`` (R, n_records): cost trajectory (record i = after i * record_every steps; a run that
      stopped keeps its last value).
    * ``presentations`` (R,): sequence presentations used until the run stopped.
    * ``converged`` (R,) bool, ``steps`` (R,): steps (epochs, guesses, ...) at which the run stopped,
      ``diverged`` (R,) bool (a diverged run counts as failed).
    * ``history`` (R, n_records, n_params) or None: parameter trajectory when asked for.
    """

    theta: np.ndarray
    cost: np.ndarray
    presentations: np.ndarray
    converged: np.ndarray
    steps: np.ndarray
    diverged: np.ndarray
    history: np.ndarray | None = None

    def as_dict(self, prefix: str = "") -> dict[str, np.ndarray]:
        out = {
            "theta": self.theta,
            "cost": self.cost,
            "presentations": self.presentations,
            "converged": self.converged,
            "steps": self.steps,
            "diverged": self.diverged,
        }
        if self.history is not None:
            out["history"] = self.history
        return {prefix + k: v for k, v in out.items()}
