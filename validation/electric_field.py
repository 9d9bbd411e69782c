"""Validation of the electric-field model (seed 003, section 5; issue 11).

Example of the issue: D(r) = 0.05 + 5 exp(-r^2/2), nu = 1, T0 = 1, kernel constant.

1. Reduced (epsilon -> 0) model: the fold points of the branch continued from E = 0 (extended
   system F = 0, det J = 0; residuals) and the three stationary states at E = 1.3.
2. Kinetic model at E = 1.3 for epsilon = 0.005, 0.01, 0.02, 0.05: Newton from each reduced
   state at degrees K = 12, 16, 20 (residual, leading eigenvalues, stability), the distance
   to the reduced state against epsilon and its fitted order (at these degrees: the hot and
   saddle states are not converged in K there -- their converged values, distances and orders
   are the study ``validation/electric_field_truncation.py``, K up to 60); the states reached
   by time evolution from two initial data (M_{0.3 e_z, 1} and M_{1.5 e_z, 10}), K = 12, for each
   epsilon (at epsilon = 0.05 at E = 1.23, inside its shrunken bistability window).
3. Entropy budget at the stable states: sigma (collisions + isotropisation + diffusion) against
   beta E.j.
4. Hysteresis: quasi-static sweeps of E up then down, reduced and kinetic (epsilon = 0.01);
   at epsilon = 0.05 the kinetic lower branch swept up to its fold.
5. A state far from M: constant D = 4/57, nu = 1, E = 2(nu + D) (u = 2, T = 20), epsilon = 10,
   against the exact moments, for K = 8, 12, 16.

Run from the repository root:  ``python validation/electric_field.py [--quick]``.
Writes ``validation/results/electric_field.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from kacspectral.efield.basis import AxisymmetricBasis  # noqa: E402
from kacspectral.efield.budget import entropy_budget  # noqa: E402
from kacspectral.efield.kinetic import (  # noqa: E402
    KineticOperator,
    KineticState,
    relax,
    solve_steady,
)
from kacspectral.efield.problem import Diffusion, EFieldProblem  # noqa: E402
from kacspectral.efield.reduced import continue_branch, exact_constant_d  # noqa: E402
from kacspectral.efield.sweep import kinetic_sweep, reduced_sweep  # noqa: E402
from kacspectral.errors import ConvergenceError  # noqa: E402
from kacspectral.provenance import versions  # noqa: E402

OUT = Path(__file__).parent / "results" / "electric_field.json"


def _ev(st: KineticState, n: int = 3) -> list:
    return [[complex(e).real, complex(e).imag] for e in st.eigenvalues[:n]]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="degrees 12, 16 only; short sweeps")
    args = ap.parse_args()
    t_start = time.time()
    degrees = [12, 16] if args.quick else [12, 16, 20]
    problem = EFieldProblem(1.3, 1.0, Diffusion.gaussian(0.05, 5.0, 1.0), epsilon=0.01)
    out: dict = {"problem": problem.to_dict()}

    # 1. reduced model
    branch = continue_branch(problem, e_max=2.0)
    out["folds"] = [f.summary() for f in branch.folds]
    reduced = branch.states_at(1.3)
    out["reduced_states_E_1_3"] = [s.summary() for s in reduced]
    print("folds:", [round(f.E, 10) for f in branch.folds])

    # 2. kinetic states at E = 1.3
    kin: list = []
    epsilons = [0.005, 0.01, 0.02, 0.05]
    for eps in epsilons:
        p = problem.with_epsilon(eps)
        for i, r in enumerate(reduced):
            for K in degrees:
                row = {"epsilon": eps, "degree": K, "reduced": [r.u, r.T], "branch": i,
                       "kind": r.kind}
                try:
                    st = solve_steady(p, (r.u, r.T), degree=K)
                    row.update(found=True, u=st.u, T=st.T, m2=st.m2, residual=st.residual,
                               stable=st.stable, eigenvalues=_ev(st), tail=st.basis.tail(
                                   st.coeffs), distance=float(np.hypot(st.u - r.u, st.T - r.T)))
                except ConvergenceError as exc:
                    row.update(found=False, message=str(exc))
                kin.append(row)
                print(eps, K, r.kind, row.get("u"), row.get("T"), row.get("stable"),
                      row.get("residual"))
    out["kinetic_E_1_3"] = kin
    top = degrees[-1]
    order = {}
    for i, r in enumerate(reduced):
        rows = [k for k in kin if k["degree"] == top and k["branch"] == i and k["found"]
                and k["epsilon"] <= 0.02]
        trunc = [abs(a["T"] - b["T"]) for a in kin for b in kin
                 if a["branch"] == b["branch"] == i and a["epsilon"] == b["epsilon"]
                 and a["found"] and b["found"] and a["degree"] == degrees[-2]
                 and b["degree"] == top and a["epsilon"] <= 0.02]
        if len(rows) >= 2:
            e = np.log([k["epsilon"] for k in rows])
            d = np.log([k["distance"] for k in rows])
            order[f"{r.kind}_T{r.T:.3f}"] = {
                "truncation_T_difference_last_two_degrees": max(trunc),
                "epsilons": [k["epsilon"] for k in rows],
                "distance": [k["distance"] for k in rows],
                "fitted_order": float(np.polyfit(e, d, 1)[0])}
    out["distance_order"] = order
    print("order:", order)

    # two initial data by time evolution (at eps = 0.05 inside its shrunken window, E = 1.23)
    starts = []
    for eps, E in [(0.005, 1.3), (0.01, 1.3), (0.02, 1.3), (0.05, 1.23)]:
        p = problem.with_epsilon(eps).with_field(E)
        for u0, t0 in [(0.3, 1.0), (1.5, 10.0)]:
            b = AxisymmetricBasis(12, u0, t0)
            a = np.zeros(b.size)
            a[0] = 1.0
            st = relax(p, KineticState(p, b, a, float("nan"), (), 0), t_final=400.0)
            starts.append({"epsilon": eps, "E": E, "initial": [u0, t0], "u": st.u, "T": st.T,
                           "stable": st.stable, "residual": st.residual,
                           "eigenvalues": _ev(st)})
            print("eps", eps, "E", E, "from", (u0, t0), "->", st.u, st.T, st.stable)
    out["time_evolution_two_initial_data"] = starts

    # 3. entropy budget
    budget = []
    for eps in (0.01, 0.02):
        for r in (reduced[0], reduced[2]):
            st = solve_steady(problem.with_epsilon(eps), (r.u, r.T), degree=top)
            b = entropy_budget(KineticOperator(st.problem, st.basis), st.coeffs)
            b.update(epsilon=eps, T=st.T, relative_difference=b["sigma"] / b["field_work"] - 1)
            budget.append(b)
    out["entropy_budget"] = budget
    print("budget:", [(b["epsilon"], b["relative_difference"]) for b in budget])

    # 4. hysteresis
    n = 9 if args.quick else 17
    up_E = list(np.linspace(1.1, 1.5, n))
    red_up = reduced_sweep(problem, up_E, (0.5, 1.2))
    red_dn = reduced_sweep(problem, up_E[::-1], (red_up[-1].u, red_up[-1].T))
    out["hysteresis_reduced"] = {"up": [[s.E, s.u, s.T] for s in red_up],
                                 "down": [[s.E, s.u, s.T] for s in red_dn]}
    p = problem.with_epsilon(0.01)
    s0 = solve_steady(p.with_field(up_E[0]), (red_up[0].u, red_up[0].T), degree=12)
    k_up = kinetic_sweep(p, up_E, s0)
    k_dn = kinetic_sweep(p, up_E[::-1], k_up[-1][0])
    out["hysteresis_kinetic_eps_0_01"] = {
        "up": [[s.problem.field, s.u, s.T, j] for s, j in k_up],
        "down": [[s.problem.field, s.u, s.T, j] for s, j in k_dn]}
    # epsilon = 0.05: the lower branch swept up until Newton leaves it
    p = problem.with_epsilon(0.05)
    st = solve_steady(p.with_field(1.0), (0.45, 1.2), degree=12)
    low = []
    for E in np.arange(1.0, 1.3001, 0.01):
        try:
            st = solve_steady(p.with_field(E), st, degree=12)
        except ConvergenceError:
            break
        low.append([float(E), st.u, st.T, float(complex(st.eigenvalues[0]).real)])
    out["lower_branch_eps_0_05"] = low
    print("eps=0.05 lower branch ends at E =", low[-1][0])
    st = solve_steady(p, (reduced[2].u, reduced[2].T), degree=12)
    upper = []
    for E in np.arange(1.3, 0.9999, -0.01):
        try:
            st = solve_steady(p.with_field(E), st, degree=12)
        except ConvergenceError:
            break
        upper.append([float(E), st.u, st.T, float(complex(st.eigenvalues[0]).real)])
    out["upper_branch_eps_0_05"] = upper
    print("eps=0.05 upper branch ends at E =", upper[-1][0])
    # bistability at eps = 0.05 inside the shrunken window: E = 1.23
    e_mid = 1.23
    red_mid = branch.states_at(e_mid)
    mid = []
    for K in (12, 16):
        for r in red_mid:
            guess = (r.u, r.T)
            if r.kind == "saddle":  # the kinetic saddle sits between the two kinetic states
                guess = (0.5 * (low[-1][1] + upper[-1][1]), 0.5 * (low[-1][2] + upper[-1][2]))
            row = {"E": e_mid, "degree": K, "reduced": [r.u, r.T], "kind": r.kind}
            try:
                st = solve_steady(p.with_field(e_mid), guess, degree=K)
                row.update(found=True, u=st.u, T=st.T, stable=st.stable,
                           residual=st.residual, eigenvalues=_ev(st))
            except ConvergenceError as exc:
                row.update(found=False, message=str(exc))
            mid.append(row)
            print("eps=0.05 E=1.23", K, r.kind, row.get("T"), row.get("stable"))
    out["eps_0_05_E_1_23"] = mid

    # 5. far state
    nu, D = 1.0, 4 / 57
    E = 2 * (nu + D)
    u, m2 = exact_constant_d(E, nu, D, 1.0)
    far = []
    for K in (8, 12, 16):
        st = solve_steady(EFieldProblem(E, nu, D, epsilon=10.0), (1.5, 15.0), degree=K)
        far.append({"degree": K, "u_error": st.u - u, "m2_error": st.m2 - m2,
                    "residual": st.residual, "tail": st.basis.tail(st.coeffs),
                    "leading_eigenvalue": complex(st.eigenvalues[0]).real, "minus_2D": -2 * D})
    out["far_state_u2_T20_eps10"] = far

    out["seconds"] = time.time() - t_start
    ver = versions()
    out["version"] = ver["kacspectral"]
    out["versions"] = ver
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(out, indent=1, allow_nan=False, default=float) + "\n")
    print("wrote", OUT, f"({out['seconds']:.0f} s)")


if __name__ == "__main__":
    main()
