"""Checkpoints: every answer and every wrong option against the 50-digit reference, at two lessons."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from neuron.checkpoints import Checkpoint, build_checkpoint, checkpoints, show
from neuron.lessonfile import load_variant
from neuron.parameters import Lesson
import neuron_reference as ref

ROOT = Path(__file__).resolve().parents[2]
LESSONS = {"default": None, "big-eta": ROOT / "lessons" / "big-eta.toml"}
#: Overrides that move every number the questions use (input, target, both starts).
MOVED = ["x=0.8", "y=0.2", "good.w=0.5", "bad.w=3", "bad.b=1.5"]

_SUP = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def parse(text: str) -> tuple[float, int]:
    """A shown number back as a float, and its significant digits."""
    m = re.fullmatch(r"(−?)([0-9.]+)(?:×10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+))?", text)
    assert m, f"not a shown number: {text!r}"
    sign, mantissa, exponent = m.groups()
    digits = len(mantissa.replace(".", "").lstrip("0")) or 1
    value = float(mantissa) * (10.0 ** int(exponent.translate(_SUP)) if exponent else 1.0)
    return (-value if sign else value), digits


def expected(lesson: Lesson) -> dict[str, dict[str, float]]:
    """Each checkpoint's options by misconception ("" = the right answer), from the reference alone."""
    x, y, eta, n = lesson.x, lesson.y, lesson.eta, lesson.epochs
    with ref.context():
        D = Decimal
        zg = D(lesson.good.w) * D(x) + D(lesson.good.b)
        zb = D(lesson.bad.w) * D(x) + D(lesson.bad.b)
        ab = ref.sigma(zb)

        def final(ce: bool, start) -> float:
            return ref.descend(ce, start.w, start.b, x=x, y=y, eta=eta, epochs=n)["a"][-1]

        f = ref.to_float
        bce = f(ref.cost_value(True, zb, D(y)))
        grad = (ab - D(y)) * D(x)  # textbook x(a − y)
        out = {
            "setup-output": {"": f(ref.sigma(zg)), "bias left out": f(ref.sigma(D(lesson.good.w) * D(x))),
                             "sigmoid left out": f(zg), "slope for value": f(ref.sigma_prime(zg))},
            "flatline-predict": {"": final(False, lesson.bad), "a big error means a big step": final(True, lesson.bad),
                                 "the start does not matter": final(False, lesson.good),
                                 "a flat slope means no learning at all": f(ab)},
            "sigma-prime": {"": f(ref.sigma_prime(zb)), "value for slope": f(ab),
                            "the slope is always its largest": 0.25, "a factor left out": f(1 - ab)},
            "log-loss": {"": bce, "squared error": f(ref.cost_value(False, zb, D(y))), "sign flipped": -bce,
                         "the other case": f(ref.cost_value(True, zb, 1 - D(y)))},
            "cross-entropy-gradient": {"": f(grad), "σ′(z) left in": f(grad * ref.sigma_prime(zb)),
                                       "sign flipped": f(-grad), "Nielsen's widget rule": f(D(x) / (1 - ab))},
            "convergence-predict": {"": final(True, lesson.bad), "the cost does not change the learning":
                                    final(False, lesson.bad), "a flat slope means no learning at all": f(ab)},
        }
        if y == 0:
            out["convergence-predict"]["Nielsen's widget rule"] = ref.book_widget(
                lesson.bad.w, lesson.bad.b, x=x, eta=eta, epochs=n)[-1]
    return out


@pytest.fixture(params=[*LESSONS, "moved"], scope="module")
def lesson(request) -> Lesson:
    if request.param == "moved":
        return load_variant(None, MOVED).lesson
    return load_variant(LESSONS[request.param]).lesson


def test_every_answer_and_distractor_matches_the_reference(lesson):
    found = checkpoints(lesson)
    want = expected(lesson)
    assert list(found) == list(want)
    for cp_id, cp in found.items():
        assert sum(c.correct for c in cp.choices) == 1, cp_id
        assert [c.id for c in cp.choices] == [chr(97 + i) for i in range(len(cp.choices))]
        assert {c.misconception for c in cp.choices} == set(want[cp_id]), cp_id
        for c in cp.choices:
            truth = want[cp_id][c.misconception]
            assert c.correct == (c.misconception == "")
            assert c.value == pytest.approx(truth, rel=1e-9, abs=1e-300), (cp_id, c.misconception)
            shown_value, digits = parse(c.text)
            # Rounded, not truncated: within half a unit of the last digit shown.
            assert abs(shown_value - truth) <= 0.5 * 10 ** (_exponent(truth) - digits + 1) * (1 + 1e-9), (cp_id, c.text)
        texts = [c.text for c in cp.choices]
        assert len(set(texts)) == len(texts), f"{cp_id}: two choices read alike: {texts}"


def _exponent(v: float) -> int:
    import math

    return math.floor(math.log10(abs(v))) if v else 0


def test_the_lecture_asks_enough_of_each_kind():
    cps = list(checkpoints(Lesson()).values())
    assert len(cps) >= 6
    assert sum(cp.predict for cp in cps) >= 2
    assert sum(cp.numeric for cp in cps) >= 3
    assert {"flatline-predict", "convergence-predict"} <= {cp.id for cp in cps if cp.predict}
    assert len({cp.answer for cp in cps}) >= 2, "the right answer is not always in the same place"


def test_a_lesson_file_changes_the_numbers_not_the_order():
    default = checkpoints(load_variant(None).lesson)
    big = checkpoints(load_variant(LESSONS["big-eta"]).lesson)
    for cp_id in default:
        assert [c.misconception for c in default[cp_id].choices] == [c.misconception for c in big[cp_id].choices]
    assert default["flatline-predict"].question != big["flatline-predict"].question
    assert [c.text for c in default["flatline-predict"].choices] != [c.text for c in big["flatline-predict"].choices]


def test_choices_equal_at_every_precision_are_dropped_deterministically():
    # A bad start at z = 0: σ = 1 − σ = 0.5 and σ′ = 0.25, its largest value.
    lesson = load_variant(None, ["bad.w=0", "bad.b=0"]).lesson
    cp = checkpoints(lesson)["sigma-prime"]
    assert [c.misconception for c in cp.choices] == ["value for slope", ""]
    assert [c.text for c in cp.choices] == ["0.5", "0.25"]
    assert cp.answer == "b"


def test_more_digits_tell_close_choices_apart():
    cp = build_checkpoint("t", "?", [("", 0.12341, lambda t: t), ("near", 0.12339, lambda t: t), ("far", 0.5, lambda t: t)])
    assert [c.text for c in cp.choices] == ["0.12341", "0.12339", "0.5"]


def test_shown_numbers():
    assert show(-0.98201) == "−0.982"
    assert show(1.234e-7) == "1.23×10⁻⁷"
    assert parse(show(3.44e-45)) == (pytest.approx(3.44e-45), 3)


def test_round_trip_and_spoken():
    for cp in checkpoints(Lesson()).values():
        assert Checkpoint.from_json(cp.to_json()) == cp
        assert cp.question in cp.spoken and all(c.text in cp.spoken for c in cp.choices)


def test_a_lesson_that_moves_every_parameter_moves_every_question():
    default = checkpoints(Lesson())
    moved = checkpoints(load_variant(None, MOVED).lesson)
    for cp_id, cp in default.items():
        assert moved[cp_id].question != cp.question, cp_id
        assert [c.text for c in moved[cp_id].choices] != [c.text for c in cp.choices], cp_id
