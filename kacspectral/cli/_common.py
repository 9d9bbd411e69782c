"""Shared pieces of the command line: number parsing, kernel parsing, JSON output, progress."""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from fractions import Fraction
from typing import Any, NoReturn

import numpy as np

from kacspectral.physics.reservoirs import as_fraction
from kacspectral.provenance import versions

__all__ = [
    "OneLineParser",
    "UsageError",
    "add_kernel_option",
    "add_output_option",
    "add_reservoir_options",
    "emit_json",
    "non_negative_int",
    "number",
    "positive_float",
    "positive_int",
    "Progress",
    "to_jsonable",
    "write_output",
]


_NEGATIVE_NUMBER = re.compile(r"^-(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?(/\d+)?$")


class UsageError(Exception):
    """Bad command-line input; reported as one line on stderr with exit status 2."""


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (no usage block), raised as UsageError.

    Values such as ``-1/2`` are read as (negative) numbers, not as options, so that they reach
    the value checks that name the problem (argparse alone only recognises ``-1`` and ``-0.5``).
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = _NEGATIVE_NUMBER

    def error(self, message: str) -> NoReturn:
        command = self.prog.partition(" ")[2]
        raise UsageError(f"kacspectral: error: {command + ': ' if command else ''}{message}")


def number(text: str) -> Fraction:
    """argparse type: a number such as ``0.5``, ``1/6`` or ``2e-3``, as an exact Fraction."""
    try:
        return as_fraction(text, "number")
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number such as 0.5 or 1/6, got {text!r}"
        ) from None


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def non_negative_int(text: str) -> int:
    """argparse type: an integer >= 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return value


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0 (as a float)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def add_kernel_option(parser: argparse.ArgumentParser, default: str = "constant") -> None:
    """``--kernel``: constant | kac | an expression in s (resolved by kernels.get_kernel; text is
    read by the whitelist parser of :mod:`kacspectral.physics.expressions`, never evaluated)."""
    parser.add_argument(
        "--kernel",
        default=default,
        help=f"angular kernel b(s): constant | kac | an expression in s such as "
        f"'3*(1+s)**2/4' made of numbers, s, pi, + - * / **, parentheses and "
        f"sqrt exp log abs cos sin tan cosh sinh tanh asin acos atan (default: {default})",
    )


def add_reservoir_options(parser: argparse.ArgumentParser, gamma_help: str) -> None:
    """``--gamma``, ``--weights``, ``--temperatures``: the reservoir R = sum_a w_a M_{T_a}
    (defaults: gamma 1/2, weights 1/2 1/2, temperatures 1/6 1/2; conventions page, section 4)."""
    parser.add_argument("--gamma", type=number, default="1/2", help=f"{gamma_help} (default: 1/2)")
    parser.add_argument(
        "--weights", type=number, nargs="+", default=["1/2", "1/2"], metavar="W",
        help="reservoir weights w_a >= 0 summing to 1 (default: 1/2 1/2)",
    )
    parser.add_argument(
        "--temperatures", type=number, nargs="+", default=["1/6", "1/2"], metavar="T",
        help="reservoir temperatures T_a > 0 (default: 1/6 1/2)",
    )


def to_jsonable(obj: Any) -> Any:
    """Convert numpy arrays/scalars, Fractions and tuples to JSON types (recursively)."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, (np.floating,)):
        return float(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, Fraction):
        return str(obj)
    return obj


def emit_json(payload: dict, stream=None) -> None:
    """Write ``payload`` plus ``version`` and ``versions`` as indented JSON to stdout."""
    out = dict(payload)
    ver = versions()
    out.setdefault("version", ver["kacspectral"])
    out.setdefault("versions", ver)
    json.dump(to_jsonable(out), stream or sys.stdout, indent=2, allow_nan=False)
    (stream or sys.stdout).write("\n")


class Progress:
    """A minimal progress bar on stderr, silent when disabled or when stderr is not a terminal."""

    def __init__(self, total: int, label: str = "", enabled: bool = True):
        self.total = max(int(total), 1)
        self.label = label
        self.done = 0
        self.enabled = bool(enabled) and sys.stderr.isatty()

    def update(self, step: int = 1) -> None:
        self.done += step
        if self.enabled:
            frac = min(self.done / self.total, 1.0)
            bar = "#" * int(30 * frac)
            sys.stderr.write(f"\r{self.label} [{bar:<30}] {100 * frac:5.1f}%")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def add_output_option(parser: argparse.ArgumentParser) -> None:
    """``--output FILE``: also save the computed result (``kacspectral.load(FILE)`` reads it)."""
    parser.add_argument(
        "--output",
        metavar="FILE",
        default=None,
        help="save the result to FILE (JSON, exact: kacspectral.load(FILE) gives it back)",
    )


def write_output(args: argparse.Namespace, result: Any, payload: dict | None = None) -> None:
    """Save ``result`` (a kacspectral result: ``to_dict``/``save``) to ``--output`` and put its
    ``to_dict()`` under ``payload["result"]`` (the command's ``--json`` output) when given.

    Does nothing else without ``--output``; an unwritable path is bad input (ValueError: exit 2).
    """
    if payload is not None:
        payload["result"] = result.to_dict()
    path = getattr(args, "output", None)
    if path is None:
        return
    try:
        result.save(path)
    except OSError as exc:
        raise ValueError(f"--output {path!r} cannot be written: {exc.strerror or exc}") from None
