"""N -> infinity: the N-particle Kac NESS and the kinetic NESS of seed 003, eq. (1.4).

The correspondence (derivation)
-------------------------------
In the N-particle system of :mod:`kacspectral.kac.multi_thermostat` each particle collides with
one of the N - 1 others at total rate lambda_S (rate lambda_S/(N-1) per pair partner) and with
thermostat a at rate mu_a.  If the law is chaotic (propagation of chaos, Kac 1956), the
one-particle marginal f_t obeys

    d f/dt = lambda_S [Q+(f, f) - f] + sum_a mu_a [Q+(f, M_{T_a}) - f]
           = (lambda_S + mu) [ (1-gamma) Q+(f, f) + gamma Q+(f, R) - f ],

with the gain operator Q+ of ``docs/conventions.md`` section 3 for the kac kernel
b(s) = (2(1-s))^(-1/2) (the Omega-collision with Omega uniform is the sigma-collision with this
kernel, section 6), and

    mu = sum_a mu_a,   gamma = mu/(lambda_S + mu),   R = sum_a (mu_a/mu) M_{T_a}.

This is eq. (1.4) of seed 003 (Carlen, Lebowitz, Mouhot 2014) in the time tau = (lambda_S + mu) t:
its NESS is the N -> infinity limit of the one-particle marginal of the N-particle NESS, and a
rate r of (1.4) (in tau) is the rate (lambda_S + mu) r in the time t of the particle system.
In particular the GTW contraction rate 1 - lambda, lambda = (1-gamma) + gamma beta, is
(lambda_S + mu) gamma (1 - beta) = mu (1 - beta) = mu/3 in t (beta = 2/3 for the kac kernel).

The exact check (tests/test_kac_ness.py): the N-particle moments are rational functions of N
(or their Taylor series in 1/N, :func:`kacspectral.kac.multi_thermostat.stationary_series`);
their values at 1/N = 0 are compared, in exact rationals, with
:func:`kacspectral.boltzmann.isotropic.exact.exact_moments` of the kinetic problem built from
:func:`kinetic_parameters` (the kac subpackage does not import the Boltzmann one: the caller
builds the NessProblem).  Every limit type must also factorise (chaos):
y_lambda(oo) = prod_p m_{|lambda_p|} E_Omega[Omega^{lambda_p}] for the isotropic kinetic NESS.

Findings (validation/kac_ness.py; T = (1/6, 1/2), mu = (1, 1), lambda_S = 1, so gamma = 2/3)
------------------------------------------------------------------------------------------
* The limits equal the kinetic moments exactly: m_4 = 65/36, m_6 = 175/36, and every type of
  degree <= 6 factorises; also for three thermostats.
* E|v_1|^4 = 65/36 + (10/891)/N + O(N^-2), E|v_1|^6 = 175/36 + (70/891)/N + O(N^-2).
* The correlation E|v_1|^2|v_2|^2 - (E|v_1|^2)^2 = 1/(36 N) + 71/(3564 N^2) + O(N^-3).

References
----------
* "seed 000": F. Bonetto, A. Popa, M. Powell, P. Chen, S. Tung, "Improved Approximation of
  Infinite Thermostat by Finite Reservoir Using the 3D Kac Model" (2025): the 3D Kac collision
  and the thermostat operator (section 2).
* "seed 003": E. A. Carlen, J. L. Lebowitz, C. Mouhot, "Exponential approach to, and
  properties of, a non-equilibrium steady state in a dilute gas" (arXiv:1406.4097, 2014): the
  kinetic equation (1.4) with R of (1.3), and the question of its N-particle derivation
  (section 6).
* Conventions (Maxwellians, kernels, Taylor coefficients): ``docs/conventions.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from kacspectral.kac.multi_thermostat import (
    MultiThermostat,
    canonical_type,
    named_observables,
    observable_expectation,
    stationary_moments,
)
from kacspectral.kac.ness_series import stationary_series
from kacspectral.results import ResultMixin

__all__ = ["KacNessResult", "KineticParameters", "chaos_expectation", "kac_ness",
           "kinetic_parameters",
           "series_expectation"]


@dataclass(frozen=True)
class KineticParameters(ResultMixin):
    """Parameters of the kinetic problem (1.4) that the N-particle system tends to.

    Attributes
    ----------
    gamma : Fraction
        mu/(lambda_S + mu).
    weights, temperatures : tuple of Fraction
        R = sum_a weights[a] M_{temperatures[a]}, weights = mu_a/mu.
    kernel : str
        ``"kac"``.
    time_scale : Fraction
        lambda_S + mu: the time of (1.4) is tau = time_scale * t.
    beta : Fraction
        (1/4) int (1+s) b(s) ds = 2/3 for the kac kernel (E_Omega of (1 - (k.Omega)^2)).
    """

    gamma: Fraction
    weights: tuple[Fraction, ...]
    temperatures: tuple[Fraction, ...]
    kernel: str
    time_scale: Fraction
    beta: Fraction

    @property
    def contraction_constant(self) -> Fraction:
        """lambda = (1 - gamma) + gamma beta (seed 003, Lemma 1.2)."""
        return (1 - self.gamma) + self.gamma * self.beta

    @property
    def contraction_rate(self) -> Fraction:
        """(1 - lambda) time_scale: the GTW contraction rate in the particle time t."""
        return (1 - self.contraction_constant) * self.time_scale

    def summary(self) -> dict:
        """JSON-ready parameters and the derived constants (exact values as strings)."""
        return {"gamma": str(self.gamma), "weights": [str(w) for w in self.weights],
                "temperatures": [str(t) for t in self.temperatures], "kernel": self.kernel,
                "time_scale": str(self.time_scale), "beta": str(self.beta),
                "contraction_constant": str(self.contraction_constant),
                "contraction_rate": str(self.contraction_rate)}


def kinetic_parameters(problem: MultiThermostat) -> KineticParameters:
    """gamma = mu/(lambda_S + mu), R = sum_a (mu_a/mu) M_{T_a}, kac kernel, tau = (lambda_S+mu) t.

    beta = E_Omega[1 - (k.Omega)^2] = 1 - 1/3 (the s-density of the kac kernel is that of
    s = 1 - 2 t^2, t = k.Omega uniform on [0, 1]; (1+s)/2 = 1 - t^2).
    """
    if not isinstance(problem, MultiThermostat):
        raise TypeError(f"problem must be a MultiThermostat, got {type(problem).__name__}")
    mu = problem.mu
    return KineticParameters(gamma=mu / (problem.lambda_s + mu), weights=problem.weights,
                             temperatures=problem.temperatures, kernel="kac",
                             time_scale=problem.lambda_s + mu, beta=Fraction(2, 3))


def series_expectation(series: dict, poly: dict, k: int) -> Fraction:
    """The k-th Taylor coefficient in 1/N of E[poly] (``series`` from stationary_series)."""

    def moment(parts):
        parts = [tuple(p) for p in parts]
        if not any(sum(p) for p in parts):
            return Fraction(int(k == 0))
        if any(sum(p[a] for p in parts) % 2 for a in range(3)):
            return Fraction(0)
        return series[canonical_type(parts)][k]

    return observable_expectation(poly, moment)


@dataclass(frozen=True)
class KacNessResult(ResultMixin):
    """Exact stationary moments at N, their N -> infinity limits and 1/N coefficients.

    Attributes
    ----------
    problem : MultiThermostat
    particles : int or None
        N (None: only the limit).
    degree : int
    exact : dict
        {observable name: Fraction} at N ({} when particles is None).
    limit : dict
        {name: Fraction}: the value at 1/N = 0.
    one_over_n : dict
        {name: Fraction}: lim N (E_N - limit).
    second_order : dict
        {name: Fraction}: the coefficient of 1/N^2.
    kinetic : KineticParameters
    """

    problem: MultiThermostat
    particles: int | None
    degree: int
    exact: dict[str, Fraction]
    limit: dict[str, Fraction]
    one_over_n: dict[str, Fraction]
    second_order: dict[str, Fraction]
    kinetic: KineticParameters

    @property
    def correlation(self) -> dict:
        """E|v1|^2|v2|^2 - (E|v1|^2)^2: at N (if given), its 1/N and 1/N^2 coefficients
        ({} below degree 4)."""
        if "|v1|^2|v2|^2" not in self.limit:
            return {}
        out = {"one_over_n": self.one_over_n["|v1|^2|v2|^2"],
               "second_order": self.second_order["|v1|^2|v2|^2"],
               "limit": self.limit["|v1|^2|v2|^2"] - self.limit["|v1|^2"] ** 2}
        if self.exact and "|v1|^2|v2|^2" in self.exact:
            out["at_n"] = self.exact["|v1|^2|v2|^2"] - self.exact["|v1|^2"] ** 2
        return out

    def moments(self, n: int | None = None) -> np.ndarray:
        """Radial moments m_0, m_2, .., m_{2n} of the one-particle marginal at N (the limit when
        ``particles`` is None): the package's one meaning of ``moments``, a float array whose
        index k holds m_{2k} = E|v_1|^{2k}; ``n`` defaults to ``degree // 2``."""
        n = self.degree // 2 if n is None else int(n)
        if not 0 <= n <= self.degree // 2:
            raise ValueError(f"n must be in 0..{self.degree // 2} (degree {self.degree}), got {n}")
        vals = self.exact or self.limit
        return np.array([1.0] + [float(vals[f"|v1|^{2 * k}"]) for k in range(1, n + 1)])

    def named_moments(self) -> dict[str, float]:
        """{observable name: float} at N (or the limit when particles is None)."""
        return {k: float(v) for k, v in (self.exact or self.limit).items()}

    def summary(self) -> dict:
        """JSON-ready summary (exact values as strings, floats, correlation, kinetic constants)
        with versions; ``to_dict``/``save`` (ResultMixin) hold the fields for ``load``."""
        from kacspectral.provenance import versions

        ver = versions()

        def s(d):
            return {k: str(v) for k, v in d.items()}

        return {"problem": self.problem.describe(), "particles": self.particles,
                "degree": self.degree, "moments": self.named_moments(),
                "exact_moments": s(self.exact or self.limit), "limit_moments": s(self.limit),
                "one_over_n_coefficients": s(self.one_over_n),
                "second_order_coefficients": s(self.second_order),
                "correlation": s(self.correlation), "kinetic": self.kinetic.summary(),
                "version": ver["kacspectral"], "versions": ver}


def kac_ness(problem: MultiThermostat, particles: int | None, degree: int = 4) -> KacNessResult:
    """Exact moments at N, the N -> infinity limit and the 1/N, 1/N^2 coefficients of the named
    observables (:func:`kacspectral.kac.multi_thermostat.named_observables`) of degree <=
    ``degree``.

    Parameters
    ----------
    problem : MultiThermostat
        The N-particle 3D Kac system with thermostats (self-collision rate ``lambda_S``,
        thermostat rates ``mu_a`` and temperatures ``T_a``, exact rationals); its kinetic limit is
        seed 003, eq. (1.4), with the parameters of :func:`kinetic_parameters`.
    particles : int or None
        The number of particles ``N >= 1`` at which the exact moments are computed; None gives
        only the limit and the ``1/N``, ``1/N^2`` coefficients.
    degree : int
        Highest total degree of the observables in the velocities, an integer in
        ``0..MAX_DEGREE`` of :mod:`kacspectral.kac.multi_thermostat` (default 4; 6 adds
        ``|v1|^6`` and the three-particle observables).

    Returns
    -------
    KacNessResult
        Exact Fractions per named observable: at ``N`` (``exact``, empty when ``particles`` is
        None), at ``1/N = 0`` (``limit``), and the coefficients of ``1/N`` and ``1/N^2``; with
        the kinetic parameters.

    Raises
    ------
    TypeError
        If ``problem`` is not a MultiThermostat.
    ValueError
        If ``degree`` or ``particles`` is not an integer in its range.
    ArithmeticError
        If a degree block of the ``N = infinity`` stationarity system is singular (the moments
        are then not analytic in ``1/N``).
    """
    if not isinstance(problem, MultiThermostat):
        raise TypeError(f"problem must be a MultiThermostat, got {type(problem).__name__}")
    series = stationary_series(problem, degree, order=2)
    names = {k: v for k, v in named_observables().items() if v[1] <= degree}
    coef = [{k: series_expectation(series, poly, j) for k, (poly, _, _) in names.items()}
            for j in range(3)]
    exact = {}
    if particles is not None:
        exact = stationary_moments(problem, particles, degree).named()
    return KacNessResult(problem, particles, degree, exact, coef[0], coef[1], coef[2],
                         kinetic_parameters(problem))


def chaos_expectation(poly: dict, one_particle_moments) -> Fraction:
    """E[poly] under the product law f^{(x)K} of an isotropic f with moments
    ``one_particle_moments[n] = m_{2n}[f]``: E[v^e] = m_{|e|} E_Omega[Omega^e] per particle
    (odd |e| give 0).  With f the kinetic NESS this is the N -> infinity prediction of
    propagation of chaos, computed independently of the N-particle hierarchy."""
    from kacspectral.kac.tables import sphere_moment

    def moment(parts):
        out = Fraction(1)
        for e in parts:
            d = sum(e)
            if d == 0:
                continue
            if d % 2:
                return Fraction(0)
            out *= Fraction(one_particle_moments[d // 2]) * sphere_moment(tuple(e))
        return out

    return observable_expectation(poly, moment)
