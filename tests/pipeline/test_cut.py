"""Where a beat is cut into units (:func:`scenes.pipeline.units.cut`): at block starts, about a target long."""

from __future__ import annotations

from scenes.pipeline.units import TO_END, cut


def starts(*blocks: tuple[int, float]) -> list[dict]:
    return [{"name": f"B-{n:02d}", "play": play, "start": start} for n, (play, start) in enumerate(blocks, 1)]


def test_blocks_are_grouped_into_units_of_about_the_target() -> None:
    # Six blocks of 10 s, two plays each: 60 s in units of 20 s is three units of two blocks.
    got = cut(starts(*((2 * i, 10.0 * i) for i in range(6))), 60.0, 20.0)
    assert [(c.first, c.last, c.sections) for c in got] == [
        (0, 3, ("B-01", "B-02")), (4, 7, ("B-03", "B-04")), (8, TO_END, ("B-05", "B-06"))]
    assert [c.seconds for c in got] == [20.0, 20.0, 20.0]
    assert [c.range for c in got] == ["0,3", "4,7", f"8,{TO_END}"]


def test_short_beats_and_single_blocks_stay_whole() -> None:
    assert len(cut(starts((0, 0.0), (2, 10.0)), 25.0, 20.0)) == 1  # under 1.5 units
    assert len(cut(starts((0, 0.0)), 90.0, 20.0)) == 1  # one block
    assert len(cut(starts((1, 0.5), (3, 40.0)), 90.0, 20.0)) == 1  # plays before the first block


def test_a_block_with_no_play_of_its_own_stays_with_the_previous_one() -> None:
    # B-03 starts at the same play as B-02 (an empty block): no unit may start there.
    got = cut(starts((0, 0.0), (2, 20.0), (2, 20.0), (4, 40.0)), 60.0, 1.0)
    assert [c.sections for c in got] == [("B-01",), ("B-02", "B-03"), ("B-04",)]
    assert all(c.first <= c.last for c in got)
