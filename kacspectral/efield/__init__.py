"""The gas driven by an electric field (seed 003, section 5, eq. (5.1)).

``problem`` holds the parameters (:class:`~kacspectral.efield.problem.EFieldProblem`) and the
diffusion coefficient ``D(|v|)``; ``reduced`` the epsilon -> 0 moment model for the drift and
temperature of a local Maxwellian, its stationary points, stability and continuation in E;
``kinetic`` the Hermite-Bobylev solver of (5.1) about a shifted reference Maxwellian.
"""
