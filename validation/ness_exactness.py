"""Validation of the isotropic NESS solver against exact rational moments (issue 2, item 12).

For several (gamma, reservoir, kernel) cases: the maximum relative error of m_0 .. m_{2N}
against the exact rationals (kacspectral.boltzmann.isotropic.exact), mass and energy errors, the
density error
against the independent Sonine series of exact moments (when its ratio r <= 0.7 keeps it
cheap), iterations and wall time of Picard, Anderson and Newton, and the Picard contraction
(lambda, observed rate, bound check).

    python validation/ness_exactness.py            # all cases, N = 6
    python validation/ness_exactness.py --moments 10 --cases default kac

Writes validation/results/ness_exactness.json.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from kacspectral.boltzmann.isotropic.contraction import picard_contraction
from kacspectral.boltzmann.isotropic.exact import exact_moments, sonine_reference_density
from kacspectral.boltzmann.isotropic.ness import SOLVERS, NessProblem, solve_ness
from kacspectral.errors import TruncationWarning
from kacspectral.physics.reservoirs import MaxwellianMixture
from kacspectral.provenance import versions

CASES = {
    "default": ("1/2", ["1/2", "1/2"], ["1/6", "1/2"], "constant"),
    "kac": ("1/2", ["1/2", "1/2"], ["1/6", "1/2"], "kac"),
    "three": ("1/2", ["1/5", "1/2", "3/10"], ["1/4", "1/2", "1"], "constant"),
    "three-forward": ("1/3", ["1/5", "1/2", "3/10"], ["1/4", "1/2", "1"], "3*(1+s)**2/4"),
    "linear-kernel": ("1/5", ["1/3", "2/3"], ["1/4", "1"], "1+s"),
    "weak-coupling": ("1/20", ["1/2", "1/2"], ["1/6", "1/2"], "kac"),
    "wide": ("1/10", ["1/5", "1/2", "3/10"], ["1/10", "1/2", "2"], "kac"),
}


def run_case(name: str, n_moments: int, tol: float) -> dict:
    gamma, w, T, kernel = CASES[name]
    problem = NessProblem(gamma, MaxwellianMixture(w, T), kernel)
    t0 = time.perf_counter()
    exact = exact_moments(problem, n_moments)
    t_exact = time.perf_counter() - t0
    exact_f = np.array([float(x) for x in exact])
    out = {
        "gamma": gamma, "weights": w, "temperatures": T, "kernel": kernel,
        "lambda": problem.lam, "rho": problem.rho, "t_ref": problem.t_ref,
        "exact_moments": [str(x) for x in exact], "exact_time_s": t_exact, "solvers": {},
    }
    # warm-up: builds and caches the gain tensor, so that the timings below compare solvers
    t0 = time.perf_counter()
    solve_ness(problem, method="newton", tol=tol, moment_order=n_moments)
    out["setup_time_s"] = time.perf_counter() - t0
    solved = {}
    for method in sorted(SOLVERS):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            t0 = time.perf_counter()
            res = solve_ness(problem, method=method, tol=tol, moment_order=n_moments)
            wall = time.perf_counter() - t0
        m = res.moments(n_moments)
        rel = np.abs(m / exact_f - 1)
        out["solvers"][method] = {
            "iterations": res.iterations,
            "residual": res.residual,
            "wall_time_s": wall,
            "truncation": res.truncation,
            "tail_estimate": res.tail_estimate,
            "max_relative_moment_error": float(np.max(rel)),
            "max_relative_moment_error_n_le_6": float(np.max(rel[:7])),
            "relative_moment_errors": rel.tolist(),
            "mass_error": float(abs(m[0] - 1)),
            "energy_error": float(abs(m[1] - exact_f[1])),
            "energy_error_reported": res.energy_error,
            "warnings": sorted({w.category.__name__ for w in caught}),
        }
        solved[method] = res
    newton = solved["newton"]
    t_min, t_max = problem.reservoir.t_min, problem.reservoir.t_max
    r = (t_max - t_min) / (t_max + t_min)
    if r <= 0.7:
        v = np.linspace(0.0, 6.0 * math.sqrt(t_max), 121)
        t0 = time.perf_counter()
        ref, bound = sonine_reference_density(problem, v)
        out["density"] = {
            "max_abs_error_vs_sonine": float(np.max(np.abs(newton.density(v) - ref))),
            "max_density": float(np.max(ref)),
            "sonine_tail_bound": bound,
            "speed_range": [0.0, float(v[-1])],
            "reference_time_s": time.perf_counter() - t0,
        }
    else:
        out["density"] = {"skipped": f"Sonine ratio r = {r:.3f} > 0.7 (reference too costly)"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TruncationWarning)
        rep = picard_contraction(problem, n_max=30, tol=tol, ness=newton)
    out["contraction"] = {
        "lambda": rep.lam,
        "observed_rate": rep.observed_rate,
        "fourth_moment_rate": rep.fourth_moment_rate,
        "bound_holds_n_le_30": rep.bound_holds,
        "d_phi_r_r": rep.d_phi_r_r,
        "min_bound_over_distance": float(min(b / d for d, b in zip(rep.distance, rep.bound,
                                                                   strict=True) if d > 0)),
    }
    return out


def _finite_or_none(x):
    """NaN/inf -> None recursively (strict JSON, ``allow_nan=False``)."""
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: _finite_or_none(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_finite_or_none(v) for v in x]
    return x


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", choices=sorted(CASES), default=list(CASES))
    parser.add_argument("--moments", type=int, default=6, help="check m_0 .. m_2N (default 6)")
    parser.add_argument("--tol", type=float, default=1e-14)
    parser.add_argument(
        "--output", default=str(Path(__file__).parent / "results" / "ness_exactness.json")
    )
    args = parser.parse_args(argv)
    results = {}
    for name in args.cases:
        t0 = time.perf_counter()
        results[name] = run_case(name, args.moments, args.tol)
        s = results[name]["solvers"]
        dens_err = results[name]["density"].get("max_abs_error_vs_sonine", float("nan"))
        print(
            f"{name:>14}: K = {s['newton']['truncation']:>3}  max rel err (n<={args.moments}) "
            f"newton {s['newton']['max_relative_moment_error']:.1e} anderson "
            f"{s['anderson']['max_relative_moment_error']:.1e} picard "
            f"{s['picard']['max_relative_moment_error']:.1e} | iterations P/A/N "
            f"{s['picard']['iterations']}/{s['anderson']['iterations']}/"
            f"{s['newton']['iterations']} | time P/A/N {s['picard']['wall_time_s']:.2f}/"
            f"{s['anderson']['wall_time_s']:.2f}/{s['newton']['wall_time_s']:.2f} s | "
            f"density err {dens_err:.1e}"
            f" | lambda {results[name]['contraction']['lambda']:.4f} rate "
            f"{results[name]['contraction']['observed_rate']:.4f} "
            f"({time.perf_counter() - t0:.1f} s)",
            flush=True,
        )
    payload = {
        "description": "isotropic NESS: spectral solver vs exact rational moments (issue 2)",
        "command": "python validation/ness_exactness.py " + " ".join(argv or sys.argv[1:]),
        "moments_checked": args.moments,
        "tol": args.tol,
        "cases": results,
        "versions": versions(),
    }
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(_finite_or_none(payload), indent=2, allow_nan=False) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
