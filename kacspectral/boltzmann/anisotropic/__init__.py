"""The anisotropic Hermite-Bobylev solver: the collision tensor in Burnett functions
(``collision_tensor``, ``collision``), time evolution (``evolution``), diagnostics
(``diagnostics``) and the independent exact moment equations (``moment_equations``).
"""
