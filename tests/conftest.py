"""Shared test settings."""

import numpy as np

#: Machine epsilon of float64; tolerances in the tests are stated in units of it.
EPS = float(np.finfo(float).eps)
