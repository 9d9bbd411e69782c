"""Monte Carlo simulation of the R-system and T-system jump processes (seed 000, section 2).

The Kac master equation with the generators of the conventions page, section 6 is the law of a
pure jump process with *constant* total rate, simulated for many independent samples at once:

* R-system (M system + N reservoir particles):
  each system pair collides at rate lambda_S/(M-1)   (total lambda_S M/2),
  each reservoir pair at rate lambda_R/(N-1)          (total lambda_R N/2),
  each system-reservoir pair at rate mu/N             (total mu M);
* T-system (M system particles and an infinite thermostat):
  system pairs as above, and each system particle collides at rate mu with a fresh partner
  drawn from Gamma (total mu M).

A collision of i and j draws Omega uniform on S^2 and sets
v_i <- v_i - [(v_i - v_j).Omega] Omega, v_j <- v_j + [(v_i - v_j).Omega] Omega.
Velocities are simulated in the scaled variable x = sqrt(2 pi) v (standard normal components
under Gamma); observables are returned in v units: |v_1|^2 = |x_1|^2/(2 pi),
|v_1|^4 = |x_1|^4/(2 pi)^2.

Initial states (densities h_0(v) Gamma(v, w)):
``energy``  h_0 = 1 + eps sum_i (|x_i|^2/3 - 1), a density for 0 <= eps <= 1/M: a mixture in
which, with probability eps, particle i has the law |x|^2 Gamma/3 (|x|^2 chi-square with 5
degrees of freedom);
``quartic`` h_0 = 1 + eps sum_i :|x_i|^4:/15, a density for 0 <= eps <= 3/(2M): particle i
(chosen uniformly) has the law (1 + eps M q(x)/15) Gamma, q = |x|^4 - 10|x|^2 + 15, sampled by
rejection from (1 + 15c) Gamma + c |x|^4 Gamma (c = eps M/15).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from kacspectral.kac.finite_reservoir import ReservoirProblem

__all__ = ["sample_initial", "simulate"]


def _directions(rng, n):
    d = rng.normal(size=(n, 3))
    return d / np.linalg.norm(d, axis=1, keepdims=True)


def _radial(rng, dof, n):
    return np.sqrt(rng.chisquare(dof, size=n))[:, None] * _directions(rng, n)


def sample_initial(rng: np.random.Generator, samples: int, M: int, N: int, initial: str,
                   epsilon) -> np.ndarray:
    """Samples of (x_1..x_M, w_1..w_N) from h_0(x) Gamma (module docstring); shape (S, M+N, 3)."""
    eps = float(Fraction(epsilon))
    x = rng.normal(size=(samples, M + N, 3))
    if initial == "energy":
        if not 0 <= eps <= 1 / M:
            raise ValueError(f"energy state is a density only for 0 <= epsilon <= 1/M, got {eps}")
        u = rng.random(samples)
        who = np.floor(u / eps).astype(int) if eps > 0 else np.full(samples, M)
        for i in range(M):
            sel = np.nonzero(who == i)[0]
            x[sel, i] = _radial(rng, 5, len(sel))
    elif initial == "quartic":
        if not 0 <= eps <= 1.5 / M:
            raise ValueError(f"quartic state is a density only for 0 <= epsilon <= 3/(2M), "
                             f"got {eps}")
        c = eps * M / 15
        who = rng.integers(0, M, size=samples)
        todo = np.arange(samples)
        while len(todo):
            n = len(todo)
            heavy = rng.random(n) < 15 * c / (1 + 30 * c)
            y = np.where(heavy[:, None], _radial(rng, 7, n), rng.normal(size=(n, 3)))
            r2 = np.sum(y**2, axis=1)
            accept = rng.random(n) * (1 + c * (r2**2 + 15)) <= 1 + c * (r2**2 - 10 * r2 + 15)
            x[todo[accept], who[todo[accept]]] = y[accept]
            todo = todo[~accept]
    else:
        raise ValueError(f"initial must be 'energy' or 'quartic', got {initial!r}")
    return x


def _pairs(rng, n, size):
    i = rng.integers(0, n, size=size)
    j = rng.integers(0, n - 1, size=size)
    return i, j + (j >= i)


def _collide(x, idx, i, j, partner=None, rng=None):
    om = _directions(rng, len(idx))
    xi = x[idx, i]
    xj = x[idx, j] if partner is None else partner
    s = np.sum((xi - xj) * om, axis=1, keepdims=True)
    x[idx, i] = xi - s * om
    if partner is None:
        x[idx, j] = xj + s * om


def simulate(problem: ReservoirProblem, times, samples: int, *, kind: str = "R",
             initial: str = "energy", epsilon=Fraction(1, 4), seed: int = 0) -> dict:
    """Estimate E|v_1|^2(t) and E|v_1|^4(t) for the R-system (kind "R") or T-system ("T").

    Returns {"times", "v2", "v2_se", "v4", "v4_se", "events"} (means and standard errors).
    """
    if kind not in ("R", "T"):
        raise ValueError(f"kind must be 'R' or 'T', got {kind!r}")
    if samples < 2:
        raise ValueError(f"samples must be >= 2, got {samples}")
    times = np.asarray(times, dtype=float)
    if np.any(np.diff(times) < 0) or np.any(times < 0) or not np.all(np.isfinite(times)):
        raise ValueError(f"times must be finite, >= 0 and increasing, got {times.tolist()}")
    rng = np.random.default_rng(seed)
    M, N = problem.system, problem.reservoir
    lam_s, lam_r, mu = float(problem.lambda_s), float(problem.lambda_r), float(problem.mu)
    x = sample_initial(rng, samples, M, N, initial, epsilon)
    if kind == "T":
        x = np.ascontiguousarray(x[:, :M])
        rates = np.array([lam_s * M / 2 if M >= 2 else 0.0, mu * M])
    else:
        rates = np.array([lam_s * M / 2 if M >= 2 else 0.0, lam_r * N / 2, mu * M])
    total = rates.sum()
    cum = np.cumsum(rates) / total
    nxt = rng.exponential(1 / total, size=samples)
    v2, v2se, v4, v4se = [], [], [], []
    events = 0
    for t in times:
        while True:
            idx = np.nonzero(nxt <= t)[0]
            if not len(idx):
                break
            events += len(idx)
            typ = np.searchsorted(cum, rng.random(len(idx)), side="right")
            for k in range(len(rates)):
                sel = idx[typ == k]
                if not len(sel):
                    continue
                if k == 0:  # system pair
                    i, j = _pairs(rng, M, len(sel))
                    _collide(x, sel, i, j, rng=rng)
                elif kind == "R" and k == 1:  # reservoir pair
                    i, j = _pairs(rng, N, len(sel))
                    _collide(x, sel, M + i, M + j, rng=rng)
                elif kind == "R":  # system-reservoir pair
                    i = rng.integers(0, M, size=len(sel))
                    j = rng.integers(0, N, size=len(sel))
                    _collide(x, sel, i, M + j, rng=rng)
                else:  # thermostat: fresh Gamma partner
                    i = rng.integers(0, M, size=len(sel))
                    _collide(x, sel, i, None, partner=rng.normal(size=(len(sel), 3)), rng=rng)
            nxt[idx] += rng.exponential(1 / total, size=len(idx))
        r2 = np.sum(x[:, 0] ** 2, axis=1) / (2 * math.pi)
        v2.append(r2.mean())
        v2se.append(r2.std(ddof=1) / math.sqrt(samples))
        v4.append((r2**2).mean())
        v4se.append((r2**2).std(ddof=1) / math.sqrt(samples))
    return {"times": times, "v2": np.array(v2), "v2_se": np.array(v2se), "v4": np.array(v4),
            "v4_se": np.array(v4se), "events": events}
