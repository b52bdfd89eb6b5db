"""A new voice engine is one small module: the README's toy sine-tone engine, run as written."""

from __future__ import annotations

import argparse
import re
import types
from pathlib import Path

import numpy as np
import pytest

from scenes.audiocache import SAMPLE_RATE
from scenes.captions import READING_CPS
from scenes.files import decode_audio
from scenes.loudness import TARGET_LUFS, integrated_loudness
from scenes.settings import VOICE_ENV, Settings
from scenes.voices import Voice
from tests.ebur128 import ebur128_file

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sine_engine():
    """The README's engine module, executed as it is written there; unregistered afterwards."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"<!-- sine-voice -->\n```python\n(.*?)```\n<!-- /sine-voice -->", readme, re.S).group(1)
    module = types.ModuleType("readme_sine_voice")
    exec(compile(code, "README.md (sine-voice)", "exec"), module.__dict__)
    yield module.Sine
    Voice.registry.pop("sine", None)


def test_the_toy_engine_speaks_a_tone_as_long_as_the_reading(sine_engine):
    text = "The cost hardly moves at first."
    audio = Voice.from_string("sine:220").audio("Toy-01", text)
    samples = decode_audio(audio.path, SAMPLE_RATE)
    assert audio.duration == pytest.approx(len(text) / READING_CPS, abs=0.02)
    assert len(samples) / SAMPLE_RATE == pytest.approx(audio.duration, abs=1e-3)
    spectrum = np.abs(np.fft.rfft(samples))
    assert np.fft.rfftfreq(len(samples), 1 / SAMPLE_RATE)[spectrum.argmax()] == pytest.approx(220, abs=1)
    # The base processed it like any voice: at the target loudness, by our meter and by FFmpeg's.
    assert integrated_loudness(samples) == pytest.approx(TARGET_LUFS, abs=0.1)
    assert ebur128_file(audio.path) == pytest.approx(TARGET_LUFS, abs=0.5)


def test_the_toy_engine_is_chosen_by_the_voice_option_and_sets_the_pace(sine_engine, run_scene, monkeypatch):
    from manim import Circle, Create

    from scenes.base import LectureScene
    from scenes.pipeline.options import settings_from_args

    args = argparse.Namespace(voice="sine:330", voice_cmd=None, recordings=None, captions="sidecar")
    settings = settings_from_args(args, inherited=Settings.from_env())
    assert settings.voice == "sine:330" and "sine:<hz>" in Voice.forms()
    monkeypatch.setenv(VOICE_ENV, settings.voice)

    class Toned(LectureScene):
        def construct(self):
            with self.narrate("A circle, drawn while a tone plays for as long as this takes to read."):
                self.play(Create(Circle()), run_time=0.5)

    (block,) = run_scene(Toned).blocks
    assert block.audio is not None and block.speech == pytest.approx(len(block.text) / READING_CPS, abs=0.02)
    assert block.end - block.start >= block.speech


def test_a_bad_frequency_is_one_line_naming_it(sine_engine):
    with pytest.raises(ValueError, match=r"^LECTURE_VOICE: sine:<hz> takes a frequency in hertz, got 'loud'$"):
        Voice.from_string("sine:loud")
