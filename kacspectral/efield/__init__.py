"""The gas driven by an electric field: E. A. Carlen, J. L. Lebowitz, C. Mouhot, "Exponential
approach to, and properties of, a non-equilibrium steady state in a dilute gas" (2014), section 5,
eq. (5.1); conventions page ``docs/conventions.md``.

``problem`` holds the parameters (:class:`~kacspectral.efield.problem.EFieldProblem`) and the
diffusion coefficient ``D(|v|)``; ``reduced`` the epsilon -> 0 moment model for the drift and
temperature of a local Maxwellian, its stationary points, stability and continuation in E;
``kinetic`` the Hermite-Bobylev solver of (5.1) about a shifted reference Maxwellian; ``budget``
its free-energy budget; ``sweep`` quasi-static sweeps in E (hysteresis) and the continuation of
kinetic states in epsilon through folds.
"""
