"""The kinetic cold state at E = 1.3 folds in epsilon (review of issue 11, finding (i)).

Example of the issue: D(r) = 0.05 + 5 exp(-r^2/2), nu = 1, T0 = 1, kernel constant, E = 1.3.
The reduced model has three states at E = 1.3 (cold stable, saddle, hot stable); the kinetic
solver finds all three at epsilon = 0.005, 0.01, 0.02 but only the hot one at epsilon = 0.05.
Is the cold state lost by the solver, or does it cease to exist?

Method (:func:`kacspectral.efield.sweep.epsilon_branch`): from the kinetic cold state at
epsilon = 0.02 (Newton from the reduced state), the branch of steady states is continued with
the second moment ``m2 = int |v|^2 f`` as the parameter and epsilon as an unknown, which passes
through a fold in epsilon (natural continuation in epsilon -- Newton at 0.02, 0.0225, ... from
the previous state -- stalls just before it: last converged cold / saddle states at
epsilon = 0.02570 / 0.02633 (K = 12), 0.02465 / 0.02469 (K = 16)).  At each point the leading
eigenvalue of the linearised operator is recorded.

Result (see ``validation/results/electric_field_eps_fold.json``): epsilon(m2) rises from 0.02
to a maximum eps_f and decreases again along the saddle branch; the leading eigenvalue changes
sign at the same m2 (a saddle-node): the cold stable state and the saddle merge at eps_f and
do not exist for epsilon > eps_f.  eps_f is fitted by a parabola through the three points
about the maximum, for K = 12, 16, 20.

Run from the repository root:  ``python validation/electric_field_eps_fold.py`` (~20 s).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from kacspectral.efield.kinetic import solve_steady  # noqa: E402
from kacspectral.efield.problem import Diffusion, EFieldProblem  # noqa: E402
from kacspectral.efield.sweep import epsilon_branch  # noqa: E402
from kacspectral.provenance import versions  # noqa: E402

OUT = Path(__file__).parent / "results" / "electric_field_eps_fold.json"
PROBLEM = EFieldProblem(1.3, 1.0, Diffusion.gaussian(0.05, 5.0, 1.0), epsilon=0.02)
COLD = (0.593554, 1.311914)  # the reduced model's cold state at E = 1.3


def branch(K: int, m2_stop: float = 7.6, dm2: float = 0.15) -> list[dict]:
    st = solve_steady(PROBLEM, COLD, degree=K)
    rows = epsilon_branch(st, np.arange(st.m2, m2_stop, dm2))
    for r in rows:
        print(K, {k: round(v, 6) for k, v in r.items()}, flush=True)
    return rows


def fold(rows: list[dict]) -> dict:
    m2 = np.array([r["m2"] for r in rows])
    eps = np.array([r["epsilon"] for r in rows])
    ev = np.array([r["leading_eigenvalue"] for r in rows])
    i = int(np.argmax(eps))
    c = np.polyfit(m2[i - 1:i + 2], eps[i - 1:i + 2], 2)
    m2f = -c[1] / (2 * c[0])
    k = int(np.nonzero(np.diff(np.sign(ev)))[0][0])
    m2_zero = m2[k] - ev[k] * (m2[k + 1] - m2[k]) / (ev[k + 1] - ev[k])
    return {"epsilon_fold": float(np.polyval(c, m2f)), "m2_at_max_epsilon": float(m2f),
            "m2_at_zero_eigenvalue": float(m2_zero),
            "T_fold": float(np.interp(m2f, m2, [r["T"] for r in rows])),
            "u_fold": float(np.interp(m2f, m2, [r["u"] for r in rows]))}


def main() -> None:
    t_start = time.time()
    out: dict = {"problem": PROBLEM.to_dict(), "field": 1.3, "degrees": {}}
    for K in (12, 16, 20):
        rows = branch(K)
        out["degrees"][str(K)] = {"branch": rows, "fold": fold(rows)}
        print(K, out["degrees"][str(K)]["fold"], flush=True)
    out["seconds"] = time.time() - t_start
    out["versions"] = versions()
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(out, indent=1, allow_nan=False) + "\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
