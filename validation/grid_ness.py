"""Steady states with two jump reservoirs on the grid (issue 12, item 5): budgets and convergence.

``df/dt = (1 - gamma) Q(f, f) + gamma Q(f, R)``, ``gamma = 1/2``, ``R = (M_{1/2} + M_1)/2`` on
``[-8.83, 8.83)^3``, Lebedev degree 11, for Maxwell molecules and hard spheres at several N:
residual, ``m_2``, ``m_4``, heat fluxes ``J_a`` and ``sum_a J_a``, the entropy budget
``sigma_B + sum_a sigma_a`` against ``sum_a J_a / T_a``; for Maxwell molecules the moments against
the package's isotropic NESS (:func:`kacspectral.boltzmann.isotropic.ness.solve_ness`).

Run:  ``python validation/grid_ness.py [N ...]`` (default 24 32).
Writes ``validation/results/grid_ness.json``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from kacspectral.boltzmann.isotropic.ness import NessProblem, solve_ness  # noqa: E402
from kacspectral.grid.ness import GridNessProblem, solve_grid_ness  # noqa: E402
from kacspectral.physics.reservoirs import MaxwellianMixture  # noqa: E402
from kacspectral.provenance import versions  # noqa: E402


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [24, 32]
    res = MaxwellianMixture(["1/2", "1/2"], ["1/2", "1"])
    iso = solve_ness(NessProblem("1/2", res, "constant")).moments(2)
    out: dict = {"description": __doc__.split("\n")[0],
                 "isotropic_ness_maxwell": {"m2": float(iso[1]), "m4": float(iso[2])},
                 "runs": []}
    for lam in (0.0, 1.0):
        for n in sizes:
            c0 = time.process_time()
            r = solve_grid_ness(GridNessProblem(lam, 0.5, res, n=n), tol=1e-9)
            d = r.to_dict()
            d.pop("versions")
            d["cpu_seconds"] = time.process_time() - c0
            if lam == 0.0:
                d["m2_minus_isotropic"] = d["moments"]["m2"] - float(iso[1])
                d["m4_minus_isotropic"] = d["moments"]["m4"] - float(iso[2])
            print(f"lambda={lam} N={n}: m2 {d['moments']['m2']:.10f} m4 "
                  f"{d['moments']['m4']:.10f} sum J {d['sum_heat_fluxes']:.2e} budget diff "
                  f"{d['entropy_budget']['difference']:.2e} ({d['cpu_seconds']:.0f} s)",
                  flush=True)
            out["runs"].append(d)
    out["versions"] = versions()
    path = Path(__file__).resolve().parent / "results" / "grid_ness.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
