"""Angular collision kernels ``b(s)``, ``s = cos(theta)`` (conventions page, section 2).

A kernel is a non-negative integrable function on [-1, 1] normalised so that

    (1/2) int_{-1}^{1} b(s) ds = 1,

i.e. ``b(k.sigma) dsigma`` is a probability measure on S^2 (the uniform measure has
s-density 1/2).  Every kernel is stored in Jacobi form

    b(s) = (1 - s)^a (1 + s)^c p(s),

with ``a, c > -1`` the endpoint exponents and ``p`` smooth.  The quadrature of
:meth:`AngularKernel.quadrature` is Gauss-Jacobi for ``(1-s)^a (1+s)^c`` with ``p`` folded into
the weights, so integrable endpoint singularities (the ``kac`` kernel's ``(1-s)^(-1/2)``) are
integrated to full accuracy, and exactly for polynomial integrands when ``p`` is a polynomial.

Named kernels
-------------
``constant``  b = 1 (hard-sphere-like isotropic scattering of Maxwell molecules).
``kac``       b(s) = (2(1-s))^(-1/2): the sigma-kernel of the 3D Kac collision with Omega uniform
              on S^2 (conventions page, section 6; seed 000).  Not even.

Constants (conventions page, section 2)
-----------------------------
``B_ij = (1/2) int b(s) ((1+s)/2)^i ((1-s)/2)^j ds`` (for b = 1, ``i! j! / (i+j+1)!``) and
``beta = (1/4) int (1+s) b(s) ds = B_10``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TypeAlias

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from kacspectral.errors import short
from kacspectral.physics.expressions import ExpressionFunction, parse_expression
from kacspectral.spectral.polynomials import gauss_jacobi

__all__ = [
    "AngularKernel",
    "KernelSpec",
    "S",
    "get_kernel",
    "kernel_from_expression",
    "kernel_from_callable",
]

#: The sympy symbol ``s = cos(theta)`` in which kernel expressions are written.
S = sp.Symbol("s", real=True)

#: Tolerance on ``|(1/2) int b - 1|`` for a kernel to count as normalised.
NORMALIZATION_TOL = 1e-12

_GRID = np.cos(np.linspace(0.0, np.pi, 4001))[1:-1]  # interior Chebyshev points for sign checks
_FLOAT_NODES = 200  # Gauss nodes for a kernel whose smooth part is not a polynomial


@dataclass(frozen=True, eq=False)
class AngularKernel:
    """An angular kernel ``b(s) = (1-s)^a (1+s)^c p(s)`` on [-1, 1].

    Build one with :func:`get_kernel`, :func:`kernel_from_expression` or
    :func:`kernel_from_callable`; the constructor itself does not validate.

    Attributes
    ----------
    name : str
        ``"constant"``, ``"kac"`` or the expression / callable's name.
    smooth : callable
        Vectorised ``p(s)``.
    exponents : tuple of float
        ``(a, c)``, the exponents of ``(1-s)`` and ``(1+s)``.
    smooth_expr : sympy expression or None
        ``p`` as an exact polynomial in :data:`S` when it is one (enables exact constants and
        exact-degree quadratures), else None.
    exact_exponents : tuple of sympy.Rational or None
        ``(a, c)`` as rationals, when known exactly.
    """

    name: str
    smooth: Callable[[NDArray], NDArray]
    exponents: tuple[float, float] = (0.0, 0.0)
    smooth_expr: sp.Expr | None = None
    exact_exponents: tuple[sp.Rational, sp.Rational] | None = None
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict:
        """Pickle the specification, not the caches: every part is a sympy expression, a
        float, or a module-level callable (the user's callable must itself pickle)."""
        state = dict(self.__dict__)
        state["_cache"] = {}
        return state

    # ------------------------------------------------------------------ evaluation
    def __call__(self, s: ArrayLike) -> NDArray:
        """Evaluate ``b(s)`` (``inf`` at a singular endpoint)."""
        s = np.asarray(s, dtype=float)
        a, c = self.exponents
        with np.errstate(divide="ignore"):
            return (1.0 - s) ** a * (1.0 + s) ** c * self.smooth(s)

    @property
    def is_exact(self) -> bool:
        """True when ``p`` is a known polynomial and ``(a, c)`` rational: exact constants exist."""
        return self.smooth_expr is not None and self.exact_exponents is not None

    @property
    def polynomial_degree(self) -> int | None:
        """Degree of ``p`` when it is a polynomial, else None."""
        if self.smooth_expr is None:
            return None
        return int(sp.Poly(self.smooth_expr, S).degree())

    @property
    def expr(self) -> sp.Expr | None:
        """The exact expression ``b(s)`` in :data:`S`, or None."""
        if self.smooth_expr is None or self.exact_exponents is None:  # not self.is_exact
            return None
        a, c = self.exact_exponents
        return (1 - S) ** a * (1 + S) ** c * self.smooth_expr

    # ------------------------------------------------------------------ quadrature
    def nodes_for_degree(self, degree: int) -> int:
        """Number of Gauss-Jacobi nodes that integrate ``b(s) g(s)`` exactly for deg g <= degree.

        For a non-polynomial ``p`` there is no exact rule; a fixed 200-node rule is returned
        (spectrally accurate for analytic ``p``).
        """
        pdeg = self.polynomial_degree
        if pdeg is None:
            return max(_FLOAT_NODES, degree // 2 + 2)
        return max(1, (degree + pdeg) // 2 + 1)

    def quadrature(self, n: int) -> tuple[NDArray, NDArray]:
        """Nodes ``s_q`` and weights ``w_q`` with ``sum_q w_q g(s_q) = (1/2) int b g ds``.

        Gauss-Jacobi for ``(1-s)^a (1+s)^c`` with ``p(s_q)/2`` folded into the weights: exact
        when ``p g`` is a polynomial of degree ``<= 2n - 1``.  Cached per ``n``.
        """
        key = ("quad", int(n))
        if key not in self._cache:
            x, w = gauss_jacobi(int(n), *self.exponents)
            self._cache[key] = (x, 0.5 * w * self.smooth(x))
        x, w = self._cache[key]
        return x.copy(), w.copy()

    def integrate(self, g: Callable[[NDArray], NDArray], degree: int | None = None) -> float:
        """``(1/2) int b(s) g(s) ds``; exact for a polynomial ``g`` of the given degree."""
        n = self.nodes_for_degree(degree if degree is not None else 64)
        x, w = self.quadrature(n)
        return float(np.dot(w, g(x)))

    # ------------------------------------------------------------------ constants
    @property
    def normalization(self) -> float:
        """``(1/2) int b(s) ds`` by the kernel's quadrature (1 for a valid kernel)."""
        return self.integrate(np.ones_like, degree=0)

    def B(self, i: int, j: int) -> float:
        """``B_ij = (1/2) int b(s) ((1+s)/2)^i ((1-s)/2)^j ds`` (conventions page, section 2),
        as a float."""
        i, j = _check_index(i, "i"), _check_index(j, "j")
        return self.integrate(lambda s: ((1 + s) / 2) ** i * ((1 - s) / 2) ** j, degree=i + j)

    def B_exact(self, i: int, j: int) -> sp.Expr:
        """``B_ij`` exactly (a sympy number; rational for polynomial and ``kac`` kernels).

        With ``u = (1-s)/2`` and ``p(1-2u) = sum_k p_k u^k``:
        ``B_ij = 2^(a+c) sum_k p_k Beta(a+j+k+1, c+i+1)``.
        """
        i, j = _check_index(i, "i"), _check_index(j, "j")
        if self.smooth_expr is None or self.exact_exponents is None:  # not self.is_exact
            raise ValueError(
                f"kernel {self.name!r} has no exact form (its smooth part is not a polynomial "
                "in s with rational endpoint exponents); use B() for a float"
            )
        key = ("Bexact", i, j)
        if key not in self._cache:
            a, c = self.exact_exponents
            u = sp.Symbol("u")
            coeffs = sp.Poly(sp.expand(self.smooth_expr.subs(S, 1 - 2 * u)), u).all_coeffs()[::-1]
            total = sp.Integer(0)
            for k, pk in enumerate(coeffs):
                if pk != 0:
                    total += pk * sp.gamma(a + j + k + 1) * sp.gamma(c + i + 1) / sp.gamma(
                        a + c + i + j + k + 2
                    )
            # exact arithmetic throughout (no nsimplify: it would guess a rational from floats)
            self._cache[key] = sp.radsimp(sp.gammasimp(2 ** (a + c) * total))
        return self._cache[key]

    @property
    def beta(self) -> float:
        """``beta = (1/4) int (1+s) b(s) ds = B_10`` (1/2 for an even kernel)."""
        return self.B(1, 0)

    @property
    def beta_exact(self) -> sp.Expr:
        """``beta`` exactly."""
        return self.B_exact(1, 0)

    def contraction_constant(self, gamma: float | Fraction) -> float:
        """``lambda = (1 - gamma) + gamma * beta``: the GTW contraction constant of the map Phi
        (seed 003, Lemma 1.2; conventions page, section 4)."""
        g = float(gamma)
        return (1.0 - g) + g * self.beta

    @property
    def is_even(self) -> bool:
        """Whether ``b(s) = b(-s)`` (exactly for exact kernels, else to 1e-13 on a grid)."""
        if "even" not in self._cache:
            e = self.expr  # None unless self.is_exact
            if e is not None:
                self._cache["even"] = bool(sp.simplify(e - e.subs(S, -S)) == 0)
            else:
                v, vr = self(_GRID), self(-_GRID)
                scale = max(1.0, float(np.max(np.abs(v))))
                self._cache["even"] = bool(np.max(np.abs(v - vr)) <= 1e-13 * scale)
        return self._cache["even"]

    def describe(self) -> dict:
        """A JSON-ready summary: name, exponents, normalisation, beta, evenness."""
        out = {
            "name": self.name,
            "endpoint_exponents": list(self.exponents),
            "normalization": self.normalization,
            "beta": self.beta,
            "is_even": self.is_even,
        }
        if self.is_exact:
            out["expression"] = str(self.expr)
            out["beta_exact"] = str(self.beta_exact)
        return out

    def __repr__(self) -> str:
        return f"AngularKernel({self.name!r}, exponents={self.exponents})"


def _check_index(i: int, name: str) -> int:
    if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or i < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {short(i)}")
    return int(i)


# ---------------------------------------------------------------------- validation
def _validate(kernel: AngularKernel, normalize: bool) -> AngularKernel:
    """Check sign, integrability and normalisation; rescale if asked."""
    a, c = kernel.exponents
    if not (a > -1 and c > -1):
        raise ValueError(
            f"kernel {kernel.name!r} is not integrable: endpoint exponents (a, c) = {(a, c)} "
            "must both be > -1"
        )
    with np.errstate(all="ignore"):
        p = np.asarray(kernel.smooth(_GRID), dtype=float)
    if p.shape != _GRID.shape:
        p = np.broadcast_to(p, _GRID.shape)
    if not np.all(np.isfinite(p)):
        bad = _GRID[~np.isfinite(p)][0]
        raise ValueError(
            f"kernel {kernel.name!r} is not finite at s = {bad:.6g}; if it has an integrable "
            "endpoint singularity, give its endpoint exponents"
        )
    if np.min(p) < -1e-14 * max(1.0, float(np.max(np.abs(p)))):
        k = int(np.argmin(p))
        raise ValueError(
            f"kernel {kernel.name!r} is negative: b({_GRID[k]:.6g}) = {p[k] * 1.0:.6g}; "
            "an angular kernel must be >= 0 on [-1, 1]"
        )
    norm = kernel.normalization
    if kernel.polynomial_degree is None:
        # No exact rule: make sure the quadrature has converged (it fails for a hidden
        # endpoint singularity), comparing two rules.
        x, w = gauss_jacobi(2 * _FLOAT_NODES, a, c)
        norm2 = float(np.dot(0.5 * w, kernel.smooth(x)))
        if not np.isfinite(norm2) or abs(norm2 - norm) > 1e-12 * max(1.0, abs(norm)):
            raise ValueError(
                f"kernel {kernel.name!r}: (1/2) int b ds is not resolved by Gauss quadrature "
                f"({norm!r} with {_FLOAT_NODES} nodes, {norm2!r} with {2 * _FLOAT_NODES}); "
                "the kernel is singular or not integrable at an endpoint -- give its endpoint "
                "exponents (a, c) in b = (1-s)^a (1+s)^c p(s)"
            )
    if not np.isfinite(norm) or norm <= 0:
        raise ValueError(f"kernel {kernel.name!r} has (1/2) int b ds = {norm!r}; expected 1")
    if abs(norm - 1.0) <= NORMALIZATION_TOL:
        return kernel
    if not normalize:
        raise ValueError(
            f"kernel {short(kernel.name)} is not normalised: (1/2) int_{{-1}}^{{1}} b(s) ds = "
            f"{norm!r}, expected 1 (to {NORMALIZATION_TOL:g}); pass normalize=True to rescale"
        )
    if kernel.is_exact:
        exact_norm = kernel.B_exact(0, 0)  # (1/2) int b ds, exactly
        new_expr = sp.expand(kernel.smooth_expr / exact_norm)
        smooth = _lambdify(new_expr)
        return AngularKernel(
            kernel.name, smooth, kernel.exponents, new_expr, kernel.exact_exponents
        )
    return AngularKernel(kernel.name, _Scaled(kernel.smooth, 1.0 / norm), kernel.exponents)


def _lambdify(expr: sp.Expr) -> Callable[[NDArray], NDArray]:
    """``p(s)`` as a vectorised numpy function that pickles (it keeps the expression)."""
    return ExpressionFunction(expr, S)


# Module-level callables instead of closures, so that kernels pickle (issue: objects travel
# to worker processes through multiprocessing / concurrent.futures).
class _Scaled:
    """``s -> factor * inner(s)``."""

    def __init__(self, inner: Callable[[NDArray], NDArray], factor: float):
        self.inner, self.factor = inner, float(factor)

    def __call__(self, s: NDArray) -> NDArray:
        return self.inner(s) * self.factor


class _Constant:
    """``s -> value`` (an array of the shape of ``s``)."""

    def __init__(self, value: float):
        self.value = float(value)

    def __call__(self, s: NDArray) -> NDArray:
        return np.full(np.shape(s), self.value)


class _FromCallable:
    """``p(s) = func(s) / ((1-s)^a (1+s)^c)`` for a user's vectorised ``b = func``."""

    def __init__(self, func: Callable[[NDArray], NDArray], a: float, c: float):
        self.func, self.a, self.c = func, float(a), float(c)

    def __call__(self, s: NDArray) -> NDArray:
        s = np.asarray(s, dtype=float)
        vals = np.broadcast_to(np.asarray(self.func(s), dtype=float), s.shape)
        if self.a == 0 and self.c == 0:
            return vals.copy()
        return vals / ((1.0 - s) ** self.a * (1.0 + s) ** self.c)


def _jacobi_split(expr: sp.Expr) -> tuple[sp.Rational, sp.Rational, sp.Expr]:
    """Write ``expr = (1-s)^a (1+s)^c rest`` by pulling out powers of linear factors."""
    a = c = sp.Integer(0)
    rest = sp.Integer(1)
    for factor in sp.Mul.make_args(sp.factor(sp.powsimp(expr, force=True))):
        base, exp = factor.as_base_exp()
        poly = sp.Poly(base, S) if base.is_polynomial(S) else None
        if (
            poly is not None
            and poly.degree() == 1
            and exp.is_Rational
            and not (exp.is_integer and exp >= 0)  # integer powers stay in the polynomial
        ):
            root = sp.solve(base, S)[0]
            k = base.subs(S, 0)
            if root in (1, -1) and k > 0:
                rest *= k**exp
                if root == 1:
                    a += exp
                else:
                    c += exp
                continue
        rest *= factor
    return a, c, sp.simplify(rest)


def kernel_from_expression(
    expr: sp.Expr | str | int | Fraction, normalize: bool = False, name: str | None = None
) -> AngularKernel:
    """A kernel from a sympy expression, or from text, in ``s``.

    Text is read by :func:`kacspectral.physics.expressions.parse_expression` (a whitelist
    over Python's ``ast``: numbers, ``s``, ``pi``, ``+ - * / **``, parentheses and
    ``sqrt exp log abs cos sin tan cosh sinh tanh asin acos atan``); it is never evaluated.
    Powers of ``(1-s)`` and ``(1+s)`` are pulled out as endpoint exponents; when the rest is a
    polynomial, the kernel is exact (rational ``B_ij``).

    Parameters
    ----------
    expr : str, sympy expression, int or Fraction
        ``b(s)`` on ``[-1, 1]``, ``s = cos theta`` the cosine of the deflection angle, e.g.
        ``"3*(1+s)**2/4"`` or ``"(2*(1-s))**(-1/2)"``; a rational constant is the constant
        kernel.  Floats in it are read as the exact decimals written (``0.1`` is ``1/10``).
        It must be ``>= 0``, integrable (endpoint exponents ``> -1``) and normalised to
        ``(1/2) int_{-1}^{1} b(s) ds = 1`` (conventions page, section 2).
    normalize : bool
        Rescale a kernel whose ``(1/2) int b ds`` is positive but not 1 instead of raising
        (default False).
    name : str, optional
        The kernel's name (default: the text of ``expr``).

    Returns
    -------
    AngularKernel
        ``b = (1-s)^a (1+s)^c p(s)`` with the endpoint exponents split off; exact
        (``is_exact``, rational ``B_ij``) when ``p`` is a polynomial.

    Raises
    ------
    TypeError
        If ``expr`` is not a string, a sympy expression, an int or a Fraction.
    ValueError
        If the text is outside that grammar, has a symbol other than ``s``, is identically
        zero, or the kernel is negative, not integrable or not normalised (unless
        ``normalize=True``).
    """
    text = expr if isinstance(expr, str) else str(expr)
    if isinstance(expr, str):
        expr = parse_expression(expr, {"s": S}, what="kernel expression")
    elif isinstance(expr, (int, Fraction)) and not isinstance(expr, bool):
        expr = sp.Rational(expr.numerator, expr.denominator)
    elif not isinstance(expr, sp.Basic):
        raise TypeError(
            f"kernel expression must be a string or a sympy expression, got {type(expr).__name__}"
        )
    # Floats are read as the exact decimals written (0.1 -> 1/10), never guessed.
    expr = expr.subs(sp.Symbol("s"), S)
    expr = expr.xreplace({f: sp.Rational(str(f)) for f in expr.atoms(sp.Float)})
    extra = expr.free_symbols - {S}
    if extra:
        raise ValueError(
            f"kernel expression {text!r} has symbols {sorted(map(str, extra))}; only s is allowed"
        )
    if expr.has(sp.I) or expr.has(sp.zoo) or expr.has(sp.nan):
        raise ValueError(f"kernel expression {text!r} is not a real function of s")
    zero = ValueError(
        f"kernel expression {text!r} is identically 0: an angular kernel needs "
        "(1/2) int b(s) ds = 1, and 0 cannot be normalised"
    )
    if expr.is_zero:
        raise zero
    a, c, rest = _jacobi_split(expr)
    if rest.is_zero:
        raise zero
    if rest.is_polynomial(S):
        rest = sp.expand(rest)
        kernel = AngularKernel(name or text, _lambdify(rest), (float(a), float(c)), rest, (a, c))
    else:
        kernel = AngularKernel(name or text, _lambdify(rest), (float(a), float(c)), None, (a, c))
    return _validate(kernel, normalize)


def kernel_from_callable(
    func: Callable[[NDArray], NDArray],
    normalize: bool = False,
    endpoint_exponents: tuple[float, float] = (0.0, 0.0),
    name: str | None = None,
) -> AngularKernel:
    """A kernel from a vectorised callable ``b(s)``.

    With ``endpoint_exponents = (a, c)`` the callable is the full ``b`` and
    ``p = b / ((1-s)^a (1+s)^c)`` is used for quadrature.  A singular endpoint that is not
    declared is detected (the quadrature does not converge) and reported.

    Parameters
    ----------
    func : callable
        Vectorised ``b(s)`` for ``s = cos theta`` in ``[-1, 1]`` (float array in, array of the
        same shape or a scalar out), ``>= 0`` and normalised to ``(1/2) int_{-1}^{1} b(s) ds =
        1`` (conventions page, section 2).
    normalize : bool
        Rescale a kernel whose ``(1/2) int b ds`` is positive but not 1 instead of raising
        (default False).
    endpoint_exponents : tuple of float
        ``(a, c)``, both ``> -1``: ``b`` behaves like ``(1-s)^a`` at ``s = 1`` and ``(1+s)^c``
        at ``s = -1`` (default ``(0, 0)``, a bounded kernel).
    name : str, optional
        The kernel's name (default: ``func.__name__``).

    Returns
    -------
    AngularKernel
        The kernel, with floating-point constants from Gauss-Jacobi quadrature (never exact).

    Raises
    ------
    TypeError
        If ``func`` is not callable.
    ValueError
        If the kernel is not finite on the open interval, negative, not integrable, not
        resolved by the quadrature (an undeclared endpoint singularity) or not normalised
        (unless ``normalize=True``).
    """
    if not callable(func):
        raise TypeError(f"kernel must be callable, got {type(func).__name__}")
    a, c = (float(e) for e in endpoint_exponents)
    label = name or str(getattr(func, "__name__", "callable"))
    return _validate(AngularKernel(label, _FromCallable(func, a, c), (a, c)), normalize)


def _constant() -> AngularKernel:
    one = sp.Integer(1)
    return AngularKernel("constant", _lambdify(one), (0.0, 0.0), one, (sp.Integer(0),) * 2)


def _kac() -> AngularKernel:
    # b(s) = (2(1-s))^(-1/2) = (1-s)^(-1/2) * 2^(-1/2)
    p = 1 / sp.sqrt(2)
    return AngularKernel(
        "kac",
        _Constant(1.0 / math.sqrt(2.0)),
        (-0.5, 0.0),
        p,
        (sp.Rational(-1, 2), sp.Integer(0)),
    )


_NAMED: dict[str, Callable[[], AngularKernel]] = {"constant": _constant, "kac": _kac}

#: What :func:`get_kernel` resolves: a name (``"constant"``, ``"kac"``), an expression in ``s``
#: (text, sympy, or a rational constant), a vectorised callable, or a kernel.
KernelSpec: TypeAlias = str | AngularKernel | sp.Expr | Callable | Fraction | int


def get_kernel(spec: KernelSpec, normalize: bool = False) -> AngularKernel:
    """Resolve a kernel specification.

    Parameters
    ----------
    spec : str, AngularKernel, sympy expression, int, Fraction or callable
        ``"constant"``, ``"kac"``, an expression in ``s`` (``"3*(1+s)**2/4"``), a rational
        constant, a kernel, or a vectorised callable.
    normalize : bool
        Rescale a kernel whose ``(1/2) int b`` is not 1 instead of raising.

    Returns
    -------
    AngularKernel
        The kernel itself when ``spec`` is one; the named kernel; else
        :func:`kernel_from_expression` or :func:`kernel_from_callable` of ``spec``.

    Raises
    ------
    TypeError
        If ``spec`` is none of the accepted types.
    ValueError
        If ``spec`` is empty text or an invalid kernel (see the two constructors).
    """
    if isinstance(spec, AngularKernel):
        return spec
    if isinstance(spec, str):
        key = spec.strip().lower()
        if key in _NAMED:
            return _NAMED[key]()
        if key == "":
            raise ValueError("kernel must be 'constant', 'kac' or an expression in s, got ''")
        return kernel_from_expression(spec, normalize=normalize)
    if isinstance(spec, (sp.Basic, Fraction)) or (
        isinstance(spec, int) and not isinstance(spec, bool)
    ):
        return kernel_from_expression(spec, normalize=normalize)
    if callable(spec):
        return kernel_from_callable(spec, normalize=normalize)
    raise TypeError(
        f"kernel must be 'constant', 'kac', an expression in s, a callable or an AngularKernel, "
        f"got {spec!r}"
    )
