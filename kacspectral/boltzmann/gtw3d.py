"""Deprecated: the 3D GTW distance now lives in :mod:`kacspectral.boltzmann.gtw`.

``kacspectral.boltzmann.gtw.gtw_distance`` is the one GTW distance (its 3D path is selected by
moments given as mappings).  Every name of this module still works for one release and emits a
:class:`DeprecationWarning` naming its replacement.
"""

from __future__ import annotations

import warnings
from typing import Any

__all__: list[str] = []

_MOVED = {
    "gtw_distance": "kacspectral.boltzmann.gtw.gtw_distance",
    "GTWResult": "kacspectral.boltzmann.gtw.GTWResult",
    "fibonacci_directions": "kacspectral.boltzmann.gtw.fibonacci_directions",
    "small_xi_limit": "kacspectral.boltzmann.gtw.small_xi_limit",
    "REQUIREMENTS": "kacspectral.boltzmann.gtw.REQUIREMENTS",
    "gtw_distance_isotropic": "kacspectral.boltzmann.gtw.gtw_distance(phi_f, phi_g, [1, m2_f], "
    "[1, m2_g], require='first')",
}


def _isotropic(phi_f: Any, phi_g: Any, m2_f: float, m2_g: float, **_: Any) -> float:
    """Old ``gtw_distance_isotropic``: the isotropic path of the one ``gtw_distance``."""
    from kacspectral.boltzmann import gtw

    return gtw.gtw_distance(phi_f, phi_g, [1.0, float(m2_f)], [1.0, float(m2_g)],
                            require="first").distance


def __getattr__(name: str) -> Any:
    if name not in _MOVED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    warnings.warn(
        f"kacspectral.boltzmann.gtw3d.{name} is deprecated and will be removed in the next "
        f"release; use {_MOVED[name]}",
        DeprecationWarning,
        stacklevel=2,
    )
    if name == "gtw_distance_isotropic":
        return _isotropic
    from kacspectral.boltzmann import gtw

    return getattr(gtw, name)
