"""One-dimensional orthonormal polynomials and Gauss quadratures shared by every module.

Conventions (named in every function):

* **He_n** -- probabilists' Hermite polynomials, orthogonal for the Gaussian weight
  ``exp(-x^2/(2T)) / sqrt(2 pi T)`` of temperature ``T`` (``T = 1``: the standard normal).
  The orthonormal family is ``He_n(x/sqrt(T)) / sqrt(n!)``, computed by the normalised
  three-term recurrence

      p_{n+1}(x) = (x/sqrt(T) p_n(x) - sqrt(n) p_{n-1}(x)) / sqrt(n+1),

  which never forms ``n!`` and stays accurate to degree several hundred.
  The seed 000 weight ``Gamma(x) = exp(-pi x^2)`` is the temperature ``T = 1/(2 pi)``;
  its polynomials ``H_n(x) = He_n(sqrt(2 pi) x)`` (conventions page, section 6) are ``He_n`` at that
  temperature.
* **L_n^(alpha)** -- generalised Laguerre polynomials, orthogonal for ``x^alpha exp(-x)`` on
  ``(0, inf)`` with ``int L_n^2 x^alpha e^-x dx = Gamma(n+alpha+1)/n!``.  The orthonormal family
  ``L_n^(alpha) sqrt(n!/Gamma(n+alpha+1))`` obeys

      sqrt((n+1)(n+alpha+1)) q_{n+1} = (2n+alpha+1-x) q_n - sqrt(n(n+alpha)) q_{n-1}.

* Quadratures return nodes and weights of Gauss rules; a rule of ``n`` nodes integrates
  polynomials of degree ``<= 2n - 1`` exactly against its weight.
* Exact helpers: :func:`double_factorial` and the monomial coefficients of the Legendre
  polynomials, :func:`legendre_coefficients` (``fractions.Fraction``, the package's exact type).

Axis order of the tables
------------------------
Every table of polynomial values has shape ``(n_max + 1,) + x.shape``: the **degree is the first
axis**, ``table[n]`` is the degree-``n`` polynomial on the whole grid.  This is the reverse of
numpy's ``hermevander`` / ``lagvander`` (``x.shape + (n_max + 1,)``) on purpose: the
three-term recurrences fill one contiguous row per degree from the two previous rows
(``out[n + 1] = f(out[n], out[n - 1])``, contiguous in memory), a single degree is a cheap
view ``table[n]``, and expansions ``sum_n a_n p_n(x)`` are ``a @ table`` (or
``np.tensordot(a, table, 1)``) for any shape of ``x``.  For numpy's order use
``np.moveaxis(table, 0, -1)``.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from kacspectral.errors import short

__all__ = [
    "check_nonnegative_int",
    "double_factorial",
    "gauss_hermite_e",
    "gauss_jacobi",
    "gauss_laguerre",
    "gauss_laguerre_scaled",
    "hermite_e_orthonormal",
    "laguerre_orthonormal",
    "laguerre_function_orthonormal",
    "legendre_coefficients",
]


def check_nonnegative_int(n_max: int, name: str = "n_max") -> int:
    """``n_max`` as an int if it is a non-negative integer (not a bool), else a ValueError
    naming ``name`` (the spectral layer's one check of a degree, an order or a count)."""
    if isinstance(n_max, bool) or not isinstance(n_max, (int, np.integer)) or n_max < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {short(n_max)}")
    return int(n_max)


def _check_positive(value: float, name: str) -> float:
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return value


def hermite_e_orthonormal(n_max: int, x: ArrayLike, temperature: float = 1.0) -> NDArray:
    """Orthonormal probabilists' Hermite polynomials ``He_n(x/sqrt(T))/sqrt(n!)``, n <= n_max.

    Orthonormal for the probability weight ``exp(-x^2/(2T))/sqrt(2 pi T)`` (temperature ``T``).

    Parameters
    ----------
    n_max : int
        Highest degree.
    x : array_like
        Evaluation points.
    temperature : float
        Variance ``T`` of the Gaussian weight.

    Returns
    -------
    ndarray, shape ``(n_max + 1,) + x.shape``
        Row ``n`` holds the degree-``n`` polynomial.
    """
    n_max = check_nonnegative_int(n_max)
    t = _check_positive(temperature, "temperature")
    y = np.asarray(x, dtype=float) / math.sqrt(t)
    out = np.empty((n_max + 1,) + y.shape)
    out[0] = 1.0
    if n_max >= 1:
        out[1] = y
    for n in range(1, n_max):
        out[n + 1] = (y * out[n] - math.sqrt(n) * out[n - 1]) / math.sqrt(n + 1)
    return out


def _laguerre_recurrence(out: NDArray, alpha: float, y: NDArray) -> NDArray:
    """Fill rows 1.. of ``out`` from row 0 by the normalised Laguerre recurrence (in place)."""
    n_max = out.shape[0] - 1
    if n_max >= 1:
        out[1] = (alpha + 1.0 - y) * out[0] / math.sqrt(alpha + 1.0)
    for n in range(1, n_max):
        out[n + 1] = (
            (2 * n + alpha + 1.0 - y) * out[n] - math.sqrt(n * (n + alpha)) * out[n - 1]
        ) / math.sqrt((n + 1) * (n + alpha + 1.0))
    return out


def laguerre_orthonormal(n_max: int, alpha: float, x: ArrayLike) -> NDArray:
    """Orthonormal generalised Laguerre polynomials for the weight ``x^alpha e^{-x}`` on (0, inf).

    ``q_n = L_n^(alpha) * sqrt(n! / Gamma(n + alpha + 1))`` (so ``q_n(0) > 0``), by the
    normalised recurrence of the module docstring.

    Returns
    -------
    ndarray, shape ``(n_max + 1,) + x.shape``
    """
    n_max = check_nonnegative_int(n_max)
    if not alpha > -1:
        raise ValueError(f"alpha must be > -1, got {alpha!r}")
    y = np.asarray(x, dtype=float)
    out = np.empty((n_max + 1,) + y.shape)
    out[0] = math.exp(-0.5 * math.lgamma(alpha + 1.0))  # 1/sqrt(Gamma(alpha+1)), no overflow
    return _laguerre_recurrence(out, alpha, y)


def laguerre_function_orthonormal(n_max: int, alpha: float, x: ArrayLike) -> NDArray:
    """Laguerre functions ``exp(-x/2) q_n(x)`` (``q_n`` from :func:`laguerre_orthonormal`).

    The Gaussian factor is applied to the starting values of the recurrence, so that the
    products never overflow for ``x`` up to about 1400 (where ``exp(-x/2)`` underflows).
    Orthonormal for the weight ``x^alpha`` on (0, inf).
    """
    n_max = check_nonnegative_int(n_max)
    if not alpha > -1:
        raise ValueError(f"alpha must be > -1, got {alpha!r}")
    y = np.asarray(x, dtype=float)
    out = np.empty((n_max + 1,) + y.shape)
    out[0] = np.exp(-0.5 * y - 0.5 * math.lgamma(alpha + 1.0))
    return _laguerre_recurrence(out, alpha, y)


def gauss_hermite_e(n: int, temperature: float = 1.0) -> tuple[NDArray, NDArray]:
    """Gauss rule for the probability weight ``exp(-x^2/(2T))/sqrt(2 pi T)`` (He_n convention).

    Weights sum to 1; exact for polynomials of degree ``<= 2n - 1``.
    """
    n = check_nonnegative_int(n, "n")
    if n == 0:
        raise ValueError("n must be >= 1 for a quadrature rule, got 0")
    t = _check_positive(temperature, "temperature")
    x, w = special.roots_hermitenorm(n)
    return x * math.sqrt(t), w / math.sqrt(2.0 * math.pi)


def gauss_laguerre(n: int, alpha: float = 0.0) -> tuple[NDArray, NDArray]:
    """Gauss rule for ``x^alpha e^{-x}`` on (0, inf); exact for degree ``<= 2n - 1``."""
    n = check_nonnegative_int(n, "n")
    if n == 0:
        raise ValueError("n must be >= 1 for a quadrature rule, got 0")
    if not alpha > -1:
        raise ValueError(f"alpha must be > -1, got {alpha!r}")
    x, w = special.roots_genlaguerre(n, alpha)
    return x, w


def gauss_jacobi(n: int, a: float = 0.0, c: float = 0.0) -> tuple[NDArray, NDArray]:
    """Gauss rule for ``(1-s)^a (1+s)^c`` on [-1, 1]; exact for degree ``<= 2n - 1``.

    ``a = c = 0`` is Gauss-Legendre.  (scipy's ``roots_jacobi(n, alpha, beta)`` with
    ``alpha = a`` at ``s = +1`` and ``beta = c`` at ``s = -1``.)
    """
    n = check_nonnegative_int(n, "n")
    if n == 0:
        raise ValueError("n must be >= 1 for a quadrature rule, got 0")
    if not (a > -1 and c > -1):
        raise ValueError(f"Jacobi exponents must be > -1, got a={a!r}, c={c!r}")
    if a == 0 and c == 0:
        return special.roots_legendre(n)
    if (a, c) in ((-0.5, 0.0), (0.0, -0.5)):
        # s = 1 - 2u^2 maps (1-s)^(-1/2) ds to 2 sqrt(2) du on [0, 1]; the positive half of the
        # 2n-point Gauss-Legendre rule in u is then the n-point Gauss-Jacobi rule, with nodes
        # and weights accurate to machine precision at any n (scipy's roots_jacobi loses
        # digits: ~5e-13 at n = 200).
        u, wu = special.roots_legendre(2 * n)
        u, wu = u[n:], wu[n:]
        x = 1.0 - 2.0 * u**2
        w = 2.0 * math.sqrt(2.0) * wu
        order = np.argsort(x)
        x, w = x[order], w[order]
        return (x, w) if a != 0 else (-x[::-1], w[::-1])
    return special.roots_jacobi(n, a, c)


def gauss_laguerre_scaled(n: int, alpha: float = 0.0) -> tuple[NDArray, NDArray]:
    """Gauss-Laguerre nodes with the scaled weights ``w_i exp(x_i)``, for Laguerre *functions*.

    ``sum_i W_i F(x_i) = int F(x) x^alpha dx`` for ``F = e^{-x} p`` with ``deg p <= 2n - 1``.
    The plain weights underflow for nodes beyond ~700 (n > ~180).  Where a plain weight is a
    normal float (``w_i > 1e-280``) the scaled one is ``w_i exp(x_i)`` (relative error that of
    scipy's weight plus ``x_i eps`` from the exponential); beyond, it comes from the identity
    ``w_i = x_i / ((n+1)(n+alpha+1) q_{n+1}(x_i)^2)`` with the Laguerre *function*
    ``exp(-x/2) q_{n+1}(x)`` (no overflow, no underflow).  The identity is ill-conditioned at
    the smallest nodes (``q_{n+1}`` has a root close by: measured relative error 9e-12 at
    ``x_0`` for n = 80), well-conditioned at the large ones where it is used (1e-14).
    """
    x, w = gauss_laguerre(n, alpha)
    f = laguerre_function_orthonormal(n + 1, alpha, x)[n + 1]
    with np.errstate(over="ignore", invalid="ignore"):  # 0 * inf where w underflowed
        plain = w * np.exp(x)
    scaled = x / ((n + 1) * (n + alpha + 1.0) * f**2)
    return x, np.where(w > 1e-280, plain, scaled)


# --------------------------------------------------------------------------- exact helpers
def double_factorial(n: int) -> int:
    """``n!! = n (n-2) (n-4) ...`` down to 1 or 2; ``(-1)!! = 0!! = 1``.

    E.g. the Gaussian moments ``E[x^(2k)] = (2k-1)!!`` and ``m_{2n}[M_T] = (2n+1)!! T^n``.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < -1:
        raise ValueError(f"double_factorial needs an integer n >= -1, got {n!r}")
    return math.prod(range(int(n), 0, -2))


def legendre_coefficients(l: int) -> list[Fraction]:
    """Exact monomial coefficients of the Legendre polynomial: ``P_l(s) = sum_k c[k] s^k``.

    ``c[l - 2j] = (-1)^j (2l - 2j)! / (2^l j! (l - j)! (l - 2j)!)`` (Rodrigues' formula
    expanded), the other entries 0; ``len(c) = l + 1``.
    """
    l = check_nonnegative_int(l, "l")
    c = [Fraction(0)] * (l + 1)
    for j in range(l // 2 + 1):
        num = (-1) ** j * math.factorial(2 * l - 2 * j)
        den = 2**l * math.factorial(j) * math.factorial(l - j) * math.factorial(l - 2 * j)
        c[l - 2 * j] = Fraction(num, den)
    return c
