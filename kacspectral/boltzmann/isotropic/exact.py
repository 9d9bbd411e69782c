"""Exact (rational) moments of the reservoir NESS, and an exact-coefficient density reference.

Moment recursion (conventions page, section 4; seed 003, eqs. (1.4)-(1.8))
----------------------------------------------------------------
Write ``phi(k) = sum_n c_n k^(2n)`` with ``c_n = (-1)^n m_{2n} / (2n+1)!`` and ``r_n`` the same for
the reservoir ``R``.  Bobylev's isotropic formula maps ``k^(2i) x k^(2j)`` to ``B_ij k^(2(i+j))``
with ``B_ij = (1/2) int b(s) ((1+s)/2)^i ((1-s)/2)^j ds``, so ``f = Phi(f)`` reads ``c_0 = 1`` and

    c_n [1 - (1-gamma)(B_n0 + B_0n) - gamma B_n0]
        = (1-gamma) sum_{i=1}^{n-1} c_i c_{n-i} B_{i,n-i}
          + gamma sum_{i=0}^{n-1} c_i r_{n-i} B_{i,n-i}.

For rational ``gamma, w_a, T_a`` and kernels with rational ``B_ij`` (polynomial kernels, ``kac``)
every ``m_{2n}`` is rational and is computed here in exact :class:`fractions.Fraction`
arithmetic.

Diffusive reservoirs (seed 003, section 3).  A problem with a ``diffusive`` attribute
(:class:`kacspectral.boltzmann.isotropic.diffusive.DiffusiveNessProblem`) adds
``eta FP_T`` (reduced pair ``(eta, T)``), whose transform ``-(T k^2 phi + k phi')`` adds
``-eta (T c_{n-1} + 2n c_n)`` to the ``k^(2n)`` coefficient of the stationary equation:

    c_n [1 - (1-gamma)(B_n0 + B_0n) - gamma B_n0 + 2 n eta] = (same right side) - eta T c_{n-1},

i.e. ``d m_{2n}/dt`` gains ``-2n eta m_{2n} + 2n(2n+1) eta T m_{2n-2}``.

Kernels whose ``B_ij`` are exact but irrational fall back to sympy arithmetic; kernels with no
exact form are refused (ValueError).

Exact-coefficient density reference
-----------------------------------
The Fourier-Laguerre coefficients used by :mod:`kacspectral.boltzmann.isotropic.bobylev` are *not*
finite
combinations of moments (their weight ``exp(-y/2)`` differs from the orthogonality weight), so the
independent density reference is a second representation, the Sonine (velocity-space Laguerre)
series at a rational temperature ``T``:

    f(v) = M_T(v) sum_n b_n L_n^(1/2)(|v|^2/(2T)),
    b_n = sum_{k<=n} (-1)^k C(n,k) m_{2k} / (T^k (2k+1)!!)                              (E1)

(orthogonality of ``L_n^(1/2)(|v|^2/(2T))`` for ``M_T dv``, norm ``Gamma(n+3/2)/(n! Gamma(3/2))``).
The ``b_n`` are exact rationals.  For ``M_{T'}``, ``b_n = (1 - T'/T)^n``; the steady state is a
mixture of ``M_{T'}``, ``T' in [T_min, T_max]``, so with ``T = (T_min + T_max)/2``,
``|b_n| <= r^n``, ``r = (T_max - T_min)/(T_max + T_min)``, and with Szego's bound
``|L_n^(1/2)(z)| <= (3/2)_n/n! e^(z/2)`` the tail after ``N`` terms is at most
``(2 pi T)^(-3/2) e^(-z/2) sum_{n>N} r^n (3/2)_n/n!``: a rigorous pointwise error bound.
The series is summed in mpmath at high precision.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import mpmath
import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from kacspectral.boltzmann.isotropic.limits import check_exact_moment_order, input_digits
from kacspectral.physics.kernels import AngularKernel, S
from kacspectral.physics.reservoirs import as_fraction
from kacspectral.spectral.polynomials import double_factorial

if TYPE_CHECKING:  # pragma: no cover
    from kacspectral.boltzmann.isotropic.ness import NessProblem

__all__ = [
    "exact_B_table",
    "exact_moments",
    "exact_taylor_coefficients",
    "reservoir_taylor_coefficients",
    "sonine_coefficients",
    "sonine_density",
    "sonine_reference_density",
    "sonine_terms_needed",
]


def _rising(x: Fraction, n: int) -> Fraction:
    out = Fraction(1)
    for k in range(n):
        out *= x + k
    return out


def _to_fraction(x: sp.Expr) -> Fraction | None:
    """``x`` as an exact Fraction if it simplifies to a sympy Rational, else None.

    No rational *guessing* (``sp.nsimplify`` would turn ``0.333333333333`` or even
    ``333333333333/10^12`` into ``1/3``); floating-point numbers are refused.
    """
    x = sp.sympify(x)
    if x.has(sp.Float):
        raise ValueError(
            f"exact arithmetic needs exact (rational or symbolic) kernel coefficients, got the "
            f"floating-point number(s) in {x}; write them as fractions (e.g. 1/3)"
        )
    x = sp.simplify(x)
    if isinstance(x, sp.Rational):
        return Fraction(int(x.p), int(x.q))
    return None


def _check_exact_kernel(
    kernel: AngularKernel,
) -> tuple[sp.Expr, tuple[sp.Rational, sp.Rational]]:
    """``(p, (a, c))`` of an exact kernel; raise for a kernel without an exact form."""
    if not isinstance(kernel, AngularKernel):
        raise TypeError(f"kernel must be an AngularKernel, got {type(kernel).__name__}")
    if kernel.smooth_expr is None or kernel.exact_exponents is None:  # not kernel.is_exact
        raise ValueError(
            f"kernel {kernel.name!r} has no exact form (its smooth part is not a polynomial in s "
            "with rational endpoint exponents): exact moments need exact B_ij; use the "
            "numerical solver kacspectral.boltzmann.isotropic.ness.solve_ness instead"
        )
    return kernel.smooth_expr, kernel.exact_exponents


def exact_B_table(kernel: AngularKernel, n_max: int) -> list[list[Any]]:
    """``B[i][j]`` for ``i + j <= n_max`` exactly (Fractions when rational, else sympy numbers).

    With ``b = (1-s)^a (1+s)^c p(s)``, ``u = (1-s)/2`` and ``p(1-2u) = sum_k p_k u^k``:
    ``B_ij = 2^(a+c) Beta(a+1, c+1) sum_k p_k (a+1)_{j+k} (c+1)_i / (a+c+2)_{i+j+k}``
    (Pochhammer symbols), the closed form behind ``AngularKernel.B_exact``.  The prefactors
    ``2^(a+c) Beta(a+1,c+1) p_k`` are rational for the named and polynomial kernels; then the
    whole table is built in Fraction arithmetic (fast), and a few entries are cross-checked
    against ``kernel.B_exact``.  Otherwise every entry comes from ``kernel.B_exact``.
    """
    smooth, (a_e, c_e) = _check_exact_kernel(kernel)
    n_max = int(n_max)
    u = sp.Symbol("u")
    pk = sp.Poly(sp.expand(smooth.subs(S, 1 - 2 * u)), u).all_coeffs()[::-1]
    pref = 2 ** (a_e + c_e) * sp.beta(a_e + 1, c_e + 1)
    e = [_to_fraction(pref * p) if p != 0 else Fraction(0) for p in pk]
    if all(x is not None for x in e):
        a = Fraction(int(sp.Rational(a_e).p), int(sp.Rational(a_e).q))
        c = Fraction(int(sp.Rational(c_e).p), int(sp.Rational(c_e).q))
        ra = [_rising(a + 1, m) for m in range(n_max + len(e) + 1)]
        rc = [_rising(c + 1, m) for m in range(n_max + 1)]
        rac = [_rising(a + c + 2, m) for m in range(n_max + len(e) + 1)]
        table = [
            [
                sum(
                    (ek * ra[j + k] * rc[i] / rac[i + j + k] for k, ek in enumerate(e) if ek),
                    Fraction(0),
                )
                for j in range(n_max + 1 - i)
            ]
            for i in range(n_max + 1)
        ]
        for i, j in ((0, 0), (1, 0), (0, 1), (2, 1)):
            if i + j <= n_max:
                ref = _to_fraction(kernel.B_exact(i, j))
                if ref != table[i][j]:  # pragma: no cover - a guard on the closed form
                    raise RuntimeError(
                        f"exact B_{i}{j} mismatch for kernel {kernel.name!r}: {table[i][j]} "
                        f"vs B_exact {ref}"
                    )
        return table
    return [[kernel.B_exact(i, j) for j in range(n_max + 1 - i)] for i in range(n_max + 1)]


def _problem_parts(problem: NessProblem) -> tuple[Fraction, Any, AngularKernel]:
    for attr in ("gamma", "reservoir", "kernel"):
        if not hasattr(problem, attr):
            raise TypeError(
                f"problem must have gamma, reservoir and kernel (a NessProblem), got "
                f"{type(problem).__name__}"
            )
    gamma = as_fraction(problem.gamma, "gamma")
    _check_exact_kernel(problem.kernel)
    return gamma, problem.reservoir, problem.kernel


def reservoir_taylor_coefficients(reservoir: Any, n_max: int) -> list[Fraction]:
    """``r_n = (-1)^n m_{2n}[R]/(2n+1)! = sum_a w_a (-T_a/2)^n / n!`` exactly, ``n <= n_max``."""
    return [
        Fraction((-1) ** n) * reservoir.moment_exact(n) / math.factorial(2 * n + 1)
        for n in range(int(n_max) + 1)
    ]


def exact_taylor_coefficients(problem: NessProblem, n_max: int) -> list[Any]:
    """Exact Taylor coefficients ``c_n`` of ``phi(k) = sum c_n k^(2n)`` of the NESS, ``n <= n_max``.

    The recursion of the conventions page, section 4 (module docstring) in exact arithmetic.
    Returns Fractions
    (sympy numbers for a kernel with irrational ``B_ij``).

    Raises
    ------
    ValueError
        If the kernel has no exact form.
    """
    gamma, reservoir, kernel = _problem_parts(problem)
    n_max = check_exact_moment_order(  # refuses beyond the cost limit, with the estimate
        n_max, input_digits(gamma, *reservoir.weights, *reservoir.temperatures))
    B = exact_B_table(kernel, n_max)
    r = reservoir_taylor_coefficients(reservoir, n_max)
    one = Fraction(1)
    diffusive = getattr(problem, "diffusive", None)  # DiffusiveNessProblem (module docstring)
    eta = diffusive.eta_exact if diffusive is not None else Fraction(0)
    T_d = diffusive.temperature_exact if diffusive is not None else Fraction(0)
    c: list[Any] = [one]
    for n in range(1, n_max + 1):
        rhs = sum(((one - gamma) * c[i] * c[n - i] * B[i][n - i] for i in range(1, n)), 0) + sum(
            (gamma * c[i] * r[n - i] * B[i][n - i] for i in range(n)), 0
        )
        den = one - (one - gamma) * (B[n][0] + B[0][n]) - gamma * B[n][0] + 2 * n * eta
        c.append((rhs - eta * T_d * c[n - 1]) / den)
    return c


def exact_moments(problem: NessProblem, n_max: int) -> list[Any]:
    """Exact moments ``m_{2n} = int |v|^(2n) f_inf dv`` of the NESS, ``n = 0..n_max``.

    ``m_{2n} = (-1)^n (2n+1)! c_n`` from :func:`exact_taylor_coefficients`.  Example (conventions
    page, section 4): ``gamma = 1/2``, ``R = (M_{1/6} + M_{1/2})/2``, ``b = 1``: ``m_2 = 1``,
    ``m_4 = 65/36``.

    Parameters
    ----------
    problem : NessProblem or DiffusiveNessProblem
        The steady-state problem (seed 003, eq. (1.4); with diffusive reservoirs, eq. (3.2)),
        with exact rational data (``gamma``, weights and temperatures as Fractions) and a kernel
        with an exact form (``kernel.is_exact``: a polynomial smooth part with rational endpoint
        exponents).
    n_max : int
        Highest order, a non-negative integer up to ``MAX_EXACT_MOMENT_ORDER`` whose estimated
        cost (it grows with the digits of the inputs) is within the time budget.

    Returns
    -------
    list
        ``[m_0, m_2, ..., m_{2 n_max}]`` (``m_0 = 1``, probability normalisation): Fractions, or
        sympy numbers for a kernel with irrational ``B_ij``.

    Raises
    ------
    TypeError
        If ``problem`` lacks ``gamma``, ``reservoir`` or ``kernel``.
    ValueError
        If the kernel has no exact form, or ``n_max`` is not a non-negative integer or beyond the
        limit (a :class:`~kacspectral.errors.BudgetError` when beyond the time budget).
    """
    c = exact_taylor_coefficients(problem, n_max)
    return [(-1) ** n * math.factorial(2 * n + 1) * cn for n, cn in enumerate(c)]


def sonine_coefficients(moments: list[Any], T: object) -> list[Fraction]:
    """Exact Sonine coefficients (E1) ``b_n``, ``n < len(moments)``, from exact moments ``m_{2k}``.

    ``f = M_T sum_n b_n L_n^(1/2)(|v|^2/(2T))``; ``T`` a positive rational.
    """
    T = as_fraction(T, "T")
    if T <= 0:
        raise ValueError(f"Sonine temperature T must be > 0, got {T}")
    mu = [Fraction(m) / (T**k * double_factorial(2 * k + 1)) for k, m in enumerate(moments)]
    return [
        sum((Fraction((-1) ** k * math.comb(n, k)) * mu[k] for k in range(n + 1)), Fraction(0))
        for n in range(len(moments))
    ]


def _sonine_tail_weights(r: float, n_terms: int) -> float:
    """``sum_{n >= n_terms} r^n (3/2)_n / n!`` (the tail factor of the error bound)."""
    total, n, term = 0.0, 0, 1.0
    while True:
        if n >= n_terms:
            total += term
            if term < 1e-30 * max(total, 1e-300) or n > n_terms + 100000:
                break
        term *= r * (n + 1.5) / (n + 1)
        n += 1
        if n > n_terms and term < 1e-40:
            break
    return total


def sonine_terms_needed(t_min: float, t_max: float, tol: float = 1e-16) -> int:
    """Smallest ``N`` whose Sonine tail bound (module docstring) is below ``tol * (2 pi T)^(-3/2)``
    at ``T = (t_min + t_max)/2`` (``N`` terms: ``n = 0..N-1``)."""
    r = (t_max - t_min) / (t_max + t_min)
    if r == 0:
        return 1
    n = 1
    while _sonine_tail_weights(r, n) > tol:
        n += 1
    return n


def sonine_density(
    moments: list[Any],
    t_min: object,
    t_max: object,
    speed: ArrayLike,
    dps: int = 40,
) -> tuple[NDArray, float]:
    """Sonine series (E1) of a state with exact moments ``m_0 .. m_{2(N-1)}`` (``N`` terms).

    ``T = (t_min + t_max)/2``; the returned bound (max over ``speed``) is the rigorous tail bound
    of the module docstring, valid for a mixture of Maxwellians with temperatures in
    ``[t_min, t_max]`` (the NESS, the reservoir itself).
    """
    lo, hi = as_fraction(t_min, "t_min"), as_fraction(t_max, "t_max")
    if not 0 < lo <= hi:
        raise ValueError(f"need 0 < t_min <= t_max, got t_min = {lo}, t_max = {hi}")
    n_terms = len(moments)
    if n_terms < 1:
        raise ValueError("moments must hold at least m_0")
    T = (lo + hi) / 2
    r = float((hi - lo) / (hi + lo))
    b = sonine_coefficients(list(moments), T)
    tail = _sonine_tail_weights(r, n_terms)
    speeds = np.asarray(speed, dtype=float)
    out = np.empty(speeds.shape)
    with mpmath.workdps(dps):
        bm = [mpmath.mpf(x.numerator) / x.denominator for x in b]
        Tm = mpmath.mpf(T.numerator) / T.denominator
        pref = (2 * mpmath.pi * Tm) ** mpmath.mpf(-1.5)
        half = mpmath.mpf(1) / 2
        for idx, v in np.ndenumerate(speeds):
            z = mpmath.mpf(float(v)) ** 2 / (2 * Tm)
            lm1, l0 = mpmath.mpf(0), mpmath.mpf(1)
            total = bm[0] * l0
            for n in range(1, n_terms):
                # (n) L_n = (2n - 1 + alpha - z) L_{n-1} - (n - 1 + alpha) L_{n-2}, alpha = 1/2
                l1 = ((2 * n - 1 + half - z) * l0 - (n - 1 + half) * lm1) / n
                total += bm[n] * l1
                lm1, l0 = l0, l1
            out[idx] = float(pref * mpmath.exp(-z) * total)
    z = speeds**2 / (2 * float(T))
    bound = float(np.max((2 * np.pi * float(T)) ** -1.5 * np.exp(-z / 2) * tail)) if z.size else 0.0
    return out, bound


def sonine_reference_density(
    problem: NessProblem,
    speed: ArrayLike,
    n_terms: int | None = None,
    dps: int = 40,
    tol: float = 1e-16,
) -> tuple[NDArray, float]:
    """Independent reference for the NESS density from exact moments (E1), summed in mpmath.

    Parameters
    ----------
    problem : NessProblem
        Rational ``gamma``, reservoir and an exact kernel.
    speed : array_like
        ``|v|`` values.
    n_terms : int, optional
        Number of Sonine terms; default: :func:`sonine_terms_needed` for ``tol``.
    dps : int
        mpmath decimal digits.

    Returns
    -------
    (values, bound)
        The density at ``speed`` and the rigorous tail bound (max over the given speeds) of the
        truncated series, from Szego's inequality and ``|b_n| <= r^n`` (:func:`sonine_density`).
    """
    _, reservoir, _ = _problem_parts(problem)
    lo = min(t for t, w in zip(reservoir.temperatures, reservoir.weights, strict=True) if w > 0)
    hi = max(t for t, w in zip(reservoir.temperatures, reservoir.weights, strict=True) if w > 0)
    if n_terms is None:
        n_terms = sonine_terms_needed(float(lo), float(hi), tol)
    moments = exact_moments(problem, n_terms - 1)
    return sonine_density(moments, lo, hi, speed, dps)
