"""The public facade: every name in __all__ exists, and the README's Python example runs."""

from fractions import Fraction

import kacspectral


def test_all_names_exist():
    for name in kacspectral.__all__:
        assert hasattr(kacspectral, name), name


def test_facade_end_to_end_default_problem():
    # The README example: the default NESS, its exact moments, and the agreement between them.
    problem = kacspectral.NessProblem(
        "1/2", kacspectral.MaxwellianMixture(["1/2", "1/2"], ["1/6", "1/2"]), "constant"
    )
    result = kacspectral.solve_ness(problem)
    exact = kacspectral.exact_moments(problem, 2)
    assert exact[2] == Fraction(65, 36)
    assert abs(result.moments(2)[2] / float(exact[2]) - 1) < 1e-12
