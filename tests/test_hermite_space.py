"""HermiteSpace.maxwellian at high degree (UFuncTypeError for degree >= 21 on numpy 1.x)."""

import math

import numpy as np
import pytest

from kacspectral.spectral.hermite_space import HermiteSpace

EPS = float(np.finfo(float).eps)


@pytest.mark.parametrize("degree", [21, 22, 30])
def test_maxwellian_at_degree_beyond_21_matches_its_fourier_transform(degree):
    """Reference: the closed form exp(-i u.xi - sum_i T_i xi_i^2 / 2) of the transform.

    With T_ref = 1, delta_i = T_i - 1 in [-0.2, 0.2] and |u| < 0.25, the degree-d part of the
    series is bounded by (|u~||eta| + max|delta||eta|^2/2)^d / d! <= 0.9^d/d! at |xi| <= 1.5:
    below 1e-20 for d > 21, so the truncated series equals the closed form to rounding.
    (Before the fix, math.factorial(k) >= 2^63 for k >= 21 made numpy < 2 raise.)
    """
    temps, mean = np.array([0.8, 1.0, 1.2]), np.array([0.1, 0.0, -0.2])
    space = HermiteSpace(degree, 1.0)
    a = space.maxwellian(temps, mean)
    assert np.all(np.isfinite(a))
    rng = np.random.default_rng(22)
    xi = rng.uniform(-1.5, 1.5, size=(40, 3)) / math.sqrt(3)
    exact = np.exp(-1j * xi @ mean - 0.5 * (xi * xi) @ temps)
    got = space.fourier(a, xi)
    # rounding in a sum of O(size) terms of size <= 1: a few hundred eps
    assert np.max(np.abs(got - exact)) < 500 * EPS, np.max(np.abs(got - exact))
