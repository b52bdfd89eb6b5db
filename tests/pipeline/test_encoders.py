"""The encoder table: frames captured losslessly, candidates timed, sized and scored (tiny fixture beat)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scenes.pipeline.encoders import Encoding, acceptable

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, sys
from pathlib import Path
from scenes.pipeline.encoders import CANDIDATES, Encoding, run_encoders
rows = run_encoders(sys.argv[1], "Holds", "low", Path(sys.argv[2]), None,
                    candidates=[CANDIDATES[0], Encoding("ultrafast", {"preset": "ultrafast"}),
                                Encoding("crf 40", {"crf": "40"})], report=lambda line: None)
print(json.dumps(rows))
"""


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    work = tmp_path_factory.mktemp("encoders")
    env = {**os.environ, "SCENES_WORKER_CONFIG": json.dumps({"pixel_width": 160, "pixel_height": 90, "frame_rate": 5}),
           "LECTURE_VOICE": "none"}
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT / "tests/pipeline/fixture_beats.py"), str(work)],
                          cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_every_candidate_encodes_every_captured_frame(table):
    from tests.pipeline.fixture_beats import Holds

    # The fixture's plays at 5 fps: fade 0.6 s, three holds, a move 0.6 s, and the block's own tail.
    assert table["frames"] >= round((0.6 + 3 * Holds.hold + 0.6) * 5)
    assert [r["frames"] for r in table["rows"]] == [table["frames"]] * 4
    assert table["segments"] >= 5  # each play is its own segment, as Manim writes them


def test_the_encoding_manim_cfg_chooses_is_measured_too(table):
    import configparser

    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "manim.cfg")
    chosen = table["rows"][-1]
    assert table["chosen"] == chosen["name"] == "chosen (manim.cfg)"
    assert chosen["options"] == {"crf": "23", **dict(cfg["video_encoder.options"])}


def test_psnr_and_size_rank_the_candidates(table):
    today, ultrafast, coarse, _ = table["rows"]
    assert 30 < today["psnr_db"] < 80  # lossy, but close to the lossless frames
    assert coarse["psnr_db"] < today["psnr_db"] - 1  # crf 40 is visibly worse
    assert ultrafast["bytes"] > today["bytes"]  # no CABAC, no B-frames: bigger
    assert acceptable(today, today) and not acceptable(coarse, today)
    assert "| today (medium) |" in table["table"] and "| crf 40 |" in table["table"]


def test_the_options_sit_on_top_of_manims_defaults():
    assert Encoding("x", {"preset": "fast"}).all_options() == {"crf": "23", "rc-lookahead": "10", "preset": "fast"}


def test_the_frames_waiting_for_the_encoder_hold_no_more_at_4k_than_at_1080p() -> None:
    """The queue before the encoder is bounded in bytes: a 4k frame is four 1080p frames, so a 4k render
    queues a quarter as many (never fewer than two, so drawing and encoding still overlap)."""
    from scenes.pipeline.worker import queue_size

    hd, uhd = 1920 * 1080 * 4, 3840 * 2160 * 4
    assert queue_size(1920, 1080) == queue_size(854, 480) == 8  # Manim's own default up to 1080p
    assert queue_size(3840, 2160) == 2 and queue_size(3840, 2160) * uhd <= 8 * hd


def test_above_1080p_the_encoder_holds_fewer_frames_and_1080p_is_untouched() -> None:
    """x264's lookahead and B-frames hold whole frames: above 1080p there are fewer of them (and a lower
    crf keeps the picture); at 1080p and below the options are ``manim.cfg``'s own."""
    import configparser

    from scenes.pipeline.worker import encoder_options

    parser = configparser.ConfigParser()
    parser.read(ROOT / "manim.cfg")
    cfg = dict(parser["video_encoder.options"])
    assert encoder_options(1920, 1080, cfg) == cfg and encoder_options(854, 480, cfg) == cfg
    big = encoder_options(3840, 2160, cfg)
    assert int(big["rc-lookahead"]) < int(cfg["rc-lookahead"]) and int(big["crf"]) < 23  # Manim's crf
    params = dict(p.split("=") for p in big["x264-params"].split(":"))
    assert params["bframes"] == "3" and params["sync-lookahead"] == "0"  # veryfast's B-frames; the cfg's kept
    assert params["b-pyramid"] == "none"  # no B-frame is a reference: x264 keeps no picture for it
    assert {k: v for k, v in big.items() if k not in ("crf", "rc-lookahead", "x264-params")} == \
        {k: v for k, v in cfg.items() if k not in ("crf", "rc-lookahead", "x264-params")}


def test_the_large_frame_options_reach_x264(tmp_path) -> None:
    """x264 writes the settings it encoded with into the stream: the options above 1080p are those."""
    import configparser

    import av
    import numpy as np

    from scenes.pipeline.worker import encoder_options

    parser = configparser.ConfigParser()
    parser.read(ROOT / "manim.cfg")
    options = encoder_options(3840, 2160, dict(parser["video_encoder.options"]))
    path = tmp_path / "small.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=60, options=options)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for i in range(8):
            frame = av.VideoFrame.from_ndarray(np.full((64, 64, 3), 30 * i, np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    said = path.read_bytes()
    for setting in (b" bframes=3 ", b" b_pyramid=0 ", b" rc_lookahead=3 ", b" crf=17.0 "):
        assert setting in said, setting


FRAGMENTS = """
import sys
import numpy as np
from scenes.pipeline.worker import map_large_blocks

def rss_mb():
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS")) // 1024

mapped = map_large_blocks(int(sys.argv[1]), int(sys.argv[2]))
shape = (2160, 3840, 4)
first = np.ones(shape, np.uint8); del first  # a 4k frame freed: glibc raises its threshold past its size
frame = np.ones(shape, np.uint8)  # so the next one comes from the heap
later = [np.ones(1000, np.uint8) for _ in range(200)]  # and small blocks after it keep the heap's top
before = rss_mb()
del frame
print(mapped, before - rss_mb())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc, read through /proc")
def test_above_1080p_a_freed_frame_goes_back_to_the_system() -> None:
    """A 4k frame freed in a render process above 1080p leaves the process (33 MB less resident); at
    1080p glibc's own behaviour is kept (the freed block stays in the heap, for the next frame)."""
    def returned(width: int, height: int) -> tuple[str, int]:
        out = subprocess.run([sys.executable, "-c", FRAGMENTS, str(width), str(height)], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
        return out[0], int(out[1])

    mapped, freed = returned(3840, 2160)
    assert mapped == "True" and freed >= 30
    mapped, freed = returned(1920, 1080)  # the same scene keeps its hole: the 4k line above is no accident
    assert mapped == "False" and freed < 8
