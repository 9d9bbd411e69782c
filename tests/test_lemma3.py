"""Tests of kacspectral.lemma3: exact eigenvalues, the Lemma 3 check, the tensor step, Lemma 2."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp

from kacspectral.hermite import dim_v
from kacspectral.kernels import get_kernel
from kacspectral.lemma3 import (
    eigenvalue,
    exact_eigenvalue,
    exact_spectrum,
    lemma2_constant,
    lemma3_check,
    numerical_spectrum,
    tensor_average,
    tensor_top_eigenvalue,
)

EPS = float(np.finfo(float).eps)
POLY = "3*(1+s)**2/4"


def test_kac_values_from_math_md():
    assert exact_eigenvalue(0, 1, "kac") == sp.Rational(2, 3)
    assert exact_eigenvalue(1, 0, "kac") == sp.Rational(2, 3)
    assert exact_eigenvalue(0, 2, "kac") == sp.Rational(7, 15)
    assert exact_eigenvalue(0, 1, "constant") == sp.Rational(1, 2)
    assert exact_eigenvalue(1, 0, "constant") == sp.Rational(1, 2)


@pytest.mark.parametrize("n,l", [(0, 1), (1, 0), (0, 2), (1, 1), (2, 1), (0, 5), (3, 2)])
def test_kac_formula_by_direct_sympy_integration(n, l):
    """(1/2) int_{-1}^{1} (1-t^2)^{(2n+l)/2} P_l(sqrt(1-t^2)) dt (MATH.md section 6)."""
    t = sp.Symbol("t", real=True)
    r = sp.sqrt(1 - t**2)
    integrand = sp.expand((1 - t**2) ** n * r**l * sp.legendre(l, r))
    ref = sp.integrate(integrand, (t, -1, 1)) / 2
    assert sp.simplify(exact_eigenvalue(n, l, "kac") - ref) == 0


@pytest.mark.parametrize("kernel", ["constant", POLY])
@pytest.mark.parametrize("n,l", [(0, 1), (2, 0), (1, 3), (0, 6)])
def test_polynomial_kernel_formula_by_sympy_integration(kernel, n, l):
    s = sp.Symbol("s", real=True)
    k = get_kernel(kernel)
    b = k.expr.subs(list(k.expr.free_symbols)[0], s) if k.expr.free_symbols else k.expr
    u = (1 + s) / 2
    integrand = sp.expand(b * u**n * sp.expand(sp.sqrt(u) ** l * sp.legendre(l, sp.sqrt(u))))
    ref = sp.integrate(integrand, (s, -1, 1)) / 2
    assert sp.simplify(exact_eigenvalue(n, l, kernel) - ref) == 0


def test_float_eigenvalue_for_non_exact_kernel():
    k = get_kernel("exp(s)", normalize=True)
    for n, l in [(0, 1), (1, 2), (3, 0)]:
        with mpmath.workdps(30):
            norm = mpmath.quad(mpmath.exp, [-1, 1]) / 2

            def f(s, n=n, l=l, norm=norm):
                u = (1 + s) / 2
                return mpmath.exp(s) / norm * u**n * mpmath.sqrt(u) ** l * mpmath.legendre(
                    l, mpmath.sqrt(u)
                )

            ref = float(mpmath.quad(f, [-1, 1]) / 2)
        # rounding of the 200-node Gauss sum (values for 50..400 nodes spread by 2e-14)
        assert abs(eigenvalue(n, l, k) - ref) < 200 * EPS
    with pytest.raises(ValueError, match="no exact form"):
        exact_eigenvalue(0, 1, k)


def test_lemma3_kac_holds_with_structure():
    res = lemma3_check(12, "kac")
    assert res.holds and res.bound == "2/3" and res.sup_exact == "2/3"
    assert [(d["n"], d["l"]) for d in res.sup_at] == [(0, 1), (1, 0)]
    assert abs(res.sup - 2 / 3) < 100 * EPS
    assert res.max_abs_error < 100 * EPS
    for row in res.rows:
        assert len(row.eigenvalues) == len(row.exact) == dim_v(row.m)
        assert row.eigenvalues == sorted(row.eigenvalues, reverse=True)
        assert row.exact == sorted(row.exact, reverse=True)
        assert row.symmetry_error < 1e-13
        assert 2 * row.top_nl[0] + row.top_nl[1] == row.m
        assert row.top <= 2 / 3 + 100 * EPS
    assert res.rows[0].top_nl == (0, 1) and res.rows[1].top_nl == (1, 0)
    assert res.rows[2].top_exact == "8/15"
    d = res.to_dict()
    assert {"kernel", "rows", "sup", "bound", "holds"} <= set(d)


def test_lemma3_constant_top_is_one_half():
    res = lemma3_check(8, "constant")
    assert res.holds and res.sup_exact == "1/2" and res.bound == "1/2"
    assert res.max_abs_error < 100 * EPS


def test_multiplicities_match_exact_spectrum():
    for m in (3, 6):
        num, _ = numerical_spectrum(m, "kac")
        ex = exact_spectrum(m, "kac")
        assert [(n, l) for _, n, l in num] == [(n, l) for _, n, l in ex]
        counts = {}
        for _, n, l in ex:
            counts[(n, l)] = counts.get((n, l), 0) + 1
        assert all(c == 2 * l + 1 for (n, l), c in counts.items())


def test_lemma2_constant_kac():
    """max lambda(1-lambda) = 7/15 * 8/15 = 56/225 at (0,2), (1,1) (8/15) and (2,0) (8/15)."""
    val, at = lemma2_constant(20, "kac")
    assert at == [(0, 2), (1, 1), (2, 0)] and val == sp.Rational(56, 225)
    res = lemma3_check(10, "kac")
    assert res.lemma2_l2_exact == "56/225" and abs(res.lemma2_l2_matrix - 56 / 225) < 100 * EPS


def test_tensor_average_m1_and_symmetric_part_carries_spectrum():
    assert np.max(np.abs(tensor_average(1) - (2 / 3) * np.eye(3))) < 10 * EPS
    for m in range(1, 6):
        info = tensor_top_eigenvalue(m)
        assert info["symmetric_dimension"] == dim_v(m)
        assert abs(info["top_symmetric"] - exact_spectrum(m, "kac")[0][0]) < 100 * EPS
        assert info["top_full"] <= 2 / 3 + 100 * EPS
        assert info["top_full"] >= info["top_symmetric"] - 100 * EPS


def test_symmetric_tensor_spectrum_equals_thermostat_spectrum():
    """J T J^-1 on symmetric tensors (seed 000's W_m) has T's full spectrum on V_m."""
    from kacspectral.lemma3 import _symmetric_projector

    for m in (2, 3, 4):
        P = _symmetric_projector(m)
        ev = np.sort(np.linalg.eigvalsh(P.T @ tensor_average(m) @ P))[::-1]
        ex = np.array([r[0] for r in exact_spectrum(m, "kac")])
        assert np.max(np.abs(ev - ex)) < 100 * EPS


def test_bad_input():
    with pytest.raises(ValueError, match="m_max must be an integer >= 1"):
        lemma3_check(0)
    with pytest.raises(ValueError, match="n must be a non-negative integer"):
        exact_eigenvalue(-1, 0)
    with pytest.raises(ValueError, match="m must be an integer in 1..8"):
        tensor_average(9)


def test_lemma3_kac_up_to_m40_meets_the_accuracy_target():
    """The issue's target: max |error| <= 1e-11 for every m <= 40 (measured ~1e-14)."""
    res = lemma3_check(40, "kac")
    assert res.holds
    assert all(r.max_abs_error <= 1e-11 for r in res.rows)
    assert max(r.symmetry_error for r in res.rows) < 1e-13
