"""kacspectral: deterministic, spectrally accurate solvers for kinetic theory with reservoirs.

The facade below lists the public API. The package is layered; a module imports only from its
own layer or the layers below it (``tests/test_layout.py`` checks this):

spectral           orthonormal He_n / Laguerre recurrences and Gauss rules, the 3D Hermite and
                   Burnett bases, time integrators
physics            angular kernels b(s), Maxwellian-mixture and diffusive (Fokker-Planck)
                   reservoirs, the exact BKW solution, a safe parser of kernel expressions
boltzmann          Maxwell molecules with thermal reservoirs (Carlen, Lebowitz and Mouhot, 2014):
  isotropic        the NESS (Maxwellian and diffusive reservoirs), its exact moments and
                   Picard contraction
  anisotropic      the Hermite-Bobylev solver, time evolution, diagnostics, moment equations
  gtw              the Gabetta-Toscani-Wennberg distance (3D, with an isotropic fast path),
                   its corrected form, the W2 distance of isotropic states, the entropy budget
grid               fast spectral solver on a 3D velocity grid (pyfftw): Maxwell molecules,
                   variable hard spheres, hard spheres, any angular kernel; reservoirs;
                   grid <-> Hermite projections
kac                the 3D Kac model with a thermostat or a finite reservoir (Bonetto, Popa,
                   Powell, Chen and Tung, 2025): Lemma 3, N-particle gaps, the projector R,
                   several thermostats (MultiThermostat) and the kinetic limit (kac_ness)
efield             the gas driven by an electric field (seed 003, section 5): reduced model,
                   folds, kinetic steady states and their stability
cli                the ``kacspectral`` command

Formulas, normalisations and equation numbers are stated in each docstring; the shared
conventions are on the project's conventions page, ``docs/conventions.md``, cited as
"conventions page, section N".  The two papers are cited by short names:
"seed 003" is E. A. Carlen, J. L. Lebowitz and C. Mouhot, "Exponential approach to, and
properties of, a non-equilibrium steady state in a dilute gas" (2014, arXiv:1406.4097);
"seed 000" is F. Bonetto, A. Popa, M. Powell, P. Chen and S. Tung, "Improved Approximation of
Infinite Thermostat by Finite Reservoir Using the 3D Kac Model" (2025).
"""

from kacspectral._version import __version__
from kacspectral.boltzmann.anisotropic.axisymmetric import AxisymmetricCollisionOperator
from kacspectral.boltzmann.anisotropic.collision import CollisionOperator
from kacspectral.boltzmann.anisotropic.evolution import EvolutionProblem, evolve
from kacspectral.boltzmann.anisotropic.fokker_planck import DiffusiveEvolutionProblem
from kacspectral.boltzmann.distance_corrected import corrected_gtw_distance
from kacspectral.boltzmann.entropy import exact_heat_fluxes, ness_entropy_budget
from kacspectral.boltzmann.gtw import gtw_distance
from kacspectral.boltzmann.isotropic.contraction import picard_contraction
from kacspectral.boltzmann.isotropic.diffusive import DiffusiveNessProblem, solve_diffusive_ness
from kacspectral.boltzmann.isotropic.exact import exact_moments
from kacspectral.boltzmann.isotropic.ness import NessProblem, NessResult, solve_ness
from kacspectral.boltzmann.wasserstein import w2_isotropic
from kacspectral.efield.grid_kinetic import GridEFieldState
from kacspectral.efield.kinetic import KineticState
from kacspectral.efield.problem import Diffusion, EFieldProblem
from kacspectral.efield.reduced import EFieldBranch, ReducedState
from kacspectral.errors import (
    BudgetError,
    ConvergenceError,
    NegativeDensityWarning,
    TruncationWarning,
)
from kacspectral.grid.operator import FastSpectralOperator
from kacspectral.kac.finite_reservoir import ReservoirProblem, reservoir_distance
from kacspectral.kac.kinetic_limit import kac_ness
from kacspectral.kac.lemma3 import exact_eigenvalue, lemma3_check
from kacspectral.kac.multi_thermostat import MultiThermostat
from kacspectral.kac.results import KacGapResult, ReservoirDistanceResult
from kacspectral.kac.spectral_gap import kac_gap
from kacspectral.physics.bkw import BKW
from kacspectral.physics.expressions import parse_expression
from kacspectral.physics.fokker_planck import DiffusiveReservoirs
from kacspectral.physics.kernels import (
    AngularKernel,
    get_kernel,
    kernel_from_callable,
    kernel_from_expression,
)
from kacspectral.physics.reservoirs import MaxwellianMixture
from kacspectral.results import load
from kacspectral.spectral.hermite_space import HermiteSpace

__all__ = [
    "__version__",
    # classes: problems, results, kernels, errors and warnings
    "AngularKernel",
    "AxisymmetricCollisionOperator",
    "BKW",
    "BudgetError",
    "CollisionOperator",
    "ConvergenceError",
    "Diffusion",
    "DiffusiveEvolutionProblem",
    "DiffusiveNessProblem",
    "DiffusiveReservoirs",
    "EFieldBranch",
    "EFieldProblem",
    "EvolutionProblem",
    "FastSpectralOperator",
    "GridEFieldState",
    "HermiteSpace",
    "KacGapResult",
    "KineticState",
    "MaxwellianMixture",
    "MultiThermostat",
    "NegativeDensityWarning",
    "NessProblem",
    "NessResult",
    "ReducedState",
    "ReservoirDistanceResult",
    "ReservoirProblem",
    "TruncationWarning",
    # functions
    "corrected_gtw_distance",
    "evolve",
    "exact_eigenvalue",
    "exact_heat_fluxes",
    "exact_moments",
    "get_kernel",
    "gtw_distance",
    "kac_gap",
    "kac_ness",
    "kernel_from_callable",
    "kernel_from_expression",
    "lemma3_check",
    "load",
    "ness_entropy_budget",
    "parse_expression",
    "picard_contraction",
    "reservoir_distance",
    "solve_diffusive_ness",
    "solve_ness",
    "w2_isotropic",
]


def __getattr__(name: str) -> object:
    """Deprecated names, kept for one release (each warns and names its replacement)."""
    if name == "gtw_distance_3d":
        import warnings

        warnings.warn(
            "kacspectral.gtw_distance_3d is deprecated and will be removed in the next release; "
            "use kacspectral.gtw_distance (the one GTW distance: pass the moments as mappings "
            "with 'mass', 'momentum', 'second' for the 3D path)",
            DeprecationWarning,
            stacklevel=2,
        )
        return gtw_distance
    raise AttributeError(f"module 'kacspectral' has no attribute {name!r}")
