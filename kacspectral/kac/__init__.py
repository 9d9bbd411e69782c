"""The 3D Kac model with a thermostat or a finite reservoir.

Implements F. Bonetto, A. Popa, M. Powell, P. Chen and S. Tung, "Improved Approximation of
Infinite Thermostat by Finite Reservoir Using the 3D Kac Model" (2025; "seed 000" in the
docstrings): the thermostat operator on the
Hermite spaces V_m and Lemma 3 (``thermostat``, ``lemma3``), the exact polynomial sectors of the
N-particle generators (``tables``, ``generators``), the projector R (``projector``), the
finite-reservoir distance (``finite_reservoir``) and a Monte Carlo simulation (``montecarlo``).
"""
