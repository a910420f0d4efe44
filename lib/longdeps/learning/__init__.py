"""Learning rules, all behind one small interface so a chapter can loop over them.

The training core (one protocol, one loop):

* :mod:`.protocol` -- the :class:`~.protocol.Learner` protocol (``init``, ``step`` returning the
  presentations it used, ``params``) and ``take`` / ``put`` of a learner's state by run;
* :mod:`.fit` -- :func:`~.fit.fit`, the loop every learner goes through, and its :class:`~.fit.FitResult`;
* the learners: :mod:`.gradient` (back-propagation through time, batch or on-line, with any
  :mod:`longdeps.optim` transform), :mod:`.pseudo_newton` (eqs. 5 and 6 of BSF94),
  :mod:`.discrete_error`, :mod:`.annealing`, :mod:`.multigrid`, :mod:`.random_search` (guessing),
  :mod:`.em` (the IOHMM of BF94); :mod:`.rules` names them all.

(They are not imported here, so that a trial's cache key depends only on the rules it uses: see
:func:`longdeps.runner.code_digest`.)

:mod:`.bptt` (``gradient_descent``) and :mod:`.guessing` (``random_guessing``) run the core on a latch
*problem* (:class:`longdeps.models.neuron.LatchProblem`: the network, the task and one training set per
run) and return a :class:`LearningResult`: final parameters, the cost trajectory, and the count of
sequence presentations (one sequence through the network once = one presentation, the unit the paper
uses in Section V).
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
