"""Narration: captions cut for reading, blocks timed by their words, voices, cache, loudness."""

from __future__ import annotations

import logging
import shutil
import statistics
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scenes import narration
from scenes.files import decode_audio
from scenes.block import BlockRecord, SectionType
from scenes.narration import (
    MAX_CPS,
    MAX_LINE,
    MIN_CUE,
    READING_CPS,
    TAIL,
    TARGET_LUFS,
    Cue,
    Voice,
    cues,
    schedule,
    spoken,
)
from tests.ebur128 import ebur128_loudness
from tests.scenes.readable import assert_readable

needs_flite = pytest.mark.skipif(shutil.which("flite") is None, reason="flite is not installed")

# -- cutting text into cues ---------------------------------------------------------
word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=14)
clause = st.lists(word, min_size=1, max_size=14)
sentence = st.lists(clause, min_size=1, max_size=4)
paragraph = st.lists(sentence, min_size=1, max_size=5)


def write(sentences: list[list[list[str]]]) -> str:
    """Clauses joined by commas, sentences ended by full stops."""
    return " ".join(", ".join(" ".join(c) for c in s) + "." for s in sentences)


def cue_of_each_word(cut: list[Cue]) -> list[int]:
    return [i for i, c in enumerate(cut) for _ in c.text.split()]


@given(paragraph)
def test_cues_keep_every_word_in_two_short_lines(sentences):
    text = write(sentences)
    cut = cues(text)
    assert [w for c in cut for w in c.text.split()] == text.split()
    for c in cut:
        assert 1 <= len(c.lines) <= 2
        assert all(0 < len(line) <= MAX_LINE for line in c.lines), c.lines
        assert c.text == "\n".join(c.lines) and "\n" not in "".join(c.lines)


@given(paragraph)
def test_cues_cut_at_sentences_then_clauses_then_words(sentences):
    text = write(sentences)
    owner = cue_of_each_word(cues(text))
    start = 0
    for s in sentences:
        pieces = [", ".join(" ".join(c) for c in s) + "."]
        s_words = sum(len(c) for c in s)
        if len(cues(pieces[0])) == 1:  # a sentence that fits one cue is never cut
            assert len(set(owner[start:start + s_words])) == 1, pieces[0]
        at = start
        for k, c in enumerate(s):
            as_written = " ".join(c) + ("." if k == len(s) - 1 else ",")
            if len(cues(as_written)) == 1:  # a clause that fits one cue is never cut between its words
                assert len(set(owner[at:at + len(c)])) == 1, c
            at += len(c)
        start += s_words


def test_cues_choose_their_line_breaks():
    assert [c.lines for c in cues("Same learning rate, same number of epochs. The cost hardly moves at first.")] == [
        ("Same learning rate, same number of epochs.", "The cost hardly moves at first.")]
    # A long sentence is cut at its clause boundary, not mid-phrase.
    cut = cues("Back to the bad start, w = 2 and b = 2, with the same learning rate η = 0.15 for both costs.")
    assert all(c.text.split()[-1].endswith((",", ".")) for c in cut)
    # Odd input: a word longer than a line is cut into line-sized pieces.
    assert all(len(line) <= MAX_LINE for c in cues("x" * 100) for line in c.lines)
    assert cues("   ") == []


# -- timing -------------------------------------------------------------------------
@given(st.lists(st.integers(min_value=1, max_value=84), min_size=1, max_size=8),
       st.floats(min_value=0.0, max_value=30.0),
       st.lists(st.floats(min_value=0.0, max_value=60.0), max_size=6))
def test_schedule_never_shows_a_cue_too_briefly(lengths, extra, pauses):
    cue_list = [Cue(("x" * n,)) for n in lengths]
    span = sum(c.reading for c in cue_list) + extra
    for times in (schedule(cue_list, span), schedule(cue_list, span, pauses)):
        assert times[0][0] == 0 and times[-1][1] == pytest.approx(span)
        assert all(a[1] == b[0] for a, b in zip(times, times[1:]))
        for c, (a, b) in zip(cue_list, times):
            assert b - a >= MIN_CUE - 1e-9
            assert c.chars / (b - a) <= MAX_CPS + 1e-9
    # Without a voice's pauses every cue gets at least its reading time (≤ 15 cps).
    for c, (a, b) in zip(cue_list, schedule(cue_list, span)):
        assert c.chars / (b - a) <= READING_CPS + 1e-9


def test_schedule_follows_the_voice_pauses_and_refuses_too_little_time():
    two = [Cue(("a" * 30,)), Cue(("b" * 30,))]
    assert schedule(two, 6.0) == [(0.0, 3.0), (3.0, 6.0)]
    assert schedule(two, 6.0, pauses=[3.6]) == [(0.0, 3.6), (3.6, 6.0)]
    assert schedule(two, 6.0, pauses=[5.5]) == [(0.0, 3.0), (3.0, 6.0)], "too far from the proportional cut"
    with pytest.raises(ValueError, match="shorter than the cues' reading time"):
        schedule(two, 3.0)


def test_spoken_text_says_the_symbols():
    assert spoken("σ′(z) = a(1 − a)") == "sigma prime of z equals ay times 1 minus ay"
    assert spoken("What is left is −ln(1 − a).") == "What is left is minus log of 1 minus ay."
    assert spoken("rate η = 0.15 from z₀ = -2") == "rate eta equals 0.15 from z nought equals minus 2"
    assert spoken("a bias b is added") == "a bias b is added", "the article stays an article"


# -- voices -------------------------------------------------------------------------
def test_a_bad_voice_names_itself_and_the_allowed_forms(monkeypatch):
    for bad in ("robot", "cmd:say it", "recordings:/no/such/folder", "flite:nobody"):
        if bad.startswith("flite") and shutil.which("flite") is None:
            continue
        with pytest.raises(ValueError) as err:
            Voice.from_string(bad)
        message = str(err.value)
        assert "\n" not in message and bad.partition(":")[2 if ":" in bad else 0] in message
    monkeypatch.setenv(narration.VOICE_ENV, "robot")
    with pytest.raises(ValueError, match=r"unknown voice 'robot'; allowed: none, flite:<voice>, .*cmd:.*recordings:<folder>$"):
        narration.voice_from_env()


def test_a_missing_engine_names_its_debian_package(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv(narration.VOICE_ENV)
    with pytest.raises(RuntimeError, match=r"^flite not found: install the Debian package 'flite'"):
        narration.voice_from_env()
    with pytest.raises(RuntimeError, match="Debian package 'espeak-ng'"):
        Voice.from_string("espeak-ng")


def test_captions_setting_is_checked(monkeypatch):
    monkeypatch.setenv(narration.CAPTIONS_ENV, "burn")
    assert narration.burn_captions()
    monkeypatch.setenv(narration.CAPTIONS_ENV, "sideways")
    with pytest.raises(ValueError, match="LECTURE_CAPTIONS: unknown value 'sideways'"):
        narration.burn_captions()


def lasts(block, seconds: float) -> bool:
    """The block lasted ``seconds``, rounded up to whole frames (at most one more frame)."""
    from manim import config

    return -1e-9 <= (block.end - block.start) - seconds <= 1 / config.frame_rate + 1e-9


def two_blocks():
    """A tiny beat: two narrated blocks whose bodies are shorter than their words."""
    from manim import Circle, Create, FadeIn, Square

    from scenes.base import LectureScene

    class TwoBlocks(LectureScene):
        def construct(self):
            with self.narrate("The weight hardly moves at first, because the slope is tiny there. "
                              "Later the output falls quickly towards the target."):
                self.play(Create(Circle()), run_time=0.5)
            with self.narrate("Now the square.") as block:
                self.play(FadeIn(Square()), run_time=block.run_time(0.5))

    return TwoBlocks


def decode(path: Path) -> np.ndarray:
    return decode_audio(path)


def test_silent_blocks_last_their_reading_time(run_scene):
    scene = run_scene(two_blocks())
    first, second = scene.blocks
    assert [b.id for b in scene.blocks] == ["TwoBlocks-01", "TwoBlocks-02"]
    assert lasts(first, first.reading)
    assert first.reading == pytest.approx(sum(max(MIN_CUE, c.chars / READING_CPS) for c in first.cues))
    assert lasts(second, MIN_CUE)
    captions = scene.renderer.file_writer.subcaptions
    assert [c.content for c in captions] == [c.text for b in scene.blocks for c in b.cues]


def test_a_body_longer_than_its_words_keeps_the_last_caption_up(run_scene):
    from manim import Square, Create

    from scenes.base import LectureScene

    class Long(LectureScene):
        def construct(self):
            with self.narrate("A square. It takes its time."):
                self.play(Create(Square()), run_time=4)

    scene = run_scene(Long)
    block = scene.blocks[0]
    captions = scene.renderer.file_writer.subcaptions
    assert block.end - block.start == pytest.approx(4.0, abs=0.21) and block.duration < 3
    assert captions[0].start.total_seconds() == 0
    assert captions[-1].end.total_seconds() == pytest.approx(block.end)
    assert_readable(captions)


def test_a_real_render_gives_each_block_a_section_and_whole_frames(run_scene):
    scene = run_scene(two_blocks(), dry_run=False)
    assert [s.name for s in scene.renderer.file_writer.sections] == ["TwoBlocks-01", "TwoBlocks-02"]
    assert [s.type_ for s in scene.renderer.file_writer.sections] == [SectionType.NARRATED] * 2
    for block in scene.blocks:  # never shorter than the words, at most one frame longer
        assert lasts(block, block.duration)
    assert_readable(scene.renderer.file_writer.subcaptions)


@needs_flite
def test_a_block_follows_its_voice(run_scene, monkeypatch, tmp_path):
    """The same words from a slow and a fast command voice: each block lasts its voice and a tail."""
    lengths = {}
    for stretch in (1.3, 2.3):
        monkeypatch.setenv(narration.VOICE_ENV,
                           f"cmd:flite -voice rms --setf duration_stretch={stretch} -t {{text}} -o {{wav}}")
        scene = run_scene(two_blocks())
        block = scene.blocks[0]
        assert block.audio is not None and block.audio.path.exists()
        assert block.speech > block.reading, "the voice is slower than reading, so it sets the pace"
        assert lasts(block, block.speech + TAIL)
        assert len(decode(block.audio.path)) / narration.SAMPLE_RATE == pytest.approx(block.speech, abs=1e-3)
        lengths[stretch] = block.speech
    assert lengths[2.3] > 1.5 * lengths[1.3]


@needs_flite
def test_recordings_retime_their_blocks_and_missing_ones_are_named(run_scene, monkeypatch, tmp_path, caplog):
    import subprocess

    from scenes.pipeline.script import recording_script

    script = recording_script([two_blocks()])
    assert [(line.id, line.beat) for line in script] == [("TwoBlocks-01", "TwoBlocks"), ("TwoBlocks-02", "TwoBlocks")]
    folder = tmp_path / "takes"
    folder.mkdir()
    # The teacher reads the first block slowly (as an MP3-free FLAC would do too: any format PyAV reads).
    subprocess.run(["flite", "-voice", "slt", "--setf", "duration_stretch=2", "-t", script[0].text,
                    "-o", str(folder / "TwoBlocks-01.wav")], check=True)
    monkeypatch.setenv(narration.VOICE_ENV, f"recordings:{folder}")
    with caplog.at_level(logging.WARNING, logger="scenes.voices.base"):
        scene = run_scene(two_blocks())
    first, second = scene.blocks
    assert first.speech > first.reading and lasts(first, first.speech + TAIL)
    assert (folder / "TwoBlocks-01.wav").resolve() in narration.INPUTS
    assert second.audio is None and lasts(second, MIN_CUE)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == ["TwoBlocks: no recording for TwoBlocks-02: silent, paced for reading"]


def test_cache_hits_misses_and_repairs_a_damaged_entry(tmp_path, monkeypatch):
    """A fake engine that writes a tone and counts its runs."""
    monkeypatch.setenv(narration.CACHE_ENV, str(tmp_path / "cache"))
    runs = tmp_path / "runs"
    tone = tmp_path / "tone.py"
    tone.write_text(
        "import sys, wave, math, struct\n"
        f"open({str(runs)!r}, 'a').write('x')\n"
        "n = 16000 * (1 + len(sys.stdin.read()) % 3)\n"
        "with wave.open(sys.argv[1], 'wb') as w:\n"
        "    w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)\n"
        "    w.writeframes(b''.join(struct.pack('<h', int(8000 * math.sin(i / 8))) for i in range(n)))\n")
    import sys

    voice = Voice.from_string(f"cmd:{sys.executable} {tone} {{wav}}")
    first = voice.audio("Beat-01", "Hello there.")
    assert runs.read_text() == "x" and first.path in narration.INPUTS
    assert voice.audio("Beat-01", "Hello there.") == first and runs.read_text() == "x", "a hit runs nothing"
    voice.audio("Beat-01", "Hello again.")
    assert runs.read_text() == "xx", "new words, new audio"
    data = bytearray(first.path.read_bytes())
    data[-100] ^= 0xFF
    first.path.write_bytes(bytes(data))
    again = voice.audio("Beat-01", "Hello there.")
    assert runs.read_text() == "xxx", "a damaged entry is made again"
    assert narration.AudioCache(tmp_path / "cache").get(narration.AudioCache.key("cmd", voice.arg, "Hello there.")) == again
    assert again.duration == pytest.approx(first.duration)
    assert not list((tmp_path / "cache").glob("*.part")), "no temporary files left behind"


def ebur128(path: Path) -> float:
    """Integrated loudness by FFmpeg's own ebur128 filter (independent of the film's numpy meter)."""
    from tests.ebur128 import ebur128_file

    return ebur128_file(path)


@needs_flite
def test_synthesised_audio_is_48k_mono_at_the_target_loudness():
    import wave

    audio = Voice.from_string("flite:rms").audio("Beat-01", "The cost hardly moves at first, then it falls.")
    with wave.open(str(audio.path)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (48_000, 1, 2)
    assert ebur128(audio.path) == pytest.approx(TARGET_LUFS, abs=1.0)
    assert np.max(np.abs(decode(audio.path))) <= 10 ** (-1 / 20) + 1e-3, "peaks stay under −1 dBFS"
    # Our own meter agrees with FFmpeg's on a 1 kHz tone at −20 dBFS RMS (≈ −20 LUFS by design of K-weighting).
    t = np.arange(48_000 * 3) / 48_000
    tone = 0.1 * np.sqrt(2) * np.sin(2 * np.pi * 1000 * t)
    assert narration.integrated_loudness(tone) == pytest.approx(-20.0 + 0.0, abs=0.2)
    assert narration.integrated_loudness(tone) == pytest.approx(ebur128_loudness(tone.astype(np.float32)), abs=0.1)


@needs_flite
def test_the_voice_says_each_caption_inside_its_time(run_scene, monkeypatch):
    """An offline recogniser hears some of each cue's words while that cue is up."""
    pocketsphinx = pytest.importorskip("pocketsphinx")
    import av

    monkeypatch.setenv(narration.VOICE_ENV, "flite:rms")
    scene = run_scene(two_blocks())
    block = scene.blocks[0]
    assert len(block.cues) == 2
    resampler = av.AudioResampler(format="s16", layout="mono", rate=16_000)
    pcm = []
    with av.open(str(block.audio.path)) as container:
        for frame in container.decode(audio=0):
            pcm.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(frame))
    pcm.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(None))
    decoder = pocketsphinx.Decoder(samprate=16_000, loglevel="FATAL")
    decoder.start_utt()
    decoder.process_raw(np.concatenate(pcm).astype(np.int16).tobytes(), full_utt=True)
    decoder.end_utt()
    heard = [(s.word.split("(")[0], s.start_frame / 100, s.end_frame / 100) for s in decoder.seg()]
    for cue, start, end in block.timings():
        words = {w.strip(".,").lower() for w in cue.text.split() if len(w.strip(".,")) > 3}
        inside = {w for w, a, b in heard if start - block.start - 0.2 <= (a + b) / 2 <= end - block.start + 0.2}
        assert len(words & inside) >= 2, (cue.text, heard)


# -- every beat's captions ------------------------------------------------------------
@needs_flite
def test_a_voiced_beat_reads_well_and_lasts_its_voice(run_scene, monkeypatch):
    from scenes.s10_outro import Outro

    monkeypatch.setenv(narration.VOICE_ENV, "flite:rms")
    scene = run_scene(Outro)
    cps = assert_readable(scene.renderer.file_writer.subcaptions)
    assert statistics.median(cps) <= READING_CPS
    for block in scene.blocks:
        assert block.end - block.start >= max(block.speech + TAIL, block.reading) - 1e-9


def test_a_looping_block_marks_its_own_section(run_scene):
    """``loop`` travels with the section (its type), and the block's record says so too."""
    from manim import Circle, Create

    from scenes.base import LectureScene

    class Loops(LectureScene):
        def construct(self):
            with self.narrate("First, a still picture."):
                self.wait(0.1)
            with self.narrate("Then one that loops.", loop=True):
                self.play(Create(Circle()), run_time=0.5)

    scene = run_scene(Loops, dry_run=False)
    assert [s.type_ for s in scene.renderer.file_writer.sections] == [SectionType.NARRATED, SectionType.LOOP]
    records = [b.record() for b in scene.blocks]
    assert [r.loop for r in records] == [False, True]
    assert [BlockRecord.from_json(r.to_json()) for r in records] == records
    assert records[1].spoken == "Then one that loops." and records[1].start == pytest.approx(records[0].duration)
