"""The reduced (epsilon -> 0) electric-field model against independent references.

The reference is built here from scratch: sympy integrates ``D(|v|) M_{u,T}`` against
``v_z`` and ``|v|^2`` one Cartesian direction at a time (no Gaussian-product formula), and
mpmath solves the resulting equations at 30 digits.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

from kacspectral.efield.problem import Diffusion, EFieldProblem
from kacspectral.efield.reduced import (
    continue_branch,
    diffusion_integrals,
    exact_constant_d,
    reduced_rhs,
    reduced_state,
    stationary_states,
)

A, B, C, NU, T0 = sp.Rational(1, 20), 5, 1, 1, 1


def _reference_system():
    """F(u, T, E) = (du/dt, dT/dt) for D = 1/20 + 5 exp(-r^2/2), by sympy integration."""
    u, T = sp.symbols("u T", positive=True)
    x, m = sp.symbols("x m", real=True)
    g1 = sp.exp(-x**2 / (2 * C) - (x - m) ** 2 / (2 * T)) / sp.sqrt(2 * sp.pi * T)
    ix0, _, ix2 = (sp.integrate(x**k * g1.subs(m, 0), (x, -sp.oo, sp.oo), conds="none")
                   for k in range(3))
    iz0, iz1, iz2 = (sp.integrate(x**k * g1, (x, -sp.oo, sp.oo), conds="none").subs(m, u)
                     for k in range(3))
    G0 = ix0**2 * iz0
    G1 = ix0**2 * iz1
    G2 = 2 * ix2 * ix0 * iz0 + ix0**2 * iz2
    a0, a1, a2 = A + B * G0, A * u + B * G1, A * (u**2 + 3 * T) + B * G2
    P = a1 / T0 - (a1 - u * a0) / T
    W = a2 / T0 - (a2 - u * a1) / T
    E = sp.Symbol("E")
    F = sp.Matrix([E - NU * u - P, sp.Rational(2, 3) * (NU * u**2 + u * P - W)])
    J = F.jacobian([u, T])
    return sp.lambdify((u, T, E), F, "mpmath"), sp.lambdify((u, T, E), J, "mpmath")


@pytest.fixture(scope="module")
def reference():
    mp.mp.dps = 30
    return _reference_system()


@pytest.fixture(scope="module")
def example():
    return EFieldProblem(1.3, 1.0, Diffusion.gaussian(0.05, 5.0, 1.0))


def test_closed_form_matches_quadrature():
    d = Diffusion.gaussian(0.05, 5.0, 1.0)
    for u, T in [(0.0, 1.0), (0.6, 1.3), (1.2, 8.3), (2.0, 20.0), (-0.7, 0.5)]:
        closed = np.array(diffusion_integrals(d, u, T, "closed"))
        quad = np.array(diffusion_integrals(d, u, T, "quadrature", nodes=120))
        np.testing.assert_allclose(quad, closed, rtol=1e-13, atol=1e-15)


def test_general_expression_recognised_and_by_quadrature():
    r = sp.Symbol("r", positive=True)
    d = Diffusion.from_expression(sp.Rational(1, 20) + 5 * sp.exp(-r**2 / 2))
    assert d.gaussian_parameters == pytest.approx((0.05, 5.0, 1.0))
    other = Diffusion.from_expression(1 + r**2 / (1 + r**2))  # no closed form
    assert other.gaussian_parameters is None
    # quadrature of D = 1 + r^2/(1+r^2) against M_{0,1}: int r^2/(1+r^2) M dv by mpmath
    mp.mp.dps = 20
    ref = 1 + mp.quad(lambda s: s**2 / (1 + s**2) * 4 * mp.pi * s**2 * mp.exp(-s**2 / 2)
                      / (2 * mp.pi) ** 1.5, [0, mp.inf])
    assert diffusion_integrals(other, 0.0, 1.0)[0] == pytest.approx(float(ref), rel=1e-12)


def test_constant_d_reduced_is_exact():
    p = EFieldProblem(0.7, 0.4, 1.3, t0=1.5)
    st = reduced_state(p, (0.1, 1.0))
    u, m2 = exact_constant_d(0.7, 0.4, 1.3, 1.5)
    assert abs(st.u - u) < 1e-12 and abs(st.m2 - m2) < 1e-12
    assert st.stable


@pytest.mark.slow
def test_three_states_at_E_1_3_sympy(example, reference):
    F, J = reference
    states = stationary_states(example, grid=6)
    assert [s.kind for s in states] == ["stable", "saddle", "stable"]
    issue = [(0.594, 1.312), (0.956, 2.825), (1.198, 8.311)]  # seed-003 issue, 3 digits
    for st, (u0, t0) in zip(states, issue, strict=True):
        sol = mp.findroot(lambda a, b: tuple(F(a, b, mp.mpf("1.3"))), (u0, t0))
        assert abs(st.u - float(sol[0])) < 1e-10 and abs(st.T - float(sol[1])) < 1e-10
        assert abs(st.u - u0) < 1e-3 and abs(st.T - t0) < 1e-3
        ev = mp.eig(J(sol[0], sol[1], mp.mpf("1.3")))[0]
        np.testing.assert_allclose(sorted(np.real(st.eigenvalues)),
                                   sorted(float(mp.re(e)) for e in ev), atol=1e-9)


@pytest.mark.slow
def test_folds_to_1e_8_sympy(example, reference):
    F, J = reference
    br = continue_branch(example, e_max=2.0)
    assert len(br.folds) == 2
    for fold in br.folds:
        def ext(u, T, E):
            f = F(u, T, E)
            return (f[0], f[1], mp.det(J(u, T, E)))
        sol = mp.findroot(ext, (fold.u, fold.T, fold.E))
        assert abs(fold.E - float(sol[2])) < 1e-8
        assert abs(fold.u - float(sol[0])) < 1e-7 and abs(fold.T - float(sol[1])) < 1e-7
    e_lo, e_hi = sorted(f.E for f in br.folds)
    assert abs(e_lo - 1.222) < 1e-3 and abs(e_hi - 1.397) < 1e-3
    # the branch crosses E = 1.3 three times, with the same states as the lattice search
    on_branch = br.states_at(1.3)
    lattice = stationary_states(example, grid=6)
    assert len(on_branch) == 3
    for a, b in zip(on_branch, lattice, strict=True):
        assert abs(a.T - b.T) < 1e-10


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_out_of_range_raises_not_nan(example):
    """MINPACK's Newton in log T can underflow T to 0 (it did: 0/0 in the closed form, a
    silent nan fed back to the solver); the model refuses such points instead."""
    from kacspectral.efield.reduced import OutOfRangeError

    d = example.diffusion
    for u, T in [(0.06, 0.0), (0.1, -1.0), (0.1, math.inf), (math.nan, 1.0), (0.1, 1e-300)]:
        with pytest.raises(OutOfRangeError):
            reduced_rhs(np.array([u, T]), 1.3, 1.0, d, 1.0)
    # the closed form holds down to the bottom of the range (S/T written as c/(c+T)): as
    # T -> 0, M_{u,T} -> delta_{u e_z} and A_k -> D(u) (1, u, u^2) with an O(T) error
    tiny = np.array(diffusion_integrals(d, 0.3, 1e-8, "closed"))
    dz = 0.05 + 5 * math.exp(-0.3**2 / 2)
    np.testing.assert_allclose(tiny, [dz, 0.3 * dz, 0.09 * dz], rtol=1e-6)  # 3e-7 = O(30 T)


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_outside_window_one_state(example):
    for E, expect in [(1.1, "stable"), (1.5, "stable")]:
        states = stationary_states(example.with_field(E), grid=4)
        assert len(states) == 1 and states[0].kind == expect


def test_rhs_field_cancels_in_temperature(example):
    x = np.array([0.8, 2.0])
    a = reduced_rhs(x, 1.0, 1.0, example.diffusion, 1.0)
    b = reduced_rhs(x, 2.0, 1.0, example.diffusion, 1.0)
    assert b[0] - a[0] == pytest.approx(1.0, abs=1e-14) and b[1] == a[1]
    assert math.isfinite(a[1])


def test_three_states_and_folds_fast(example):
    """Closed form against the radial quadrature, and the fold's two characterisations."""
    from kacspectral.efield.reduced import _full_jac

    closed = stationary_states(example, grid=5)
    quad = stationary_states(example, grid=5, method="quadrature")
    assert [s.kind for s in closed] == ["stable", "saddle", "stable"]
    for a, b, (u0, t0) in zip(closed, quad, [(0.594, 1.312), (0.956, 2.825), (1.198, 8.311)],
                              strict=True):
        assert abs(a.u - b.u) < 1e-12 and abs(a.T - b.T) < 1e-11
        assert abs(a.u - u0) < 1e-3 and abs(a.T - t0) < 1e-3
    br = continue_branch(example, e_max=1.6)
    assert len(br.folds) == 2
    for fold in br.folds:
        # det J = 0 was solved; the tangent of the branch there has no E component
        y = np.array([fold.u, fold.T, fold.E])
        t = np.linalg.svd(_full_jac(y, 1.0, example.diffusion, 1.0, "auto"))[2][-1]
        assert abs(t[2]) < 1e-10
        assert min(abs(np.real(fold.eigenvalues))) < 1e-10
        assert fold.kind == "marginal" and not fold.stable  # no stability claimed at a fold
    e_lo, e_hi = sorted(f.E for f in br.folds)
    assert abs(e_lo - 1.222) < 1e-3 and abs(e_hi - 1.397) < 1e-3  # the issue's window


def test_parsed_diffusion_has_closed_form():
    from kacspectral.physics.expressions import parse_expression

    d = Diffusion.from_expression(parse_expression("0.05 + 5*exp(-r**2/2)", variables=("r",)))
    assert d.gaussian_parameters == pytest.approx((0.05, 5.0, 1.0), rel=1e-15)
    with pytest.raises(TypeError):
        Diffusion.from_expression("0.05 + 5*exp(-r**2/2)")  # text is never evaluated
    with pytest.raises(ValueError):
        Diffusion.from_expression(parse_expression("1 - r", variables=("r",)))  # D <= 0


def test_reduced_hysteresis(example):
    from kacspectral.efield.sweep import reduced_sweep

    fields = [1.15, 1.3, 1.45]
    up = reduced_sweep(example, fields, (0.5, 1.2))
    down = reduced_sweep(example, fields[::-1], (up[-1].u, up[-1].T))
    states = stationary_states(example, grid=5)
    assert abs(up[1].T - states[0].T) < 1e-10  # lower branch on the way up
    assert abs(down[1].T - states[2].T) < 1e-10  # upper branch on the way down
    assert all(s.stable for s in up + down)


def test_problem_save_load_pickle_round_trip(tmp_path):
    import pickle

    import kacspectral as ks

    p = EFieldProblem(1.3, 1.0, Diffusion.gaussian(0.05, 5.0, 1.0), epsilon=0.01, t0=1.5)
    back = ks.load(p.save(tmp_path / "p.json"))
    assert back == p and back.diffusion.gaussian_parameters == (0.05, 5.0, 1.0)
    assert pickle.loads(pickle.dumps(p)) == p
    assert p.summary()["diffusion"] == "1/20 + 5*exp(-r**2/2)"
