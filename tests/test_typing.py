"""The package is typed: it ships ``py.typed``, and mypy (configured in ``pyproject.toml``,
``[tool.mypy]``) passes on the package and on the README's Python example.

The mypy run takes ~20-30 s on a cold cache, so it is marked ``slow``; CI also runs ``mypy`` as a
step of its own (``python -m mypy`` from the repository root, after ``pip install ".[dev]"``).
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_py_typed_is_shipped():
    """PEP 561: the marker exists and setuptools is told to install it with the package."""
    assert (ROOT / "kacspectral" / "py.typed").is_file()
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["kacspectral"]
    mypy = config["tool"]["mypy"]
    assert mypy["files"] == ["kacspectral"]
    # the oldest Python the package supports is the one it is checked against
    floor = config["project"]["requires-python"].removeprefix(">=")
    assert mypy["python_version"] == floor


@pytest.mark.slow
def test_mypy_passes_on_the_package_and_the_readme_example(tmp_path):
    pytest.importorskip("mypy")
    readme = (ROOT / "README.md").read_text()
    code = re.search(r"## Python\s+```python\n(.*?)```", readme, re.S).group(1)
    example = tmp_path / "readme_example.py"
    example.write_text(code)
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
         "--cache-dir", str(tmp_path / "mypy_cache"), "kacspectral", str(example)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Success: no issues found" in proc.stdout
