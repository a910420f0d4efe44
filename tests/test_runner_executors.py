"""run_trials on worker processes and on a Dask cluster (same numbers as serial, bit for bit), the
default executor and its command-line options, and the cache key from the source a trial really uses."""

from __future__ import annotations

import contextlib
import signal
import time

import numpy as np
import pytest

from longdeps import runner


def walk_trial(rngs, steps=60, gain=1.1):
    """A vectorised toy trial: every run iterates a noisy tanh map from its own draws."""
    x = np.stack([rng.normal(size=8) for rng in rngs])
    noise = np.stack([rng.normal(size=(steps, 8)) for rng in rngs])
    for t in range(steps):
        x = np.tanh(gain * x + 0.1 * noise[:, t])
    return {"x": x, "mean": x.mean(axis=1), "first": noise[:, 0, 0]}


def walk_trial_indexed(rngs, trials, gains):
    return walk_trial(rngs, gain=np.asarray(gains)[trials][:, None])


def fit_trial(rngs, T=8, epochs=20):
    """The training core as a trial: batch BPTT on the Section V-E latch, 6 sequences per run."""
    from longdeps import optim
    from longdeps.learning.fit import fit
    from longdeps.learning.gradient import GradientLearner
    from longdeps.models.rnn import LatchNet
    from longdeps.tasks.latch_v import LatchV

    task, model = LatchV(T=T), LatchNet(L=1)
    theta0, train = model.init(rngs), task.sample(rngs, 6)
    learner = GradientLearner(model, task, optim.sgd(0.1))
    return fit(learner, task, model, theta0, rngs, train=train, max_steps=epochs, eval_every=5).as_dict()


@contextlib.contextmanager
def deadline(seconds: float):
    """Raise TimeoutError in the test if the block takes longer than ``seconds`` (every wait bounded)."""

    def expire(signum, frame):
        raise TimeoutError(f"took more than {seconds} s")

    before = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


@pytest.fixture
def bounded():
    """The test fails after 60 s instead of waiting for ever on a worker."""
    with deadline(60):
        yield


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LONGDEPS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("LONGDEPS_EXECUTOR", raising=False)
    return tmp_path / "cache"


def same(a, b):
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)


# ------------------------------------------------------------------------------------------- processes
def test_processes_give_the_serial_numbers(cache, bounded):
    serial = runner.run_trials("t.proc", walk_trial, 10, seed=4, cache=False, executor="serial")
    two = runner.run_trials("t.proc", walk_trial, 10, seed=4, batch_size=3, cache=False, executor=2)
    default_split = runner.run_trials("t.proc", walk_trial, 10, seed=4, cache=False, executor="processes")
    same(serial, two)
    same(serial, default_split)
    fits = runner.run_trials("t.fit", fit_trial, 7, cache=False)
    same(fits, runner.run_trials("t.fit", fit_trial, 7, batch_size=3, cache=False, executor=2))
    assert fits["history_loss"].shape == (7, 5)


def test_interrupted_parallel_run_resumes_with_identical_results(cache, bounded):
    reference = runner.run_trials("t.presume", walk_trial, 9, seed=2, cache=False)
    with pytest.raises(KeyboardInterrupt):
        runner.run_trials("t.presume", walk_trial, 9, seed=2, batch_size=2, stop_after_batches=2, executor=2)
    assert len(list((cache / "t.presume").rglob("trials_*.npz"))) == 2  # saved as each batch completed
    resumed = runner.run_trials("t.presume", walk_trial, 9, seed=2, batch_size=2, executor=2)
    same(reference, resumed)
    assert len(list((cache / "t.presume").rglob("trials_*.npz"))) == 5


def test_a_local_function_cannot_go_to_processes(cache):
    def local(rngs):
        return {"x": np.zeros(len(rngs))}

    with pytest.raises(ValueError, match="module-level trial function"):
        runner.run_trials("t.local", local, 4, batch_size=2, cache=False, executor=2)


def test_errors_in_workers_reach_the_caller(cache, bounded):
    with pytest.raises(ValueError, match="leading axis of 2"):
        runner.run_trials("t.werr", wrong_axis, 4, batch_size=2, cache=False, executor=2)


def wrong_axis(rngs):
    return {"x": np.zeros(len(rngs) + 1)}


def sleepy_trial(rngs, trials):
    if 0 in trials:
        time.sleep(60)
    return {"x": np.zeros(len(rngs))}


def test_an_interrupted_parallel_run_stops_its_workers_at_once(cache):
    t0 = time.perf_counter()
    with pytest.raises(TimeoutError), deadline(2.0):  # stands for a Ctrl-C while a batch runs
        runner.run_trials("t.sleepy", sleepy_trial, 4, batch_size=2, cache=False, executor=2)
    assert time.perf_counter() - t0 < 15  # not the 60 s of the sleeping batch


# ------------------------------------------------------------------------------------------------ dask
def test_dask_cluster_gives_the_serial_numbers(cache, bounded):
    distributed = pytest.importorskip("distributed")
    serial = runner.run_trials("t.dask", walk_trial, 8, seed=5, cache=False)
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None, silence_logs=40
        ) as cluster,
        distributed.Client(cluster, timeout="30s") as client,
    ):
        by_client = runner.run_trials("t.dask", walk_trial, 8, seed=5, batch_size=3, executor=client)
        by_address = runner.run_trials(
            "t.dask2", walk_trial, 8, seed=5, cache=False, executor=cluster.scheduler_address
        )
        cached = runner.run_trials("t.dask", walk_trial, 8, seed=5, executor=client)  # from the cache
        cfg = {"gains": np.linspace(0.5, 1.5, 7).tolist()}
        per_trial = runner.run_trials(
            "t.dask3", walk_trial_indexed, 7, config=cfg, cache=False, executor=client
        )
    same(serial, by_client)
    same(serial, by_address)
    same(serial, cached)
    same(
        per_trial, runner.run_trials("t.dask3", walk_trial_indexed, 7, config=cfg, batch_size=2, cache=False)
    )
    assert len(list((cache / "t.dask").rglob("trials_*.npz"))) == 3


# ------------------------------------------------------------------------------------ choosing executors
@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        (None, ("serial", None)),
        ("serial", ("serial", None)),
        (3, ("processes", 3)),
        ("processes", ("processes", 2)),
        ("processes:4", ("processes", 4)),
        ("4", ("processes", 4)),
        ("tcp://10.0.0.1:8786", ("address", "tcp://10.0.0.1:8786")),
    ],
)
def test_parse_executor(value, parsed):
    assert runner.parse_executor(value) == parsed


@pytest.mark.parametrize("bad", [0, -1, "threads", "processes:x", True, 2.5, object()])
def test_unknown_executor_is_named(bad):
    with pytest.raises(ValueError, match="executor|worker processes"):
        runner.parse_executor(bad)


def test_default_executor_from_setter_and_environment(cache, monkeypatch):
    assert runner.default_executor() == "serial"
    monkeypatch.setenv("LONGDEPS_EXECUTOR", "processes:3")
    assert runner.default_executor() == "processes:3"
    with runner.using_executor(2):
        assert runner.default_executor() == 2
    assert runner.default_executor() == "processes:3"

    def local(rngs):  # not picklable: proves the environment's executor is the one in force
        return {"x": np.zeros(len(rngs))}

    with pytest.raises(ValueError, match="module-level"):
        runner.run_trials("t.env", local, 4, batch_size=2, cache=False)
    with pytest.raises(ValueError, match="unknown executor"):
        runner.set_default_executor("threads")


def test_command_line_options_set_the_executor(cache, monkeypatch, capsys):
    from longdeps import experiments
    from longdeps.__main__ import main

    experiments.load_all()
    seen = []
    monkeypatch.setitem(
        experiments.EXPERIMENTS, "t.exec", lambda profile: seen.append(runner.default_executor())
    )
    assert main(["run", "t.exec", "--profile", "smoke", "--processes", "3"]) == 0
    assert main(["run", "t.exec", "--profile", "smoke", "--scheduler", "tcp://127.0.0.1:8786"]) == 0
    assert main(["run", "t.exec", "--profile", "smoke"]) == 0
    assert seen == [3, "tcp://127.0.0.1:8786", "serial"]
    assert runner.default_executor() == "serial"  # restored after the run
    assert main(["run", "t.exec", "--scheduler", "localhost"]) == 2
    assert "scheduler address" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["run", "t.exec", "--processes", "2", "--scheduler", "tcp://h:1"])
    with pytest.raises(SystemExit):
        main(["run", "t.exec", "--processes", "0"])


# ------------------------------------------------------------------------------------------- cache key
@pytest.fixture
def fake_package(tmp_path, monkeypatch):
    """fakepkg: exp.py imports .learn (which imports .core) and .sub.deep; sub/__init__.py imports
    .other (run on import, but not used by exp); plots.py imports exp but nothing imports it."""
    root = tmp_path / "src" / "fakepkg"
    (root / "sub").mkdir(parents=True)
    files = {
        "__init__.py": '"""fake"""\n',
        "exp.py": "import numpy\nfrom .learn import rule\nfrom .sub.deep import x\n",
        "learn.py": "def rule():\n    from .core import step  # a lazy import counts too\n",
        "core.py": "def step():\n    return 1\n",
        "plots.py": "from .exp import trial\nCAPTION = 'a caption'\n",
        "sub/__init__.py": "from . import other\n",
        "sub/deep.py": "from .. import core\nx = 1\n",
        "sub/other.py": "y = 2\n",
    }
    for name, text in files.items():
        (root / name).write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    return root


def test_module_closure_follows_imports_only(fake_package):
    names = set(runner.module_closure("fakepkg.exp", package="fakepkg"))
    assert names == {
        "fakepkg.exp",
        "fakepkg.learn",
        "fakepkg.core",
        "fakepkg.sub.deep",
        "fakepkg.sub",
        "fakepkg",
    }


def test_editing_an_imported_module_changes_the_key_and_others_do_not(fake_package):
    def digest():
        return runner.hashlib.sha256(
            b"".join(
                k.encode() + v for k, v in sorted(runner.module_closure("fakepkg.exp", "fakepkg").items())
            )
        ).hexdigest()

    before = digest()
    (fake_package / "plots.py").write_text("CAPTION = 'another caption'\n")
    (fake_package / "sub" / "other.py").write_text("y = 3\n")
    assert digest() == before
    (fake_package / "core.py").write_text("def step():\n    return 2\n")
    assert digest() != before


def test_cache_key_of_a_book_trial_ignores_unrelated_modules(monkeypatch):
    from longdeps.experiments import minimal_task as mt

    closure = set(runner.module_closure(mt._fig2a_trials.__module__))
    assert {
        "longdeps.learning.bptt",
        "longdeps.models.neuron",
        "longdeps.tasks.latch",
        "longdeps.runner",
    } <= closure
    assert not any(n.startswith(("longdeps.plots", "longdeps.widgets")) for n in closure)
    assert "longdeps.experiments.theorems" not in closure
    assert "longdeps.experiments.minimal_task.guessing" not in closure  # a sibling figure's module

    real = runner._read_source
    key = runner.cache_key("e", {"a": 1}, 0, mt._fig2a_trials)
    for edited, changes in [
        ("plots/minimal_task.py", False),
        ("experiments/minimal_task/guessing.py", False),
        ("learning/bptt.py", True),
        ("runner.py", True),
    ]:
        target = runner._PACKAGE_DIR / edited
        monkeypatch.setattr(runner, "_read_source", lambda p, t=target: real(p) + (b"#" if p == t else b""))
        assert (runner.cache_key("e", {"a": 1}, 0, mt._fig2a_trials) != key) == changes, edited
    monkeypatch.setattr(runner, "_read_source", real)
    assert runner.cache_key("e", {"a": 1}, 0, mt._fig2a_trials) == key


def test_cache_key_of_a_function_outside_the_package_hashes_its_own_module(monkeypatch):
    key = runner.cache_key("e", {}, 0, walk_trial)
    assert key == runner.cache_key("e", {}, 0, walk_trial)
    assert key != runner.cache_key("e", {}, 1, walk_trial)
    real = runner._read_source
    monkeypatch.setattr(
        runner, "_read_source", lambda p: real(p) + (b"#" if p.name == __file__.split("/")[-1] else b"")
    )
    assert runner.cache_key("e", {}, 0, walk_trial) != key


def test_worker_refuses_other_code():
    from longdeps.experiments import minimal_task as mt

    with pytest.raises(RuntimeError, match="worker source differs"):
        runner._run_batch(mt._fig2a_trials, 0, [0], {}, "0" * 16)
