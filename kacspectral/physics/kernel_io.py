"""How an angular kernel is written into a saved result and rebuilt from it.

A kernel is saved by its name and, when it has one, its exact expression (plus its
:meth:`~kacspectral.physics.kernels.AngularKernel.describe` summary, for readers); it is rebuilt
with :func:`~kacspectral.physics.kernels.get_kernel` (``"constant"``, ``"kac"``) or
:func:`~kacspectral.physics.kernels.kernel_from_expression` (the expression text it was made
from), so the rebuilt kernel gives bit-for-bit the same quadratures.  A kernel made from a
Python callable cannot be rebuilt from a file (pickle it instead): loading it raises ValueError.
"""

from __future__ import annotations

from typing import Any

from kacspectral.physics.kernels import AngularKernel, get_kernel, kernel_from_expression
from kacspectral.results import register_codec

__all__ = ["decode_kernel", "encode_kernel"]

_NAMED = ("constant", "kac")


def encode_kernel(kernel: AngularKernel) -> dict[str, Any]:
    """``{"name", "description"}`` of ``kernel`` (JSON-ready)."""
    return {"name": kernel.name, "description": kernel.describe()}


def decode_kernel(data: dict[str, Any]) -> AngularKernel:
    """Rebuild a kernel written by :func:`encode_kernel`."""
    name = data.get("name")
    if not isinstance(name, str):
        raise ValueError(f"a saved kernel needs a string 'name', got {name!r}")
    if name in _NAMED:
        return get_kernel(name)
    try:
        try:
            kernel = kernel_from_expression(name, name=name)
        except ValueError:  # saved from get_kernel(..., normalize=True)
            kernel = kernel_from_expression(name, normalize=True, name=name)
    except ValueError as exc:
        raise ValueError(
            f"the saved kernel {name!r} cannot be rebuilt (only 'constant', 'kac' and kernels "
            f"given by an expression in s can; a kernel from a Python callable travels by "
            f"pickle only): {exc}"
        ) from None
    desc = data.get("description") or {}
    if "expression" in desc and kernel.is_exact and str(kernel.expr) != desc["expression"]:
        raise ValueError(
            f"the saved kernel {name!r} rebuilds to {kernel.expr}, not {desc['expression']}"
        )
    return kernel


register_codec(AngularKernel, encode_kernel, decode_kernel, name="AngularKernel")
