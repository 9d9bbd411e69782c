"""Shared physics: angular kernels b(s), Maxwellian-mixture reservoirs and the exact BKW solution.

Built on :mod:`kacspectral.spectral`; used by every model subpackage.
"""
