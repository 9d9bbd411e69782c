"""Exact ODEs for the second-moment tensor and the fourth moment, derived from Bobylev's formula.

The equation (seed 003, eq. (1.4); conventions page, section 4) for a centred state f of mass 1 is

    df/dt = (1 - gamma) Q+(f, f) + gamma Q+(f, R) - f.

Its moments ``S_ij = int v_i v_j f dv`` and ``m4 = int |v|^4 f dv`` obey a closed system, derived
here in sympy **independently of the Hermite solver** (conventions page, section 3):

1. Bobylev's formula ``Q+(f,g)^(xi) = int_{S^2} f^(xi+) g^(xi-) b(sigma.xi/|xi|) dsigma`` with
   ``xi = k e``, ``xi+- = k u+-``, ``u+- = (e +- sigma)/2``.
2. The Taylor expansion of a centred ``f^`` (conventions page, section 1:
   ``f^(xi) = int f e^{-i xi.v}``):
   ``f^(eta) = 1 - (1/2) eta.S eta + (1/24) F[eta^4] + (odd terms)``,
   ``F_ijkl = int v_i v_j v_k v_l f``.
   With both first moments zero, the odd terms do not reach the orders 2 and 4 of the product.
3. The sigma-integrals of the resulting polynomials in ``(e, sigma)``:
   ``sigma = s e + r (cos(phi) e1 + sin(phi) e2)``, ``r = sqrt(1-s^2)``, with the frame
   ``e = (sin t cos p, sin t sin p, cos t)``,
   ``e1 = d e / d t``, ``e2 = (-sin p, cos p, 0)``; monomials in ``cos, sin`` integrate to Beta
   functions, and ``(1/2) int b(s) s^m r^n ds`` is done by sympy on the kernel's exact expression.
4. Second moments of ``Q+``: the ``k^2`` coefficient of ``Q+^(k e)`` is ``-(1/2) e.S' e``, read at
   six directions ``e`` to recover the symmetric ``S'``.  Fourth moment: the ``k^4`` coefficient
   ``q4(e)`` is a quartic form whose bi-Laplacian is ``int |v|^4 Q+``; for a quartic,
   ``Delta^2 P = 120 * (average of P over S^2)``, so ``m4' = 120 E_e[q4(e)]`` with ``e`` uniform.

The result (checked symbolically to have this form, otherwise an error is raised):

    S'[Q+(f,g)] = a_p S_f + b_p tr(S_f) I + a_m S_g + b_m tr(S_g) I,
    m4[Q+(f,g)] = c_p m4_f + c_m m4_g + p tr(S_f) tr(S_g) + q tr(S_f S_g).

The time evolution is a linear ODE for ``y = (1, S (6), S_a S_b (21), m4)`` solved exactly by the
matrix exponential in mpmath at 40 digits (:meth:`MomentEquations.solve`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import mpmath
import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from kacspectral.physics.kernels import AngularKernel, get_kernel
from kacspectral.physics.kernels import S as S_SYM
from kacspectral.physics.reservoirs import MaxwellianMixture

__all__ = [
    "MomentEquations",
    "gain_moment_coefficients",
    "pair_average",
    "direction_integral",
]

# Symbols of the sphere parametrisation.
CT, ST, CP, SP, CF, SF, SS, RR = sp.symbols("ct st cp sp cf sf s r", real=True)
_GENS = (CT, ST, CP, SP, CF, SF, SS, RR)
E_VEC = sp.Matrix([ST * CP, ST * SP, CT])
E1_VEC = sp.Matrix([CT * CP, CT * SP, -ST])
E2_VEC = sp.Matrix([-SP, CP, sp.Integer(0)])
SIGMA_VEC = SS * E_VEC + RR * (CF * E1_VEC + SF * E2_VEC)
U_PLUS = (E_VEC + SIGMA_VEC) / 2
U_MINUS = (E_VEC - SIGMA_VEC) / 2

#: index pairs of a symmetric 3x3 matrix, in the order used for vectors of length 6
PAIRS = [(0, 0), (1, 1), (2, 2), (0, 1), (0, 2), (1, 2)]


def _circle(a: int, b: int) -> sp.Expr:
    """``(1/2pi) int_0^{2pi} cos^a sin^b`` (0 unless a, b are both even)."""
    if a % 2 or b % 2:
        return sp.Integer(0)
    return sp.gamma(sp.Rational(a + 1, 2)) * sp.gamma(sp.Rational(b + 1, 2)) / (
        sp.pi * sp.gamma(sp.Rational(a + b, 2) + 1)
    )


def _polar(a: int, b: int) -> sp.Expr:
    """``(1/2) int_0^pi cos^a(t) sin^b(t) sin(t) dt`` (uniform measure on S^2, polar part)."""
    if a % 2:
        return sp.Integer(0)
    return sp.gamma(sp.Rational(a + 1, 2)) * sp.gamma(sp.Rational(b + 2, 2)) / (
        2 * sp.gamma(sp.Rational(a + b + 3, 2))
    )


_CACHE: dict = {}


def _key(kernel: AngularKernel) -> tuple:
    """Cache key: exact kernels by expression (equal kernels share results), others by id.

    An ``id`` can be reused after the kernel is garbage-collected, so :func:`_cached` stores
    the kernel itself next to the value and trusts an ``id`` entry only if it is the same
    object (which the stored reference also keeps alive).
    """
    if kernel.is_exact:
        return ("exact", str(kernel.expr))
    return ("id", id(kernel))


def _cached(key: tuple, kernel: AngularKernel, compute):
    hit = _CACHE.get(key)
    if hit is not None and (kernel.is_exact or hit[0] is kernel):
        return hit[1]
    value = compute()
    _CACHE[key] = (kernel, value)
    return value


def _s_moment_cached(kernel: AngularKernel, m: int, n: int) -> sp.Expr:
    return _cached(("s", _key(kernel), m, n), kernel,
                   lambda: _s_moment_uncached(kernel, m, n))


#: Relative tolerance (units of machine epsilon) of the structure checks for kernels without
#: an exact expression, whose s-moments are floats (rounding residuals ~1e-16 are expected).
FLOAT_STRUCTURE_TOL_EPS = 1000.0


def _is_zero(residual, kernel: AngularKernel, scale: float) -> bool:
    """Exact kernels: the residual must vanish symbolically.  Float kernels: every numeric
    coefficient of the residual (a polynomial in the moment symbols) must be below
    ``FLOAT_STRUCTURE_TOL_EPS * eps * scale``."""
    exprs = list(residual) if isinstance(residual, sp.MatrixBase) else [residual]
    if kernel.is_exact:
        return all(sp.simplify(x) == 0 for x in exprs)
    tol = FLOAT_STRUCTURE_TOL_EPS * float(np.finfo(float).eps) * max(scale, 1.0)
    for x in exprs:
        x = sp.expand(x)
        if x == 0:
            continue
        coeffs = sp.Poly(x, *sorted(x.free_symbols, key=str)).coeffs() if x.free_symbols \
            else [x]
        if any(abs(complex(c)) > tol for c in coeffs):
            return False
    return True


def _s_moment_uncached(kernel: AngularKernel, m: int, n: int) -> sp.Expr:
    if kernel.is_exact:
        # b = (1-s)^a (1+s)^c p(s); with u = (1-s)/2 the integral is a sum of Beta functions:
        # (1/2) int (1-s)^(a+n) (1+s)^(c+n) s^m p(s) ds
        #   = 2^(a+c+2n) sum_k g_k B(a+n+k+1, c+n+1),  s^m p(s) = sum_k g_k u^k.
        a, c = kernel.exact_exponents
        u = sp.Symbol("u")
        g = sp.Poly(sp.expand((S_SYM**m * kernel.smooth_expr).subs(S_SYM, 1 - 2 * u)), u)
        total = sp.Integer(0)
        for (k,), gk in g.terms():
            total += gk * sp.gamma(a + n + k + 1) * sp.gamma(c + n + 1) / sp.gamma(
                a + c + 2 * n + k + 2)
        return sp.nsimplify(sp.simplify(2 ** (a + c + 2 * n) * total))
    # no exact form: the kernel's own Gauss-Jacobi rule (exact for a polynomial smooth part)
    return sp.Float(kernel.integrate(lambda s: s**m * (1 - s**2) ** n, degree=m + 2 * n), 17)


def s_moment(kernel: AngularKernel, m: int, n_half: int) -> sp.Expr:
    """``(1/2) int_{-1}^{1} b(s) s^m (1 - s^2)^{n_half} ds`` -- exact (sympy) for exact kernels."""
    return _s_moment_cached(kernel, int(m), int(n_half))


def _integrate_monomials(expr, kernel: AngularKernel, average_e: bool) -> sp.Expr:
    """Integrate a polynomial in the sphere symbols over sigma (and over e if ``average_e``)."""
    poly = expr if isinstance(expr, sp.Poly) else sp.Poly(sp.expand(expr), *_GENS)
    total = sp.Integer(0)
    for (a_ct, a_st, a_cp, a_sp, a_cf, a_sf, a_s, a_r), coeff in poly.terms():
        w = _circle(a_cf, a_sf)
        if w == 0:
            continue
        if a_r % 2:
            raise AssertionError("odd power of r survived the circle average")  # pragma: no cover
        w = w * s_moment(kernel, a_s, a_r // 2)
        if average_e:
            total += coeff * w * _polar(a_ct, a_st) * _circle(a_cp, a_sp)
        else:
            total += coeff * w * CT**a_ct * ST**a_st * CP**a_cp * SP**a_sp
    return sp.nsimplify(total) if kernel.is_exact and average_e else total


def pair_average(expr, kernel: AngularKernel) -> sp.Expr:
    """``E_e int P(e, sigma) b(sigma.e) dsigma`` with ``e`` uniform on S^2 and dsigma uniform.

    ``expr`` is a polynomial (expression or Poly) in the components of :data:`E_VEC` and
    :data:`SIGMA_VEC` (built from the module's symbols).
    """
    return _integrate_monomials(expr, kernel, average_e=True)


def direction_integral(expr, kernel: AngularKernel, theta, psi) -> sp.Expr:
    """``int P(e, sigma) b(sigma.e) dsigma`` at the direction ``e(theta, psi)`` (exact angles)."""
    out = _integrate_monomials(expr, kernel, average_e=False)
    subs = {CT: sp.cos(theta), ST: sp.sin(theta), CP: sp.cos(psi), SP: sp.sin(psi)}
    out = sp.expand(out.subs(subs))
    return sp.nsimplify(out) if kernel.is_exact else out


def _sym_matrix(name: str) -> sp.Matrix:
    syms = {p: sp.Symbol(f"{name}{p[0]}{p[1]}", real=True) for p in PAIRS}
    return sp.Matrix(3, 3, lambda i, j: syms[(min(i, j), max(i, j))])


def _sym_tensor4(name: str):
    syms = {}
    for idx in itertools.combinations_with_replacement(range(3), 4):
        syms[idx] = sp.Symbol(f"{name}{''.join(map(str, idx))}", real=True)
    return lambda i, j, k, l: syms[tuple(sorted((i, j, k, l)))]


# six directions (theta, psi) that determine a symmetric matrix from its quadratic form
_DIRECTIONS = [
    (sp.pi / 2, 0),  # e_x
    (sp.pi / 2, sp.pi / 2),  # e_y
    (0, 0),  # e_z
    (sp.pi / 2, sp.pi / 4),  # (e_x + e_y)/sqrt 2
    (sp.pi / 4, 0),  # (e_x + e_z)/sqrt 2
    (sp.pi / 4, sp.pi / 2),  # (e_y + e_z)/sqrt 2
]


def gain_moment_coefficients(kernel: AngularKernel) -> dict[str, sp.Expr]:
    """The coefficients ``a_p, b_p, a_m, b_m, c_p, c_m, p, q`` of the module docstring.

    Derived from Bobylev's formula by the sigma-integrals of :func:`direction_integral` and
    :func:`pair_average`; the claimed structure (isotropic linear maps, a fourth moment
    depending on ``F`` only through its full trace) is verified symbolically, and an
    ArithmeticError is raised if it fails.
    """
    return dict(_cached(("gain", _key(kernel)), kernel,
                        lambda: _gain_moment_coefficients(kernel)))


def _gain_moment_coefficients(kernel: AngularKernel) -> dict[str, sp.Expr]:
    Sf, Sg = _sym_matrix("A"), _sym_matrix("B")
    r3 = range(3)
    up = [sp.Poly(x, *_GENS) for x in U_PLUS]
    um = [sp.Poly(x, *_GENS) for x in U_MINUS]
    # --- second moments: e.S'e = int [u+.S_f u+ + u-.S_g u-] b dsigma at six directions
    vals = []
    for th, ps in _DIRECTIONS:
        val = sp.Integer(0)
        for i in r3:
            for j in r3:
                val += Sf[i, j] * direction_integral(up[i] * up[j], kernel, th, ps)
                val += Sg[i, j] * direction_integral(um[i] * um[j], kernel, th, ps)
        vals.append(sp.expand(val))
    X = sp.Matrix(3, 3, lambda i, j: sp.Symbol(f"X{min(i, j)}{max(i, j)}"))
    eqs = []
    for (th, ps), val in zip(_DIRECTIONS, vals, strict=True):
        e = sp.Matrix([sp.sin(th) * sp.cos(ps), sp.sin(th) * sp.sin(ps), sp.cos(th)])
        eqs.append(sp.expand((e.T * X * e)[0, 0] - val))
    xs = sorted(X.free_symbols, key=str)
    sol = sp.solve(eqs, xs, dict=True)[0]
    Sprime = X.subs(sol).applyfunc(sp.expand)
    # structure: S' = a_p S_f + b_p tr(S_f) I + a_m S_g + b_m tr(S_g) I
    a_p = sp.expand(Sprime[0, 1]).coeff(Sf[0, 1])
    a_m = sp.expand(Sprime[0, 1]).coeff(Sg[0, 1])
    b_p = sp.expand(Sprime[0, 0]).coeff(Sf[1, 1])
    b_m = sp.expand(Sprime[0, 0]).coeff(Sg[1, 1])
    model = a_p * Sf + b_p * Sf.trace() * sp.eye(3) + a_m * Sg + b_m * Sg.trace() * sp.eye(3)
    resid = (Sprime - model).applyfunc(sp.expand)
    scale = max(abs(float(x)) for x in (a_p, b_p, a_m, b_m))
    if not _is_zero(resid, kernel, scale):
        raise ArithmeticError(f"derived S' is not of the isotropic form: residual {resid}")

    # --- fourth moment: m4' = 120 E_e[q4(e)],
    # q4 = F_f[u+^4]/24 + (u+.S_f u+)(u-.S_g u-)/4 + F_g[u-^4]/24
    Ff, Fg = _sym_tensor4("F"), _sym_tensor4("G")
    cache: dict = {}

    def avg(key, factors):
        if key not in cache:
            prod = factors[0]
            for fac in factors[1:]:
                prod = prod * fac
            cache[key] = pair_average(prod, kernel)
        return cache[key]

    m4p = sp.Integer(0)
    for i, j, k, l in itertools.product(r3, repeat=4):
        srt = tuple(sorted((i, j, k, l)))
        m4p += Ff(i, j, k, l) * avg(("p", srt), [up[x] for x in srt]) / 24
        m4p += Fg(i, j, k, l) * avg(("m", srt), [um[x] for x in srt]) / 24
        key = ("pm", tuple(sorted((i, j))), tuple(sorted((k, l))))
        m4p += Sf[i, j] * Sg[k, l] * avg(key, [up[i], up[j], um[k], um[l]]) / 4
    m4p = sp.expand(120 * m4p)
    trF = sum(Ff(i, i, j, j) for i in r3 for j in r3)
    trG = sum(Fg(i, i, j, j) for i in r3 for j in r3)
    c_p = m4p.coeff(Ff(0, 0, 0, 0))
    c_m = m4p.coeff(Fg(0, 0, 0, 0))
    p = m4p.coeff(Sf[0, 0]).coeff(Sg[1, 1])
    q = m4p.coeff(Sf[0, 1]).coeff(Sg[0, 1]) / 2
    model4 = c_p * trF + c_m * trG + p * Sf.trace() * Sg.trace() + q * (Sf * Sg).trace()
    resid4 = sp.expand(m4p - model4)
    scale4 = max(abs(float(x)) for x in (c_p, c_m, p, q))
    if not _is_zero(resid4, kernel, scale4):
        raise ArithmeticError(f"derived m4' is not of the claimed form: residual {resid4}")
    return {"a_p": a_p, "b_p": b_p, "a_m": a_m, "b_m": b_m, "c_p": c_p, "c_m": c_m,
            "p": p, "q": q}


def _mat(v: Sequence) -> list:
    out = [[None] * 3 for _ in range(3)]
    for (i, j), x in zip(PAIRS, v, strict=True):
        out[i][j] = out[j][i] = x
    return out


@dataclass(frozen=True)
class MomentEquations:
    """The exact moment ODEs of ``df/dt = (1-gamma) Q(f,f) + gamma Q(f,R)`` for centred f.

    Parameters
    ----------
    gamma : number in [0, 1)
        Reservoir coupling (0: the pure Boltzmann equation).
    reservoir : MaxwellianMixture or None
        ``R`` (required when ``gamma > 0``).
    kernel : AngularKernel or str
        The angular kernel ``b``.

    Notes
    -----
    With ``T_R = sum_a w_a T_a`` (so ``S_R = T_R I``) and ``m4_R = 15 sum_a w_a T_a^2``::

        dS/dt  = (1-gamma) S'[Q+(f,f)] + gamma S'[Q+(f,R)] - S
        dm4/dt = (1-gamma) m4[Q+(f,f)] + gamma m4[Q+(f,R)] - m4

    with the gain moments of :func:`gain_moment_coefficients`.
    """

    gamma: sp.Rational
    reservoir: MaxwellianMixture | None
    kernel: AngularKernel
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __init__(self, gamma, reservoir: MaxwellianMixture | None = None,
                 kernel: AngularKernel | str = "constant"):
        g = sp.nsimplify(str(gamma)) if not isinstance(gamma, sp.Basic) else gamma
        if not (g.is_real and 0 <= g < 1):
            raise ValueError(f"gamma must be in [0, 1), got {gamma!r}")
        if g > 0 and reservoir is None:
            raise ValueError(f"gamma = {gamma} > 0 needs a reservoir, got None")
        if isinstance(kernel, str):
            kernel = get_kernel(kernel)
        object.__setattr__(self, "gamma", g)
        object.__setattr__(self, "reservoir", reservoir)
        object.__setattr__(self, "kernel", kernel)
        object.__setattr__(self, "_cache", {})

    @property
    def coefficients(self) -> dict[str, sp.Expr]:
        """:func:`gain_moment_coefficients` of the kernel."""
        return gain_moment_coefficients(self.kernel)

    def _reservoir_moments(self) -> tuple[sp.Expr, sp.Expr]:
        if self.reservoir is None:
            return sp.Integer(0), sp.Integer(0)
        T_R = sp.Rational(self.reservoir.temperature_exact.numerator,
                          self.reservoir.temperature_exact.denominator)
        m4 = self.reservoir.moment_exact(2)
        return T_R, sp.Rational(m4.numerator, m4.denominator)

    def rhs_symbolic(self, S: sp.Matrix, m4: sp.Expr) -> tuple[sp.Matrix, sp.Expr]:
        """``(dS/dt, dm4/dt)`` as sympy expressions of a symmetric ``S`` and ``m4``."""
        c = self.coefficients
        g = self.gamma
        T_R, m4_R = self._reservoir_moments()
        I3 = sp.eye(3)
        trS = S.trace()
        gain_ff = (c["a_p"] + c["a_m"]) * S + (c["b_p"] + c["b_m"]) * trS * I3
        gain_fr = c["a_p"] * S + c["b_p"] * trS * I3 + c["a_m"] * T_R * I3 + 3 * c["b_m"] * T_R * I3
        dS = (1 - g) * gain_ff + g * gain_fr - S
        m4_ff = (c["c_p"] + c["c_m"]) * m4 + c["p"] * trS**2 + c["q"] * (S * S).trace()
        m4_fr = c["c_p"] * m4 + c["c_m"] * m4_R + c["p"] * trS * 3 * T_R + c["q"] * trS * T_R
        dm4 = (1 - g) * m4_ff + g * m4_fr - m4
        return dS.applyfunc(sp.expand), sp.expand(dm4)

    def linear_system(self) -> sp.Matrix:
        """The rational matrix ``M`` with ``dy/dt = M y`` for
        ``y = (1, S_11, S_22, S_33, S_12, S_13, S_23, S_a S_b for a <= b (21), m4)``."""
        if "M" in self._cache:
            return self._cache["M"]
        s = sp.symbols("s0:6", real=True)
        m4 = sp.Symbol("m4", real=True)
        S = sp.Matrix(_mat(s))
        dS, dm4 = self.rhs_symbolic(S, m4)
        ds = [dS[i, j] for i, j in PAIRS]
        quads = [(a, b) for a in range(6) for b in range(a, 6)]
        names = [sp.Integer(1), *s, *[s[a] * s[b] for a, b in quads], m4]
        derivs = [sp.Integer(0), *ds, *[sp.expand(ds[a] * s[b] + s[a] * ds[b]) for a, b in quads],
                  dm4]
        n = len(names)
        M = sp.zeros(n, n)
        for row, d in enumerate(derivs):
            poly = sp.Poly(d, *s, m4)
            for monom, coeff in poly.terms():
                mono = sp.Mul(*[g**e for g, e in zip((*s, m4), monom, strict=True)])
                col = names.index(mono)  # raises if the system does not close
                M[row, col] += coeff
        self._cache["M"] = M
        return M

    def solve(self, second_moment: ArrayLike, fourth_moment, times: ArrayLike,
              dps: int = 40) -> tuple[NDArray, NDArray]:
        """Exact ``S(t)`` (shape ``(len(times), 3, 3)``) and ``m4(t)`` from ``S(0)``, ``m4(0)``.

        ``y(t) = expm(M t) y(0)`` in mpmath with ``dps`` digits; initial values may be floats,
        Fractions or sympy numbers (used exactly).  The state must be centred (zero mean).
        """
        S0 = np.asarray(second_moment, dtype=object).reshape(3, 3)
        s0 = [sp.nsimplify(S0[i, j]) if not isinstance(S0[i, j], float) else S0[i, j]
              for i, j in PAIRS]
        with mpmath.workdps(dps):
            s0m = [mpmath.mpf(sp.N(x, dps + 5)) if isinstance(x, sp.Basic) else mpmath.mpf(x)
                   for x in s0]
            m40 = fourth_moment
            m40 = mpmath.mpf(sp.N(sp.nsimplify(m40), dps + 5)) if not isinstance(
                m40, float) else mpmath.mpf(m40)
            quads = [(a, b) for a in range(6) for b in range(a, 6)]
            y0 = mpmath.matrix([1, *s0m, *[s0m[a] * s0m[b] for a, b in quads], m40])
            M = self.linear_system()
            Mm = mpmath.matrix([[mpmath.mpf(sp.N(M[i, j], dps + 5)) for j in range(M.cols)]
                                for i in range(M.rows)])
            t_arr = np.atleast_1d(np.asarray(times, dtype=float))
            S_out = np.empty((t_arr.size, 3, 3))
            m4_out = np.empty(t_arr.size)
            for k, t in enumerate(t_arr):
                y = mpmath.expm(Mm * mpmath.mpf(t)) * y0
                S_out[k] = np.array(_mat([float(y[1 + a]) for a in range(6)]), dtype=float)
                m4_out[k] = float(y[M.rows - 1])
        return S_out, m4_out

    def steady_state(self) -> tuple[sp.Matrix, sp.Expr]:
        """The exact isotropic fixed point ``(S_inf, m4_inf)`` (``gamma > 0``)."""
        if self.gamma == 0:
            raise ValueError("gamma = 0 has no unique steady state (energy is conserved)")
        T = sp.Symbol("T")
        m4 = sp.Symbol("m4")
        dS, dm4 = self.rhs_symbolic(T * sp.eye(3), m4)
        Tsol = sp.solve(dS[0, 0], T)[0]
        m4sol = sp.solve(dm4.subs(T, Tsol), m4)[0]
        return sp.simplify(Tsol) * sp.eye(3), sp.nsimplify(sp.simplify(m4sol))
