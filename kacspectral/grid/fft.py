"""Real 3D FFTs on an ``n^3`` grid: pyfftw plans built once and reused, scipy.fft as fallback.

The plans are ``pyfftw.FFTW`` objects on SIMD-aligned arrays (``pyfftw.empty_aligned``), built
once per grid with the user's ``threads`` and planner effort (``FFTW_MEASURE`` by default) and
then executed in place of their own arrays, so that an evaluation of the collision operator
allocates nothing.  When pyfftw cannot be imported (or ``backend="scipy"`` is forced) the same
interface runs ``scipy.fft.rfftn`` / ``irfftn`` with ``workers=threads``.

Convention: ``forward`` is the unnormalised DFT ``F_k = sum_j f_j exp(-2 pi i j.k / n)``
(numpy's), ``backward`` its inverse (divides by ``n^3``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from kacspectral.errors import short

__all__ = ["RealFFT3", "pyfftw_available"]

_EFFORTS = ("FFTW_ESTIMATE", "FFTW_MEASURE", "FFTW_PATIENT")


def pyfftw_available() -> bool:
    """Whether pyfftw can be imported."""
    try:
        import pyfftw  # noqa: F401
    except ImportError:  # pragma: no cover - pyfftw is a declared dependency
        return False
    return True


class RealFFT3:
    """Forward and inverse real FFT of an ``(n, n, n)`` float array.

    Parameters
    ----------
    n : int
        Points per axis.
    threads : int
        Threads used by FFTW (or scipy's ``workers``); the user's choice, default 1.
    backend : {"auto", "pyfftw", "scipy"}
        ``auto`` uses pyfftw when importable, else scipy.fft.
    effort : str
        FFTW planner flag (``FFTW_ESTIMATE``, ``FFTW_MEASURE``, ``FFTW_PATIENT``).

    Attributes
    ----------
    real_in, complex_out, complex_in, real_out : ndarray
        The aligned arrays the plans run on (pyfftw backend); write into ``real_in`` and call
        :meth:`forward` without argument to avoid a copy.
    """

    def __init__(self, n: int, threads: int = 1, backend: str = "auto",
                 effort: str = "FFTW_MEASURE"):
        if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or threads < 1:
            raise ValueError(f"threads must be an integer >= 1, got {short(threads)}")
        if backend not in ("auto", "pyfftw", "scipy"):
            raise ValueError(f"backend must be 'auto', 'pyfftw' or 'scipy', got {backend!r}")
        if effort not in _EFFORTS:
            raise ValueError(f"effort must be one of {_EFFORTS}, got {effort!r}")
        self.n = int(n)
        self.threads = int(threads)
        self.shape = (self.n,) * 3
        self.half_shape = (self.n, self.n, self.n // 2 + 1)
        if backend == "auto":
            backend = "pyfftw" if pyfftw_available() else "scipy"
        if backend == "pyfftw" and not pyfftw_available():  # pragma: no cover
            raise ValueError("backend 'pyfftw' requested but pyfftw cannot be imported")
        self.backend = backend
        if backend == "pyfftw":
            import pyfftw

            self.real_in = pyfftw.empty_aligned(self.shape, dtype="float64")
            self.complex_out = pyfftw.empty_aligned(self.half_shape, dtype="complex128")
            self.complex_in = pyfftw.empty_aligned(self.half_shape, dtype="complex128")
            self.real_out = pyfftw.empty_aligned(self.shape, dtype="float64")
            self._fwd = pyfftw.FFTW(self.real_in, self.complex_out, axes=(0, 1, 2),
                                    direction="FFTW_FORWARD", flags=(effort,),
                                    threads=self.threads)
            # FFTW_DESTROY_INPUT is the default for c2r; complex_in is scratch by design
            self._bwd = pyfftw.FFTW(self.complex_in, self.real_out, axes=(0, 1, 2),
                                    direction="FFTW_BACKWARD", flags=(effort,),
                                    threads=self.threads)
        else:
            self.real_in = np.empty(self.shape)
            self.complex_out = np.empty(self.half_shape, dtype=complex)
            self.complex_in = np.empty(self.half_shape, dtype=complex)
            self.real_out = np.empty(self.shape)

    @property
    def memory_bytes(self) -> int:
        """Bytes of the four work arrays."""
        return int(self.real_in.nbytes + self.complex_out.nbytes + self.complex_in.nbytes
                   + self.real_out.nbytes)

    def forward(self, f: NDArray | None = None) -> NDArray:
        """``rfftn`` of ``f`` (or of :attr:`real_in`); returns :attr:`complex_out` (reused)."""
        if f is not None:
            self.real_in[...] = f
        if self.backend == "pyfftw":
            self._fwd()
        else:
            from scipy import fft

            self.complex_out[...] = fft.rfftn(self.real_in, workers=self.threads)
        return self.complex_out

    def backward(self, fh: NDArray | None = None) -> NDArray:
        """``irfftn`` of ``fh`` (or of :attr:`complex_in`, which is destroyed); returns
        :attr:`real_out` (reused)."""
        if fh is not None:
            self.complex_in[...] = fh
        if self.backend == "pyfftw":
            self._bwd()  # normalise_idft=True: divides by n^3
        else:
            from scipy import fft

            self.real_out[...] = fft.irfftn(self.complex_in, s=self.shape, workers=self.threads)
        return self.real_out
