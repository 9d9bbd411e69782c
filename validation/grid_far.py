"""Far from equilibrium on the grid (issue 12, item 3), larger N than the tests.

``f_0 = 0.2 M_{(2,2,2), 0.2} + 0.8 M_{-(1/2,1/2,1/2), 1/2}`` on ``[-L, L)^3``: self-convergence of
``Q(f_0, f_0)`` for Maxwell molecules and hard spheres, successive differences
``e(N) = max |Q_N - Q_2N|`` on the common points for ``N = 16, 24, 32`` (so up to ``2N = 64``),
with the fitted exponential rate (``log e = a - c N``) and algebraic order
(``log e = a - p log N``),
and the relaxation of hard spheres at ``N = 32`` with the entropy checked after every step.

Run:  ``python validation/grid_far.py``.  Writes ``validation/results/grid_far.json``.
"""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from kacspectral.grid.evolution import evolve_grid  # noqa: E402
from kacspectral.grid.operator import FastSpectralOperator  # noqa: E402
from kacspectral.physics.bkw import standard_grid  # noqa: E402
from kacspectral.provenance import versions  # noqa: E402

L = 6.0
SPHERE = 17


def two_beams(n: int) -> np.ndarray:
    v = standard_grid(n, L)

    def m(t, u):
        return (2 * math.pi * t) ** -1.5 * np.exp(-np.sum((v - np.asarray(u)) ** 2, -1) / (2 * t))

    return 0.2 * m(0.2, (2, 2, 2)) + 0.8 * m(0.5, (-0.5, -0.5, -0.5))


def main() -> None:
    out: dict = {"description": __doc__.split("\n")[0], "half_width": L,
                 "sphere_degree": SPHERE, "self_convergence": {}}
    for lam in (0.0, 1.0):
        qs, secs = {}, {}
        for n in (16, 24, 32, 48, 64):
            op = FastSpectralOperator(n, L, lam=lam, sphere_degree=SPHERE)
            c0 = time.process_time()
            qs[n] = op.collision(two_beams(n))
            secs[n] = time.process_time() - c0
            print(f"lambda={lam} N={n}: {secs[n]:.2f} s, correction {op.last_correction:.2e}",
                  flush=True)
        ns = np.array([16, 24, 32])
        e = np.array([float(np.max(np.abs(qs[n] - qs[2 * n][::2, ::2, ::2]))) for n in ns])
        out["self_convergence"][str(lam)] = {
            "N": ns.tolist(), "successive_difference": e.tolist(),
            "exponential_rate_c": float(-np.polyfit(ns, np.log(e), 1)[0]),
            "algebraic_order_p": float(-np.polyfit(np.log(ns), np.log(e), 1)[0]),
            "cpu_seconds": {str(k): v for k, v in secs.items()}}
        print(out["self_convergence"][str(lam)], flush=True)
    op = FastSpectralOperator(32, L, lam=1.0, sphere_degree=SPHERE)
    ev = evolve_grid(op, two_beams(32), t_end=4.0, dt=0.25)
    d = ev.to_dict()
    d.pop("versions")
    out["relaxation_hard_spheres_N32"] = d
    out["entropy_increasing_at_every_step"] = bool(np.all(ev.entropy_increments > 0))
    out["versions"] = versions()
    path = Path(__file__).resolve().parent / "results" / "grid_far.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print("entropy increasing at every step:", out["entropy_increasing_at_every_step"])
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
