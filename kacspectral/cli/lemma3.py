"""``kacspectral lemma3``: spectra of the thermostat on V_m and the 2/3 bound of seed 000."""

from __future__ import annotations

import argparse

from kacspectral.errors import format_seconds, short
from kacspectral.kac.lemma3 import MAX_M, estimate_lemma3, lemma3_check, tensor_top_eigenvalue
from kacspectral.kac.thermostat import ZONAL_METHODS, resolve_method
from kacspectral.physics.kernels import get_kernel

from ._common import (
    Progress,
    add_kernel_option,
    add_output_option,
    check_finite,
    emit_json,
    non_negative_int,
    positive_int,
    write_output,
)

COMMAND = "lemma3"
HELP = "spectrum of the thermostat gain on V_m vs the exact lambda_{n,l}; Lemma 3 (2/3 bound)"

#: Largest --m-max accepted: :data:`kacspectral.kac.lemma3.MAX_M` (about a minute; the work
#: grows like m_max^6, see :func:`kacspectral.kac.lemma3.estimate_lemma3`).
M_MAX_LIMIT = MAX_M


def configure(parser: argparse.ArgumentParser) -> None:
    """Options: --m-max, --kernel, --method, --tensor-m-max, --json, --output."""
    parser.add_argument(
        "--m-max",
        type=positive_int,
        default=10,
        help=f"check V_1 .. V_M (default: 10; at most {M_MAX_LIMIT}, about a minute)",
    )
    add_kernel_option(parser, default="kac")
    parser.add_argument(
        "--method",
        choices=["auto", "omega", "fourier"],
        default="auto",
        help="matrix construction: omega (velocity space, uniform Omega; kac only), fourier "
        "(Bobylev form, any kernel), auto (omega for kac, else fourier)",
    )
    parser.add_argument(
        "--tensor-m-max",
        type=non_negative_int,
        default=0,
        help="also the top eigenvalue of int A_Omega^(x)m dsigma on (R^3)^(x)m for m <= K "
        "(seed 000's last step; K <= 6; default 0: skip)",
    )
    parser.add_argument("--json", action="store_true", help="write JSON to stdout")
    add_output_option(parser)


def run(args: argparse.Namespace) -> int:
    """Run the check and print a table (or JSON)."""
    if args.m_max > M_MAX_LIMIT:
        used = resolve_method(get_kernel(args.kernel), args.method, ZONAL_METHODS)
        est = estimate_lemma3(args.m_max, used)
        raise ValueError(
            f"--m-max must be <= {M_MAX_LIMIT}, the validated range (beyond it the "
            f"construction's rounding reaches the tolerance 1e-11), got {short(args.m_max)} "
            f"(it would take about {format_seconds(est['seconds'])}; the work grows like "
            f"m_max^6)")
    if not 0 <= args.tensor_m_max <= 6:
        raise ValueError(f"--tensor-m-max must be in 0..6, got {short(args.tensor_m_max)}")
    with Progress(1, f"lemma3 m <= {args.m_max}", enabled=not args.json) as bar:
        res = lemma3_check(args.m_max, args.kernel, args.method, progress=bar)
    tensor = [tensor_top_eigenvalue(m) for m in range(1, args.tensor_m_max + 1)]
    check_finite({"result": res.to_dict(), "tensor": tensor})
    write_output(args, res)
    if args.json:
        payload = res.to_dict()
        if tensor:
            payload["tensor"] = tensor
        emit_json(payload)
        return 0
    exact = res.reference_kind == "exact"
    ref = "exact" if exact else "reference (quadrature)"
    print(f"kernel {res.kernel}: gain on V_m, matrices from the definition ({res.method}); "
          f"reference lambda_(n,l): {'exact (sympy)' if exact else 'Gauss-Jacobi quadrature'}")
    print(f"{'m':>4} {'top':>20} {'(n,l)':>8} {ref:>26} {'max|error|':>11} {'seconds':>8}")
    for r in res.rows:
        print(
            f"{r.m:>4} {r.top:>20.16f} {str(r.top_nl):>8} {r.top_exact:>26} "
            f"{r.max_abs_error:>11.2e} {r.seconds:>8.3f}"
        )
    at = ", ".join(f"({d['n']},{d['l']})" for d in res.sup_at)
    print(f"sup over m = {res.sup:.16f} ({ref} {res.sup_exact}, at {at}); bound {res.bound}; "
          f"holds: {res.holds}")
    print(f"max |error| over all spectra: {res.max_abs_error:.2e} (tolerance {res.tolerance:g})")
    at2 = ", ".join(f"({n},{l})" for n, l in res.lemma2_at)
    print(f"Lemma 2 constant l^2 = {res.lemma2_l2:.16f} ({ref} {res.lemma2_l2_exact}, at {at2}; "
          f"from the matrices {res.lemma2_l2_matrix:.16f})")
    for t in tensor:
        print(f"tensor step m={t['m']}: top on (R^3)^(x){t['m']} = {t['top_full']:.16f}, "
              f"on symmetric tensors = {t['top_symmetric']:.16f}")
    return 0
