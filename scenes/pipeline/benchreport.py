"""The benchmark's report: its results as a table, the targets' verdicts and what bounds each miss."""

from __future__ import annotations

from typing import Any

from scenes.pipeline.quality import QUALITIES
from scenes.pipeline.targets import PHASE_NAMES, PHASES

__all__ = ["format_report"]


def _f(value: float | None, spec: str = ".2f") -> str:
    return "-" if value is None or value != value else format(value, spec)


def format_report(results: dict[str, Any]) -> str:
    """The benchmark's tables and target checks as text."""
    lines = []
    meta = results["meta"]
    lines.append(f"Benchmark {meta['date']}  manim {meta['manim']}  {meta['cpus']} CPUs  "
                 f"git {meta['git'] or '?'}  repeat {meta['repeat']}")
    for q, render in results.get("render", {}).items():
        w, h, fps = QUALITIES[q].width, QUALITIES[q].height, QUALITIES[q].fps
        lines += ["", f"== Render at {q} ({w}x{h}, {fps} fps): wall = median of the runs with a warm LaTeX cache "
                  "(the cold first run if --repeat 1) =="]
        head = (f"{'beat':<22} {'video s':>7} {'wall s':>7} {'LaTeX':>5} {'wall/vid':>8} {'fps':>6} {'RSS MB':>7} "
                f"{'tex cold/warm':>13} {'creep':>6} {'logic':>6} {'draw':>6} {'in-play':>7}")
        lines += [head, "-" * len(head)]
        for slug, b in render["beats"].items():
            s = b["summary"]
            tex = f"{'/'.join(map(str, s['tex_compiled_cold'])) or '-'}/{max(s['tex_compiled_warm'], default='-')}"
            lines.append(f"{slug:<22} {s['video_seconds']:7.1f} {s['wall']:7.1f} {s['tex_cache']:>5} "
                         f"{s['ratio']:8.2f} {s['fps_rendered']:6.1f} {s['peak_rss_mb']:7.0f} {tex:>13} "
                         f"{_f(s['creep']):>6} {_f(s['logic_creep']):>6} {_f(s['raster_creep']):>6} "
                         f"{_f(s['play_creep']):>7}")
        lec = render["lecture"]
        cache = "cold" if lec["speedup"] is None else "warm"
        lines.append(f"{'sum of beats (alone)':<22} {lec['video_seconds']:7.1f} {lec['serial_sum_wall']:7.1f} "
                     f"{cache:>5} {lec['serial_sum_wall'] / lec['video_seconds']:8.2f}")
        label = "lecture (parallel)" if lec["whole"] else "chosen (parallel)"
        speedup = f"{lec['speedup']:.2f}x" if lec["speedup"] else "n/a (alone runs had a cold LaTeX cache)"
        lines.append(f"{label:<22} {lec['video_seconds']:7.1f} {lec['parallel_wall']:7.1f} {'warm':>5} "
                     f"{lec['ratio']:8.2f} {lec['fps_rendered']:6.1f} {lec['peak_rss_mb']:7.0f}   "
                     f"speedup over alone: {speedup} on {lec['jobs']} jobs")
        rr = render["rerun"]
        lines.append(f"{'no-change rerun':<22} {'':7} {rr['wall']:7.1f} {'':5}   {rr['beats_up_to_date']}/"
                     f"{rr['beats']} beats up to date, {rr['ratio']:.1%} of a full render")
        if v := render.get("voice"):
            silent = f" for {v['silent_video_seconds']:.1f} s of video" if v["silent_video_seconds"] else ""
            lines.append(f"{'voice synthesised anew':<22} {'':7} {v['cold_wall']:7.1f} {'':5}   "
                         f"+{v['synthesis_share']:.1%} over the voice cache; --voice none {v['silent_wall']:.1f} s"
                         f"{silent}")
        lines += ["", "Where the time went (share of each beat's wall; PyAV encode runs alongside on its threads):"]
        head = f"{'beat':<22} " + " ".join(f"{p:>8}" for p in PHASES) + f" {'encode s':>9}"
        lines += [head, "-" * len(head)]
        for slug, b in render["beats"].items():
            s = b["summary"]
            total = sum(s["split"].values()) or 1.0
            lines.append(f"{slug:<22} " + " ".join(f"{s['split'][p] / total:8.0%}" for p in PHASES)
                         + f" {s['encode_thread_seconds']:9.2f}")
        lines.append("  " + "; ".join(f"{p} = {PHASE_NAMES[p]}" for p in PHASES))
        lines.append("  creep = median frame time, last third of the beat's animation frames / first third "
                     "(logic: updates, draw: Cairo); in-play = the same within one animation, worst play")
    if "core" in results:
        core = results["core"]
        lines += ["", "== Numerical core (median seconds; spread = slowest/fastest run) =="]
        grid = core["grid"]
        for name, g in grid.items():
            lines.append(f"grid {g['shape']:<34} {name}: {g['median']:7.3f} s  spread {g['spread']:.2f}  "
                         f"{g['ns_per_start_epoch']:.2f} ns per start-epoch")
        if {"mse", "bce"} <= grid.keys():
            lines.append(f"  grid bce/mse time ratio: {grid['bce']['median'] / grid['mse']['median']:.2f}")
        for key, sw in core["sweep"].items():
            lines.append(f"sweep {sw['starts']} starts ≤ {sw['max_epochs']} epochs {key:<12}: {sw['median']:7.3f} s  "
                         f"spread {sw['spread']:.2f}")
    lines += ["", "== Targets =="]
    for c in results["targets"]:
        if c["status"] == "not measured":
            lines.append(f"  -    {c['text']}: not measured")
            continue
        lines.append(f"  {c['status']} [{c['quality']}] {c['text']}: {c['value']:.3g} (limit {c['limit']:g})")
        if c["status"] == "MISS" or c["target"].startswith("lecture"):
            lines.append(f"       {c['bound']}")
    return "\n".join(lines)
