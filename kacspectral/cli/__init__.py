"""The ``kacspectral`` command line.

Each sub-command lives in its own module of this package and defines

* ``COMMAND`` -- the sub-command's name (``"ness"``),
* ``HELP`` -- one line of help,
* ``configure(parser)`` -- adds its options to an :class:`argparse.ArgumentParser`,
* ``run(args) -> int`` -- does the work and returns the exit status.

Modules are discovered, so adding a command touches no other file.  Bad input (a
:class:`ValueError`, :class:`TypeError` or an :class:`OverflowError` from a number too large
for a float, raised while parsing or running) ends with exit
status 2 and one line on stderr; numerical trouble (:class:`~kacspectral.errors.ConvergenceError`)
with exit status 1 and one line; never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from kacspectral._version import __version__
from kacspectral.errors import ConvergenceError

from ._common import OneLineParser, UsageError

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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kacspectral`` script; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if getattr(args, "_run", None) is None:
            parser.print_help(sys.stderr)
            return 2
        return int(args._run(args) or 0)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except (ValueError, TypeError, OverflowError) as exc:
        msg = " ".join(str(exc).split())
        print(f"kacspectral: error: {msg}", file=sys.stderr)
        return 2
    except ConvergenceError as exc:
        msg = " ".join(str(exc).split())
        print(f"kacspectral: numerical trouble: {msg}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("kacspectral: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
