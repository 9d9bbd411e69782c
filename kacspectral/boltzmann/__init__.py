"""The spatially uniform Boltzmann equation for Maxwell molecules with thermal reservoirs.

Implements E. A. Carlen, J. L. Lebowitz and C. Mouhot, "Exponential approach to, and properties
of, a non-equilibrium steady state in a dilute gas" (arXiv:1406.4097, 2014; "seed 003" in the
docstrings): the
isotropic NESS and its exact moments (``isotropic``), the anisotropic Hermite-Bobylev solver for
the time evolution (``anisotropic``), and the Gabetta-Toscani-Wennberg distance (``gtw``; ``gtw3d``
is a deprecated alias kept for one release).  Sections 2-4: the corrected distance d'_GTW
(``distance_corrected``), diffusive reservoirs (``isotropic.diffusive``,
``anisotropic.fokker_planck``), the 2-Wasserstein distance (``wasserstein``), heat fluxes and the
entropy budget (``entropy``), and the Lyapunov functionals along an evolution (``lyapunov``,
``isotropic.relaxation``).
"""
