"""kacspectral: deterministic, spectrally accurate solvers for kinetic theory with reservoirs.

The facade below lists the public API. The package is layered; a module imports only from its
own layer or the layers below it (``tests/test_layout.py`` checks this):

spectral           orthonormal He_n / Laguerre recurrences and Gauss rules, the 3D Hermite and
                   Burnett bases, time integrators
physics            angular kernels b(s), Maxwellian-mixture reservoirs, the exact BKW solution
boltzmann          Maxwell molecules with thermal reservoirs (Carlen, Lebowitz and Mouhot, 2014):
  isotropic        the NESS, its exact moments and Picard contraction
  anisotropic      the Hermite-Bobylev solver, time evolution, diagnostics, moment equations
  gtw, gtw3d       Gabetta-Toscani-Wennberg distances
grid               fast spectral solver on a 3D velocity grid (pyfftw): Maxwell molecules,
                   variable hard spheres, hard spheres; reservoirs; grid <-> Hermite projections
kac                the 3D Kac model with a thermostat or a finite reservoir (Bonetto, Popa,
                   Powell, Chen and Tung, 2025): Lemma 3, N-particle gaps, the projector R
cli                the ``kacspectral`` command

Formulas, normalisations and equation numbers are stated in each docstring; the shared
conventions are on the project's conventions page, ``docs/conventions.md``.
"""

from kacspectral._version import __version__
from kacspectral.boltzmann.anisotropic.collision import CollisionOperator, HermiteSpace
from kacspectral.boltzmann.anisotropic.evolution import EvolutionProblem, evolve
from kacspectral.boltzmann.gtw import gtw_distance
from kacspectral.boltzmann.gtw3d import gtw_distance as gtw_distance_3d
from kacspectral.boltzmann.isotropic.contraction import picard_contraction
from kacspectral.boltzmann.isotropic.exact import exact_moments
from kacspectral.boltzmann.isotropic.ness import NessProblem, NessResult, solve_ness
from kacspectral.errors import ConvergenceError, NegativeDensityWarning, TruncationWarning
from kacspectral.grid.operator import FastSpectralOperator
from kacspectral.kac.finite_reservoir import ReservoirProblem, reservoir_distance
from kacspectral.kac.generators import kac_gap
from kacspectral.kac.lemma3 import exact_eigenvalue, lemma3_check
from kacspectral.physics.bkw import BKW
from kacspectral.physics.kernels import (
    AngularKernel,
    get_kernel,
    kernel_from_callable,
    kernel_from_expression,
)
from kacspectral.physics.reservoirs import MaxwellianMixture

__all__ = [
    "__version__",
    "AngularKernel",
    "BKW",
    "CollisionOperator",
    "ConvergenceError",
    "EvolutionProblem",
    "FastSpectralOperator",
    "HermiteSpace",
    "MaxwellianMixture",
    "NegativeDensityWarning",
    "NessProblem",
    "NessResult",
    "ReservoirProblem",
    "TruncationWarning",
    "evolve",
    "exact_eigenvalue",
    "exact_moments",
    "get_kernel",
    "gtw_distance",
    "gtw_distance_3d",
    "kac_gap",
    "kernel_from_callable",
    "kernel_from_expression",
    "lemma3_check",
    "picard_contraction",
    "reservoir_distance",
    "solve_ness",
]
