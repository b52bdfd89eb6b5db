"""The "pause and think" card: shown and spoken as a narrated block carrying its checkpoint, or left out."""

from __future__ import annotations

import pytest
from manim import Text

from neuron import LESSON
from neuron.checkpoints import checkpoints
from scenes.base import LectureScene
from scenes.checkpoint_card import CheckpointCard
from scenes.settings import CHECKPOINTS_ENV, Settings
from scenes.voices import Silent
from scenes.style import caption_band_top


class Asks(LectureScene):
    voice = Silent()

    def construct(self) -> None:
        self.add(Text("on screen before"))
        self.checkpoint("cross-entropy-gradient")


def test_the_card_is_a_narrated_block_that_carries_its_checkpoint(run_scene, monkeypatch):
    monkeypatch.delenv(CHECKPOINTS_ENV, raising=False)
    scene = run_scene(Asks)
    cp = checkpoints(LESSON)["cross-entropy-gradient"]
    [block] = scene.blocks
    assert block.checkpoint == cp.to_json()
    assert block.text == cp.spoken and cp.question in block.text
    # The picture came back; the card is gone.
    assert not any(isinstance(m, CheckpointCard) for m in scene.mobjects)
    assert any(isinstance(m, Text) for m in scene.mobjects)


def test_checkpoints_none_leaves_them_out(run_scene, monkeypatch):
    monkeypatch.setenv(CHECKPOINTS_ENV, "none")
    scene = run_scene(Asks)
    assert scene.blocks == []


def test_a_bad_mode_is_one_line(monkeypatch):
    monkeypatch.setenv(CHECKPOINTS_ENV, "sometimes")
    with pytest.raises(ValueError, match=r"^LECTURE_CHECKPOINTS: unknown value 'sometimes'; allowed: card, none$"):
        Settings.from_env()


@pytest.mark.parametrize("cp_id", list(checkpoints(LESSON)))
def test_every_card_fits_above_the_caption_band(cp_id, tiny_config):
    from manim import config

    config.pixel_width, config.pixel_height = 854, 480
    card = CheckpointCard(checkpoints(LESSON)[cp_id])
    assert card.get_bottom()[1] > caption_band_top()
    assert card.get_top()[1] <= config.frame_height / 2
    assert abs(card.get_left()[0]) <= config.frame_width / 2 and card.get_right()[0] <= config.frame_width / 2
    texts = [m for m in card.get_family() if isinstance(m, Text)]
    assert {c.text for c in checkpoints(LESSON)[cp_id].choices} <= {t.original_text for t in texts}


def test_the_voice_reads_powers_of_ten_in_words():
    from scenes.narration import spoken

    assert spoken("D: 3.44×10⁻⁴⁵.") == "D: 3.44 times ten to the minus 45."
    assert spoken("2×10¹²") == "2 times ten to the 12"
