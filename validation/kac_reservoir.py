"""Validation tables for the 3D Kac generators and the finite-reservoir distance (issue 5).

Run from the repository root:  python validation/kac_reservoir.py  [--quick]
Writes validation/results/kac_reservoir.json.

Tables
------
1. Spectral gap of L_S (lambda_S = 1) for N = 2..10 on degree <= 4 (<= 6 for N <= 4) against
   the claim (4/15) N/(N-1), with the sector of the gap mode and the momentum/stress modes.
2. Gap of L_T (mu = 1) for M <= 3, degree <= 4 (Lemma 3: mu/3).
3. Gap k of the R-system generator L (degree <= 2, 3, 4) for (M, N) = (1, 10), (2, 10),
   (2, 100), (2, 1000); degree 4 gives the same k as degree 3 to 1e-14 (backs the default
   ``--gap-degree 3`` of ``kacspectral reservoir``).
4. Lemma 1: sup ||R h - 1||/||h - 1|| vs C(M/N);  Lemma 2 checked exactly (M <= 2).
5. Exact distance ||h_t - h~_t|| (energy sector N = 10..10^6, quartic sector N = 10..10^4)
   beside the seed's bound; fitted exponents in N and M of the long-time distance; short-time
   slope.
6. Monte Carlo (N = 100, M = 2, 10^5 samples) against the exact sector evolution, with timing.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from dataclasses import asdict
from fractions import Fraction
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kacspectral.cli._common import to_jsonable  # noqa: E402
from kacspectral.kac import generators as kac  # noqa: E402
from kacspectral.kac.finite_reservoir import (  # noqa: E402
    INITIAL_STATES,
    ReservoirProblem,
    energy_sector_distance,
    expectations,
    lemma1_constant,
    reservoir_distance,
    reservoir_gap,
    thermostat_l,
)
from kacspectral.kac.montecarlo import simulate  # noqa: E402
from kacspectral.kac.projector import lemma1_ratio, lemma2_sides  # noqa: E402
from kacspectral.kac.spectral_gap import PARITIES, kac_gap  # noqa: E402
from kacspectral.kac.tables import poly_mul  # noqa: E402
from kacspectral.provenance import versions  # noqa: E402


def log(*a):
    print(*a, flush=True)


def gaps_table(nmax, deg6_max):
    rows = []
    for n in range(2, nmax + 1):
        d = 6 if n <= deg6_max else 4
        t0 = time.time()
        r = kac_gap(n, d)
        c = {"gap": float(r.claimed_gap), "momentum": float(r.claimed_momentum),
             "stress": float(r.claimed_stress)}
        vals = [-m.eigenvalue for m in r.modes]
        rows.append({
            "N": n, "degree": d, "gap": r.gap, "claimed": c["gap"],
            "gap_minus_claim": r.gap - c["gap"],
            "confirmed": abs(r.gap - c["gap"]) <= 1e-12,
            "gap_mode": asdict(r.gap_mode),
            "momentum_found": bool(min(abs(np.array(vals) - c["momentum"])) <= 1e-12),
            "stress_found": bool(min(abs(np.array(vals) - c["stress"])) <= 1e-12),
            "modes": [asdict(m) for m in r.modes], "max_asymmetry": r.max_asymmetry,
            "seconds": time.time() - t0,
        })
        log(f"L_S N={n} deg<={d}: gap={r.gap:.15g} claim={c['gap']:.15g} "
            f"mode={r.gap_mode.degree}/{list(r.gap_mode.spins)} ({time.time() - t0:.1f}s)")
    return rows


def thermostat_table():
    rows = []
    for M in (1, 2, 3):
        top = -math.inf
        for m in range(1, 5):
            for par in PARITIES:
                if sum(par) % 2 != m % 2:
                    continue
                sec = kac.PolynomialSector((1,) * M, m, par)
                if len(sec):
                    a = kac.symmetrize(sec, kac.generator_matrix(sec, range(M), kind="Tonly"))
                    top = max(top, float(np.max(np.linalg.eigvalsh(0.5 * (a + a.T)))))
        rows.append({"M": M, "gap": -top, "expected": 1 / 3, "diff": -top - 1 / 3})
        log(f"L_T M={M}: gap={-top:.15g}")
    return rows


def reservoir_gap_table(pairs, degrees):
    rows = []
    for M, n in pairs:
        for d in degrees:
            t0 = time.time()
            g = reservoir_gap(ReservoirProblem(M, n), d)
            rows.append({"M": M, "N": n, "degree": d, "k": g.k, "mode": asdict(g.mode),
                         "modes": [asdict(m) for m in g.modes], "mu_over_3_times_1_plus_M_over_N":
                         (1 + M / n) / 3, "seconds": time.time() - t0})
            log(f"k M={M} N={n} deg<={d}: {g.k:.15g} mode {g.mode} "
                f"({time.time() - t0:.1f}s)")
    return rows


def gap_degree_check(rows, low=3, high=4, tol=1e-14):
    """k on degree <= 4 against degree <= 3 (backs the default --gap-degree 3)."""
    out = []
    for M, n in sorted({(r["M"], r["N"]) for r in rows}):
        k = {r["degree"]: r["k"] for r in rows if (r["M"], r["N"]) == (M, n)}
        if low in k and high in k:
            out.append({"M": M, "N": n, f"k_degree_{low}": k[low], f"k_degree_{high}": k[high],
                        "abs_diff": abs(k[high] - k[low]), "tolerance": tol,
                        "same_k": abs(k[high] - k[low]) <= tol})
            log(f"k degree {high} vs {low}, M={M} N={n}: diff {out[-1]['abs_diff']:.2e}")
    return out


def lemma_tables():
    l1 = []
    for M, N in [(1, 10), (1, 100), (2, 10), (2, 100), (2, 1000), (5, 100), (10, 1000)]:
        r = lemma1_ratio(M, N, 8)
        l1.append({"M": M, "N": N, "ratio": r["ratio"], "attained_degree": r["degree"],
                   "sqrt_M_over_M_plus_N": r["sqrt_M_over_M_plus_N"], "C": r["C"],
                   "ratio_over_C": r["ratio"] / r["C"]})
    l2 = []
    random.seed(5)
    for M in (1, 2):
        for m in (1, 2, 3):
            sec = kac.PolynomialSector((1,) * M + (1, 4), m, None)
            u = [Fraction(random.randint(-6, 6), random.randint(1, 5))
                 if el[M] == () and el[M + 1] == () else Fraction(0) for el in sec.elements]
            r = lemma2_sides(sec, u, 0, M, M + 1)
            l2.append({"M": M, "N": 5, "degree": m, "lhs": str(r["lhs"]),
                       "seed_rhs": str(r["seed"]), "exact_rhs": str(r["exact"]),
                       "lhs_equals_seed": r["lhs"] == r["seed"],
                       "lhs_equals_exact": r["lhs"] == r["exact"],
                       "cross_term_identity": r["cross"]})
    log("Lemma 1:", [(x["M"], x["N"], round(x["ratio"], 6), round(x["C"], 6)) for x in l1])
    log("Lemma 2:", [(x["M"], x["degree"], x["lhs_equals_seed"], x["lhs_equals_exact"])
                     for x in l2])
    return l1, l2


def distance_tables(ns_energy, ns_quartic, times):
    out = {"times": times, "energy": [], "quartic": []}
    for name, ns in (("energy", ns_energy), ("quartic", ns_quartic)):
        eps = Fraction(1, 4)
        for n in ns:
            t0 = time.time()
            p = ReservoirProblem(2, n)
            r = reservoir_distance(p, INITIAL_STATES[name](2, eps), times, gap_degree=3)
            row = {"N": n, "distance": r.distance, "bound": r.bound,
                   "ratio": np.where(r.bound > 0, r.distance / np.maximum(r.bound, 1e-300), 0),
                   "norm0": r.norm0, "C": r.C, "k": r.k, "k_mode": asdict(r.k_mode),
                   "l": r.l, "b": r.b, "lambda": r.rate_lambda,
                   "seconds": time.time() - t0}
            if name == "energy":
                row["closed_form_max_diff"] = float(np.max(np.abs(
                    r.distance - energy_sector_distance(p, times, eps))))
            out[name].append(row)
            log(f"{name} N={n}: dist(inf)/norm0={r.distance[-1] / r.norm0:.6e} "
                f"({time.time() - t0:.1f}s)")
        ns_arr = np.array(ns, dtype=float)
        fits, fits3 = {}, {}
        last = ns_arr >= ns_arr[-1] / 1000  # the last three decades
        for i, t in enumerate(times):
            if t == 0:
                continue  # both distances vanish at t = 0
            d = np.array([row["distance"][i] for row in out[name]])
            key = "inf" if math.isinf(t) else str(t)
            fits[key] = float(np.polyfit(np.log(ns_arr), np.log(d), 1)[0])
            fits3[key] = float(np.polyfit(np.log(ns_arr[last]), np.log(d[last]), 1)[0])
        out[name + "_exponent_in_N"] = fits
        out[name + "_exponent_in_N_last_three_decades"] = fits3
        log(f"{name}: exponents in N over the last three decades {fits3}")
        log(f"{name}: exponents in N {fits}")
    # scaling in M at fixed N (long-time, relative to ||h0 - 1||) and short-time slope
    ms = [1, 2, 4, 8]
    rel = []
    for M in ms:
        r = reservoir_distance(ReservoirProblem(M, 1000), INITIAL_STATES["energy"](M, Fraction(
            1, 8)), [1e-6, math.inf], with_bound=False)
        rel.append({"M": M, "N": 1000, "long_time_over_norm0": r.distance[1] / r.norm0,
                    "sqrt_M_over_M_plus_N": math.sqrt(M / (M + 1000)),
                    "short_time_slope_over_norm0": r.distance[0] / 1e-6 / r.norm0,
                    "slope_formula_mu_over_3_sqrt_M_over_N": math.sqrt(M / 1000) / 3})
    out["M_scaling"] = rel
    out["M_exponent_long_time_absolute"] = float(np.polyfit(
        np.log(ms), np.log([x["long_time_over_norm0"] * math.sqrt(6 * x["M"]) for x in rel]),
        1)[0])
    log("M scaling:", rel)
    return out


def mc_table(samples):
    M, N = 2, 100
    p = ReservoirProblem(M, N)
    times = [0.0, 0.5, 2.0, 5.0]
    x2 = {(2, 0, 0, 0, 0, 0): Fraction(1), (0, 2, 0, 0, 0, 0): Fraction(1),
          (0, 0, 2, 0, 0, 0): Fraction(1)}
    x4 = poly_mul(x2, x2)
    rows = []
    for initial, eps in (("energy", Fraction(1, 2)), ("quartic", Fraction(3, 4))):
        h0 = INITIAL_STATES[initial](M, eps)
        for kind in ("R", "T"):
            ex = expectations(p, h0, {"x2": x2, "x4": x4}, times, kind)
            t0 = time.time()
            r = simulate(p, times, samples, kind=kind, initial=initial, epsilon=eps, seed=2024)
            el = time.time() - t0
            e2, e4 = ex["x2"] / (2 * math.pi), ex["x4"] / (2 * math.pi) ** 2
            rows.append({"system": kind, "initial": initial, "epsilon": eps, "M": M, "N": N,
                         "samples": samples, "times": times, "v2_mc": r["v2"],
                         "v2_exact": e2, "z_v2": (r["v2"] - e2) / r["v2_se"],
                         "v4_mc": r["v4"], "v4_exact": e4, "z_v4": (r["v4"] - e4) / r["v4_se"],
                         "events": r["events"], "seconds": el})
            log(f"MC {kind} {initial}: z2={np.round(rows[-1]['z_v2'], 2)} "
                f"z4={np.round(rows[-1]['z_v4'], 2)} {el:.1f}s")
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    ap.add_argument("--samples", type=int, default=100_000, help="Monte Carlo samples")
    args = ap.parse_args(argv)
    t0 = time.time()
    res = {"versions": versions(), "quick": args.quick}
    res["kac_gap"] = gaps_table(5 if args.quick else 10, 3 if args.quick else 4)
    res["thermostat_gap"] = thermostat_table()
    res["reservoir_gap"] = reservoir_gap_table(
        [(1, 10)] if args.quick else [(1, 10), (2, 10), (2, 100), (2, 1000)], [2, 3, 4])
    res["reservoir_gap_degree_check"] = gap_degree_check(res["reservoir_gap"])
    res["thermostat_l"] = thermostat_l(40)
    res["lemma1"], res["lemma2"] = lemma_tables()
    times = [0.0, 0.1, 0.5, 2.0, 5.0, 20.0, math.inf]
    res["distance"] = distance_tables(
        [10, 100, 1000] if args.quick else [10, 100, 1000, 10**4, 10**5, 10**6],
        [10, 100] if args.quick else [10, 100, 1000, 10**4], times)
    res["lemma1_constant_examples"] = {n: lemma1_constant(2, n) for n in (10, 100, 1000)}
    res["montecarlo"] = mc_table(2000 if args.quick else args.samples)
    res["seconds"] = time.time() - t0
    out = ROOT / "validation" / "results" / "kac_reservoir.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(to_jsonable(res), indent=1, allow_nan=True))
    log(f"wrote {out} in {res['seconds']:.0f}s")


if __name__ == "__main__":
    main()
