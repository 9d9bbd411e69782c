"""Steady states with two jump reservoirs on the grid (issue 12, item 5): budgets and convergence.

``df/dt = (1 - gamma) Q(f, f) + gamma Q(f, R)``, ``gamma = 1/2``, ``R = (M_{1/2} + M_1)/2`` on
``[-L, L)^3`` (default ``L = 8.83``), Lebedev degree 11 by default, for Maxwell molecules and hard
spheres at several N: residual, ``m_2``, ``m_4``, heat fluxes ``J_a`` and ``sum_a J_a``, the
entropy budget ``sigma_B + sum_a sigma_a`` against ``sum_a J_a / T_a``; for Maxwell molecules the
moments and the density against the package's isotropic NESS
(:func:`kacspectral.boltzmann.isotropic.ness.solve_ness`, ``NessResult.density``): the max over the
grid of ``|f_grid - f_iso|`` (absolute, and relative to ``max f_iso``).

Any angular kernel of the package with ``--kernel`` (and ``--legendre-degree``; the Maxwell
reference is then the isotropic NESS with the same kernel).

Run:  ``python validation/grid_ness.py [N ...] [--lam 0 1] [--box L] [--sphere-degree D]
[--radial-nodes R] [--kernel K] [--legendre-degree n]`` (default N = 24 32, lam = 0 1, kernel
constant).  Runs are merged into ``validation/results/grid_ness.json`` (a run with the same
kernel, lambda, N, L, degree and radial nodes replaces the stored one).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from kacspectral.boltzmann.isotropic.ness import NessProblem, solve_ness  # noqa: E402
from kacspectral.grid.ness import GridNessProblem, solve_grid_ness  # noqa: E402
from kacspectral.physics.reservoirs import MaxwellianMixture  # noqa: E402
from kacspectral.provenance import versions  # noqa: E402


def _kernel_name(problem: dict) -> str:
    return problem.get("kernel", {}).get("name", "constant")


def _key(problem: dict) -> tuple:
    return (_kernel_name(problem), problem["lambda"], problem["n"], problem["half_width"],
            problem["sphere_degree"], problem["radial_nodes"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sizes", type=int, nargs="*", default=[24, 32])
    ap.add_argument("--lam", type=float, nargs="+", default=[0.0, 1.0])
    ap.add_argument("--box", type=float, default=8.83)
    ap.add_argument("--sphere-degree", type=int, default=None,
                    help="default 11 (b = 1), else the smallest Lebedev degree >= 11 + n_max")
    ap.add_argument("--kernel", default="constant")
    ap.add_argument("--legendre-degree", type=int, default=None)
    ap.add_argument("--radial-nodes", type=int, default=None)
    ap.add_argument("--tol", type=float, default=1e-9)
    args = ap.parse_args()
    res = MaxwellianMixture(["1/2", "1/2"], ["1/2", "1"])
    iso_const = solve_ness(NessProblem("1/2", res, "constant")).moments(2)
    iso_result = solve_ness(NessProblem("1/2", res, args.kernel))
    iso = iso_result.moments(2)
    path = Path(__file__).resolve().parent / "results" / "grid_ness.json"
    for lam in args.lam:
        for n in args.sizes:
            c0 = time.process_time()
            prob = GridNessProblem(lam, 0.5, res, n=n, half_width=args.box,
                                   sphere_degree=args.sphere_degree,
                                   radial_nodes=args.radial_nodes, kernel=args.kernel,
                                   legendre_degree=args.legendre_degree)
            r = solve_grid_ness(prob, tol=args.tol)
            d = r.to_dict()
            d.pop("versions")
            d["cpu_seconds"] = time.process_time() - c0
            extra = ""
            if lam == 0.0:
                d["isotropic_m2_m4"] = [float(iso[1]), float(iso[2])]
                d["m2_minus_isotropic"] = d["moments"]["m2"] - float(iso[1])
                d["m4_minus_isotropic"] = d["moments"]["m4"] - float(iso[2])
                x = -args.box + 2 * args.box * np.arange(n) / n
                speed = np.sqrt(x[:, None, None] ** 2 + x[None, :, None] ** 2
                                + x[None, None, :] ** 2)
                f_iso = iso_result.density(speed.ravel()).reshape(speed.shape)
                diff = float(np.max(np.abs(r.f - f_iso)))
                d["density_max_abs_difference"] = diff
                d["density_max_relative_difference"] = diff / float(np.max(f_iso))
                extra = (f" m2 rel {abs(d['m2_minus_isotropic']) / float(iso[1]):.2e} m4 rel "
                         f"{abs(d['m4_minus_isotropic']) / float(iso[2]):.2e} max|f-f_iso| "
                         f"{diff:.2e}")
            print(f"kernel={args.kernel} lambda={lam} N={n} L={args.box} "
                  f"deg={prob.sphere_degree} "
                  f"n_r={args.radial_nodes}: m2 {d['moments']['m2']:.12f} m4 "
                  f"{d['moments']['m4']:.12f} sum J {d['sum_heat_fluxes']:.2e} budget diff "
                  f"{d['entropy_budget']['difference']:.2e}{extra} ({d['cpu_seconds']:.0f} s)",
                  flush=True)
            # merge on write: runs of other invocations finished meanwhile are kept
            old = json.loads(path.read_text()) if path.exists() else {}
            runs = {_key(q["problem"]): q for q in old.get("runs", [])}
            runs[_key(d["problem"])] = d
            out = {"description": __doc__.split("\n")[0],
                   "isotropic_ness_maxwell": {"m2": float(iso_const[1]),
                                              "m4": float(iso_const[2])},
                   "runs": sorted(runs.values(), key=lambda q: (
                       _kernel_name(q["problem"]), q["problem"]["lambda"],
                       q["problem"]["half_width"],
                       q["problem"]["sphere_degree"], q["problem"]["radial_nodes"] or 0,
                       q["problem"]["n"])),
                   "versions": versions()}
            path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
