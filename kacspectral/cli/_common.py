"""Shared pieces of the command line: number parsing, kernel parsing, JSON output, progress,
warnings and the finite-result guard.

Output policy (enforced by :func:`kacspectral.cli.main`, documented there): a command writes its
result to ``sys.stdout``, which ``main`` buffers and writes whole at the end, so stdout holds
either one complete result (table or JSON) or nothing; warnings are one line each on stderr
(``kacspectral: warning: ...``), never on stdout; a result holding nan or inf is never printed
(:func:`check_finite` -> :class:`NonFiniteResult`, exit status 1).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from collections.abc import Iterable
from fractions import Fraction
from typing import Any, NoReturn

import numpy as np

from kacspectral.errors import short
from kacspectral.physics.reservoirs import as_fraction
from kacspectral.provenance import versions

__all__ = [
    "NonFiniteResult",
    "OneLineParser",
    "UsageError",
    "check_finite",
    "dumps_json",
    "report_warnings",
    "short",
    "warn",
    "add_kernel_option",
    "add_output_option",
    "add_reservoir_options",
    "emit_json",
    "non_negative_int",
    "non_negative_float",
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


class NonFiniteResult(ArithmeticError):
    """A result to be printed holds nan or inf; reported as numerical trouble (exit status 1)."""


#: Largest decimal exponent accepted in a number on the command line (|x| <= 1e400 or
#: |x| >= 1e-400 before the float range check): ``Fraction("1e1000000000")`` would build a
#: billion-digit integer.
MAX_DECIMAL_EXPONENT = 400
#: Smallest non-zero magnitude accepted: the smallest normal double (subnormals lose digits).
TINY = float(np.finfo(float).tiny)


_LONG_QUOTED = re.compile(r"'([^']{41,})'")
_DECIMAL = re.compile(r"^[-+]?(\d[\d_]*(\.[\d_]*)?|\.\d[\d_]*)([eE]([-+]?\d+))?$")


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
        # argparse quotes the offending text ("invalid choice: '...'"): keep it short
        message = _LONG_QUOTED.sub(lambda m: repr(m.group(1)[:20] + "...") + (
            f" ({len(m.group(1))} characters)"), message)
        raise UsageError(f"kacspectral: error: {command + ': ' if command else ''}{message}")


def _check_exponent(part: str, text: str) -> None:
    m = _DECIMAL.match(part.strip())
    if m is None:
        raise argparse.ArgumentTypeError(
            f"expected a number such as 0.5 or 1/6, got {short(text)}")
    if m.group(4) is not None and abs(int(m.group(4))) > MAX_DECIMAL_EXPONENT:
        raise argparse.ArgumentTypeError(
            f"{short(text)} is out of range: the exponent must lie within "
            f"+-{MAX_DECIMAL_EXPONENT}")


def number(text: str) -> Fraction:
    """argparse type: a number such as ``0.5``, ``1/6`` or ``2e-3``, as an exact Fraction.

    Refuses (with the value in short form) text that is not a finite decimal or fraction,
    exponents beyond +-400 (building the exact integer would be slow) and values outside the
    float range (|x| > 1.8e308): every value must also have a float view.
    """
    if not isinstance(text, str):  # a default given as a Fraction or int
        return as_fraction(text, "number")
    if len(text) > 200:
        raise argparse.ArgumentTypeError(
            f"expected a number such as 0.5 or 1/6, got a {len(text)}-character text")
    num, slash, den = text.partition("/")
    _check_exponent(num, text)
    if slash:
        _check_exponent(den, text)
    try:
        value = as_fraction(text, "number")
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number such as 0.5 or 1/6, got {short(text)}"
        ) from None
    try:
        x = float(value)
    except OverflowError:
        raise argparse.ArgumentTypeError(
            f"{short(value)} is out of the float range (|x| <= 1.8e308)") from None
    if value != 0 and abs(x) < TINY:
        raise argparse.ArgumentTypeError(
            f"{short(value)} is below the float range (|x| >= 2.2e-308, or 0)")
    return value


def _integer(text: str, what: str) -> int:
    if len(text) > 30:  # also keeps int() from parsing thousands of digits
        raise argparse.ArgumentTypeError(
            f"expected {what}, got a {len(text)}-character text")
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {short(text)}") from None


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1 (at most 30 characters)."""
    value = _integer(text, "a positive integer")
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {short(text)}")
    return value


def non_negative_int(text: str) -> int:
    """argparse type: an integer >= 0 (at most 30 characters)."""
    value = _integer(text, "an integer >= 0")
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {short(text)}")
    return value


def positive_float(text: str) -> float:
    """argparse type: a number > 0 (read by :func:`number`), as a float."""
    value = number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {short(value)}")
    return float(value)


def non_negative_float(text: str) -> float:
    """argparse type: a number >= 0 (read by :func:`number`), as a float."""
    value = number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {short(value)}")
    return float(value)


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
    if isinstance(obj, complex):
        return {"real": obj.real, "imag": obj.imag}
    return obj


def _non_finite(obj: Any, path: str) -> str | None:
    """The path of the first nan/inf float in ``obj`` (after :func:`to_jsonable`), or None."""
    if isinstance(obj, float):
        return None if math.isfinite(obj) else f"{path or 'result'} = {obj!r}"
    if isinstance(obj, dict):
        for k, v in obj.items():
            hit = _non_finite(v, f"{path}.{k}" if path else str(k))
            if hit:
                return hit
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            hit = _non_finite(v, f"{path}[{i}]")
            if hit:
                return hit
    return None


def check_finite(payload: Any, what: str = "result") -> None:
    """Refuse to print a result holding nan or inf: raise :class:`NonFiniteResult` naming the
    first such quantity (its key path), which the CLI reports as numerical trouble (exit 1)."""
    hit = _non_finite(to_jsonable(payload), "")
    if hit is not None:
        raise NonFiniteResult(
            f"the {what} is not finite ({hit}); refusing to print it -- the inputs are beyond "
            f"what the computation can represent")


def dumps_json(payload: Any) -> str:
    """Strict JSON text of ``payload``: never ``NaN``/``Infinity`` (:func:`check_finite` first,
    then ``allow_nan=False`` as a second lock)."""
    check_finite(payload)
    return json.dumps(to_jsonable(payload), indent=2, allow_nan=False)


def emit_json(payload: dict, stream=None) -> None:
    """Write ``payload`` plus ``version`` and ``versions`` as indented JSON to stdout.

    Raises :class:`NonFiniteResult` (exit 1) instead of writing nan or inf.
    """
    out = dict(payload)
    ver = versions()
    out.setdefault("version", ver["kacspectral"])
    out.setdefault("versions", ver)
    text = dumps_json(out)
    (stream or sys.stdout).write(text + "\n")


# ------------------------------------------------------------------------------- warnings
#: Lines collected by :func:`kacspectral.cli.main` while a command runs (None: print at once).
_WARNING_SINK: list[str] | None = None


def warning_line(text: str) -> str:
    """``kacspectral: warning: <text>`` with ``text`` folded onto one line."""
    return "kacspectral: warning: " + " ".join(str(text).split())


def warn(text: str) -> None:
    """Report one warning line on stderr (through ``main``'s sink: printed once, at the end,
    only if the command succeeds; the error line alone is printed otherwise)."""
    line = warning_line(text)
    if _WARNING_SINK is None:
        print(line, file=sys.stderr)
    elif line not in _WARNING_SINK:
        _WARNING_SINK.append(line)


def report_warnings(caught: Iterable[Any]) -> list[str]:
    """Each distinct caught warning once as ``"<Category>: <message>"`` (one line), reported
    through :func:`warn`; returns the strings (for a JSON ``warnings`` list)."""
    messages: list[str] = []
    for w in caught:
        if issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning)):
            continue  # API deprecations concern code, not command-line users
        text = f"{w.category.__name__}: {' '.join(str(w.message).split())}"
        if text not in messages:
            messages.append(text)
    for text in messages:
        warn(text)
    return messages


# ------------------------------------------------------------------------------- progress
class Progress:
    """A progress bar on stderr, shown only on a terminal.

    Silent when ``enabled`` is false (pass ``enabled=not args.json``) or when stderr is not a
    tty, so pipes, files and tests see nothing.  Redraws at most every 0.1 s.

    Use ``bar.update(step)`` in a loop, or pass ``bar`` itself to a library function as its
    ``progress`` callback: ``bar(done, total)`` sets the absolute count (``total`` optional),
    the convention of the library loops (``progress(done, total)``).
    """

    def __init__(self, total: int, label: str = "", enabled: bool = True):
        self.total = max(int(total), 1)
        self.label = label
        self.done = 0
        self.enabled = bool(enabled) and _stderr_is_tty()
        self._last = 0.0
        self._drawn = False

    def update(self, step: int = 1) -> None:
        """Advance by ``step``."""
        self.done += step
        self._draw()

    def __call__(self, done: int, total: int | None = None) -> None:
        """Library callback: ``done`` of ``total`` steps are finished."""
        if total is not None:
            self.total = max(int(total), 1)
        self.done = int(done)
        self._draw()

    def _draw(self) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and self.done < self.total:
            return
        self._last = now
        frac = min(self.done / self.total, 1.0)
        bar = "#" * int(30 * frac)
        sys.stderr.write(f"\r{self.label} [{bar:<30}] {100 * frac:5.1f}%")
        sys.stderr.flush()
        self._drawn = True

    def close(self) -> None:
        """End the bar's line (erase it) if one was drawn."""
        if self.enabled and self._drawn:
            sys.stderr.write("\r" + " " * (len(self.label) + 41) + "\r")
            sys.stderr.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _stderr_is_tty() -> bool:
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError):
        return False


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
