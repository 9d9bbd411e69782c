"""Angular kernels: named kernels, user kernels, validation, exact and float constants."""

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from kacspectral.physics.kernels import (
    S,
    get_kernel,
    kernel_from_callable,
    kernel_from_expression,
)

EPS = np.finfo(float).eps


def _B_reference(expr, i, j):
    """Independent reference: mpmath tanh-sinh quadrature of the definition at 30 digits
    (conventions page, section 2).  (sympy's integrate is not used: it returns -1/3 for the kac
    B_01.)"""
    import mpmath as mp

    mp.mp.dps = 30
    f = sp.lambdify(S, expr * ((1 + S) / 2) ** i * ((1 - S) / 2) ** j, modules="mpmath")
    return mp.quad(f, [-1, 0, 1]) / 2


@pytest.mark.parametrize(
    "name", ["constant", "kac", "3*(1+s)**2/4", "1 + s", "(1+s)**(1/2)*3/(2*sqrt(2))"]
)
def test_normalised(name):
    k = get_kernel(name)
    assert abs(k.normalization - 1) < 10 * EPS


def test_constant_B_is_factorial_ratio():
    k = get_kernel("constant")
    for i in range(6):
        for j in range(6):
            exact = Fraction(math.factorial(i) * math.factorial(j), math.factorial(i + j + 1))
            assert k.B_exact(i, j) == sp.Rational(exact.numerator, exact.denominator)
            assert abs(k.B(i, j) - float(exact)) < 20 * EPS * float(exact)
    assert k.is_even and k.beta_exact == sp.Rational(1, 2)


@pytest.mark.parametrize(
    "name,expr",
    [
        ("kac", 1 / sp.sqrt(2 * (1 - S))),
        ("3*(1+s)**2/4", sp.Rational(3, 4) * (1 + S) ** 2),
        ("1+s", 1 + S),
    ],
)
def test_exact_B_against_quadrature_reference(name, expr):
    k = get_kernel(name)
    for i, j in [(0, 0), (1, 0), (0, 1), (2, 3), (4, 1)]:
        exact = k.B_exact(i, j)
        assert exact.is_Rational
        ref = _B_reference(expr, i, j)
        # tanh-sinh reaches ~5e-18 at the (1-s)^(-1/2) endpoint
        assert abs(float(exact - sp.Float(str(ref), 30))) < EPS
        assert abs(k.B(i, j) - float(exact)) < 50 * EPS * float(exact)


def test_kac_kernel_constants():
    k = get_kernel("kac")
    assert k.beta_exact == sp.Rational(2, 3)
    assert not k.is_even
    # the kac kernel's Jacobi rule integrates its singular endpoint exactly: B_ij with
    # i + j up to 2n - 1 from n nodes
    n = 5
    x, w = k.quadrature(n)
    num = float(np.dot(w, ((1 + x) / 2) ** 4 * ((1 - x) / 2) ** 5))
    assert abs(num - float(k.B_exact(4, 5))) < 50 * EPS * float(k.B_exact(4, 5))


def test_polynomial_kernel_quadrature_is_exact_at_minimal_nodes():
    k = get_kernel("3*(1+s)**2/4")
    deg = 9
    n = k.nodes_for_degree(deg)
    x, w = k.quadrature(n)
    num = float(np.dot(w, ((1 + x) / 2) ** 4 * ((1 - x) / 2) ** 5))
    assert abs(num - float(k.B_exact(4, 5))) < 50 * EPS * float(k.B_exact(4, 5))
    # one node fewer is not exact
    x, w = k.quadrature(n - 1)
    num = float(np.dot(w, ((1 + x) / 2) ** 4 * ((1 - x) / 2) ** 5))
    assert abs(num - float(k.B_exact(4, 5))) > 1e-6 * float(k.B_exact(4, 5))


def test_callable_kernel_matches_expression_kernel():
    kc = kernel_from_callable(lambda s: 1 + s)
    ke = kernel_from_expression("1 + s")
    assert abs(kc.beta - float(ke.beta_exact)) < 50 * EPS
    assert not kc.is_even
    kk = kernel_from_callable(lambda s: 1 / np.sqrt(2 * (1 - s)), endpoint_exponents=(-0.5, 0))
    assert abs(kk.beta - 2 / 3) < 1e-12


def test_even_detection():
    assert get_kernel("3*(1+s**2)/4").is_even
    assert not get_kernel("1+s").is_even


def test_normalize_rescales():
    k = get_kernel("2 + 2*s**2", normalize=True)
    assert abs(k.normalization - 1) < 10 * EPS
    assert sp.simplify(k.expr - sp.Rational(3, 4) * (1 + S**2)) == 0
    kc = kernel_from_callable(lambda s: 5 * np.ones_like(s), normalize=True)
    assert abs(kc.normalization - 1) < 10 * EPS


@pytest.mark.parametrize(
    "spec,needle",
    [
        ("2", "not normalised"),
        ("s", "negative"),
        ("1+s+t", "the name 't' is not allowed"),
        ("0", "identically 0"),
        ("s - s", "identically 0"),
        ("1+*s", "does not parse"),
        ("1/(1-s)", "not integrable"),
        ("", "kernel must be"),
    ],
)
def test_bad_kernels_raise_clear_errors(spec, needle):
    with pytest.raises(ValueError, match=needle):
        get_kernel(spec)


def test_unnormalised_message_prints_value():
    with pytest.raises(ValueError, match=r"= 2\.0"):
        get_kernel("2")


def test_undeclared_singularity_is_detected():
    with pytest.raises(ValueError, match="singular"):
        kernel_from_callable(lambda s: 1 / np.sqrt(2 * (1 - s)))


def test_bad_spec_type():
    with pytest.raises(TypeError):
        get_kernel(3.0)


def test_decimal_coefficients_are_exact_not_guessed():
    # 0.333333333333 is the decimal written, not 1/3: beta = 1/2 + c/6 exactly
    k = get_kernel("1+0.333333333333*s")
    c = sp.Rational(333333333333, 10**12)
    assert k.beta_exact == sp.Rational(1, 2) + c / 6
    assert k.beta_exact != sp.Rational(5, 9)


@pytest.mark.parametrize("name,beta", [("constant", sp.Rational(1, 2)), ("kac", sp.Rational(2, 3))])
def test_contraction_constant(name, beta):
    # lambda = (1 - gamma) + gamma beta with the exact beta (seed 003, Lemma 1.2)
    k = get_kernel(name)
    for gamma in (sp.Rational(1, 2), sp.Rational(1, 5)):
        exact = (1 - gamma) + gamma * beta
        assert abs(k.contraction_constant(float(gamma)) - float(exact)) < 4 * EPS


def _linear_kernel(s):
    """A module-level (hence picklable) kernel b(s) = 1 + s/2."""
    return 1 + 0.5 * np.asarray(s)


def _twice(s):
    return 2 * np.ones_like(np.asarray(s, dtype=float))


@pytest.mark.parametrize(
    "spec,normalize",
    [
        ("constant", False),
        ("kac", False),
        ("3*(1+s)**2/4", False),
        ("1/sqrt(2-2*s)", False),  # singular endpoint pulled out as an exponent
        ("2 + 2*s**2", True),  # exact normalisation
        ("exp(s)", True),  # not a polynomial: float normalisation (scaled callable)
        (_linear_kernel, False),
        (_twice, True),
    ],
)
def test_kernels_pickle_and_give_the_same_constants(spec, normalize):
    """Kernels travel to worker processes: a pickle round trip gives bit-identical B_ij."""
    import pickle

    k = get_kernel(spec, normalize=normalize)
    before = [k.B(i, j) for i in range(4) for j in range(4)]  # fills the caches too
    k2 = pickle.loads(pickle.dumps(k))
    assert k2.name == k.name and k2.exponents == k.exponents
    assert [k2.B(i, j) for i in range(4) for j in range(4)] == before
    x = np.linspace(-0.9, 0.9, 11)
    assert np.array_equal(k2(x), k(x))
    if k.is_exact:
        assert k2.B_exact(2, 3) == k.B_exact(2, 3)


def test_kernel_of_an_unpicklable_callable_says_so():
    import pickle

    k = kernel_from_callable(lambda s: np.ones_like(s))
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        pickle.dumps(k)


def test_maxwellian_mixture_pickles():
    import pickle

    from kacspectral.physics.reservoirs import MaxwellianMixture

    r = MaxwellianMixture(["1/2", "1/2"], ["1/6", "1/2"])
    r2 = pickle.loads(pickle.dumps(r))
    assert r2 == r and r2.weights == r.weights and r2.temperatures == r.temperatures
    k = np.linspace(0, 3, 7)
    assert np.array_equal(r2.fourier(k), r.fourier(k))
