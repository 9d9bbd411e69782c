"""Exceptions and warnings of kacspectral.

Bad input raises :class:`ValueError` (or :class:`TypeError`) with a message naming the bad
value and what was expected.  Numerical trouble is never hidden: it raises
:class:`ConvergenceError` or emits :class:`TruncationWarning` / :class:`NegativeDensityWarning`.
"""

from __future__ import annotations

__all__ = ["ConvergenceError", "NegativeDensityWarning", "TruncationWarning"]


class ConvergenceError(RuntimeError):
    """An iteration did not reach its tolerance; the message gives the residual reached."""


class TruncationWarning(RuntimeWarning):
    """The truncation is too low for the data (the discarded tail is above the tolerance)."""


class NegativeDensityWarning(RuntimeWarning):
    """A truncated expansion of a density takes negative values."""
