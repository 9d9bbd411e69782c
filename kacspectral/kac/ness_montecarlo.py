"""Monte Carlo of the N-particle Kac system with several thermostats, at stationarity.

The process of :mod:`kacspectral.kac.multi_thermostat` is a pure jump process with constant
total rate Lambda = lambda_S N/2 + mu N (pairs at rate lambda_S/(N-1) each, particle-thermostat
meetings at rate mu_a each).  Its embedded jump chain (uniformisation) has the same stationary
law, so time is not simulated: each step picks a pair collision with probability
(lambda_S N/2)/Lambda (the pair uniform), else a thermostat meeting (the particle uniform, the
thermostat a with probability mu_a/mu, the partner x ~ M_{T_a}), and applies
v_i <- v_i - [(v_i - x).Omega] Omega (and v_j <- v_j + [...] Omega for a pair), Omega uniform.
(Same collision rule as :func:`kacspectral.kac.montecarlo.simulate`, which has one Gamma
thermostat; velocities here are in v units directly.)

Estimator and standard error: ``chains`` independent chains (one seeded generator) start from
the product Maxwellian at the mean temperature; after ``burn_in`` steps each chain records,
every ``thin`` steps, ``records`` particle-averaged observables
((1/N) sum_i |v_i|^{2k} and (1/(N(N-1))) sum_{i != j} |v_i|^2 |v_j|^2); the chain's time average is
one sample, the chains are independent, so the standard error is the sample standard deviation
over the chains divided by sqrt(chains) (no autocorrelation enters).  The burn-in must be long
against the relaxation time 3/mu in t (the gap, :mod:`kacspectral.kac.ness_gap`): ``burn_in``
steps cover the time burn_in/Lambda.

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

import math
from dataclasses import dataclass

import numpy as np

from kacspectral.kac.multi_thermostat import MultiThermostat
from kacspectral.results import ResultMixin

__all__ = ["StationaryMonteCarlo", "simulate_stationary"]


@dataclass(frozen=True)
class StationaryMonteCarlo(ResultMixin):
    """Monte Carlo estimates: ``mean`` and ``se`` ({observable: float}), the number of steps per
    chain, the number of chains and the seed."""

    particles: int
    mean: dict[str, float]
    se: dict[str, float]
    steps: int
    chains: int
    seed: int

    def z_scores(self, exact: dict) -> dict:
        """(mean - exact)/se for every estimated observable present in ``exact``."""
        return {k: (m - float(exact[k])) / self.se[k] for k, m in self.mean.items()
                if k in exact}


def _directions(rng: np.random.Generator, n: int) -> np.ndarray:
    d = rng.normal(size=(n, 3))
    return d / np.linalg.norm(d, axis=1, keepdims=True)


def simulate_stationary(problem: MultiThermostat, particles: int, *, chains: int = 2000,
                        burn_in_time: float = 12.0, records: int = 40, thin_time: float = 0.5,
                        seed: int = 0) -> StationaryMonteCarlo:
    """Stationary E|v_1|^2, E|v_1|^4, E|v_1|^6, E|v_1|^2|v_2|^2 by Monte Carlo (module docstring).

    Parameters
    ----------
    problem : MultiThermostat
    particles : int
        N >= 1.
    chains : int
        Independent chains (>= 2).
    burn_in_time, thin_time : float
        Burn-in and spacing of the records, in units of the relaxation time 3/mu.
    records : int
        Records per chain.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    StationaryMonteCarlo
    """
    if not isinstance(problem, MultiThermostat):
        raise TypeError(f"problem must be a MultiThermostat, got {type(problem).__name__}")
    n = int(particles)
    if n < 1 or chains < 2 or records < 1:
        raise ValueError(f"need particles >= 1, chains >= 2, records >= 1; got {n}, {chains}, "
                         f"{records}")
    rng = np.random.default_rng(seed)
    lam_s, mu = float(problem.lambda_s), float(problem.mu)
    temps = np.array([float(t) for t in problem.temperatures])
    probs = np.array([float(w) for w in problem.weights])
    total = (lam_s * n / 2 if n >= 2 else 0.0) + mu * n
    p_pair = (lam_s * n / 2 if n >= 2 else 0.0) / total
    tau = 3.0 / mu
    burn = int(math.ceil(burn_in_time * tau * total))
    thin = max(1, int(math.ceil(thin_time * tau * total)))
    x = rng.normal(size=(chains, n, 3)) * math.sqrt(float(problem.mean_temperature))
    rows = np.arange(chains)

    def step():
        pair = rng.random(chains) < p_pair
        i = rng.integers(0, n, size=chains)
        om = _directions(rng, chains)
        a = rng.choice(len(temps), size=chains, p=probs)
        partner = rng.normal(size=(chains, 3)) * np.sqrt(temps[a])[:, None]
        if n >= 2:
            j = rng.integers(0, n - 1, size=chains)
            j = j + (j >= i)
            partner = np.where(pair[:, None], x[rows, j], partner)
        xi = x[rows, i]
        s = np.sum((xi - partner) * om, axis=1, keepdims=True)
        x[rows, i] = xi - s * om
        if n >= 2:
            sel = np.nonzero(pair)[0]
            x[sel, j[sel]] = partner[sel] + s[sel] * om[sel]

    for _ in range(burn):
        step()
    acc = {k: np.zeros(chains) for k in ("|v1|^2", "|v1|^4", "|v1|^6", "|v1|^2|v2|^2")}
    for r in range(records):
        if r:
            for _ in range(thin):
                step()
        e = np.sum(x**2, axis=2)
        acc["|v1|^2"] += e.mean(axis=1)
        acc["|v1|^4"] += (e**2).mean(axis=1)
        acc["|v1|^6"] += (e**3).mean(axis=1)
        if n >= 2:
            tot = e.sum(axis=1)
            acc["|v1|^2|v2|^2"] += (tot**2 - (e**2).sum(axis=1)) / (n * (n - 1))
    if n < 2:
        del acc["|v1|^2|v2|^2"]
    mean = {k: float(v.mean() / records) for k, v in acc.items()}
    se = {k: float((v / records).std(ddof=1) / math.sqrt(chains)) for k, v in acc.items()}
    return StationaryMonteCarlo(n, mean, se, burn + (records - 1) * thin, chains, seed)
