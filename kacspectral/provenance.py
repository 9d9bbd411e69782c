"""Versions recorded in every JSON output, so that a number can be traced to its software."""

from __future__ import annotations

import platform
import sys

from kacspectral._version import __version__

__all__ = ["versions"]


def versions() -> dict[str, str]:
    """Return the versions of kacspectral, Python and the numerical stack as strings."""
    import numpy
    import scipy
    import sympy

    out = {
        "kacspectral": __version__,
        "python": sys.version.split()[0],
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "sympy": sympy.__version__,
        "platform": platform.platform(),
    }
    try:  # pyfftw is a declared dependency; report it when importable
        import pyfftw

        out["pyfftw"] = pyfftw.__version__
    except ImportError:  # pragma: no cover
        out["pyfftw"] = "not installed"
    return out
