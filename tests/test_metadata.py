"""Dependency metadata tells the truth: every third-party import is declared, and the
lowest-versions CI run (.ci/constraints-lowest.txt) pins exactly the floors that pyproject.toml
declares."""

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# import name -> distribution name, where they differ
DIST = {"ot": "pot"}


def _project():
    tomllib = pytest.importorskip("tomllib")
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _floors(requirements):
    out = {}
    for req in requirements:
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*>=\s*([0-9][0-9.]*)", req.strip())
        assert m, f"requirement without a plain floor: {req!r}"
        out[m.group(1).lower()] = m.group(2)
    return out


def _third_party(names):
    names = set(names) - set(sys.stdlib_module_names) - {"kacspectral", "__future__"}
    return {DIST.get(n, n).lower() for n in names}


def _imports(folder, top_level_only=False):
    """Distributions imported by the modules under ``folder`` (only by module-level statements
    when ``top_level_only``: those run on ``import`` and need a core dependency)."""
    names = set()
    for path in (ROOT / folder).rglob("*.py"):
        tree = ast.parse(path.read_text())
        nodes = tree.body if top_level_only else ast.walk(tree)
        for node in nodes:
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return _third_party(names)


def test_package_imports_are_declared():
    project = _project()
    core = set(_floors(project["dependencies"]))
    optional = set()
    for reqs in project.get("optional-dependencies", {}).values():
        optional |= set(_floors(reqs))
    top = _imports("kacspectral", top_level_only=True)
    assert top <= core, f"imported on `import kacspectral...` but not a dependency: {top - core}"
    anywhere = _imports("kacspectral")
    assert anywhere <= core | optional, anywhere - core - optional


def test_test_imports_are_declared():
    project = _project()
    declared = set(_floors(project["dependencies"]))
    declared |= set(_floors(project["optional-dependencies"]["test"]))
    used = _imports("tests") - {"conftest", "test_hermite"}  # local test modules
    assert used <= declared, used - declared


def test_lowest_constraints_pin_the_declared_floors():
    project = _project()
    floors = _floors(project["dependencies"])
    floors |= _floors(project["optional-dependencies"]["test"])
    pins = {}
    for line in (ROOT / ".ci" / "constraints-lowest.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[name.strip().lower()] = version.strip()
    assert set(pins) == set(floors)
    for name, floor in floors.items():
        # a pin may spell the floor in full (1.24 -> 1.24.0)
        assert tuple(map(int, pins[name].split("."))) == tuple(
            map(int, (floor + ".0.0").split(".")[:len(pins[name].split("."))])
        ), (name, floor, pins[name])
