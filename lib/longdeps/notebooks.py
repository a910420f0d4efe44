"""The book's notebooks: which ones exist (from ``_toc.yml``), and executing them with papermill.

``python -m longdeps.notebooks regenerate --profile book`` is what ``make regenerate`` runs: it executes
every notebook of the table of contents at the ``book`` profile and writes the outputs back into
``book/`` (the committed outputs nbval checks).  Other profiles write into ``_build/<profile>/`` and
never touch ``book/``.  Chapters run first, then the scorecard (which reads the claim files the
chapters wrote), then the execution-status page (which reads the others' run times).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .profiles import PROFILES, check_profile

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"
LAST = ("scorecard", "status")  # these read what the chapters wrote: run them last, in this order
CELL_TIMEOUT = 1800  # seconds per cell: a hung kernel fails the run instead of stalling it


def toc_files(root: Path = ROOT) -> list[str]:
    """Every ``file:`` entry of ``_toc.yml`` (plus its root), in order, without suffix."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(toc.get("parts", toc.get("chapters", [])))
    return files


def toc_notebooks(root: Path = ROOT) -> list[Path]:
    """The notebooks of the table of contents, in execution order (scorecard, then status, last)."""
    nbs = [root / f"{f}.ipynb" for f in toc_files(root) if (root / f"{f}.ipynb").exists()]
    return sorted(nbs, key=lambda p: LAST.index(p.stem) + 1 if p.stem in LAST else 0)


def results_dir(profile: str) -> Path:
    """Where chapters record their claim results: ``$LONGDEPS_RECORD_DIR`` if set, else
    ``book/results`` for the book profile and ``_build/<profile>/results`` for the others."""
    check_profile(profile)
    env = os.environ.get("LONGDEPS_RECORD_DIR")
    if env:
        return Path(env)
    return BOOK / "results" if profile == "book" else ROOT / "_build" / profile / "results"


def execute(notebook: Path, output: Path, profile: str, cwd: Path | None = None) -> float:
    """Run ``notebook`` with papermill at ``profile`` and write it to ``output``; return seconds."""
    import papermill

    check_profile(profile)
    t0 = time.perf_counter()
    output.parent.mkdir(parents=True, exist_ok=True)
    papermill.execute_notebook(
        str(notebook),
        str(output),
        parameters={"profile": profile},
        kernel_name="python3",
        cwd=str(cwd or notebook.parent),
        progress_bar=False,
        execution_timeout=CELL_TIMEOUT,
        start_timeout=120,
    )
    _hide_injected_parameters(output)
    return time.perf_counter() - t0


def _hide_injected_parameters(path: Path) -> None:
    """papermill's injected cell repeats the parameters cell: keep it in the notebook (it records the
    profile that ran) but out of the HTML."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        tags = cell.metadata.setdefault("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
    nbformat.write(nb, path)


def output_dir(profile: str) -> Path:
    """Where ``regenerate`` writes notebooks: ``book/`` for the book profile, else ``_build/<profile>``."""
    check_profile(profile)
    return BOOK if profile == "book" else ROOT / "_build" / profile


def regenerate(profile: str = "book", only: list[str] | None = None, out_dir: Path | None = None) -> None:
    """Execute the table of contents' notebooks at ``profile`` (see the module docstring)."""
    out_dir = Path(out_dir) if out_dir else output_dir(profile)
    out_dir.mkdir(parents=True, exist_ok=True)
    os.environ["LONGDEPS_RECORD_DIR"] = str(results_dir(profile))
    os.environ.setdefault("LONGDEPS_PROGRESS", "0")
    if profile == "book":  # the status page reports real compute times, not cache hits
        os.environ.setdefault("LONGDEPS_CACHE", "off")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as under `make test`: same sums, same order
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.pop("MPLBACKEND", None)  # a non-inline backend would drop every figure from the outputs
    total = 0.0
    for nb in toc_notebooks():
        if only and nb.stem not in only:
            continue
        target = out_dir / nb.name
        with tempfile.TemporaryDirectory() as tmp:
            tmp_out = Path(tmp) / nb.name
            seconds = execute(nb, tmp_out, profile, cwd=nb.parent)
            shutil.move(tmp_out, target)
        total += seconds
        shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
        print(f"{nb.stem:28s} {seconds:8.1f} s  -> {shown}", flush=True)
    print(f"{'total':28s} {total:8.1f} s  ({profile} profile)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m longdeps.notebooks")
    sub = parser.add_subparsers(dest="command", required=True)
    reg = sub.add_parser("regenerate", help="execute the book's notebooks with papermill")
    reg.add_argument("--profile", default="book", help=f"one of {', '.join(PROFILES)}")
    reg.add_argument("--only", nargs="*", help="notebook names (e.g. intro theorems); default: all")
    sub.add_parser("list", help="list the notebooks of _toc.yml in execution order")
    args = parser.parse_args(argv)
    if args.command == "list":
        for nb in toc_notebooks():
            print(nb.relative_to(ROOT))
        return 0
    if args.profile not in PROFILES:
        print(f"unknown profile {args.profile!r}; valid profiles: {', '.join(PROFILES)}", file=sys.stderr)
        return 2
    regenerate(args.profile, args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
