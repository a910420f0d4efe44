"""No import runs back up the layers of the package (issue 8): a module imports only from its own
layer or the layers below it.  Read from the source with ``ast``, so a lazy import inside a function
counts too."""

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "lib" / "longdeps"

#: the layers, bottom first; a module belongs to the layer of its top-level name under longdeps
LAYERS = [
    {"profiles", "tables", "runner", "claims", "dynamics"},
    {"tasks"},
    {"models"},
    {"optim"},
    {"learning"},
    {"experiments"},
    {"plots"},
    {"widgets"},
    {"scorecard", "status", "notebooks", "__main__", "__init__"},
]
RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer}
MODULES = sorted(p for p in PKG.rglob("*.py"))


def top(path: Path) -> str:
    return path.relative_to(PKG).parts[0].removesuffix(".py")


def imported_tops(path: Path) -> set[str]:
    """The top-level longdeps names a module imports (absolute or relative)."""
    here = path.relative_to(PKG).parts[:-1]  # the module's package inside longdeps
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                parts = (node.module or "").split(".")
                if parts[0] != "longdeps":
                    continue
                parts = parts[1:]
            else:
                base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
                parts = list(base) + (node.module.split(".") if node.module else [])
            names = parts[:1] if parts else [a.name for a in node.names]
            out.update(names)
        elif isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                if parts[0] == "longdeps" and len(parts) > 1:
                    out.add(parts[1])
    return {n for n in out if n in RANK}


def test_every_module_has_a_layer():
    assert {top(p) for p in MODULES} <= set(RANK), sorted({top(p) for p in MODULES} - set(RANK))


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(PKG)) for p in MODULES])
def test_imports_go_down_the_layers(path):
    mine = RANK[top(path)]
    up = {n for n in imported_tops(path) if RANK[n] > mine}
    assert not up, f"{path.relative_to(PKG)} (layer {mine}) imports from a layer above: {sorted(up)}"
