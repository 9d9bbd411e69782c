"""Validation of the entropy budget, the diffusive reservoirs and the Lyapunov functionals
(issue 10; seed 003, sections 2-4).

Per case (kernels constant, kac and the non-even ``3*(1+s)**2/4``; two and three reservoirs;
jump, diffusive and mixed): the NESS moments against the exact rationals, the heat fluxes and
``sigma = sum J_a/T_a`` against their exact values, and the balance error
``|sigma_B + sum sigma_a - sigma| / sigma`` of the quadrature budget.  Then, along evolutions:
the entropy budget ``dS/dt`` (h^4 differences of S(t)) against the production terms; the
non-monotone S(t) from a two-temperature initial state; the corrected distance d'_GTW with two
cut-off radii (fitted rate vs lambda_1); W2 contraction along Fokker-Planck and the seed's
(3.3) misprint; POT's accuracy against the Bures closed form.

    python validation/entropy_budget.py          # writes validation/results/entropy_budget.json
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from kacspectral.boltzmann.anisotropic.evolution import (
    EvolutionProblem,
    equilibrium_reference,
    evolve,
    reference_temperature,
)
from kacspectral.boltzmann.distance_corrected import corrected_gtw_distance, moment_decay_rate
from kacspectral.boltzmann.entropy import entropy_terms, exact_heat_fluxes, ness_entropy_budget
from kacspectral.boltzmann.isotropic.diffusive import DiffusiveNessProblem, solve_diffusive_ness
from kacspectral.boltzmann.isotropic.exact import exact_moments
from kacspectral.boltzmann.isotropic.relaxation import evolve_isotropic
from kacspectral.boltzmann.wasserstein import w2_densities, w2_gaussian, w2_maxwellians
from kacspectral.physics.fokker_planck import DiffusiveReservoirs
from kacspectral.physics.reservoirs import MaxwellianMixture
from kacspectral.provenance import versions
from kacspectral.spectral.hermite_space import HermiteSpace

CASES = {
    # name: (gamma, weights, temperatures, kernel, diffusive etas, diffusive temperatures)
    "jump-2-constant": ("1/2", ["1/2", "1/2"], ["1/6", "1/2"], "constant", None, None),
    "jump-2-kac": ("1/2", ["1/2", "1/2"], ["1/6", "1/2"], "kac", None, None),
    "jump-3-forward": ("1/3", ["1/5", "1/2", "3/10"], ["1/4", "1/2", "1"], "3*(1+s)**2/4",
                       None, None),
    "diffusive-2-constant": ("0", ["1"], ["1"], "constant", ["1/4", "1/2"], ["1/5", "1/2"]),
    "mixed-kac": ("1/2", ["1/2", "1/2"], ["1/6", "1/2"], "kac", ["1/4", "1/4"], ["1/3", "1"]),
    "mixed-3-forward": ("1/4", ["1/3", "1/3", "1/3"], ["1/5", "1/3", "1/2"], "3*(1+s)**2/4",
                        ["1/2"], ["1/4"]),
    "equal-temperatures-kac": ("1/2", ["1"], ["1/3"], "kac", ["1/2"], ["1/3"]),
}


def run_case(spec) -> dict:
    gamma, w, T, kern, etas, dts = spec
    diff = DiffusiveReservoirs(etas, dts) if etas is not None else None
    p = DiffusiveNessProblem(gamma, MaxwellianMixture(w, T), kern, diffusive=diff)
    t0 = time.perf_counter()
    r = solve_diffusive_ness(p)
    b = ness_entropy_budget(r)
    ex = [float(x) for x in exact_moments(p, 6)]
    fluxes, m2, sigma = exact_heat_fluxes(p)
    return {
        "problem": p.describe(),
        "truncation": r.truncation,
        "moments_max_rel_error": float(np.max(np.abs(r.moments(6) - ex) / np.abs(ex))),
        "heat_flux": list(b.heat_flux),
        "heat_flux_exact": [str(x) for x in fluxes],
        "heat_flux_max_error": float(max(abs(a - float(e)) for a, e in
                                         zip(b.heat_flux, fluxes, strict=True))),
        "sum_heat_flux": float(sum(b.heat_flux)),
        "entropy_production": b.entropy_production,
        "entropy_production_exact": str(sigma),
        "sigma_collision": b.sigma_collision,
        "sigma_reservoirs": list(b.sigma_reservoirs),
        "balance_error": b.balance_error,
        "quadrature_error": b.quadrature_error,
        "seconds": time.perf_counter() - t0,
    }


def budget_along_evolution() -> dict:
    R = MaxwellianMixture(["1/2", "1/2"], ["1/6", "1/2"])
    out = {}
    for name, diff in (("jump-kac", None), ("mixed-kac", DiffusiveReservoirs(["1/4"], ["1/3"]))):
        p = DiffusiveNessProblem("1/2", R, "kac", diffusive=diff)
        errs = {}
        for h in (0.1, 0.05, 0.025):
            ts = 0.5 + h * np.arange(-2, 3)
            tr = evolve_isotropic(p, [1], [1.0], np.concatenate([[0.0], ts]), dt=0.0125)
            terms = [entropy_terms(p, a, tr.t_ref, 100, t_max=1.0) for a in tr.coefficients[1:]]
            S = np.array([t["entropy"] for t in terms])
            fd = (-S[4] + 8 * S[3] - 8 * S[1] + S[0]) / (12 * h)
            errs[str(h)] = abs(fd - terms[2]["dS_dt"])
        out[name] = {"initial": "M_1 (hot)", "t": 0.5, "dS_dt": terms[2]["dS_dt"],
                     "abs_error_vs_h": errs}
    # non-monotone S from (M_0.1 + M_1)/2, b = 1
    p = DiffusiveNessProblem("1/2", R, "constant")
    ts = np.array([0.0, 0.2, 0.4, 0.8, 1.2, 1.6, 2.4, 3.2])
    tr = evolve_isotropic(p, [0.5, 0.5], [0.1, 1.0], ts, dt=0.02, tol=1e-12)
    S = [entropy_terms(p, a, tr.t_ref, 100, t_max=tr.t_max)["entropy"] for a in tr.coefficients]
    out["non_monotone_S"] = {"initial": "(M_0.1 + M_1)/2", "times": ts.tolist(), "S": S,
                             "increases_then_decreases": bool(np.argmax(S) not in (0, len(S) - 1))}
    return out


def corrected_distance_rates() -> dict:
    R = MaxwellianMixture(["1/2", "1/2"], ["1/6", "1/2"])
    T0, u0 = [0.4, 0.3, 0.5], [0.2, 0.1, 0.0]
    sp = HermiteSpace(12, reference_temperature(T0, R))
    p = EvolutionProblem("1/2", R, "kac", sp)
    times = np.arange(0.0, 12.01, 1.5)
    r = evolve(p, sp.maxwellian(T0, u0), times, dt=0.025)
    ref = equilibrium_reference(p, 1.0)
    out = {"lambda_1": p.decay_rate, "moment_rate_gamma_lambda_0": moment_decay_rate(0.5, p.kernel),
           "seed_lambda_0": (1 - 1 / 3) / 2, "times": times.tolist()}
    for radius in (np.sqrt(3.0), 2 * np.sqrt(3.0)):
        d = [corrected_gtw_distance(lambda xi, a=a: sp.fourier(a, xi), ref.fourier,
                                    sp.moments(a), ref.moment_tensors, radius=radius).distance
             for a in r.coefficients]
        slope, logc = np.polyfit(times[4:], np.log(d[4:]), 1)
        out[f"chi_radius_{radius:.4f}"] = {"distance": d, "fitted_rate": -slope,
                                          "fitted_C": float(np.exp(logc)),
                                          "last_local_rate": -np.log(d[-1] / d[-2]) / 1.5}
    return out


def wasserstein_checks() -> dict:
    eta, T = 0.5, 2 / 3
    u0 = np.array([0.3, 0.0, 0.1])
    rows = []
    for t in (0.5, 1.0, 2.0, 4.0):
        w = w2_maxwellians(u0 * np.exp(-eta * t), T, [0] * 3, T) / np.linalg.norm(u0)
        rows.append({"t": t, "W2_ratio": w, "exp(-eta t)": np.exp(-eta * t),
                     "exp(-(eta/T) t)": np.exp(-eta / T * t)})
    c, s = np.cos(0.7), np.sin(0.7)
    rot = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
    S1 = rot @ np.diag([0.4, 0.3, 0.5]) @ rot.T
    S2 = np.diag([0.2, 0.35, 0.3])
    u1 = np.array([0.2, 0.0, 0.0])

    def gauss(m, S):
        inv = np.linalg.inv(S)
        return lambda v: np.exp(-0.5 * np.einsum("ni,ij,nj->n", v - m, inv, v - m)) / np.sqrt(
            (2 * np.pi) ** 3 * np.linalg.det(S))

    mom = [{"mass": 1.0, "momentum": m, "second": S + np.outer(m, m)}
           for m, S in ((u1, S1), (np.zeros(3), S2))]
    ex = w2_gaussian(u1, S1, np.zeros(3), S2)
    pot = {str(n): abs(w2_densities(gauss(u1, S1), gauss(np.zeros(3), S2), *mom, n=n) - ex) / ex
           for n in (6, 8, 10)}
    # strongly non-commuting covariances (added in review): the error decays slowly in n
    rot = np.array([[np.sqrt(0.5), -np.sqrt(0.5), 0], [np.sqrt(0.5), np.sqrt(0.5), 0], [0, 0, 1]])
    A, B = rot @ np.diag([1.0, 0.02, 0.5]) @ rot.T, np.diag([0.02, 1.0, 0.5])
    mom_ab = [{"mass": 1.0, "momentum": np.zeros(3), "second": S} for S in (A, B)]
    ex_ab = w2_gaussian(np.zeros(3), A, np.zeros(3), B)
    pot_strong = {str(n): abs(w2_densities(gauss(np.zeros(3), A), gauss(np.zeros(3), B), *mom_ab,
                                           n=n) - ex_ab) / ex_ab for n in (4, 8, 12)}
    return {"ou_shifted_maxwellian": rows, "pot_relative_error_vs_bures_noncommuting": pot,
            "bures_value": ex, "pot_relative_error_vs_bures_strongly_noncommuting": pot_strong,
            "bures_value_strong": ex_ab}


def main() -> None:
    results = {name: run_case(spec) for name, spec in CASES.items()}
    for name, r in results.items():
        print(f"{name:24s} K={r['truncation']:3d} moments {r['moments_max_rel_error']:.1e} "
              f"sigma {r['entropy_production_exact']:>8s} balance {r['balance_error']:.1e}")
    payload = {
        "cases": results,
        "max_balance_error": max(r["balance_error"] for n, r in results.items()
                                 if r["entropy_production"] != 0),
        "evolution_budget": budget_along_evolution(),
        "corrected_distance": corrected_distance_rates(),
        "wasserstein": wasserstein_checks(),
        "versions": versions(),
    }
    print(json.dumps({k: payload[k] for k in ("evolution_budget", "corrected_distance",
                                              "wasserstein")}, indent=1, default=float)[:4000])
    out = Path(__file__).resolve().parent / "results" / "entropy_budget.json"
    out.write_text(json.dumps(payload, indent=2, allow_nan=False, default=float) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
