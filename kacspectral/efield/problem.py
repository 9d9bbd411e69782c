"""Parameters of the electric-field model (seed 003, section 5, eq. (5.1)).

    df/dt = (1/epsilon) Q(f, f) - E . grad_v f + nu (f~ - f) + div_v[ D(|v|) M grad_v(f/M) ]

with ``Q`` the Maxwell-molecule collision operator of an angular kernel ``b``
(conventions page ``docs/conventions.md``, sections 2-3), ``f~`` the spherical average of ``f``
about the origin, ``M = M_{T0}`` the centred Maxwellian of temperature ``T0`` and ``D > 0`` a
function of ``r = |v|``.  The field points along the z axis: ``E = (0, 0, field)``.

Reference: E. A. Carlen, J. L. Lebowitz, C. Mouhot, "Exponential approach to, and properties of, a
non-equilibrium steady state in a dilute gas" (2014), section 5 ("seed 003" in the
project's notes); conventions page ``docs/conventions.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from kacspectral.errors import short
from kacspectral.physics.expressions import parse_expression
from kacspectral.physics.kernels import get_kernel
from kacspectral.results import ResultMixin, register_codec

__all__ = ["Diffusion", "EFieldProblem", "R"]

# D(r) on 0 <= r <= 30 must lie in this range (beyond it the moment and Galerkin systems
# overflow or become singular in double precision).
_D_MIN, _D_MAX = 1e-8, 1e8

#: The symbol ``r = |v|`` of diffusion expressions.
R = sp.Symbol("r", positive=True)


def _finite(value: object, name: str, positive: bool = False, nonneg: bool = False) -> float:
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(x) or (positive and x <= 0) or (nonneg and x < 0):
        what = "a positive" if positive else "a non-negative" if nonneg else "a"
        raise ValueError(f"{name} must be {what} finite number, got {value!r}")
    return x


def _short(text: str, limit: int = 60) -> str:
    """The expression text for a message: a number in short form, long text cut."""
    try:
        return short(float(text))
    except (TypeError, ValueError, OverflowError):
        return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class Diffusion(ResultMixin):
    """The diffusion coefficient ``D(r)``, ``r = |v|``, as a sympy expression in :data:`R`.

    Build it with :meth:`constant`, :meth:`gaussian` (``a + b exp(-r^2/(2c))``, whose Gaussian
    integrals against Maxwellians are closed form) or :meth:`from_expression` (a sympy
    expression in ``r`` -- e.g. from the package's safe expression parser; user text is never
    evaluated here).  ``gaussian_parameters`` recognises the form ``a + b exp(-r^2/(2c))``.

    Attributes
    ----------
    expr : sympy.Expr
        ``D`` as an expression in :data:`R` (``r = |v|``); checked finite, real and in
        ``[1e-8, 1e8]`` on ``0 <= r <= 30``.
    name : str
        How the coefficient is shown (the user's text, or the expression).
    """

    expr: sp.Expr
    name: str = ""
    _func: object = field(default=None, repr=False, compare=False)
    _gauss: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        expr = self.expr
        if isinstance(expr, (int, float, np.floating, np.integer)) and not isinstance(expr, bool):
            expr = sp.Rational(repr(_finite(expr, "diffusion", positive=True)))
        if not isinstance(expr, sp.Basic):
            raise TypeError(f"diffusion must be a number or a sympy expression, got {expr!r}")
        expr = expr.subs({s: R for s in expr.free_symbols if s.name == "r"})
        extra = expr.free_symbols - {R}
        if extra:
            raise ValueError(
                f"the diffusion D(r) may depend on r only, got symbols {sorted(map(str, extra))}"
            )
        object.__setattr__(self, "expr", expr)
        object.__setattr__(self, "name", self.name or str(expr))
        object.__setattr__(self, "_func", sp.lambdify(R, expr, modules="numpy"))
        object.__setattr__(self, "_gauss", self._match_gaussian())
        rs = np.linspace(0.0, 30.0, 3001)
        with np.errstate(all="ignore"):  # a pole or an overflow is reported just below
            vals = np.asarray(self(rs), dtype=complex) * np.ones_like(rs)
        bad = ~np.isfinite(vals) | (np.abs(vals.imag) > 0)
        if np.any(bad):
            raise ValueError(f"the diffusion D(r) = {self._shown()} must be finite and "
                             f"real for r >= 0; it is not at r = {rs[bad][0]:g}")
        vals = vals.real
        lo, hi = float(np.min(vals)), float(np.max(vals))
        if not (_D_MIN <= lo and hi <= _D_MAX):
            raise ValueError(
                f"the diffusion D(r) = {self._shown()} must lie in [{_D_MIN:g}, {_D_MAX:g}] "
                f"for 0 <= r <= 30 (the range on which the solvers are meaningful in double "
                f"precision); it ranges over [{lo:.3g}, {hi:.3g}]"
            )

    def _shown(self) -> str:
        """The coefficient for a message: a number in short form, long text cut."""
        if self.expr.is_Number:
            return short(float(self.expr))
        return _short(self.name)

    def __reduce__(self) -> tuple:
        return (Diffusion, (self.expr, self.name))  # the lambdified function is rebuilt

    @classmethod
    def constant(cls, value: float) -> Diffusion:
        """``D(r) = value`` (> 0)."""
        return cls(sp.Rational(repr(_finite(value, "diffusion", positive=True))))

    @classmethod
    def gaussian(cls, a: float, b: float, c: float) -> Diffusion:
        """``D(r) = a + b exp(-r^2/(2c))`` with ``a > 0``, ``b >= 0``, ``c > 0``."""
        a = _finite(a, "a", positive=True)
        b = _finite(b, "b", nonneg=True)
        c = _finite(c, "c", positive=True)
        ex = [sp.Rational(repr(x)) for x in (a, b, c)]  # exact: the shortest decimal of x
        return cls(ex[0] + ex[1] * sp.exp(-R**2 / (2 * ex[2])))

    @classmethod
    def from_expression(cls, expr: object) -> Diffusion:
        """A number or a sympy expression in ``r`` (not a string: parse user text first)."""
        if isinstance(expr, str):
            raise TypeError(
                "Diffusion.from_expression takes a number or a sympy expression; parse text "
                "with the package's safe expression parser first"
            )
        if isinstance(expr, (int, float, np.floating, np.integer)):
            return cls.constant(float(expr))
        if not isinstance(expr, sp.Basic):
            raise TypeError(f"diffusion must be a number or a sympy expression, got {expr!r}")
        return cls(expr)

    def __call__(self, r: ArrayLike) -> NDArray:
        """``D(r)`` (numpy; complex arguments allowed, for complex-step derivatives)."""
        r = np.asarray(r)
        return np.asarray(self._func(r)) * np.ones_like(r)  # type: ignore[operator]

    @property
    def is_constant(self) -> bool:
        return not self.expr.free_symbols

    @property
    def gaussian_parameters(self) -> tuple[float, float, float] | None:
        """``(a, b, c)`` when ``D = a + b exp(-r^2/(2c))`` (``b = 0`` for a constant), else None."""
        return self._gauss  # type: ignore[return-value]

    def _match_gaussian(self) -> tuple[float, float, float] | None:
        if self.is_constant:
            return (float(self.expr), 0.0, 1.0)
        a, b, c = sp.Wild("a", exclude=[R]), sp.Wild("b", exclude=[R]), sp.Wild("c", exclude=[R])
        m = sp.expand(self.expr).match(a + b * sp.exp(c * R**2))
        if m is None or m.get(c) is None:
            return None
        try:
            av, bv, cv = float(m[a]), float(m[b]), float(m[c])
        except TypeError:
            return None
        if cv >= 0:
            return None
        return (av, bv, -1.0 / (2.0 * cv))


def _encode_diffusion(d: Diffusion) -> dict:
    return {"expression": str(d.expr)}


def _decode_diffusion(data: dict) -> Diffusion:
    return Diffusion(parse_expression(str(data["expression"]), variables=("r",),
                                      what="diffusion expression"))


# saved as its expression text, read back by the safe parser (replaces the field-wise codec
# that ResultMixin registers: the lambdified function is not data)
register_codec(Diffusion, _encode_diffusion, _decode_diffusion, name="Diffusion")


@dataclass(frozen=True)
class EFieldProblem(ResultMixin):
    """Parameters of (5.1) (module docstring).

    Parameters
    ----------
    field : float
        ``|E|``; the field is ``E = (0, 0, field)``.
    nu : float
        Rate of the isotropising term ``nu (f~ - f)`` (>= 0).
    diffusion : Diffusion, number or sympy expression in ``r``
    epsilon : float
        Collision time (> 0); the reduced model is its limit epsilon -> 0.
    kernel : str or kernel
        Angular kernel of ``Q`` (:func:`kacspectral.physics.kernels.get_kernel`).
    t0 : float
        Temperature ``T0`` of ``M``.
    """

    field: float = 0.0
    nu: float = 0.0
    diffusion: Diffusion | object = 1.0
    epsilon: float = 1.0
    kernel: object = "constant"
    t0: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "field", _finite(self.field, "field"))
        object.__setattr__(self, "nu", _finite(self.nu, "nu", nonneg=True))
        object.__setattr__(self, "epsilon", _finite(self.epsilon, "epsilon", positive=True))
        object.__setattr__(self, "t0", _finite(self.t0, "t0", positive=True))
        if not isinstance(self.diffusion, Diffusion):
            object.__setattr__(self, "diffusion", Diffusion.from_expression(self.diffusion))
        get_kernel(self.kernel)  # validate

    def with_field(self, value: float) -> EFieldProblem:
        """The same problem at another field strength."""
        return EFieldProblem(value, self.nu, self.diffusion, self.epsilon, self.kernel, self.t0)

    def with_epsilon(self, value: float) -> EFieldProblem:
        """The same problem at another epsilon."""
        return EFieldProblem(self.field, self.nu, self.diffusion, value, self.kernel, self.t0)

    def summary(self) -> dict:
        """The parameters as JSON-ready numbers and names (for reports)."""
        assert isinstance(self.diffusion, Diffusion)
        return {"field": self.field, "nu": self.nu, "diffusion": self.diffusion.name,
                "epsilon": self.epsilon, "kernel": get_kernel(self.kernel).name, "t0": self.t0}
