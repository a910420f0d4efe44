"""Seeded, batched, resumable trials.

A *trial function* advances many independent runs together as one array computation::

    def trial_fn(rngs: list[np.random.Generator], **config) -> dict[str, np.ndarray]:
        ...  # every returned array has a leading axis of len(rngs): one row per trial

A trial function that also takes ``trials`` receives the indices of the batch's trials (an int array),
so a configuration can hold one value per trial (e.g. the (w0, s) cell of every run of a grid) and
each batch picks its own: ``w0 = np.asarray(w0)[trials]``.

:func:`run_trials` calls it on batches of trials.  Trial ``i`` always draws from the same generator,
``default_rng(SeedSequence(seed, spawn_key=(i,)))``, whatever the batch split, so 20 trials run
as one batch or as four batches of five give identical numbers.  Each finished batch is saved to
an on-disk cache (outside git) under a key made from the experiment name, its configuration, the
seed and the source code of this package; an interrupted run resumes where it stopped.

Environment:

* ``LONGDEPS_CACHE`` -- cache folder (default ``~/.cache/longdeps``); ``off`` disables caching.
* ``LONGDEPS_PROGRESS`` -- ``0`` hides progress bars.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

TrialFn = Callable[..., dict[str, np.ndarray]]

_PACKAGE_DIR = Path(__file__).resolve().parent


def trial_rngs(seed: int, trials: Sequence[int]) -> list[np.random.Generator]:
    """One independent generator per trial index: trial ``i`` of ``seed`` is the same everywhere."""
    return [np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(int(i),))) for i in trials]


def cache_root() -> Path | None:
    """The cache folder, or ``None`` when caching is off."""
    value = os.environ.get("LONGDEPS_CACHE", "")
    if value.lower() in ("off", "0", "none"):
        return None
    return Path(value) if value else Path.home() / ".cache" / "longdeps"


def source_digest() -> str:
    """A hash of every ``.py`` file of this package: a code change invalidates all cached trials."""
    h = hashlib.sha256()
    for path in sorted(_PACKAGE_DIR.rglob("*.py")):
        h.update(path.relative_to(_PACKAGE_DIR).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def cache_key(experiment: str, config: dict, seed: int) -> str:
    blob = json.dumps({"e": experiment, "c": config, "s": seed}, sort_keys=True, default=_jsonable)
    return hashlib.sha256((blob + source_digest()).encode()).hexdigest()[:20]


def _jsonable(x):
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    raise TypeError(f"config value {x!r} of type {type(x).__name__} cannot be hashed into a cache key")


def _show_progress(n_trials: int, progress: bool | None) -> bool:
    if progress is not None:
        return progress
    return os.environ.get("LONGDEPS_PROGRESS", "1") != "0" and n_trials > 1


def run_trials(
    experiment: str,
    trial_fn: TrialFn,
    n_trials: int,
    *,
    config: dict | None = None,
    seed: int = 0,
    batch_size: int | None = None,
    cache: bool = True,
    progress: bool | None = None,
    stop_after_batches: int | None = None,
) -> dict[str, np.ndarray]:
    """Run ``n_trials`` trials of ``trial_fn(rngs, **config)`` and stack their results.

    Returns a dict of arrays with leading axis ``n_trials`` (trial order).  ``batch_size`` trials go
    through ``trial_fn`` at once (default: all of them).  ``stop_after_batches`` interrupts the run
    after that many new batches (raising ``KeyboardInterrupt``), which is how the tests check that a
    resumed run gives the same numbers as an uninterrupted one.
    """
    if not isinstance(n_trials, (int, np.integer)) or n_trials < 1:
        raise ValueError(f"n_trials must be a positive integer, got {n_trials!r}")
    config = dict(config or {})
    batch_size = int(batch_size or n_trials)
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, got {batch_size!r}")

    root = cache_root() if cache else None
    folder = root / experiment / cache_key(experiment, config, seed) if root else None
    done: dict[int, dict[str, np.ndarray]] = _load_batches(folder) if folder else {}
    todo = [i for i in range(n_trials) if i not in done]

    wants_indices = "trials" in inspect.signature(trial_fn).parameters
    bar = None
    if _show_progress(n_trials, progress):
        from tqdm.auto import tqdm

        bar = tqdm(total=n_trials, initial=n_trials - len(todo), desc=experiment, leave=False)
    try:
        for b, start in enumerate(range(0, len(todo), batch_size)):
            if stop_after_batches is not None and b >= stop_after_batches:
                raise KeyboardInterrupt(f"stopped after {b} batches (stop_after_batches)")
            idx = todo[start : start + batch_size]
            extra = {"trials": np.asarray(idx)} if wants_indices else {}
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                out = trial_fn(trial_rngs(seed, idx), **extra, **config)
            out = {k: np.asarray(v) for k, v in out.items()}
            for k, v in out.items():
                if v.shape[:1] != (len(idx),):
                    raise ValueError(
                        f"{experiment}: trial_fn returned {k!r} with shape {v.shape}; "
                        f"expected a leading axis of {len(idx)} trials"
                    )
            if folder:
                _save_batch(folder, idx, out)
            for j, i in enumerate(idx):
                done[i] = {k: v[j] for k, v in out.items()}
            if bar:
                bar.update(len(idx))
    finally:
        if bar:
            bar.close()
    keys = done[0].keys()
    return {k: np.stack([done[i][k] for i in range(n_trials)]) for k in keys}


def _save_batch(folder: Path, idx: list[int], out: dict[str, np.ndarray]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    name = f"trials_{idx[0]:07d}_{idx[-1]:07d}"
    tmp = folder / f".{name}.tmp.npz"
    np.savez(tmp, __trials__=np.asarray(idx), **out)
    tmp.replace(folder / f"{name}.npz")  # atomic: a killed run never leaves half a batch


def _load_batches(folder: Path) -> dict[int, dict[str, np.ndarray]]:
    done: dict[int, dict[str, np.ndarray]] = {}
    if not folder.is_dir():
        return done
    for path in sorted(folder.glob("trials_*.npz")):
        with np.load(path) as z:
            trials = z["__trials__"]
            arrays = {k: z[k] for k in z.files if k != "__trials__"}
        for j, i in enumerate(trials):
            done[int(i)] = {k: v[j] for k, v in arrays.items()}
    return done
