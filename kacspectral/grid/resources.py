"""Peak memory of the running process, for the benchmark and the CLI."""

from __future__ import annotations

__all__ = ["peak_rss_bytes"]


def peak_rss_bytes() -> int:
    """``VmHWM`` of ``/proc/self/status``: the peak resident set of this process image.

    Not ``getrusage(...).ru_maxrss``: Linux carries a parent's ``ru_maxrss`` over ``fork`` +
    ``exec``, so a child of a big parent would report the parent's peak.  Falls back to
    ``ru_maxrss`` where ``/proc`` is missing.
    """
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:  # pragma: no cover - non-Linux
        pass
    import resource  # pragma: no cover

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024  # pragma: no cover
