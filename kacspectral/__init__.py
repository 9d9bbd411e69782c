"""kacspectral: deterministic, spectrally accurate solvers for kinetic theory with reservoirs.

The facade below lists the public API; the mathematics lives in plain array functions in the
modules named after each concept (``kernels``, ``reservoirs``, ``polynomials``, ...), whose
docstrings state the formulas and the equations of the seed papers they implement.
Conventions: MATH.md (shipped with the project's sources).
"""

from ._version import __version__
from .errors import ConvergenceError, NegativeDensityWarning, TruncationWarning
from .kernels import AngularKernel, get_kernel, kernel_from_callable, kernel_from_expression
from .reservoirs import MaxwellianMixture

__all__ = [
    "__version__",
    "AngularKernel",
    "ConvergenceError",
    "MaxwellianMixture",
    "NegativeDensityWarning",
    "TruncationWarning",
    "get_kernel",
    "kernel_from_callable",
    "kernel_from_expression",
]
