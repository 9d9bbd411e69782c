"""DSMC against the grid NESS and the exact Maxwell-molecule NESS (issue 12, item 5).

``df/dt = (1 - gamma) Q(f, f) + gamma Q(f, R)``, ``gamma = 1/2``, ``R = (M_{1/2} + M_1)/2``:

1. Maxwell molecules: DSMC (:mod:`kacspectral.grid.dsmc`) against the exact NESS moments
   (``kacspectral.boltzmann.isotropic.exact.exact_moments``: ``m_2 = 9/4``, ``m_4 = 35/4``) and
   the exact heat fluxes ``J_a = gamma w_a (m_2 - 3 T_a)/4``.
2. Hard spheres: DSMC against the grid NESS (:func:`kacspectral.grid.ness.solve_grid_ness`,
   ``[-8.83, 8.83)^3``, Lebedev degree 11, residual 1e-9) at the grid sizes given.

z-scores ``(DSMC - reference) / SE``, SE from the spread of independent seeded runs.

Run:  ``python validation/grid_dsmc.py [N ...]`` (grid sizes, default 32 40).
Writes ``validation/results/grid_dsmc.json``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from kacspectral.boltzmann.isotropic.exact import exact_moments  # noqa: E402
from kacspectral.boltzmann.isotropic.ness import NessProblem  # noqa: E402
from kacspectral.grid.dsmc import DsmcProblem, run_dsmc  # noqa: E402
from kacspectral.grid.ness import GridNessProblem, solve_grid_ness  # noqa: E402
from kacspectral.physics.reservoirs import MaxwellianMixture  # noqa: E402
from kacspectral.provenance import versions  # noqa: E402

SEEDS = tuple(range(101, 109))


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [32, 40]
    res = MaxwellianMixture(["1/2", "1/2"], ["1/2", "1"])
    out: dict = {"description": __doc__.split("\n")[0]}

    ex = exact_moments(NessProblem("1/2", res, "constant"), 2)
    m2, m4 = float(ex[1]), float(ex[2])
    jex = [0.5 * float(w) * (m2 - 3 * float(t)) / 4 for w, t in zip(res.w, res.T, strict=True)]
    c0 = time.process_time()
    mm = run_dsmc(DsmcProblem(0.0, 0.5, res, particles=50000, dt=0.5, burn_in=20.0,
                              duration=400.0, seeds=SEEDS))
    d = mm.to_dict()
    d.pop("versions")
    d["cpu_seconds"] = time.process_time() - c0
    d["reference"] = {"what": "exact isotropic NESS (Maxwell molecules)", "m2": str(ex[1]),
                      "m4": str(ex[2]), "heat_fluxes": jex}
    d["z_scores"] = mm.z_scores(m2, m4, jex)
    out["maxwell_molecules"] = d
    print(f"Maxwell: {mm.moments()}\n  z = {d['z_scores']} ({d['cpu_seconds']:.0f} s)", flush=True)

    c0 = time.process_time()
    hs = run_dsmc(DsmcProblem(1.0, 0.5, res, particles=50000, dt=0.1, burn_in=5.0,
                              duration=200.0, seeds=SEEDS))
    d = hs.to_dict()
    d.pop("versions")
    d["cpu_seconds"] = time.process_time() - c0
    d["grid_ness"] = []
    print(f"hard spheres DSMC: {hs.moments()} ({d['cpu_seconds']:.0f} s)", flush=True)
    for n in sizes:
        c0 = time.process_time()
        g = solve_grid_ness(GridNessProblem(1.0, 0.5, res, n=n), tol=1e-9)
        gm = g.moments()
        row = {"n": n, "half_width": g.problem.half_width,
               "sphere_degree": g.problem.sphere_degree, "residual": g.residual,
               "m2": gm["m2"], "m4": gm["m4"], "heat_fluxes": g.heat_fluxes.tolist(),
               "cpu_seconds": time.process_time() - c0,
               "z_scores": hs.z_scores(gm["m2"], gm["m4"], g.heat_fluxes)}
        d["grid_ness"].append(row)
        print(f"  grid N={n}: m2 {gm['m2']:.6f} m4 {gm['m4']:.6f} J {g.heat_fluxes} "
              f"z = {row['z_scores']}", flush=True)
    out["hard_spheres"] = d
    out["versions"] = versions()
    path = Path(__file__).resolve().parent / "results" / "grid_dsmc.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
