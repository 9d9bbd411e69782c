"""The ``kacspectral`` command line.

Each sub-command lives in its own module of this package and defines

* ``COMMAND`` -- the sub-command's name (``"ness"``),
* ``HELP`` -- one line of help,
* ``configure(parser)`` -- adds its options to an :class:`argparse.ArgumentParser`,
* ``run(args) -> int`` -- does the work and returns the exit status.

Modules are discovered, so adding a command touches no other file.

Error and output policy (enforced here, in :func:`main`, for every command):

* **stdout holds one complete result or nothing.**  A command's stdout is buffered and written
  whole after ``run`` returns; on every error path nothing at all is written to stdout (also
  with ``--json``: no partial JSON, no JSON error object -- the error is the stderr line and the
  exit status).  JSON never contains ``NaN``/``Infinity``: a result holding nan or inf is
  refused (:func:`~kacspectral.cli._common.check_finite`, exit status 1, naming the quantity).
* **Exit status 0**: success.  **1**: numerical trouble -- no convergence
  (:class:`~kacspectral.errors.ConvergenceError`), a non-finite result, division by zero or
  other arithmetic failure, memory exhausted, or a command that printed its result but flagged
  it (it then says why in a warning line).  **2**: bad input (:class:`ValueError`,
  :class:`TypeError`, or :class:`OverflowError` from a number too large for a float), or work
  refused up front because its estimated memory or run time exceeds the limits (the message
  names the argument, the limit and the estimate).
  **3**: an internal error (a bug: please report it; ``KACSPECTRAL_TRACEBACK=1`` shows the
  traceback).  **130**: interrupted.
* **stderr**: an error is ONE line ``kacspectral: error: ...`` (bad input) or
  ``kacspectral: numerical trouble: ...``; warnings are one line each,
  ``kacspectral: warning: ...``, printed at the end of a successful run (dropped when an error
  line is printed).  Never a traceback.  Progress bars appear only on a terminal.
* **A broken pipe** (``kacspectral ness | head -1``) ends quietly: stdout is pointed at
  ``os.devnull`` as the Python documentation recommends, exit status 1, no message.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import os
import pkgutil
import sys
import warnings
from collections.abc import Sequence

import numpy as np

from kacspectral._version import __version__
from kacspectral.errors import ConvergenceError

from . import _common
from ._common import NonFiniteResult, OneLineParser, UsageError

__all__ = ["main", "build_parser"]


def _command_modules() -> list:
    mods = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(mod, "COMMAND") and hasattr(mod, "run"):
            mods.append(mod)
    return mods


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with one sub-parser per discovered command module."""
    parser = OneLineParser(
        prog="kacspectral",
        description="Spectrally accurate solvers for kinetic theory with thermal reservoirs.",
    )
    parser.add_argument("--version", action="version", version=f"kacspectral {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for mod in _command_modules():
        p = sub.add_parser(mod.COMMAND, help=mod.HELP, description=mod.HELP)
        mod.configure(p)
        p.set_defaults(_run=mod.run)
    return parser


_NUMERICAL = (ConvergenceError, ArithmeticError, np.linalg.LinAlgError)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 2000 else text[:1997] + "..."


def _dispatch(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> tuple[int, str]:
    """Parse and run; returns (status, error line or "")."""
    try:
        args = parser.parse_args(argv)
        if getattr(args, "_run", None) is None:
            names = ", ".join(m.COMMAND for m in _command_modules())
            return 2, f"kacspectral: error: a COMMAND is required: one of {names} (see --help)"
        return int(args._run(args) or 0), ""
    except SystemExit as exc:  # --help / --version print to stdout and exit 0
        return (exc.code if isinstance(exc.code, int) else 0), ""
    except UsageError as exc:
        return 2, _one_line(exc)
    except NonFiniteResult as exc:
        return 1, f"kacspectral: numerical trouble: {_one_line(exc)}"
    except np.linalg.LinAlgError as exc:  # a ValueError subclass, but numerical trouble
        return 1, f"kacspectral: numerical trouble: LinAlgError: {_one_line(exc)}"
    except (ValueError, TypeError, OverflowError) as exc:  # OverflowError: a number too large
        return 2, f"kacspectral: error: {_one_line(exc)}"  # for a float (bad input)
    except MemoryError:
        return 1, ("kacspectral: numerical trouble: out of memory (MemoryError); lower the "
                   "size options")
    except _NUMERICAL as exc:
        kind = "" if isinstance(exc, ConvergenceError) else f"{type(exc).__name__}: "
        return 1, f"kacspectral: numerical trouble: {kind}{_one_line(exc)}"
    except KeyboardInterrupt:
        return 130, "kacspectral: interrupted"
    except Exception as exc:  # a bug: one line unless the traceback is asked for
        if os.environ.get("KACSPECTRAL_TRACEBACK"):
            raise
        return 3, (f"kacspectral: internal error: {type(exc).__name__}: {_one_line(exc)} "
                   f"(a bug -- please report it; KACSPECTRAL_TRACEBACK=1 shows the traceback)")


def _write_stdout(text: str) -> int:
    """Write the buffered result; a closed pipe ends quietly (status 1, Python docs' recipe)."""
    if not text:
        return 0
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
            pass
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kacspectral`` script; returns the exit status.

    Runs the command with stdout buffered and warnings collected, then writes the result whole
    (or, on an error, nothing on stdout and one line on stderr); see the module docstring for
    the policy.  Python warnings raised during the run become ``kacspectral: warning:`` lines.
    """
    parser = build_parser()
    buffer = io.StringIO()
    sink: list[str] = []
    previous = _common._WARNING_SINK
    _common._WARNING_SINK = sink
    try:
        with contextlib.redirect_stdout(buffer), warnings.catch_warnings():
            warnings.simplefilter("always")
            # API deprecations concern code, not command-line users
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", PendingDeprecationWarning)
            warnings.showwarning = _show_warning
            status, error = _dispatch(parser, argv)
    finally:
        _common._WARNING_SINK = previous
    if error:
        print(error, file=sys.stderr)
        return status
    for line in sink:
        print(line, file=sys.stderr)
    if _write_stdout(buffer.getvalue()):
        return 1
    return status


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """``warnings.showwarning`` replacement: one ``kacspectral: warning:`` line (deduplicated)."""
    _common.warn(f"{category.__name__}: {message}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
