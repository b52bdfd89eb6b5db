"""Beat 5: the strikes fall on the two a(1 − a) factors, and the numbers are the gradients."""

from __future__ import annotations

import math

from scenes.s05_cancel import SigmaPrimeCancels


def inside(point, mob) -> bool:
    lo, hi = mob.get_corner([-1, -1, 0]), mob.get_corner([1, 1, 0])
    return lo[0] - 1e-6 <= point[0] <= hi[0] + 1e-6 and lo[1] - 1e-6 <= point[1] <= hi[1] + 1e-6


def test_cancellation_strikes_the_sigma_prime_factors(run_scene):
    scene = run_scene(SigmaPrimeCancels)
    frac, sigma_prime = scene.step[1], scene.step[3]
    assert sigma_prime.tex_string == "a(1-a)"
    strikes = [m for m in scene.mobjects if type(m).__name__ == "Line"]
    assert len(strikes) == 2
    den, sp = sorted(strikes, key=lambda m: m.get_center()[0])
    # One across the fraction's lower half (the denominator), one across a(1 − a).
    assert inside(den.get_center(), frac) and den.get_center()[1] < frac.get_center()[1]
    assert inside(sp.get_center(), sigma_prime)


def test_bad_start_gradients_quoted_are_the_real_ones(run_scene):
    scene = run_scene(SigmaPrimeCancels)
    a = 1 / (1 + math.exp(-4.0))  # w = b = 2, x = 1
    strings = [getattr(m, "tex_string", None) for m in scene.panel.get_family()]
    assert f"{a * a * (1 - a):.3f}" in strings  # (a − y)σ′(z)x with y = 0, x = 1
    assert f"{a:.3f}" in strings  # x(a − y)
