"""The fixed-point maps of the isotropic NESS in Laguerre coefficients.

``Phi(a) = (1-gamma) G(a,a) + gamma G(a,r)`` (seed 003 -- Carlen, Lebowitz and Mouhot,
"Exponential approach to, and properties of, a non-equilibrium steady state in a dilute gas",
2014 -- eq. (1.7)), with ``G`` the exact Galerkin gain of
:mod:`kacspectral.boltzmann.isotropic.bobylev`; the normalised map ``N(a) = Phi(a)/m_0[Phi(a)]``
that the solvers of :mod:`kacspectral.boltzmann.isotropic.ness` iterate, optionally with the
energy imposed, and its exact Jacobian.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from kacspectral.boltzmann.isotropic.bobylev import gain, gain_jacobian

__all__ = ["energy_direction", "normalised_map", "normalised_map_jacobian", "reservoir_map"]


def reservoir_map(a: NDArray, tensor: NDArray, r: NDArray, gamma: float) -> NDArray:
    """``Phi(a) = (1-gamma) G(a,a) + gamma G(a,r)`` (seed 003, eq. (1.7)) in coefficients."""
    return (1.0 - gamma) * gain(a, a, tensor) + gamma * gain(a, r, tensor)


def energy_direction(mass: NDArray) -> NDArray:
    """The massless direction ``d`` used to impose the energy: ``d = mass_0 e_1 - mass_1 e_0``.

    ``mass . d = 0``; ``d`` is proportional to ``dM_T/dT`` at ``T = T_ref`` (bobylev (B3): only
    ``a_0`` and ``a_1`` move to first order in ``t``), i.e. a change of temperature of the
    Maxwellian part.
    """
    d = np.zeros(mass.size)
    d[0] = -mass[1]
    d[1] = mass[0]
    return d


def normalised_map(
    a: NDArray,
    tensor: NDArray,
    r: NDArray,
    gamma: float,
    mass: NDArray,
    energy: tuple[NDArray, float] | None = None,
) -> NDArray:
    """``N(a) = Phi(a) / m_0[Phi(a)]``, ``m_0[a] = mass . a`` (module docstring).

    With ``energy = (row, m2_R)`` (``m_2[a] = row . a``) the result is moved along
    :func:`energy_direction` so that ``m_2[N(a)] = m2_R`` exactly (module docstring, "Energy").
    """
    p = reservoir_map(a, tensor, r, gamma)
    p = p / float(mass @ p)
    if energy is not None:
        row, target = energy
        d = energy_direction(mass)
        p = p + (float(target) - float(row @ p)) / float(row @ d) * d
    return p


def normalised_map_jacobian(
    a: NDArray,
    tensor: NDArray,
    r: NDArray,
    gamma: float,
    mass: NDArray,
    energy: tuple[NDArray, float] | None = None,
) -> NDArray:
    """Exact Jacobian of :func:`normalised_map`:
    ``N' = (I - Phi mass^T / m_0) Phi' / m_0`` with
    ``Phi' = (1-gamma) dG(a,a) + gamma dG(., r)``; with ``energy = (row, m2_R)`` it is
    further multiplied on the left by ``I - d row^T / (row . d)``, ``d`` from
    :func:`energy_direction`."""
    p = reservoir_map(a, tensor, r, gamma)
    jp = (1.0 - gamma) * gain_jacobian(a, tensor, "both") + gamma * gain_jacobian(
        r, tensor, "first"
    )
    m0 = float(mass @ p)
    proj = np.eye(a.size) - np.outer(p, mass) / m0
    jac = proj @ jp / m0
    if energy is not None:
        row = energy[0]
        d = energy_direction(mass)
        jac = jac - np.outer(d, row @ jac) / float(row @ d)
    return jac
