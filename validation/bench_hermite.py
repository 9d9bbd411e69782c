"""Benchmark of the Hermite-Bobylev collision operator (issue 4, item 8; BKW test item 4a).

Measures, on this machine:

1. time per collision evaluation ``Q(f, f)`` (quadratic fast path) and per general bilinear
   ``Q(f, g)``, set-up time and operator memory, against the truncation (full 3D spaces of total
   degree K; isotropic and ``l_max``-capped spaces), for the constant and kac kernels;
2. the BKW test at t = 6.5 on the standard 32^3 grid on [-8.83, 8.83]^3: max error of Q(f,f)
   against the exact df/dt and of f against the exact f, against the truncation, for the
   documented temperature rule (T_ref = K(t), the Gaussian temperature of f_BKW) and for
   T_ref = 1 (= m_2/3); the smallest truncation reaching Q error <= 1e-10 and its time;
3. the evolution from t = 6.5 to t = 10 (scipy DOP853, rtol 1e-13) against the exact solution.

With ``T_ref = K(t)`` the BKW solution is exactly ``M_K`` times a quadratic (and ``df/dt``
``M_K`` times a quartic), so from degree 4 on its errors are rounding *by construction*
(``exact_representation: true`` in those rows); the comparable accuracy figures are the
``T_ref = 1`` rows (isotropic ``l_max = 0`` and full 3D), which the ``summary`` leads with.

Run from the repository root:  ``python validation/bench_hermite.py [--max-degree 28]``.
Writes ``validation/results/bench_hermite.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from scipy.integrate import solve_ivp  # noqa: E402

from kacspectral.boltzmann.anisotropic.collision import (  # noqa: E402
    CollisionOperator,
    HermiteSpace,
    clear_operator_cache,
)
from kacspectral.cli._common import to_jsonable  # noqa: E402
from kacspectral.cli.bkw import exact_representation  # noqa: E402
from kacspectral.physics.bkw import BKW, standard_grid  # noqa: E402
from kacspectral.provenance import versions  # noqa: E402


def timed(func, min_seconds: float = 0.2, min_repeats: int = 3) -> float:
    """Median-free simple timer: total time over enough repeats, per call."""
    func()
    n, t0 = 0, time.perf_counter()
    while n < min_repeats or time.perf_counter() - t0 < min_seconds:
        func()
        n += 1
    return (time.perf_counter() - t0) / n


def operator_row(degree: int, l_max: int | None, kernel: str, rng: np.random.Generator) -> dict:
    clear_operator_cache()
    space = HermiteSpace(degree, 1.0, l_max)
    t0 = time.perf_counter()
    op = CollisionOperator(space, kernel)
    setup = time.perf_counter() - t0
    aniso = l_max is None or l_max >= 2
    a = space.maxwellian([0.9, 1.0, 1.1] if aniso else 1.05)
    b = a + 1e-3 * rng.normal(size=space.size)
    return {
        "degree": degree,
        "l_max": l_max,
        "kernel": kernel,
        "size": space.size,
        "nnz": op.nnz,
        "reduced_coefficients": op.reduced_count,
        "memory_MB": op.memory_bytes / 1e6,
        "setup_seconds": setup,
        "seconds_per_collision_f_f": timed(lambda: op.collision(a, a)),
        "seconds_per_collision_f_g": timed(lambda: op.collision(a, b)),
    }


def bkw_row(bkw: BKW, t: float, degree: int, tref: float, l_max: int | None, grid) -> dict:
    clear_operator_cache()  # report the full set-up time
    space = HermiteSpace(degree, tref, l_max)
    t0 = time.perf_counter()
    op = CollisionOperator(space, "constant")
    setup = time.perf_counter() - t0
    a = bkw.coefficients(space, t)
    q = op.collision(a, a)
    return {
        "degree": degree,
        "l_max": l_max,
        "T_ref": tref,
        "size": space.size,
        "exact_representation": exact_representation(space, bkw.K(t)),
        "q_max_error": float(np.max(np.abs(space.density(q, grid) - bkw.density_dt(grid, t)))),
        "f_max_error": float(np.max(np.abs(space.density(a, grid) - bkw.density(grid, t)))),
        "coefficient_error": float(np.max(np.abs(q - bkw.coefficients_dt(space, t)))),
        "seconds_per_evaluation": timed(lambda: op.collision(a, a)),
        "setup_seconds": setup,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-degree", type=int, default=28,
                        help="largest total degree of the full 3D operator timed (default 28)")
    parser.add_argument("--output", default="validation/results/bench_hermite.json")
    args = parser.parse_args()
    rng = np.random.default_rng(20240601)
    out: dict = {
        "versions": versions(),
        "threads": os.environ.get("OMP_NUM_THREADS"),
        "reference": "public fast spectral codes on the same BKW test: 2.7e-6 at N = 32, about "
        "4e-8 at N = 64 (issue 4); a pyfftw code takes about 0.4 s per evaluation here",
    }

    # 1. operator cost against the truncation
    rows = []
    for kernel in ("constant", "kac"):
        for degree in range(4, args.max_degree + 1, 4):
            rows.append(operator_row(degree, None, kernel, rng))
            print("operator", rows[-1], flush=True)
    for degree, l_max in ((32, 4), (48, 2), (64, 0), (128, 0)):
        rows.append(operator_row(degree, l_max, "constant", rng))
        print("operator", rows[-1], flush=True)
    out["operator"] = rows

    # 2. BKW at t = 6.5 on the standard grid
    bkw, t = BKW(), 6.5
    grid = standard_grid()
    studies = {
        "T_ref=K(t), full 3D": (bkw.K(t), None, [2, 4, 8, 12]),
        "T_ref=K(t), l_max=0": (bkw.K(t), 0, [2, 4, 8]),
        "T_ref=1, l_max=0": (1.0, 0, list(range(8, 65, 8))),
        "T_ref=1, full 3D": (1.0, None, [8, 12, 16, 20]),
    }
    bkw_out = {}
    for name, (tref, l_max, degrees) in studies.items():
        table = [bkw_row(bkw, t, d, tref, l_max, grid) for d in degrees]
        ok = [r for r in table if r["q_max_error"] <= 1e-10]
        bkw_out[name] = {"rows": table, "smallest_reaching_1e-10": ok[0] if ok else None}
        for r in table:
            print("bkw", name, r, flush=True)
    out["bkw_t_6.5"] = bkw_out
    summary = []
    for name in ("T_ref=1, l_max=0", "T_ref=1, full 3D", "T_ref=K(t), full 3D"):
        table = bkw_out[name]["rows"]
        best = min(table, key=lambda r: r["q_max_error"])
        reach = bkw_out[name]["smallest_reaching_1e-10"]
        summary.append({
            "study": name,
            "exact_representation": any(r["exact_representation"] for r in table),
            "best_degree": best["degree"], "best_q_max_error": best["q_max_error"],
            "best_seconds_per_evaluation": best["seconds_per_evaluation"],
            "smallest_degree_reaching_1e-10": reach["degree"] if reach else None,
            "note": "exact by construction (f_BKW = M_K x quadratic); not an accuracy figure"
            if name.startswith("T_ref=K") else "comparable to other solvers (T_ref = m2/3 = 1)",
        })
        print("summary", summary[-1], flush=True)
    out = {"summary": summary, **out}

    # 3. evolution 6.5 -> 10 (isotropic truncation, midpoint temperature rule)
    t1 = 10.0
    evo = []
    for degree in (16, 24, 32):
        tref = HermiteSpace.choose_temperature([bkw.K(t), bkw.K(t1)])
        space = HermiteSpace(degree, tref, 0)
        op = CollisionOperator(space, "constant")
        t0 = time.perf_counter()
        sol = solve_ivp(lambda _s, y, op=op: op.collision(y, y), (t, t1),
                        bkw.coefficients(space, t), method="DOP853", rtol=1e-13, atol=1e-15)
        wall = time.perf_counter() - t0
        a1 = sol.y[:, -1]
        evo.append({
            "degree": degree, "l_max": 0, "T_ref": tref, "rhs_evaluations": int(sol.nfev),
            "wall_seconds": wall,
            "f_max_error_t10": float(np.max(np.abs(space.density(a1, grid)
                                                   - bkw.density(grid, t1)))),
            "coefficient_error_t10": float(np.max(np.abs(a1 - bkw.coefficients(space, t1)))),
        })
        print("evolution", evo[-1], flush=True)
    out["bkw_evolution_6.5_to_10"] = evo
    path = Path(args.output)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_jsonable(out), indent=2) + "\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
