"""Render one beat in this process: ``python -m scenes.worker MODULE SCENE QUALITY MEDIA TEX``.

The build runs one of these per beat (in parallel), so each render has its
own process, memory and LaTeX folder. Settings come from ``manim.cfg`` first,
then what the build decides (quality, folders, no partial-movie cache).
"""

from __future__ import annotations

import importlib
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MANIM_QUALITY = {"low": "low_quality", "medium": "medium_quality", "high": "high_quality", "4k": "fourk_quality"}


def render(module: str, scene_name: str, quality: str, media_dir: str, tex_dir: str) -> dict:
    """Render ``scenes.<module>.<scene_name>``; return facts about the run."""
    from manim import config

    config.digest_file(str(ROOT / "manim.cfg"))
    config.quality = MANIM_QUALITY[quality]
    config.media_dir = media_dir
    config.tex_dir = tex_dir
    config.disable_caching = True
    config.progress_bar = "none"
    config.input_file = str(ROOT / "scenes" / f"{module}.py")
    tex = Path(tex_dir)
    before = set(tex.glob("*.svg")) if tex.exists() else set()
    scene_cls = getattr(importlib.import_module(f"scenes.{module}"), scene_name)
    started = time.perf_counter()
    scene = scene_cls()
    scene.render()
    wall = time.perf_counter() - started
    after = set(tex.glob("*.svg"))
    return {
        "video": str(scene.renderer.file_writer.movie_file_path),
        "seconds": wall,
        "frames": scene.renderer.num_plays and int(round(scene.renderer.time * config.frame_rate)),
        "video_seconds": float(scene.renderer.time),
        "tex_compiled": len(after - before),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


if __name__ == "__main__":
    facts = render(*sys.argv[1:6])
    # Last line of output: machine-readable facts for the build and the benchmark.
    print("WORKER " + json.dumps(facts), flush=True)
