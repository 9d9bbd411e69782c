"""Shared spectral building blocks (the bottom layer; imports nothing else of the package).

Orthonormal He_n and Laguerre recurrences with their Gauss rules (``polynomials``), the 3D
Hermite tensor basis and real harmonics (``hermite``), Burnett functions, the sphere rule and
Gaunt coefficients (``burnett``), and the time integrators (``timesteppers``).
"""
