"""Restore mass, momentum and energy of a discrete collision operator (constrained L2 projection).

Gamba and Tharkabhushanam (J. Comput. Phys. 228, 2009, "Spectral-Lagrangian methods for collisional
models of non-equilibrium statistical states"): with ``C`` the ``5 x N^3`` matrix of the
quadrature weights ``h^3`` times ``(1, v_1, v_2, v_3, |v|^2)`` on the grid, the conservative
operator is the L2-closest vector with ``C Q_c = 0``,

    Q_c = Q - C^T (C C^T)^{-1} C Q.

The correction ``Q_c - Q`` is returned so that its size can be reported: it measures how far the
discrete operator is from conserving the three laws (quadrature and truncation errors).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["ConservationProjector", "grid_moments"]


def _axis(n: int, half_width: float) -> NDArray:
    return -half_width + 2.0 * half_width * np.arange(n) / n


def grid_moments(f: NDArray, half_width: float) -> NDArray:
    """``(mass, momentum_1, momentum_2, momentum_3, energy)`` of grid values ``f`` (rectangle
    rule, spectrally accurate for smooth data decaying at the box edge); energy is
    ``int |v|^2 f dv`` (``m_2``)."""
    n = f.shape[0]
    x = _axis(n, half_width)
    h3 = (2.0 * half_width / n) ** 3
    m0 = f.sum()
    m1 = np.einsum("ijk,i->", f, x)
    m2 = np.einsum("ijk,j->", f, x)
    m3 = np.einsum("ijk,k->", f, x)
    x2 = x * x
    e = np.einsum("ijk,i->", f, x2) + np.einsum("ijk,j->", f, x2) + np.einsum("ijk,k->", f, x2)
    return h3 * np.array([m0, m1, m2, m3, e])


class ConservationProjector:
    """The projection ``Q -> Q - C^T (C C^T)^{-1} C Q`` on an ``n^3`` grid of ``[-L, L)^3``.

    ``C`` is never formed: ``C Q`` is :func:`grid_moments` and ``C^T y`` is the separable sum
    ``h^3 (y_0 + y_1 v_1 + y_2 v_2 + y_3 v_3 + y_4 |v|^2)``.
    """

    def __init__(self, n: int, half_width: float):
        self.n = int(n)
        self.half_width = float(half_width)
        x = _axis(self.n, self.half_width)
        self._x = x
        h3 = (2.0 * self.half_width / self.n) ** 3
        self._h3 = h3
        # C C^T = h^6 sum_v phi_a phi_b, phi = (1, v1, v2, v3, |v|^2), by separable sums
        n1 = float(self.n)
        s1, s2, s4 = x.sum(), (x * x).sum(), (x**4).sum()
        s3 = (x**3).sum()
        g = np.zeros((5, 5))
        g[0, 0] = n1**3
        for a in range(3):
            g[0, 1 + a] = g[1 + a, 0] = s1 * n1**2
            for b in range(3):
                g[1 + a, 1 + b] = s2 * n1**2 if a == b else s1 * s1 * n1
            g[1 + a, 4] = g[4, 1 + a] = s3 * n1**2 + 2 * s1 * s2 * n1
        g[0, 4] = g[4, 0] = 3 * s2 * n1**2
        g[4, 4] = 3 * s4 * n1**2 + 6 * s2 * s2 * n1
        self._gram = h3 * h3 * g

    def correction(self, q: NDArray, laws: int = 5) -> NDArray:
        """The correction ``-C^T (C C^T)^{-1} C q`` (same shape as ``q``).

        ``laws = 5`` imposes mass, momentum and energy (for ``Q(f, f)``); ``laws = 1`` mass only
        (``Q(f, g)`` with ``g != f`` conserves mass but exchanges momentum and energy).
        """
        if laws not in (1, 5):
            raise ValueError(f"laws must be 1 (mass) or 5 (mass, momentum, energy), got {laws!r}")
        y = np.zeros(5)
        y[:laws] = np.linalg.solve(self._gram[:laws, :laws],
                                   grid_moments(q, self.half_width)[:laws])
        x = self._x
        x2 = x * x
        c = (y[0] + y[4] * (x2[:, None, None] + x2[None, :, None] + x2[None, None, :])
             + y[1] * x[:, None, None] + y[2] * x[None, :, None] + y[3] * x[None, None, :])
        return -self._h3 * c

    def weighted_correction(self, q: NDArray, weight: NDArray, laws: int = 5) -> NDArray:
        """The correction ``-W C^T (C W C^T)^{-1} C q``, ``W = diag(weight)``, ``weight >= 0``:
        the least-squares correction in the norm ``sum (Q_c - Q)^2 / weight``, supported where
        the weight is (used with ``weight = |f|`` for ``Q(f, g)``, so that a mass defect is not
        spread as a constant over the whole box, where periodic aliasing would feed it back)."""
        if laws not in (1, 5):
            raise ValueError(f"laws must be 1 (mass) or 5 (mass, momentum, energy), got {laws!r}")
        x = self._x
        ones = np.ones_like(x)
        h3 = self._h3
        w = np.asarray(weight, dtype=float)
        phis = [np.broadcast_to(ones[:, None, None], w.shape)]
        if laws == 5:
            phis += [np.broadcast_to(x[:, None, None], w.shape),
                     np.broadcast_to(x[None, :, None], w.shape),
                     np.broadcast_to(x[None, None, :], w.shape),
                     x[:, None, None] ** 2 + x[None, :, None] ** 2 + x[None, None, :] ** 2]
        gram = np.array([[h3 * h3 * np.sum(w * a * b) for b in phis] for a in phis])
        y = np.linalg.solve(gram, grid_moments(q, self.half_width)[:laws])
        return -h3 * w * sum(yi * a for yi, a in zip(y, phis, strict=True))

    def project(self, q: NDArray, laws: int = 5, weight: NDArray | None = None
                ) -> tuple[NDArray, float]:
        """``(Q_c, max |Q_c - Q|)``; ``Q_c`` conserves the imposed moments to rounding.
        ``weight=None`` is the standard (unweighted) projection."""
        c = self.correction(q, laws) if weight is None else self.weighted_correction(
            q, weight, laws)
        return q + c, float(np.max(np.abs(c)))
