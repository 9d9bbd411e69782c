"""The package's architecture, checked on its import graph.

Layers, bottom to top (a module may import from its own layer and the layers below):

0. base: ``kacspectral._version``, ``kacspectral.errors``, ``kacspectral.provenance``,
   ``kacspectral.results``
1. ``kacspectral.spectral``: bases, quadrature, time integrators
2. ``kacspectral.physics``: kernels, reservoirs, exact solutions
3. models: ``kacspectral.boltzmann``, ``kacspectral.kac`` and every other model subpackage;
   a model imports another model only along an edge listed in ``MODEL_EDGES``
4. ``kacspectral.cli`` and the facade ``kacspectral/__init__.py``

The graph of module imports has no cycle, and no module is longer than ``MAX_LINES``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kacspectral"
MAX_LINES = 700  # "about 600": a hard ceiling a little above the target

BASE = {
    "kacspectral._version",
    "kacspectral.errors",
    "kacspectral.provenance",
    "kacspectral.results",  # the shared save/load machinery of every result type
}
# A model subpackage may build on another model only along these edges (model -> models it uses).
MODEL_EDGES: dict[str, set[str]] = {
    # the electric-field model (seed 003, section 5) reuses the Maxwell-molecule collision
    # tensor of the anisotropic Boltzmann solver (kacspectral.efield.kinetic)
    # and, on the 3D velocity grid (kacspectral.efield.grid_kinetic), the fast spectral
    # collision operator, FFT plans and conservation projector of the grid solver
    "efield": {"boltzmann", "grid"},
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every ``kacspectral`` module that ``path`` imports (also under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("kacspectral"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("kacspectral"):
                found.add(target)
                for alias in node.names:  # ``from kacspectral.x import module``
                    candidate = f"{target}.{alias.name}"
                    if candidate in MODULES:
                        found.add(candidate)
    return {m for m in found if m != name}


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH = {name: _imports(path) for name, path in MODULES.items()}


def _layer(module: str) -> tuple[int, str]:
    """(layer number, owning unit) of a module."""
    if module == "kacspectral" or module == "kacspectral.__main__":
        return 4, "facade"
    if module in BASE:
        return 0, "base"
    unit = module.split(".")[1]
    if unit == "spectral":
        return 1, unit
    if unit == "physics":
        return 2, unit
    if unit == "cli":
        return 4, unit
    return 3, unit


def test_every_module_has_a_layer():
    for module in MODULES:
        layer, unit = _layer(module)
        assert layer in range(5), module


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_upward_import(module):
    layer, unit = _layer(module)
    for target in GRAPH[module]:
        t_layer, t_unit = _layer(target)
        assert t_layer <= layer, f"{module} (layer {layer}) imports {target} (layer {t_layer})"
        if layer == 3 and t_layer == 3 and t_unit != unit:
            assert t_unit in MODEL_EDGES.get(unit, set()), (
                f"model {unit!r} imports model {t_unit!r} ({module} -> {target}); "
                "add the edge to MODEL_EDGES with its reason, or move the shared code down"
            )


def test_no_import_cycle():
    graph = {m: {t for t in targets if t in MODULES} for m, targets in GRAPH.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :] + [nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_length(module):
    lines = MODULES[module].read_text().count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines (limit {MAX_LINES})"


def test_test_detects_an_upward_import():
    """The check can fail: a spectral module importing a model is flagged."""
    assert _layer("kacspectral.spectral.hermite")[0] < _layer("kacspectral.boltzmann.gtw")[0]
    assert _layer("kacspectral.cli.ness")[0] > _layer("kacspectral.kac.lemma3")[0]
