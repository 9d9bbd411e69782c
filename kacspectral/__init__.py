"""kacspectral: deterministic, spectrally accurate solvers for kinetic theory with reservoirs.

The facade below lists the public API; the mathematics lives in plain array functions in the
modules named after each concept, whose docstrings state the formulas, their normalisation and
the equations of the seed papers they implement (conventions: MATH.md).

Modules
-------
polynomials        orthonormal He_n and Laguerre recurrences, Gauss rules
kernels            angular kernels b(s): constant, kac, user kernels; B_ij, beta
reservoirs         Maxwellian-mixture reservoirs with exact rational data
exact              exact NESS moments (sympy), the Sonine reference density
bobylev            isotropic Bobylev gain in a Laguerre-function basis
ness               the isotropic NESS: problem, Picard / Newton / Anderson solvers
gtw, gtw3d         Gabetta-Toscani-Wennberg distance, isotropic and in 3D
contraction        Picard contraction rates against the seed's bound
hermite            3D Hermite and Burnett bases for a Maxwellian weight
thermostat, lemma3 the Kac thermostat operator on V_m and the 2/3 bound (seed 000, Lemma 3)
burnett, collision_tensor, collision
                   the anisotropic Hermite-Bobylev collision operator
bkw                the exact BKW solution
timesteppers, evolution, diagnostics, moment_equations
                   time evolution, its diagnostics and exact moment ODEs
kac, projector, finite_reservoir, montecarlo
                   N-particle Kac generators, gaps, the finite-reservoir distance
"""

from ._version import __version__
from .bkw import BKW
from .collision import CollisionOperator, HermiteSpace
from .contraction import picard_contraction
from .errors import ConvergenceError, NegativeDensityWarning, TruncationWarning
from .evolution import EvolutionProblem, evolve
from .exact import exact_moments
from .finite_reservoir import ReservoirProblem, reservoir_distance
from .gtw import gtw_distance
from .gtw3d import gtw_distance as gtw_distance_3d
from .kac import kac_gap
from .kernels import AngularKernel, get_kernel, kernel_from_callable, kernel_from_expression
from .lemma3 import exact_eigenvalue, lemma3_check
from .ness import NessProblem, NessResult, solve_ness
from .reservoirs import MaxwellianMixture

__all__ = [
    "__version__",
    "AngularKernel",
    "BKW",
    "CollisionOperator",
    "ConvergenceError",
    "EvolutionProblem",
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
