"""Measure the constants behind the cost estimates that refuse work up front (issue 8, item 3).

Run from the repository root (one thread, as the estimates assume):

    python validation/cli_limits.py          # about a minute
    python validation/cli_limits.py --quick  # smaller cases

Each estimate lives next to the code it describes and is unit-tested against counted
operations or bytes (``tests/test_limits.py``); this script measures the seconds per counted
unit on this machine and writes, to ``validation/results/cli_limits.json``, every constant next
to its measured value and the ratio estimate / measured (>= 1 means the estimate is an upper
bound; the time budget is one hour, so a factor of a few is harmless):

1. ``GTW_DISTANCE_SECONDS`` (kacspectral.boltzmann.isotropic.limits): one GTW distance of the
   Picard table, default problem.
2. ``estimate_picard_contraction`` against a timed ``picard_contraction(n_max=20)``.
3. ``estimate_apply_seconds`` (collision_tensor) against timed applications at degree 8/12/16.
4. ``DIAGNOSTIC_SECONDS_PER_TIME`` (cli/evolve.py): ``kacspectral evolve`` with 11 and 21
   output times; the difference per extra time.
5. ``SECONDS_PER_EVALUATION`` (kac/lemma3.py): ``numerical_spectrum`` at m = 30, 40 (and 60
   without ``--quick``) per counted basis evaluation, for omega (kac) and fourier (constant).
6. ``GRID_BYTES_PER_POINT`` (cli/bkw.py): tracemalloc peak of the bkw error evaluation on
   64^3 and 96^3 points.
7. ``estimate_evolution_evaluations`` (cli/bkw.py): DOP853 evaluations for spans 10, 100, 1000.
8. ``estimate_exact_moments`` against timed ``exact_moments`` at n = 60, 120.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import time
import tracemalloc
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from kacspectral.provenance import versions  # noqa: E402


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def gtw_and_picard() -> dict:
    from kacspectral.boltzmann.gtw import gtw_distance_coefficients
    from kacspectral.boltzmann.isotropic import limits
    from kacspectral.boltzmann.isotropic.contraction import picard_contraction
    from kacspectral.boltzmann.isotropic.ness import default_problem, solve_ness

    p = default_problem()
    r = solve_ness(p)
    a = r.coefficients
    b = a * (1 + 1e-3 * np.exp(-np.arange(a.size)))
    b = b / b[0] * a[0]
    _, secs = timed(lambda: [gtw_distance_coefficients(a, r.coefficients, r.t_ref)
                             for _ in range(10)])
    _, table = timed(picard_contraction, p, n_max=20, ness=r)
    est = limits.estimate_picard_contraction(20, r.truncation)
    return {
        "gtw_distance_seconds": secs / 10,
        "GTW_DISTANCE_SECONDS": limits.GTW_DISTANCE_SECONDS,
        "picard_contraction_n20_seconds": table,
        "picard_contraction_n20_estimate": est["seconds"],
        "ratio_estimate_over_measured": est["seconds"] / table,
    }


def apply_seconds() -> list[dict]:
    from kacspectral.boltzmann.anisotropic.collision import CollisionOperator, HermiteSpace
    from kacspectral.boltzmann.anisotropic.collision_tensor import estimate_apply_seconds

    rows = []
    for degree, l_max in [(8, None), (12, None), (16, 4), (20, 0)]:
        space = HermiteSpace(degree, 1.0, l_max)
        op = CollisionOperator(space, "constant")
        a = space.maxwellian([0.8, 1.0, 1.2]) if l_max != 0 else space.mixture([1.0], [1.2])
        op.collision(a, a)
        t0 = time.perf_counter()
        for _ in range(200):
            op.collision(a, a)
        secs = time.perf_counter() - t0
        est = estimate_apply_seconds(degree, l_max)
        rows.append({"degree": degree, "l_max": l_max, "seconds": secs / 200, "estimate": est,
                     "ratio_estimate_over_measured": est / (secs / 200)})
    return rows


def evolve_diagnostics() -> dict:
    from kacspectral.cli import main
    from kacspectral.cli.evolve import DIAGNOSTIC_SECONDS_PER_TIME

    def run(n):
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            return timed(main, ["evolve", "--json", "--n-times", str(n)])[1]

    run(2)  # warm the caches (tensor, quadrature)
    t11, t21 = run(11), run(21)
    per = (t21 - t11) / 10
    return {"evolve_11_times_seconds": t11, "evolve_21_times_seconds": t21,
            "seconds_per_output_time": per,
            "DIAGNOSTIC_SECONDS_PER_TIME": DIAGNOSTIC_SECONDS_PER_TIME,
            "ratio_estimate_over_measured": DIAGNOSTIC_SECONDS_PER_TIME / per}


def lemma3_rates(quick: bool) -> list[dict]:
    from kacspectral.kac.lemma3 import SECONDS_PER_EVALUATION, zonal_evaluations
    from kacspectral.kac.thermostat import zonal_matrix

    rows = []
    for method, kernel in [("omega", "kac"), ("fourier", "constant")]:
        for m in ([30, 40] if quick else [30, 40, 60]):
            _, secs = timed(zonal_matrix, m, kernel, method)
            ev = zonal_evaluations(m, method)
            rows.append({"method": method, "m": m, "seconds": secs, "evaluations": ev,
                         "seconds_per_evaluation": secs / ev,
                         "SECONDS_PER_EVALUATION": SECONDS_PER_EVALUATION[method]})
    return rows


def bkw_grid_bytes() -> list[dict]:
    from kacspectral.cli._common import OneLineParser
    from kacspectral.cli.bkw import compute, configure, estimate_grid_bytes

    parser = OneLineParser()
    configure(parser)
    rows = []
    for grid, degree in [(64, 8), (96, 8)]:
        args = parser.parse_args(["--degree", str(degree), "--grid", str(grid), "--repeat", "1"])
        compute(args)
        tracemalloc.start()
        compute(args)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        est = estimate_grid_bytes(grid)
        rows.append({"grid": grid, "degree": degree, "peak_bytes": peak,
                     "bytes_per_point": peak / grid**3, "estimate": est,
                     "ratio_estimate_over_measured": est / peak})
    return rows


def bkw_dop853() -> list[dict]:
    from kacspectral.cli import main
    from kacspectral.cli.bkw import estimate_evolution_evaluations

    rows = []
    for span in (10, 100, 1000):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            main(["bkw", "--t-end", str(6.5 + span), "--grid", "8", "--repeat", "1", "--json"])
        n = json.loads(out.getvalue())["evolution"]["rhs_evaluations"]
        rows.append({"span": span, "rhs_evaluations": n,
                     "estimate": estimate_evolution_evaluations(span)})
    return rows


def exact_moment_costs() -> list[dict]:
    from kacspectral.boltzmann.isotropic.exact import exact_moments
    from kacspectral.boltzmann.isotropic.limits import estimate_exact_moments
    from kacspectral.boltzmann.isotropic.ness import default_problem

    rows = []
    for n in (60, 120):
        m, secs = timed(exact_moments, default_problem(), n)
        est = estimate_exact_moments(n)
        rows.append({"n": n, "seconds": secs, "estimate": est["seconds"],
                     "digits": len(str(m[-1].numerator)) + len(str(m[-1].denominator)),
                     "estimated_digits": est["digits"]})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    out = {
        "gtw_and_picard": gtw_and_picard(),
        "collision_apply": apply_seconds(),
        "evolve_diagnostics": evolve_diagnostics(),
        "lemma3": lemma3_rates(args.quick),
        "bkw_grid_memory": bkw_grid_bytes(),
        "bkw_dop853": bkw_dop853(),
        "exact_moments": exact_moment_costs(),
        "threads": os.environ.get("OMP_NUM_THREADS"),
        "versions": versions(),
    }
    path = Path(__file__).resolve().parent / "results" / "cli_limits.json"
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
