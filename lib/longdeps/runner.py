"""Seeded, batched, resumable trials, serially or in parallel.

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
seed and the source code the trial function uses (:func:`code_digest`); an interrupted run resumes
where it stopped.

Batches run serially, in worker processes, or on a Dask cluster (the *executor*, see
:func:`run_trials`); the numbers are the same bit for bit whichever runs them.  For processes and Dask
the trial function must be picklable (a module-level function) and so must the configuration.

Environment:

* ``LONGDEPS_CACHE`` -- cache folder (default ``~/.cache/longdeps``); ``off`` disables caching.
* ``LONGDEPS_PROGRESS`` -- ``0`` hides progress bars.
* ``LONGDEPS_EXECUTOR`` -- the default executor: ``serial``, ``processes``, ``processes:N``, ``N``
  (that many worker processes) or a Dask scheduler address ``tcp://HOST:8786``.
"""

from __future__ import annotations

import ast
import concurrent.futures
import contextlib
import functools
import hashlib
import importlib.util
import inspect
import json
import math
import multiprocessing
import os
import pickle
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

TrialFn = Callable[..., dict[str, np.ndarray]]

_PACKAGE_DIR = Path(__file__).resolve().parent
_PACKAGE = __name__.rpartition(".")[0]  # "longdeps"
_DEFAULT_PROCESSES = 2

_default_executor = None  # set by set_default_executor (the command line's --processes / --scheduler)


def trial_rngs(seed: int, trials: Sequence[int]) -> list[np.random.Generator]:
    """One independent generator per trial index: trial ``i`` of ``seed`` is the same everywhere."""
    return [np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(int(i),))) for i in trials]


def cache_root() -> Path | None:
    """The cache folder, or ``None`` when caching is off."""
    value = os.environ.get("LONGDEPS_CACHE", "")
    if value.lower() in ("off", "0", "none"):
        return None
    return Path(value) if value else Path.home() / ".cache" / "longdeps"


# ------------------------------------------------------------------------------------------- cache key
def source_digest() -> str:
    """A hash of every ``.py`` file of this package (the key of a trial function whose own source
    cannot be found, e.g. one typed at an interactive prompt)."""
    h = hashlib.sha256()
    for path in sorted(_PACKAGE_DIR.rglob("*.py")):
        h.update(path.relative_to(_PACKAGE_DIR).as_posix().encode())
        h.update(_read_source(path))
    return h.hexdigest()[:16]


def _read_source(path: Path) -> bytes:
    """The bytes of one source file (the one place sources are read: tests replace it)."""
    return Path(path).read_bytes()


def _module_file(name: str, package: str) -> Path | None:
    """The source file of module ``name``: from ``sys.modules`` if imported (and still there), else
    found on disk; a dotted name inside ``package`` that is no module (e.g. a function imported by
    name) -> None."""
    mod = sys.modules.get(name)
    if mod is not None and getattr(mod, "__file__", None) and Path(mod.__file__).is_file():
        return Path(mod.__file__)
    root, _, rest = name.partition(".")
    if root != package:
        return None
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    base = Path(next(iter(spec.submodule_search_locations))).joinpath(*rest.split(".")) if rest else None
    if base is None:
        return Path(spec.origin)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@functools.lru_cache(maxsize=512)
def _imported_names(name: str, is_package: bool, source: bytes) -> tuple[str, ...]:
    """Every module name that ``import`` / ``from ... import`` statements of ``source`` (anywhere in
    the file, including inside functions) may refer to, relative imports resolved against ``name``."""
    package = name if is_package else name.rpartition(".")[0]
    out: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".") if package else []
                if node.level - 1 >= len(parts):
                    continue  # a relative import beyond the top: not ours to follow
                base = ".".join(parts[: len(parts) - (node.level - 1)])
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            out.append(base)
            out += [f"{base}.{a.name}" for a in node.names if a.name != "*"]
    return tuple(out)


def module_closure(module: str, package: str = _PACKAGE) -> dict[str, bytes]:
    """Module name -> source of ``module`` and of every module of ``package`` it imports, directly or
    through other modules of ``package``, read from the source (``ast``), not executed.  The parent
    packages of these modules (whose ``__init__`` importing them runs) are included too, but what
    *they* import is not followed: a chapter's ``__init__`` importing all its figure modules does not
    tie one figure's trials to the others' source."""
    found: dict[str, bytes] = {}
    stack = [module]
    while stack:
        name = stack.pop()
        if name in found:
            continue
        path = _module_file(name, package)
        if path is None:
            continue
        found[name] = source = _read_source(path)
        for dep in _imported_names(name, path.name == "__init__.py", source):
            if (dep == package or dep.startswith(package + ".")) and dep not in found:
                stack.append(dep)
    for name in list(found):
        for parent in (name.rsplit(".", k)[0] for k in range(1, name.count(".") + 1)):
            if parent not in found and (path := _module_file(parent, package)) is not None:
                found[parent] = _read_source(path)
    return found


def code_digest(trial_fn: Callable | None = None, package: str = _PACKAGE) -> str:
    """A hash of the source ``trial_fn`` really runs: its module, every module of the package that
    module imports (transitively), and this runner (which fixes the seeding).  Editing any other
    module (a caption in ``plots``, another chapter's claims) leaves cached trials valid.
    Without ``trial_fn``, or when its module's source cannot be found: every file of the package."""
    module = getattr(trial_fn, "__module__", None)
    sources = module_closure(module, package) if module else {}
    if module not in sources:
        return source_digest()
    sources.update(module_closure(__name__, package))
    # the trial's own module under a fixed label: a script is "__main__" here, "__mp_main__" in a worker
    sources["<trial module>"] = sources.pop(module)
    h = hashlib.sha256()
    for name in sorted(sources):
        h.update(name.encode() + b"\0" + sources[name] + b"\0")
    return h.hexdigest()[:16]


def cache_key(experiment: str, config: dict, seed: int, trial_fn: Callable | None = None) -> str:
    """The cache folder name: experiment, configuration, seed and :func:`code_digest` of ``trial_fn``."""
    return _key(experiment, config, seed, code_digest(trial_fn))


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


# ------------------------------------------------------------------------------------------- executors
def parse_executor(executor) -> tuple[str, object]:
    """``(kind, target)`` for an executor: ``("serial", None)``, ``("processes", n_workers)``,
    ``("dask", client)`` or ``("address", "tcp://HOST:PORT")``.

    Accepted: None or ``"serial"``; an int n >= 1, ``"processes"`` (2 workers), ``"processes:N"`` or
    ``"N"`` (worker processes); a Dask ``distributed.Client``; a scheduler address ``"tcp://..."``."""
    if executor is None or (isinstance(executor, str) and executor.strip().lower() in ("", "serial")):
        return "serial", None
    if isinstance(executor, (bool, np.bool_)):
        raise ValueError(f"unknown executor {executor!r}")
    if isinstance(executor, (int, np.integer)):
        if executor < 1:
            raise ValueError(f"the number of worker processes must be >= 1, got {executor!r}")
        return "processes", int(executor)
    if isinstance(executor, str):
        text = executor.strip()
        if "://" in text:
            return "address", text
        head, _, n = text.partition(":")
        if head.lower() == "processes" and not n:
            return "processes", _DEFAULT_PROCESSES
        count = n if head.lower() == "processes" else head
        if count.isdigit() and (head.lower() == "processes" or not n):
            return parse_executor(int(count))
        raise ValueError(
            f"unknown executor {executor!r}; use 'serial', 'processes', 'processes:N', N, "
            "a scheduler address 'tcp://HOST:8786' or a distributed.Client"
        )
    if callable(getattr(executor, "submit", None)) and hasattr(executor, "scheduler_info"):
        return "dask", executor
    raise ValueError(f"unknown executor {executor!r} of type {type(executor).__name__}")


def set_default_executor(executor) -> None:
    """The executor :func:`run_trials` uses when none is passed (None: back to ``LONGDEPS_EXECUTOR``,
    else serial).  Validated now."""
    global _default_executor
    parse_executor(executor)
    _default_executor = executor


@contextlib.contextmanager
def using_executor(executor) -> Iterator[None]:
    """``with using_executor(4): ...`` -- the default executor inside the block, restored after."""
    global _default_executor
    before = _default_executor
    set_default_executor(executor)
    try:
        yield
    finally:
        _default_executor = before


def default_executor():
    """The executor in force: :func:`set_default_executor`'s, else ``LONGDEPS_EXECUTOR``, else serial."""
    if _default_executor is not None:
        return _default_executor
    return os.environ.get("LONGDEPS_EXECUTOR") or "serial"


def _run_batch(trial_fn: TrialFn, seed: int, idx: list[int], config: dict, digest: str | None):
    """One batch of trials (in this process or a worker).  ``digest``: the code digest the caller
    computed, checked against the worker's own source so a worker never runs other code."""
    if digest is not None and code_digest(trial_fn) != digest:
        raise RuntimeError(
            f"worker source differs from the caller's for {trial_fn.__module__}.{trial_fn.__qualname__}: "
            "install the same longdeps version on every worker"
        )
    extra = {"trials": np.asarray(idx)} if "trials" in inspect.signature(trial_fn).parameters else {}
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        out = trial_fn(trial_rngs(seed, idx), **extra, **config)
    return {k: np.asarray(v) for k, v in out.items()}


def _workers(kind: str, target) -> int:
    if kind == "processes":
        return int(target)
    if kind == "dask":
        return max(1, sum(target.nthreads().values()))
    return 1


def _mp_context():
    """Worker processes start from a fresh interpreter (forkserver; spawn where there is none): fork
    would copy the caller's threads (progress bar, Dask client) and can deadlock."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


# ------------------------------------------------------------------------------------------- run_trials
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
    executor=None,
) -> dict[str, np.ndarray]:
    """Run ``n_trials`` trials of ``trial_fn(rngs, **config)`` and stack their results.

    Returns a dict of arrays with leading axis ``n_trials`` (trial order).  ``batch_size`` trials go
    through ``trial_fn`` at once (default: all of them serially; one batch per worker in parallel).
    ``executor`` runs the batches (default :func:`default_executor`): ``"serial"``; an int n,
    ``"processes"`` (2) or ``"processes:N"`` -- a pool of worker processes; a Dask
    ``distributed.Client`` or a scheduler address ``"tcp://HOST:8786"`` -- one task per batch.  The
    results do not depend on the executor or the batch split.  Each batch is saved to the cache as
    soon as it completes.  ``stop_after_batches`` interrupts the run after that many new batches
    (raising ``KeyboardInterrupt``), which is how the tests check that a resumed run gives the same
    numbers as an uninterrupted one.
    """
    if isinstance(n_trials, (bool, np.bool_)) or not isinstance(n_trials, (int, np.integer)) or n_trials < 1:
        raise ValueError(f"n_trials must be a positive integer, got {n_trials!r}")
    config = dict(config or {})
    kind, target = parse_executor(default_executor() if executor is None else executor)
    if batch_size is not None and (not isinstance(batch_size, (int, np.integer)) or batch_size < 1):
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")

    root = cache_root() if cache else None
    digest = code_digest(trial_fn)
    folder = root / experiment / _key(experiment, config, seed, digest) if root else None
    done: dict[int, dict[str, np.ndarray]] = _load_batches(folder) if folder else {}
    todo = [i for i in range(n_trials) if i not in done]
    client = None
    if kind == "address" and todo:
        from distributed import Client

        client = Client(target, timeout="30s")
        kind, target = "dask", client
    size = int(batch_size or max(1, math.ceil(len(todo) / _workers(kind, target))))
    batches = [todo[start : start + size] for start in range(0, len(todo), size)]
    if kind == "processes" and len(batches) <= 1:
        kind = "serial"  # one batch: no parallelism to gain, no pool to start

    bar = None
    if _show_progress(n_trials, progress):
        from tqdm.auto import tqdm

        bar = tqdm(total=n_trials, initial=n_trials - len(todo), desc=experiment, leave=False)

    def finish(idx: list[int], out: dict[str, np.ndarray]) -> None:
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

    try:
        if kind == "serial":
            for b, idx in enumerate(batches):
                _check_stop(b, stop_after_batches)
                finish(idx, _run_batch(trial_fn, seed, idx, config, None))
        elif kind == "processes":
            _check_picklable(trial_fn, config)
            check = digest if _is_ours(trial_fn) else None
            _check_stop(0, stop_after_batches, more=bool(batches))
            workers = min(int(target), len(batches))
            pool = concurrent.futures.ProcessPoolExecutor(workers, mp_context=_mp_context())
            try:
                futures = {pool.submit(_run_batch, trial_fn, seed, i, config, check): i for i in batches}
                for b, fut in enumerate(concurrent.futures.as_completed(futures)):
                    finish(futures[fut], fut.result())
                    _check_stop(b + 1, stop_after_batches, more=b + 1 < len(batches))
            except BaseException:  # interrupted or failed: do not wait for the batches still running
                _stop_pool(pool)
                raise
            pool.shutdown(wait=True)
        else:  # dask
            from distributed import as_completed

            _check_stop(0, stop_after_batches, more=bool(batches))
            check = digest if _is_ours(trial_fn) else None  # (a script's function travels by value)
            futures = [
                target.submit(_run_batch, trial_fn, seed, idx, config, check, pure=False) for idx in batches
            ]
            where = {f.key: idx for f, idx in zip(futures, batches)}
            try:
                for b, fut in enumerate(as_completed(futures)):
                    finish(where[fut.key], fut.result())
                    _check_stop(b + 1, stop_after_batches, more=b + 1 < len(batches))
            finally:
                target.cancel([f for f in futures if not f.done()])
    finally:
        if bar:
            bar.close()
        if client is not None:
            client.close()
    keys = done[0].keys()
    return {k: np.stack([done[i][k] for i in range(n_trials)]) for k in keys}


def _key(experiment: str, config: dict, seed: int, digest: str) -> str:
    blob = json.dumps({"e": experiment, "c": config, "s": seed}, sort_keys=True, default=_jsonable)
    return hashlib.sha256((blob + digest).encode()).hexdigest()[:20]


def _check_stop(b: int, stop_after_batches: int | None, more: bool = True) -> None:
    if stop_after_batches is not None and b >= stop_after_batches and more:
        raise KeyboardInterrupt(f"stopped after {b} batches (stop_after_batches)")


def _stop_pool(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    """Cancel the queued batches and end the pool's worker processes now."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        p.terminate()
    for p in processes:
        p.join(timeout=5)


def _is_ours(trial_fn) -> bool:
    """Is ``trial_fn`` defined in this package?  Then a worker checks it runs the caller's source
    (a remote worker may have another version installed)."""
    module = getattr(trial_fn, "__module__", "") or ""
    return module == _PACKAGE or module.startswith(_PACKAGE + ".")


def _check_picklable(trial_fn, config) -> None:
    try:
        pickle.dumps((trial_fn, config))
    except Exception as err:  # noqa: BLE001 -- any pickling failure means the same thing here
        raise ValueError(
            f"worker processes need a module-level trial function and a picklable config; "
            f"{getattr(trial_fn, '__qualname__', trial_fn)!r} cannot be pickled: {err}"
        ) from err


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
