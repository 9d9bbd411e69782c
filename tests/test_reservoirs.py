"""Maxwellian-mixture reservoirs: validation, exact moments, Fourier transform, density."""

from fractions import Fraction

import numpy as np
import pytest
from scipy import integrate

from kacspectral.physics.reservoirs import MaxwellianMixture, as_fraction
from kacspectral.spectral.polynomials import double_factorial

EPS = np.finfo(float).eps


def test_exact_inputs_and_moments():
    r = MaxwellianMixture(["1/2", "1/2"], ["1/6", "1/2"])
    assert r.weights == (Fraction(1, 2), Fraction(1, 2))
    assert r.moment_exact(1) == 1  # 3 * (1/12 + 1/4)
    assert r.moment_exact(2) == Fraction(15, 2) * (Fraction(1, 36) + Fraction(1, 4))
    assert r.temperature_exact == Fraction(1, 3)


def test_moments_against_radial_quadrature():
    r = MaxwellianMixture([0.25, 0.75], [0.5, 2.0])
    for n in range(5):
        def integrand(x, n=n):
            return 4 * np.pi * x ** (2 * n + 2) * r.density(x)

        num, _ = integrate.quad(integrand, 0, np.inf, epsabs=0, epsrel=1e-13, limit=200)
        assert abs(num / r.moment(n) - 1) < 1e-11


def test_fourier_is_transform_of_density():
    # f^(k) = int f e^{-i k.v} dv = 4 pi int r^2 f(r) sin(kr)/(kr) dr for isotropic f
    r = MaxwellianMixture(["1/3", "2/3"], ["1/4", "1"])
    for k in (0.0, 0.7, 2.5):
        def g(x, k=k):
            return 4 * np.pi * x**2 * r.density(x) * np.sinc(k * x / np.pi)
        num, _ = integrate.quad(g, 0, 40, epsabs=1e-15, epsrel=1e-13, limit=400)
        assert abs(num - r.fourier(k)) < 1e-12


def test_double_factorial():
    assert [double_factorial(2 * n + 1) for n in range(5)] == [1, 3, 15, 105, 945]
    assert [double_factorial(n) for n in range(-1, 7)] == [1, 1, 1, 2, 3, 8, 15, 48]


@pytest.mark.parametrize(
    "w,t,needle",
    [
        ([], [], "at least one"),
        ([1], [1, 2], "equal lengths"),
        ([-0.5, 1.5], [1, 2], "weights must be >= 0"),
        ([0.5, 0.5], [1, 0], "temperatures must be > 0"),
        ([0.5, 0.4], [1, 2], "sum to 1"),
        (["a"], [1], "must be a number"),
    ],
)
def test_bad_reservoirs(w, t, needle):
    with pytest.raises(ValueError, match=needle):
        MaxwellianMixture(w, t)


def test_as_fraction_forms():
    assert as_fraction("1/6") == Fraction(1, 6)
    assert as_fraction(0.1) == Fraction(1, 10)
    assert as_fraction("2e-3") == Fraction(1, 500)
    with pytest.raises(ValueError):
        as_fraction(float("nan"))
    with pytest.raises(ValueError):
        as_fraction("1/0")


def test_positive_fraction_reads_floats_through_repr_and_refuses_the_rest():
    """One reader of positive exact numbers for every model (rates, temperatures)."""
    from kacspectral.physics.reservoirs import positive_fraction

    assert positive_fraction(0.1, "rate") == Fraction(1, 10)
    assert positive_fraction("1/6", "rate") == Fraction(1, 6)
    assert positive_fraction(np.float64(2.5), "rate") == Fraction(5, 2)
    for bad in (0, -1, 0.0, "-1/2", float("nan"), float("inf"), True, "abc", None):
        with pytest.raises(ValueError, match="rate"):
            positive_fraction(bad, "rate")
