"""pyproject.toml, environment.yml and the lock file describe the same environment."""

import re
from pathlib import Path

import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[; ]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def pyproject_deps() -> list[str]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]


def test_environment_yml_lists_the_pyproject_dependencies():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    conda_pip = sorted(r.replace(" ", "") for r in pip if not r.startswith("-e"))
    assert conda_pip == sorted(r.replace(" ", "") for r in pyproject_deps())
    assert "-e ." in pip  # Binder installs the package itself


def test_lock_pins_every_dependency_exactly():
    lock = {}
    for line in (ROOT / "requirements" / "lock.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            lock[_name(name)] = version
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    for req in pyproject_deps() + extras["test"]:
        assert _name(req) in lock, f"{req} is not pinned in requirements/lock.txt (run `make lock`)"
        assert lock[_name(req)], req
