"""Sphinx configuration of the kacspectral documentation.

Build: ``pip install ".[docs]" && sphinx-build -W -b html docs docs/_build/html``.
The notebooks of ``notebooks/`` are copied into ``docs/_notebooks`` and executed at small sizes
(``KACSPECTRAL_SMALL=1``) so that the site shows their figures.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("KACSPECTRAL_SMALL", "1")
# No MPLBACKEND here: the notebook kernels use matplotlib's inline backend, so the figures are
# embedded in the pages (tests/test_notebooks.py sets Agg, where no figure is shown).
os.environ.pop("MPLBACKEND", None)
# The notebook kernels import the package from this checkout too.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))

import kacspectral  # noqa: E402

project = "kacspectral"
author = "the kacspectral developers"
copyright = "2026, the kacspectral developers"  # noqa: A001
release = kacspectral.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "myst_nb",
]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
autosummary_generate = True
autodoc_default_options = {"members": True, "show-inheritance": False}
autodoc_typehints = "description"
napoleon_google_docstring = False
napoleon_numpy_docstring = True
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3
nb_execution_mode = "force"
nb_execution_timeout = 600
nb_execution_raise_on_error = True
html_theme = "alabaster"
suppress_warnings = ["myst.header", "misc.highlighting_failure"]

# The notebooks live in ../notebooks (committed without outputs); the site executes copies.
_NB = HERE / "_notebooks"
if _NB.exists():
    shutil.rmtree(_NB)
_NB.mkdir()
for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
    shutil.copy(nb, _NB / nb.name)

# The API page lists every public name of the facade, so a new name cannot be forgotten; it is
# written here at each build (docs/api.rst is generated, not tracked).
# A facade name that aliases a class of another name is documented under the class's own path:
# autodoc cannot document a class's members under an alias.
_names = [
    f"{_o.__module__}.{_o.__name__}"
    if isinstance(_o := getattr(kacspectral, _n), type) and _o.__name__ != _n
    else f"kacspectral.{_n}"
    for _n in kacspectral.__all__
    if not _n.startswith("_")
]
(HERE / "api.rst").write_text(
    "API reference\n=============\n\n"
    "The public facade ``import kacspectral as ks``: every name in ``kacspectral.__all__``.\n\n"
    ".. autosummary::\n   :toctree: _autosummary\n   :nosignatures:\n\n"
    + "".join(f"   {n}\n" for n in _names)
)
