"""The execution-status page: each notebook's run time (from papermill's metadata), the package
versions and the machine."""

from __future__ import annotations

import json
import os
import platform
from importlib import metadata
from pathlib import Path

from .tables import Table

PACKAGES = ("longdeps", "numpy", "matplotlib", "papermill", "nbval", "jupyter-book", "ipywidgets", "tqdm")


def notebook_runs(notebooks: list[Path]) -> list[dict]:
    """Per notebook: name, profile it ran at, seconds, when it finished (papermill metadata)."""
    rows = []
    for nb in notebooks:
        meta = json.loads(nb.read_text()).get("metadata", {}).get("papermill", {})
        rows.append(
            {
                "notebook": nb.stem,
                "profile": meta.get("parameters", {}).get("profile", "?"),
                "seconds": meta.get("duration"),
                "finished": (meta.get("end_time") or "")[:19].replace("T", " "),
                "status": "ok" if meta and not meta.get("exception") else "not run by papermill",
            }
        )
    return rows


def runs_table(rows: list[dict]) -> Table:
    total = sum(r["seconds"] or 0 for r in rows)
    body = [
        [
            r["notebook"],
            r["profile"],
            f"{r['seconds']:.1f}" if r["seconds"] is not None else "-",
            r["finished"],
            r["status"],
        ]
        for r in rows
    ]
    body.append(["total", "", f"{total:.1f} s = {total / 60:.1f} min", "", ""])
    return Table(["notebook", "profile", "seconds", "finished (UTC)", "status"], body)


def environment_table() -> Table:
    rows = [["python", platform.python_version()]]
    for p in PACKAGES:
        try:
            rows.append([p, metadata.version(p)])
        except metadata.PackageNotFoundError:
            rows.append([p, "not installed"])
    rows.append(["machine", f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}"])
    return Table(["", "version"], rows)
