"""Fast spectral solver of the homogeneous Boltzmann equation on a 3D velocity grid (issue 12).

Modules: :mod:`fft` (pyfftw plans, scipy.fft fallback), :mod:`operator` (the collision operator
``Q(f, g)`` for ``B = |v - v_*|^lambda``, ``b`` constant), :mod:`conservation` (the constrained
L2 projection restoring mass, momentum and energy), :mod:`evolution` (time stepping with the
entropy after every step), :mod:`projection` (grid values <-> Hermite coefficients),
:mod:`reservoirs` (jump and Fokker-Planck reservoirs), :mod:`ness` (steady states with
reservoirs), :mod:`dsmc` (seeded direct simulation Monte Carlo with the reservoir collisions, an
independent check of the steady states) and :mod:`resources` (peak memory).
"""
