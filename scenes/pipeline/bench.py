"""Benchmark the lecture's render and its numerical core: ``python -m scenes bench``.

``make bench`` runs it (after ``tools/setup.sh lecture``). For each quality
asked for (default: low and high) it renders, in a scratch media folder:

1. every chosen beat alone (``jobs=1``, ``--force``), ``--repeat`` times; the
   first run starts with an empty LaTeX cache (*cold*), later runs reuse it
   (*warm*); the table shows the median of the warm runs (the cold run when
   ``--repeat 1``);
2. the whole lecture with ``python -m scenes render --force`` (beats in
   parallel, then assembled), ``--repeat`` times, warm;
3. the same command once more with nothing changed (every beat should be
   skipped by its fingerprint).

Per beat it prints video seconds, wall seconds, wall/video, frames rendered
per second, peak memory of the render process, LaTeX strings compiled (cold
and warm), frame-time creep (median frame time of the last third of the
animation frames over the first third) and where the worker's time went:
LaTeX, animation logic and updaters, Cairo drawing, handing frames to the
encoder, joining segments, the rest (building mobjects), plus process start
and imports. PyAV encoding runs on manim's encoder threads alongside and is
shown apart. The core part times a 400×400 grid of starts × 300 epochs
(``descend(..., record_every=300)``) and the start sweep (``epochs_to_reach``
over :data:`neuron.SWEEP`) for both costs.

Everything is printed as medians (and ratios), checked against
:data:`TARGETS` (PASS/MISS, with what bounds a miss) and written to
``media/bench/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from scenes.pipeline.build import ROOT, Beat, render_beats, select_beats
from scenes.pipeline.layout import MediaLayout
from scenes.pipeline.profile import PROFILE_ENV
from scenes.pipeline.quality import QUALITIES
from scenes.pipeline.benchreport import format_report
from scenes.pipeline.targets import TARGETS, Target, evaluate
from scenes.pipeline.options import BEATS, JOBS, positive_int, quality_option
from scenes.pipeline.media import atomic_path
from scenes.settings import Settings

__all__ = [
    "GRID_SIZE",
    "GRID_EPOCHS",
    "TARGET_QUALITIES",
    "TARGET_ONLY",
    "Target",
    "TARGETS",
    "median",
    "bench_core",
    "bench_quality",
    "evaluate",
    "format_report",
    "run",
    "add_bench_parser",
]

#: Starts per side of the core's grid benchmark, and its epochs.
GRID_SIZE = 400
GRID_EPOCHS = 300

def median(values: Sequence[float]) -> float:
    """The median of ``values`` (``nan`` for none)."""
    return float(statistics.median(values)) if values else float("nan")


# -- the numerical core ---------------------------------------------------------
def _timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def bench_core(repeat: int = 3, report: Callable[[str], None] = print) -> dict[str, Any]:
    """Time the grid of starts and the start sweep, for both costs.

    Returns
    -------
    dict
        ``{"grid": {cost: {...}}, "sweep": {f"{cost} a<{threshold}": {...}}}``,
        each with the run times, their median and the spread (max/min).
    """
    import numpy as np

    from neuron import COSTS, LESSON, SWEEP, descend, get_cost
    from neuron.analysis import epochs_to_reach

    side = np.linspace(-8.0, 8.0, GRID_SIZE)
    w0, b0 = np.meshgrid(side, side)
    out: dict[str, Any] = {"grid": {}, "sweep": {}}
    for name in COSTS:
        cost = get_cost(name)
        times = _timed(lambda: descend(cost, w0, b0, x=LESSON.x, y=LESSON.y, eta=LESSON.eta,
                                       epochs=GRID_EPOCHS, record_every=GRID_EPOCHS), repeat)
        steps = GRID_SIZE * GRID_SIZE * GRID_EPOCHS
        out["grid"][name] = {"runs": times, "median": median(times), "spread": max(times) / min(times),
                             "ns_per_start_epoch": median(times) / steps * 1e9,
                             "shape": f"{GRID_SIZE}x{GRID_SIZE} starts x {GRID_EPOCHS} epochs"}
        report(f"core: grid {name}: {median(times):.3f} s")
    z0 = SWEEP.z0()
    for name in COSTS:
        cost = get_cost(name)
        for threshold in SWEEP.thresholds:
            times = _timed(lambda: epochs_to_reach(cost, z0, x=LESSON.x, y=LESSON.y, eta=LESSON.eta,
                                                   threshold=threshold, max_epochs=SWEEP.max_epochs), repeat)
            out["sweep"][f"{name} a<{threshold:g}"] = {"runs": times, "median": median(times),
                                                       "spread": max(times) / min(times),
                                                       "starts": int(SWEEP.count), "max_epochs": SWEEP.max_epochs}
            report(f"core: sweep {name} a<{threshold:g}: {median(times):.3f} s")
    return out


# -- renders ---------------------------------------------------------------------
def _cli(args: Sequence[str], env: dict[str, str] | None = None) -> float:
    """Run ``python -m scenes ARGS`` (with ``env`` added to the environment); return its wall seconds."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "scenes", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"python -m scenes {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return wall


def _beat_summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over a beat's warm runs (or its cold run if there is no other)."""
    cold = [r for r in runs if r["cold"]]
    warm = [r for r in runs if not r["cold"]] or cold
    facts = [r["facts"] for r in warm]
    wall = median([r["wall"] for r in warm])
    video = median([r["video_seconds"] for r in warm])
    frames = median([f["frames"] for f in facts])
    worker = median([f["seconds"] for f in facts])
    phases = {p: median([f["phases"][p] for f in facts]) for p in facts[0]["phases"]}
    accounted = sum(phases[p] for p in ("tex", "logic", "raster", "handoff", "combine"))
    split = {"startup": max(wall - worker, 0.0), "tex": phases["tex"], "build": max(worker - accounted, 0.0),
             "logic": phases["logic"], "raster": phases["raster"], "handoff": phases["handoff"],
             "combine": phases["combine"]}

    def med(key: str) -> float | None:
        values = [f[key] for f in facts if f.get(key) is not None]
        return median(values) if values else None

    return {
        "tex_cache": "warm" if any(not r["cold"] for r in runs) else "cold",
        "runs": len(warm),
        "video_seconds": video,
        "wall": wall,
        "wall_cold": median([r["wall"] for r in cold]) if cold else None,
        "worker_seconds": worker,
        "ratio": wall / video if video else float("nan"),
        "frames": frames,
        "fps_rendered": frames / wall if wall else float("nan"),
        "peak_rss_mb": max(f["peak_rss_mb"] for f in facts),
        "tex_compiled_cold": [r["facts"]["tex_compiled"] for r in cold],
        "tex_compiled_warm": [r["facts"]["tex_compiled"] for r in runs if not r["cold"]],
        "creep": med("creep"),
        "logic_creep": med("logic_creep"),
        "raster_creep": med("raster_creep"),
        "play_creep": med("play_creep"),
        "play_creep_index": facts[0].get("play_creep_index"),
        "longest_play_logic_creep": med("longest_play_logic_creep"),
        "frame_ms_first_third": med("frame_ms_first_third"),
        "frame_ms_last_third": med("frame_ms_last_third"),
        "split": split,
        "encode_thread_seconds": phases["encode"],
    }


def plain_manim(chosen: Sequence[Beat], quality: str, work: Path,
                report: Callable[[str], None] = print) -> dict[str, Any]:
    """The same beats rendered one after another by plain ``manim render -q<flag>``: Manim alone, as a user would.

    Same ``manim.cfg``, same voice (and its warm cache), an empty media
    folder; no build, no worker, no layer. Returns the total wall seconds.
    """
    media = work / "plain"
    shutil.rmtree(media, ignore_errors=True)
    from manim.constants import QUALITIES as MANIM_QUALITIES

    flag = MANIM_QUALITIES[QUALITIES[quality].manim]["flag"]  # Manim's own -q letter
    walls = {}
    for beat in chosen:
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "manim", "render", f"-q{flag}", "--media_dir", str(media),
                               "--progress_bar", "none", str(beat.file), beat.name],
                              cwd=ROOT, capture_output=True, text=True)
        walls[beat.slug] = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(f"manim render {beat.name} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
        report(f"{quality}: plain manim render -q{flag} {beat.name}: {walls[beat.slug]:.1f} s")
    shutil.rmtree(media, ignore_errors=True)
    return {"wall": sum(walls.values()), "beats": walls}


def bench_quality(
    chosen: Sequence[Beat],
    quality: str,
    *,
    repeat: int,
    whole: bool,
    work: Path,
    jobs: int | None = None,
    plain: bool = True,
    report: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Render ``chosen`` beats at ``quality`` alone, together and unchanged, and by plain Manim.

    Parameters
    ----------
    chosen
        The beats to render.
    quality
        A name from :data:`scenes.pipeline.build.QUALITIES`.
    repeat
        Runs of each measurement (the first lone run has a cold LaTeX cache).
    whole
        Whether ``chosen`` is the whole lecture (then it is assembled too).
    work
        Scratch media folder (emptied first).
    jobs
        Parallel renders for the whole-lecture runs (default: one per core).
    plain
        Also render the same beats with a plain ``manim render`` loop (once), for the speedup.
    """
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    runs: dict[str, list[dict[str, Any]]] = {b.slug: [] for b in chosen}
    for r in range(repeat):
        for beat in chosen:
            result = render_beats([beat], quality, jobs=1, media=work, force=True, report=lambda line: None)[0]
            facts = result.facts or {}
            runs[beat.slug].append({"cold": r == 0, "wall": result.wall, "video_seconds": result.duration,
                                    "facts": facts})
            report(f"{quality}: alone, run {r + 1}/{repeat} ({'cold' if r == 0 else 'warm'} LaTeX): "
                   f"{beat.slug} {result.wall:.1f} s for {result.duration:.1f} s of video")
    beats_out = {slug: {"summary": _beat_summary(rs), "runs": rs} for slug, rs in runs.items()}

    args = ["render", "--quality", quality, "--media", str(work)]
    if not whole:
        for beat in chosen:
            args += ["--beat", beat.name]
    if jobs:
        args += ["--jobs", str(jobs)]
    parallel = []
    for r in range(repeat):
        MediaLayout.of(quality, work).lecture_stamp.unlink(missing_ok=True)  # assemble again, as after a change
        wall = _cli([*args, "--force"])
        parallel.append(wall)
        report(f"{quality}: together, run {r + 1}/{repeat}: {wall:.1f} s")
    rerun_wall = _cli(args)
    last = json.loads(MediaLayout.of(quality, work).last_run.read_text())  # what the build says it did
    skipped = sum(why == "up to date" for why in last["beats"].values())
    report(f"{quality}: no-change rerun: {rerun_wall:.1f} s ({skipped}/{len(chosen)} beats up to date)")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import scenes.lecture"], cwd=ROOT, check=True)
    imports = time.perf_counter() - t0
    # What the voice costs: the same render with every block synthesised anew (an empty voice
    # cache) against the warm runs above; and silent (--voice none, paced for reading).
    cold = Settings.from_env()
    cold_wall = _cli([*args, "--force"], env=replace(cold, voice_cache=work / "voice-cold").to_env())
    report(f"{quality}: together, voice synthesised anew: {cold_wall:.1f} s")
    silent_wall = _cli([*args, "--force", "--voice", "none", "--media", str(work / "silent")])
    silent_seconds = None
    if whole:  # a lecture was joined: its chapters say how long the silent one runs
        silent_video = json.loads(MediaLayout.of(quality, work / "silent").lecture_stamp.read_text())
        silent_seconds = sum(c["duration"] for c in silent_video["chapters"])
    report(f"{quality}: together, --voice none: {silent_wall:.1f} s")
    manim_alone = plain_manim(chosen, quality, work, report) if plain else None

    video = sum(b["summary"]["video_seconds"] for b in beats_out.values())
    serial = sum(b["summary"]["wall"] for b in beats_out.values())
    together = median(parallel)
    # Alone runs with a cold LaTeX cache (--repeat 1) are not comparable with the warm parallel runs.
    comparable = all(b["summary"]["tex_cache"] == "warm" for b in beats_out.values())
    return {
        "beats": beats_out,
        "lecture": {
            "whole": whole,
            "beats": len(chosen),
            "video_seconds": video,
            "serial_sum_wall": serial,
            "parallel_runs": parallel,
            "parallel_wall": together,
            "jobs": jobs or os.cpu_count(),
            "ratio": together / video if video else float("nan"),
            "speedup": serial / together if together and comparable else None,
            "peak_rss_mb": max(b["summary"]["peak_rss_mb"] for b in beats_out.values()),
            "fps_rendered": sum(b["summary"]["frames"] for b in beats_out.values()) / together,
            "plain_wall": manim_alone["wall"] if manim_alone else None,
            "plain_ratio": manim_alone["wall"] / video if manim_alone and video else None,
            "speedup_over_plain": manim_alone["wall"] / together if manim_alone and together else None,
        },
        "voice": {
            "warm_wall": together,
            "cold_wall": cold_wall,
            "synthesis_share": (cold_wall - together) / together if together else float("nan"),
            "silent_wall": silent_wall,
            "silent_video_seconds": silent_seconds,
        },
        "rerun": {
            "wall": rerun_wall,
            "beats_up_to_date": skipped,
            "beats": len(chosen),
            "after_imports": last["seconds"],
            "import_seconds": imports,
            "ratio": rerun_wall / together if together else float("nan"),
        },
    }


def _meta(repeat: int) -> dict[str, Any]:
    from importlib.metadata import version

    try:
        git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True).stdout.strip()
    except OSError:
        git = ""
    return {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "manim": version("manim"), "cpus": os.cpu_count(),
            "python": platform.python_version(), "machine": platform.machine(), "git": git, "repeat": repeat}


def run(
    qualities: Sequence[str] = ("low", "high"),
    beat_names: Sequence[str] | None = None,
    *,
    repeat: int = 3,
    jobs: int | None = None,
    core: bool = True,
    renders: bool = True,
    work: Path | None = None,
    out: Path | None = None,
    encoders: bool = False,
    frames: int | None = None,
    plain: bool = True,
    only: dict[str, Sequence[str]] | None = None,
    encoder_quality: str | None = None,
    report: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Run the benchmark; write the results as JSON and return them.

    Parameters
    ----------
    qualities
        Qualities to render at.
    beat_names
        Beats to render (all when empty: then the whole lecture is assembled).
    repeat
        Runs per measurement (medians are reported).
    jobs
        Parallel renders for the whole-lecture runs.
    core, renders
        Which parts to run.
    encoders, frames
        Also time x264 settings on the first chosen beat's frames (default
        Setup) at the first quality (:mod:`scenes.pipeline.encoders`),
        ``frames`` of them (default: all).
    plain
        Also render the chosen beats by a plain ``manim render`` loop.
    only
        Beats for some qualities instead of ``beat_names`` (``{"4k": ["Cancel"]}``).
    encoder_quality
        The quality of the encoder table (default: the first of ``qualities``).
    work
        Folder for the scratch media folders (default ``media/bench``).
    out
        The JSON file (default ``media/bench/results.json``).
    """
    if repeat < 1:
        raise ValueError(f"repeat must be at least 1, got {repeat}")
    bench_dir = ROOT / "media" / "bench"
    work = work or bench_dir
    out = out or bench_dir / "results.json"
    results: dict[str, Any] = {"meta": _meta(repeat)}
    if core:
        results["core"] = bench_core(repeat, report)
    only = only or {}
    if renders:
        results["meta"]["beats"] = [b.slug for b in select_beats(beat_names)]
        if only:
            results["meta"]["beats_at"] = {q: [b.slug for b in select_beats(only[q])] for q in qualities if q in only}
        results["render"] = {}
        work.mkdir(parents=True, exist_ok=True)
        os.environ[PROFILE_ENV] = "1"  # the workers' frame profiler: on for the benchmark only
        for q in qualities:
            names = only.get(q, beat_names)
            chosen, whole = select_beats(names), not names
            scratch = Path(tempfile.mkdtemp(prefix=f"work-{q}-", dir=work))
            try:
                results["render"][q] = bench_quality(chosen, q, repeat=repeat, whole=whole,
                                                     work=scratch, jobs=jobs, plain=plain, report=report)
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
        del os.environ[PROFILE_ENV]
    if encoders:
        from scenes.pipeline.encoders import run_encoders

        beat = select_beats(beat_names or ["Setup"])[0]
        work.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix="encoders-", dir=work))
        try:
            results["encoders"] = run_encoders(str(beat.file), beat.name, encoder_quality or qualities[0],
                                               scratch, frames, report=report)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    results["targets"] = evaluate(results)
    with atomic_path(out) as tmp:
        tmp.write_text(json.dumps(results, indent=2))
    return results


#: What ``--targets`` measures, once each: every target of :data:`TARGETS` in one run.
TARGET_QUALITIES = ("low", "high", "4k")
#: One beat is enough at 4k: the one whose render process is the largest at 1080p.
TARGET_ONLY = {"4k": ("Cancel",)}
#: The encoder line: Setup's first frames at 1080p60 (the lecture's quality that matters).
TARGET_ENCODER_QUALITY, TARGET_ENCODER_FRAMES = "high", 1500


def cmd_bench(args: argparse.Namespace) -> int:
    """``python -m scenes bench``: run, print the report, say where the JSON is."""
    if args.targets and (args.qualities or args.beats or args.encoders):
        print("bench: --targets chooses the qualities, beats and encoder table itself; "
              "drop --quality, --beat and --encoders", file=sys.stderr)
        return 2
    if args.targets:
        qualities, only = list(TARGET_QUALITIES), {q: list(b) for q, b in TARGET_ONLY.items()}
        encoders, encoder_quality = True, TARGET_ENCODER_QUALITY
        frames, repeat = args.frames or TARGET_ENCODER_FRAMES, args.repeat or 1
    else:
        qualities, only = args.qualities or ["low", "high"], None
        encoders, encoder_quality = args.encoders, None
        frames, repeat = args.frames, args.repeat or 3
    results = run(qualities, args.beats, repeat=repeat, jobs=args.jobs, core=not args.no_core,
                  renders=not args.no_render, work=args.work, out=args.out, encoders=encoders, frames=frames,
                  plain=not args.no_plain, only=only, encoder_quality=encoder_quality,
                  report=lambda line: print(line, file=sys.stderr, flush=True))
    print(format_report(results))
    print(f"\nResults: {args.out or ROOT / 'media' / 'bench' / 'results.json'}", flush=True)
    return 0


def add_bench_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``bench`` command to the CLI's subcommands."""
    bench = sub.add_parser("bench", help="time the renders and the numerical core; check the speed targets",
                           description=__doc__.split("\n\n")[0], parents=[quality_option(many=True), BEATS, JOBS])
    bench.add_argument("--repeat", "-r", type=positive_int, default=None,
                       help="runs per measurement; medians (default: 3, with --targets 1)")
    bench.add_argument("--targets", action="store_true",
                       help="measure every target once in one run: the whole lecture at low and 1080p60, "
                            "Cancel at 4k60, the encoder table on Setup's first 1500 frames at 1080p60")
    bench.add_argument("--no-core", action="store_true", help="skip the numerical-core timings")
    bench.add_argument("--no-render", action="store_true", help="skip the renders")
    bench.add_argument("--work", type=Path, default=None,
                       help="folder for scratch media folders (default: media/bench)")
    bench.add_argument("--out", type=Path, default=None, help="JSON results file (default: media/bench/results.json)")
    bench.add_argument("--encoders", action="store_true",
                       help="also render one beat (the first --beat, default Setup, at the first --quality) and "
                            "time x264 settings on its frames: CPU, size, PSNR against lossless")
    bench.add_argument("--frames", type=positive_int, default=None,
                       help="with --encoders: only the first N frames (default: all)")
    bench.add_argument("--no-plain", action="store_true",
                       help="skip the plain `manim render` loop beside the build")
    bench.set_defaults(func=cmd_bench)
    return bench
