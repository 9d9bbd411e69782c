"""Timings of the Kac sector machinery: the README's Python example, part by part, and
``kacspectral kac-gap --particles 10`` at its default degree (issue 8 item 5).

Each measurement runs in a fresh Python process (cold caches, as a user sees it) with the
environment of the caller (no thread variables are set: the BLAS thread pool is what a user
gets), and records wall-clock and CPU seconds, the load average and the versions.

    python validation/bench_kac.py                      # the working tree ("after")
    python validation/bench_kac.py --src /tmp/old --label before   # another checkout

Results are merged into validation/results/bench_kac.json under the label.
Targets: the README example under 20 s and ``kac-gap -N 10`` under 10 s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "validation" / "results" / "bench_kac.json"

README_EXAMPLE = r'''
import json, time, warnings
warnings.simplefilter("ignore", DeprecationWarning)
laps = {}
t0 = last = time.perf_counter()
def lap(name):
    global last
    now = time.perf_counter(); laps[name] = now - last; last = now
import kacspectral as ks
lap("import")
problem = ks.NessProblem("1/2", ks.MaxwellianMixture(["1/2", "1/2"], ["1/6", "1/2"]), "constant")
result = ks.solve_ness(problem)
result.moments(2); ks.exact_moments(problem, 2)
result.phi([0.0, 1.0]); result.density([0.0, 1.0])
report = ks.picard_contraction(problem, n_max=30)
lap("ness")
check = ks.lemma3_check(40, "kac"); ks.exact_eigenvalue(0, 2, "kac")
lap("lemma3")
R = ks.MaxwellianMixture(["1/2", "1/2"], ["1/2", "3/2"])
space = ks.HermiteSpace(8, 1.0)
evo = ks.EvolutionProblem("1/2", R, "kac", space)
res = ks.evolve(evo, space.maxwellian([0.7, 1.0, 1.3]), [0, 1, 2, 4], dt=0.05, scheme="etdrk4")
lap("evolve")
gap = ks.kac_gap(6, degree=4)["gap"]
lap("kac_gap")
from kacspectral.kac.finite_reservoir import energy_state
from fractions import Fraction
import math
p = ks.ReservoirProblem(system=2, reservoir=1000)
r = ks.reservoir_distance(p, energy_state(2, Fraction(1, 4)), [0.5, 5.0, math.inf])
lap("reservoir")
laps["total"] = time.perf_counter() - t0
laps["gap"] = gap
print(json.dumps(laps))
'''


HEAVY = ("import json; import kacspectral as ks; "
         "from kacspectral.kac.sectors import gap_search_cost; "
         "from kacspectral.kac.spectral_gap import reduced_pools; "
         "r = ks.kac_gap(3, degree=8); "
         "c = gap_search_cost([(reduced_pools(3, m), m) for m in range(1, 9)]); "
         "print(json.dumps({'gap': r.gap, 'claimed': float(r.claimed_gap), "
         "'verdict': r.verdict, 'estimated_s': c['seconds']}))")
VERSIONS = ("import json, kacspectral; from kacspectral.provenance import versions; "
            "print(json.dumps(dict(versions(), path=kacspectral.__file__)))")


def _run(argv: list[str], src: Path) -> tuple[float, float, str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(src)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)
                      if p and Path(p).resolve() != ROOT]))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=src, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=ROOT, help="checkout to time")
    parser.add_argument("--label", default="after")
    parser.add_argument("--heavy", action="store_true",
                        help="also time kac_gap(3, degree=8) (issue 8: made feasible)")
    args = parser.parse_args()
    src = args.src.resolve()
    wall, cpu, out = _run([sys.executable, "-c", README_EXAMPLE], src)
    parts = json.loads(out.strip().splitlines()[-1])
    gwall, gcpu, gout = _run([sys.executable, "-m", "kacspectral", "kac-gap", "--particles",
                              "10"], src)
    _, _, vout = _run([sys.executable, "-c", VERSIONS], src)
    commit = subprocess.run(["git", "-C", str(src), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or None
    entry = {
        "source": str(src),
        "git_commit": commit,
        "readme_example": {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
                           "parts_wall_s": {k: round(v, 3) for k, v in parts.items()
                                            if k != "gap"},
                           "kac_gap_6_degree_4": parts["gap"]},
        "kac_gap_N10_default": {"command": "kacspectral kac-gap --particles 10",
                                "wall_s": round(gwall, 2), "cpu_s": round(gcpu, 2),
                                "gap_line": gout.splitlines()[1]},
        "load_average_after": os.getloadavg(),
        "cpu_count": os.cpu_count(),
        "thread_env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS",
                                                      "OPENBLAS_NUM_THREADS")},
        "versions": json.loads(vout),
        "targets": {"readme_example_s": 20, "kac_gap_N10_s": 10},
    }
    if args.heavy:
        hwall, hcpu, hout = _run([sys.executable, "-c", HEAVY], src)
        entry["kac_gap_3_degree_8"] = {"wall_s": round(hwall, 2), "cpu_s": round(hcpu, 2),
                                       **json.loads(hout.strip().splitlines()[-1])}
    data = json.loads(OUT.read_text()) if OUT.exists() else {}
    old = data.get(args.label, {})
    if not args.heavy and "kac_gap_3_degree_8" in old:  # keep the earlier heavy measurement
        entry["kac_gap_3_degree_8"] = dict(old["kac_gap_3_degree_8"], note="earlier run")
    data[args.label] = entry
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, indent=2) + "\n")
    print(json.dumps({args.label: entry}, indent=2))


if __name__ == "__main__":
    main()
