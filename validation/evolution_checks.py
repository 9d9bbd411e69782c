"""Validation of the time evolution (issue 4, items 3, 4b, 4a-evolution, 4d, 5).

Run from the repository root:  python validation/evolution_checks.py [--quick]
Writes validation/results/evolution_checks.json.

Sections
--------
orders       time-integrator orders on the kinetic problem itself (anisotropic Maxwellian,
             gamma = 1/2, degree 6): error at t = 2 against solve_ivp DOP853 (rtol 1e-14) for
             four step sizes, fitted slope per scheme.
moments      issue 4b: S(t) and m4(t) of the solver against the independent sympy moment ODEs
             (kacspectral.boltzmann.anisotropic.moment_equations) at t = 1 and t = 5, for an
             anisotropic Maxwellian and
             an anisotropic mixture, with and without reservoir, constant and kac kernels.
bkw          BKW from t = 6.5 to t = 10 (kacspectral.physics.bkw): coefficient error and max error
of f on
             the standard 32^3 grid on [-8.83, 8.83]^3, against degree and step.
ness_limit   issue 4d: f(t) at large t against the isotropic NESS of
kacspectral.boltzmann.isotropic.ness: density
             along a ray and phi against degree; anisotropic data: S and m4 against the exact
             steady moments.
contraction  issue 5: 3D GTW distance to the NESS along anisotropic evolutions against the seed's
             bound exp(-(1-lambda) t) d(f_0, f_inf).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

from kacspectral.boltzmann.anisotropic.collision import HermiteSpace
from kacspectral.boltzmann.anisotropic.evolution import (
    EvolutionProblem,
    equilibrium_reference,
    evolve,
    reference_temperature,
)
from kacspectral.boltzmann.anisotropic.moment_equations import MomentEquations
from kacspectral.boltzmann.gtw import gtw_distance
from kacspectral.boltzmann.isotropic.ness import NessProblem, solve_ness
from kacspectral.physics.bkw import BKW, standard_grid
from kacspectral.physics.reservoirs import MaxwellianMixture
from kacspectral.provenance import versions
from kacspectral.spectral.timesteppers import SCHEME_ORDERS

R1 = MaxwellianMixture(["1/2", "1/2"], ["1/2", "2"])


def _m4_aniso(T):
    T = np.asarray(T, float)
    return float(3 * np.sum(T**2) + 2 * (T[0] * T[1] + T[0] * T[2] + T[1] * T[2]))


def orders(quick: bool) -> dict:
    space = HermiteSpace(6, 1.25)
    prob = EvolutionProblem("1/2", R1, "constant", space)
    a0 = space.maxwellian([0.8, 1.6, 1.2])
    ref = evolve(prob, a0, [0.0, 2.0], scheme="scipy:DOP853", rtol=1e-14, atol=1e-16).final
    dts = [0.4, 0.2, 0.1, 0.05] if not quick else [0.4, 0.2, 0.1]
    out = {}
    for name in sorted(SCHEME_ORDERS):
        errs = [float(np.max(np.abs(evolve(prob, a0, [0.0, 2.0], dt=dt, scheme=name).final - ref)))
                for dt in dts]
        slope = float(np.polyfit(np.log(dts), np.log(errs), 1)[0])
        out[name] = {"dt": dts, "error": errs, "fitted_order": slope,
                     "expected_order": SCHEME_ORDERS[name]}
        errtxt = " ".join(f"{e:.2e}" for e in errs)
        print(f"  {name:11s} errors {errtxt} slope {slope:.3f}")
    return out


def moments(quick: bool) -> list:
    rows = []
    Ta, Tb, w = np.array([0.8, 1.6, 1.2]), np.array([2.0, 2.0, 2.0]), 0.3
    for kind in ("maxwellian", "mixture"):
        for gamma, res in ((0, None), ("3/10", R1)):
            for kernel in ("constant", "kac"):
                space = HermiteSpace(4, 1.3)
                if kind == "maxwellian":
                    a0, S0, m40 = space.maxwellian(Ta), np.diag(Ta), _m4_aniso(Ta)
                else:
                    a0 = w * space.maxwellian(Ta) + (1 - w) * space.maxwellian(Tb)
                    S0 = w * np.diag(Ta) + (1 - w) * np.diag(Tb)
                    m40 = w * _m4_aniso(Ta) + (1 - w) * _m4_aniso(Tb)
                S_ex, m4_ex = MomentEquations(gamma, res, kernel).solve(S0, m40, [1.0, 5.0])
                prob = EvolutionProblem(gamma, res, kernel, space)
                for scheme, dt in (("scipy:DOP853", None), ("rk4", 0.0025), ("etdrk4", 0.0025)):
                    r = evolve(prob, a0, [0.0, 1.0, 5.0], scheme=scheme, dt=dt or 0.1,
                               rtol=1e-14, atol=1e-16)
                    m = r.moment_tensors()
                    eS = float(np.max(np.abs(m["second"][1:] - S_ex)))
                    e4 = float(np.max(np.abs(m["fourth"][1:] - m4_ex)))
                    rows.append({"initial": kind, "gamma": str(gamma), "kernel": kernel,
                                 "scheme": scheme, "dt": dt, "second_max_error": eS,
                                 "fourth_max_error": e4, "m4_exact_t5": float(m4_ex[1])})
                    print(f"  {kind:10s} gamma={gamma!s:5s} {kernel:8s} {scheme:12s} "
                          f"S err {eS:.2e}  m4 err {e4:.2e}")
    return rows


def bkw(quick: bool) -> list:
    rows = []
    grid = standard_grid(32).reshape(-1, 3)
    for kernel in ("constant", "kac"):
        b = BKW(-0.5, kernel)
        exact_f = b.density(grid, 10.0)
        for degree in ((16, 24, 32) if quick else (16, 24, 32, 40)):
            for dt in (0.05, 0.005):
                space = HermiteSpace(degree, 0.5 * (b.K(6.5) + b.K(10.0)), l_max=0)
                prob = EvolutionProblem(0, None, kernel, space)
                t0 = time.perf_counter()
                r = evolve(prob, b.coefficients(space, 6.5), [6.5, 10.0], dt=dt)
                sec = time.perf_counter() - t0
                ce = float(np.max(np.abs(r.final - b.coefficients(space, 10.0))))
                fe = float(np.max(np.abs(space.density(r.final, grid) - exact_f)))
                rows.append({"kernel": kernel, "degree": degree, "l_max": 0, "dt": dt,
                             "coefficient_error": ce, "f_max_error_standard_grid": fe,
                             "seconds": sec})
                print(f"  BKW {kernel:8s} K={degree:2d} dt={dt:<6g} coeff err {ce:.2e}  "
                      f"f err (32^3 grid) {fe:.2e}  {sec:.2f} s")
    return rows


def ness_limit(quick: bool) -> dict:
    R = MaxwellianMixture(["1/2", "1/2"], ["4/5", "6/5"])
    ness = solve_ness(NessProblem("4/5", R, "constant"), method="newton", tol=1e-14)
    speed = np.linspace(0.0, 6.0, 61)
    v = np.stack([speed, 0 * speed, 0 * speed], -1)
    k = np.linspace(0.05, 5.0, 40)
    xi = np.stack([0 * k, k / math.sqrt(2), k / math.sqrt(2)], -1)
    iso = []
    for degree in (20, 30, 40) if quick else (20, 30, 40, 50):
        space = HermiteSpace(degree, reference_temperature([0.7, 1.4], R), l_max=0)
        prob = EvolutionProblem("4/5", R, "constant", space)
        r = evolve(prob, space.mixture([0.5, 0.5], [0.7, 1.4]), [0.0, 90.0], dt=0.25)
        dens = space.density(r.final, v)
        m = space.moments(r.final)
        mn = ness.moments(2)
        row = {"degree": degree,
               "density_max_error": float(np.max(np.abs(dens - ness.density(speed)))),
               "phi_max_error": float(np.max(np.abs(space.fourier(r.final, xi) - ness.phi(k)))),
               "m2_rel_error": abs(m["m2"] - mn[1]) / mn[1],
               "m4_rel_error": abs(m["fourth"] - mn[2]) / mn[2]}
        iso.append(row)
        print(f"  NESS limit (isotropic) K={degree}: density err {row['density_max_error']:.2e}"
              f"  phi err {row['phi_max_error']:.2e}  m4 rel err {row['m4_rel_error']:.1e}")
    aniso = []
    for kernel in ("constant", "kac"):
        space = HermiteSpace(6, reference_temperature([0.8, 1.6], R1))
        prob = EvolutionProblem("1/2", R1, kernel, space)
        r = evolve(prob, space.maxwellian([0.8, 1.6, 1.2]), [0.0, 220.0], dt=0.5)
        S_inf, m4_inf = MomentEquations("1/2", R1, kernel).steady_state()
        ns = solve_ness(NessProblem("1/2", R1, kernel), method="newton", tol=1e-14)
        m = space.moments(r.final)
        row = {"kernel": kernel,
               "second_max_error": float(np.max(np.abs(m["second"]
                                                       - float(S_inf[0, 0]) * np.eye(3)))),
               "m4_error_vs_exact": abs(m["fourth"] - float(m4_inf)),
               "m4_exact": str(m4_inf),
               "ness_m4_vs_exact": abs(ns.moments(2)[2] - float(m4_inf))}
        aniso.append(row)
        print(f"  NESS limit (anisotropic, {kernel}): S err {row['second_max_error']:.1e}  "
              f"m4 err {row['m4_error_vs_exact']:.1e} (exact m4 = {m4_inf})")
    return {"isotropic": iso, "anisotropic": aniso}


def contraction(quick: bool) -> list:
    R = MaxwellianMixture(["1/2", "1/2"], ["1/2", "3/2"])
    times = np.linspace(0.0, 8.0, 9 if quick else 17)
    rows = []
    for kernel in ("constant", "kac"):
        for gamma in ("1/4", "3/4"):
            for label, temps in (("A", [0.7, 1.0, 1.3]), ("B", [1.4, 1.4, 1.4])):
                space = HermiteSpace(6 if quick else 10, reference_temperature(temps, R))
                prob = EvolutionProblem(gamma, R, kernel, space)
                r = evolve(prob, space.maxwellian(temps), times, dt=0.02)
                ref = equilibrium_reference(prob, 3.0)
                d = np.array([gtw_distance(lambda x, a=a, sp=space: sp.fourier(a, x),
                                           ref.fourier, space.moments(a), ref.moment_tensors,
                                           require="first").distance
                              for a in r.coefficients])
                bound = d[0] * np.exp(-prob.decay_rate * times)
                keep = times >= times[-1] / 2
                rate = float(-np.polyfit(times[keep], np.log(d[keep]), 1)[0])
                rows.append({"kernel": kernel, "gamma": gamma, "data": label, "lambda": prob.lam,
                             "one_minus_lambda": prob.decay_rate, "observed_rate": rate,
                             "max_distance_over_bound": float(np.max(d / bound)),
                             "times": times.tolist(), "distance": d.tolist()})
                print(f"  {kernel:8s} gamma={gamma} data {label}: 1-lambda {prob.decay_rate:.6f}"
                      f"  observed {rate:.6f}  max d/bound {np.max(d / bound):.10f}")
    return rows


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="smaller sizes")
    p.add_argument("--out", default="validation/results/evolution_checks.json")
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    results = {"versions": versions(), "quick": args.quick}
    for name, fn in (("orders", orders), ("moments", moments), ("bkw", bkw),
                     ("ness_limit", ness_limit), ("contraction", contraction)):
        print(f"[{name}]")
        results[name] = fn(args.quick)
    results["seconds"] = time.perf_counter() - t0
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"wrote {out} ({results['seconds']:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
