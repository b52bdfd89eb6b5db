"""The benchmark's verdicts, from made-up measurements (no timing here)."""

from __future__ import annotations

import pytest

from scenes.pipeline.bench import evaluate, format_report


def beat(video: float, wall: float, *, rss: float = 300.0, creep: float = 1.0, play_creep: float = 1.0) -> dict:
    split = {"startup": 0.1 * wall, "tex": 0.0, "build": 0.1 * wall, "logic": 0.2 * wall, "raster": 0.5 * wall,
             "handoff": 0.1 * wall, "combine": 0.0}
    return {"summary": {
        "tex_cache": "warm", "runs": 2, "video_seconds": video, "wall": wall, "wall_cold": wall + 1,
        "worker_seconds": 0.9 * wall, "ratio": wall / video, "frames": video * 15, "fps_rendered": video * 15 / wall,
        "peak_rss_mb": rss, "tex_compiled_cold": [3], "tex_compiled_warm": [0, 0], "creep": creep,
        "logic_creep": creep, "raster_creep": 1.0, "play_creep": play_creep, "play_creep_index": 2,
        "frame_ms_first_third": 10.0, "frame_ms_last_third": 10.0 * creep, "split": split,
        "encode_thread_seconds": 0.3 * wall}, "runs": []}


def render(beats: dict, parallel: float, rerun: float, cold_voice: float | None = None) -> dict:
    video = sum(b["summary"]["video_seconds"] for b in beats.values())
    serial = sum(b["summary"]["wall"] for b in beats.values())
    return {
        "beats": beats,
        "lecture": {"whole": True, "beats": len(beats), "video_seconds": video, "serial_sum_wall": serial,
                    "parallel_runs": [parallel], "parallel_wall": parallel, "jobs": 2, "ratio": parallel / video,
                    "speedup": serial / parallel, "peak_rss_mb": max(b["summary"]["peak_rss_mb"] for b in beats.values()),
                    "fps_rendered": 1.0},
        "rerun": {"wall": rerun, "beats_up_to_date": len(beats), "beats": len(beats), "after_imports": 0.1,
                  "import_seconds": 0.7, "ratio": rerun / parallel},
        "voice": {"warm_wall": parallel, "cold_wall": cold_voice or parallel,
                  "synthesis_share": ((cold_voice or parallel) - parallel) / parallel,
                  "silent_wall": 0.8 * parallel, "silent_video_seconds": 0.75 * video},
    }


def verdicts(results: dict) -> dict[tuple[str, str | None], str]:
    return {(c["target"], c.get("quality")): c["status"] for c in evaluate(results)}


def test_targets_pass_and_miss_at_the_stated_limits() -> None:
    results = {"render": {
        # 100 s of video: low renders in 10 s (≤ 0.1×), high in 160 s (> 0.5×).
        "low": render({"01-a": beat(60, 15), "02-b": beat(40, 10)}, parallel=10, rerun=0.2, cold_voice=11),
        "high": render({"01-a": beat(60, 200, rss=1100, creep=1.3), "02-b": beat(40, 120)}, parallel=160, rerun=20,
                       cold_voice=180),
    }}
    v = verdicts(results)
    assert v[("lecture_low", "low")] == "PASS"
    assert v[("lecture_high", "high")] == "MISS"
    assert v[("rerun", "low")] == "PASS"  # 0.2 s of 10 s
    assert v[("rerun", "high")] == "MISS"  # 20 s of 160 s
    assert v[("voice", "low")] == "PASS"  # +1 s of 10 s
    assert v[("voice", "high")] == "MISS"  # +20 s of 160 s
    assert v[("creep", "low")] == "PASS"
    assert v[("creep", "high")] == "MISS"  # 1.3 > 1.2
    assert v[("rss_high", "high")] == "MISS"  # 1100 MB ≥ 1 GB


def test_a_miss_says_what_bounds_it() -> None:
    results = {"render": {"high": render({"01-a": beat(10, 30, creep=2.0, play_creep=1.5)}, parallel=30, rerun=1)}}
    checks = {c["target"]: c for c in evaluate(results)}
    assert "Cairo drawing" in checks["lecture_high"]["bound"]  # the largest share of the made-up split
    assert "01-a" in checks["creep"]["bound"] and "accumulates" in checks["creep"]["bound"]
    text = format_report({"meta": {"date": "today", "manim": "0.22", "cpus": 2, "git": "abc", "repeat": 3},
                          **results, "targets": evaluate(results)})
    assert "MISS [high]" in text and "01-a" in text


@pytest.mark.parametrize("limit_case, status", [(0.1, "PASS"), (0.11, "MISS")])
def test_the_low_target_is_inclusive(limit_case: float, status: str) -> None:
    results = {"render": {"low": render({"01-a": beat(100, 10)}, parallel=100 * limit_case, rerun=0.1)}}
    assert verdicts(results)[("lecture_low", "low")] == status


def test_unmeasured_targets_are_said_to_be_so() -> None:
    assert {c["status"] for c in evaluate({})} == {"not measured"}


def test_plain_manim_figures_stand_beside_the_build() -> None:
    high = render({"01-a": beat(100, 60)}, parallel=45, rerun=1)
    high["lecture"].update(plain_wall=120.0, plain_ratio=1.2, speedup_over_plain=120 / 45)
    check = {c["target"]: c for c in evaluate({"render": {"high": high}})}["lecture_high"]
    assert check["status"] == "PASS"  # 45 s for 100 s of video ≤ 0.5×
    assert "plain `manim render` loop 120.0 s = 1.20×" in check["bound"] and "2.67× faster" in check["bound"]


@pytest.mark.parametrize("wall, rss, status", [(200, 900, "PASS"), (201, 900, "MISS"), (150, 1024, "MISS")])
def test_4k_one_beat_and_its_memory(wall: float, rss: float, status: str) -> None:
    results = {"render": {"4k": render({"01-a": beat(100, wall, rss=rss)}, parallel=wall, rerun=1)}}
    v = verdicts(results)
    got = "MISS" if "MISS" in (v[("beat_4k", "4k")], v[("rss_4k", "4k")]) else "PASS"
    assert got == status


def row(name: str, psnr: float, size: int, cpu: float = 10.0) -> dict:
    return {"name": name, "psnr_db": psnr, "bytes": size, "cpu_seconds": cpu}


@pytest.mark.parametrize("psnr, size, status", [(39.7, 1300, "PASS"), (39.69, 1000, "MISS"), (41.0, 1301, "MISS")])
def test_the_encoding_line_holds_psnr_and_size(psnr: float, size: int, status: str) -> None:
    results = {"encoders": {"quality": "high", "chosen": "fast",
                            "rows": [row("today", 40.0, 1000), row("fast", psnr, size, cpu=5.0)]}}
    check = {c["target"]: c for c in evaluate(results)}["encoding"]
    assert check["status"] == status
    assert "0.50× today's" in check["bound"]


@pytest.mark.slow
def test_plain_manim_loop_renders_each_beat_with_manim_alone(tmp_path) -> None:
    from scenes.pipeline.bench import plain_manim
    from scenes.pipeline.build import Beat
    from tests.pipeline.fixture_beats import Other, Tiny

    lines: list[str] = []
    out = plain_manim([Beat(1, Tiny), Beat(2, Other)], "low", tmp_path, report=lines.append)
    assert list(out["beats"]) == ["01-beats", "02-beats"]  # one entry per beat, by slug
    assert out["wall"] == pytest.approx(sum(out["beats"].values()))
    assert all(w > 0 for w in out["beats"].values())
    assert [line.split(":")[1].strip() for line in lines] == ["plain manim render -ql Tiny", "plain manim render -ql Other"]
    assert not (tmp_path / "plain").exists()  # its media folder is scratch


@pytest.mark.slow
def test_plain_manim_loop_names_a_failing_beat(tmp_path) -> None:
    from scenes.pipeline.bench import plain_manim
    from scenes.pipeline.build import Beat
    from tests.pipeline.fixture_beats import Broken

    with pytest.raises(RuntimeError, match="manim render Broken failed"):
        plain_manim([Beat(1, Broken)], "low", tmp_path, report=lambda line: None)


def test_one_run_measures_every_target(monkeypatch, capsys) -> None:
    """``bench --targets`` asks for the whole lecture at low and 1080p60, one beat at 4k60 and the encoder
    line at 1080p60, once each; with a quality or a beat of its own it says why not and runs nothing."""
    import argparse

    from scenes.pipeline import bench
    from scenes.pipeline.targets import TARGETS

    asked = []

    def measured(qualities, beat_names, **kwargs):
        asked.append((list(qualities), beat_names, kwargs))
        return {"meta": {"date": "", "manim": "", "cpus": 2, "git": "", "repeat": 1}, "targets": []}

    monkeypatch.setattr(bench, "run", measured)
    parser = argparse.ArgumentParser()
    bench.add_bench_parser(parser.add_subparsers())
    args = parser.parse_args(["bench", "--targets", "--no-core"])
    assert args.func(args) == 0
    (qualities, beats, kwargs), = asked
    assert qualities == ["low", "high", "4k"] and not beats  # the whole lecture ...
    assert kwargs["only"] == {"4k": ["Cancel"]} and kwargs["repeat"] == 1  # ... and one beat at 4k, once
    assert kwargs["encoders"] and kwargs["encoder_quality"] == "high" and kwargs["frames"] == 1500
    # every quality a target is checked at is rendered
    assert {t.quality for t in TARGETS} - {"*"} <= set(qualities)
    for extra in (["--quality", "low"], ["--beat", "Setup"], ["--encoders"]):
        args = parser.parse_args(["bench", "--targets", *extra])
        assert args.func(args) == 2
    assert len(asked) == 1
    assert capsys.readouterr().err.count("--targets chooses") == 3
