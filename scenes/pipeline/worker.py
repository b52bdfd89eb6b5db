"""Render one beat in this process: ``python -m scenes.pipeline.worker TARGET SCENE QUALITY MEDIA TEX``.

The build runs one of these per beat (in parallel), so each render has its
own process, memory and LaTeX folder. Settings come from ``manim.cfg`` first,
then what the build decides (quality, folders, no partial-movie cache).

``TARGET`` names the module holding the scene: a beat module's name under
``scenes/`` (``s01_setup``), a dotted module path, or a ``.py`` file (tests
render their own tiny scenes this way). The environment variable
:data:`OVERRIDES_ENV` may hold a JSON object of manim settings applied after
the quality (only ``pixel_width``, ``pixel_height``, ``frame_rate``): tests
use it for 160×90 renders.

LaTeX compiles into the render's own folder, seeded from the shared cache
``TEX``; new SVGs are moved into the cache only after a render succeeds, so a
killed render can never leave a half-written SVG or DVI in the cache.

The last line printed is ``WORKER {json}``: facts for the build and the
benchmark (wall seconds, frames, LaTeX strings compiled, peak memory, where
the time went, per-frame time creep). A scene that raises prints
``WORKER_ERROR {json}`` (the exception's type and message) and exits 1.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import resource
import shutil
import statistics
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from scenes.pipeline.quality import QUALITIES

__all__ = [
    "OVERRIDES_ENV",
    "ALLOWED_OVERRIDES",
    "load_module",
    "overrides_from_env",
    "FrameClock",
    "render",
    "main",
]

ROOT = Path(__file__).resolve().parents[2]

#: Environment variable with a JSON object of manim settings for every worker.
OVERRIDES_ENV = "SCENES_WORKER_CONFIG"

#: The settings :data:`OVERRIDES_ENV` may change, and their types.
ALLOWED_OVERRIDES: dict[str, type] = {"pixel_width": int, "pixel_height": int, "frame_rate": int}


def overrides_from_env() -> dict[str, int]:
    """The manim settings in :data:`OVERRIDES_ENV` (empty if unset).

    Raises
    ------
    ValueError
        For a value that is not a JSON object of the allowed keys with
        positive whole numbers.
    """
    raw = os.environ.get(OVERRIDES_ENV, "").strip()
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise ValueError(f"{OVERRIDES_ENV} must be a JSON object, got {raw!r}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{OVERRIDES_ENV} must be a JSON object, got {raw!r}")
    out = {}
    for key, value in data.items():
        if key not in ALLOWED_OVERRIDES:
            raise ValueError(f"{OVERRIDES_ENV}: unknown setting {key!r}; allowed: {', '.join(ALLOWED_OVERRIDES)}")
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError(f"{OVERRIDES_ENV}: {key} must be a positive whole number, got {value!r}")
        out[key] = value
    return out


def load_module(target: str) -> ModuleType:
    """Import the module ``target`` names.

    Parameters
    ----------
    target
        A beat module under ``scenes/`` (``"s01_setup"``), a dotted module
        path (``"scenes.s01_setup"``), or the path of a ``.py`` file. A file
        inside one of the repository's packages is imported under its dotted
        name, so it is never imported twice under two names.
    """
    if target.endswith(".py") or os.sep in target:
        path = Path(target).resolve()
        try:
            rel = path.relative_to(ROOT).with_suffix("")
        except ValueError:
            rel = None
        if rel is not None and len(rel.parts) > 1 and all(
            (ROOT.joinpath(*rel.parts[:i]) / "__init__.py").exists() for i in range(1, len(rel.parts))
        ):
            return importlib.import_module(".".join(rel.parts))
        name = "_lecture_file_" + "".join(c if c.isalnum() else "_" for c in str(path.with_suffix("")))
        if name in sys.modules:
            return sys.modules[name]
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot import {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
        return module
    if "." in target:
        return importlib.import_module(target)
    return importlib.import_module(f"scenes.{target}")


class FrameClock:
    """Cheap wall-clock accounting of one render, by phase and per frame.

    Wraps a few manim methods (two ``perf_counter`` calls each) while
    :meth:`installed` is active:

    ``tex``
        LaTeX and dvisvgm (``compile_tex``, ``convert_to_svg``).
    ``logic``
        Animations and updaters for each frame (``Scene.update_to_time``),
        less any LaTeX they compile.
    ``raster``
        Cairo drawing (``CairoRenderer.update_frame``).
    ``handoff``
        Giving frames to the encoder (``CairoRenderer.add_frame``); it grows
        when the encoder queue is full, i.e. when encoding is the bottleneck.
    ``encode``
        PyAV encoding, on manim's encoder threads, concurrent with the rest.
    ``combine``
        Joining the segments into the scene's movie.

    Per animation frame it records the wall time from the start of the
    frame's update to the end of its drawing (``frame``), the update alone
    (``frame_logic``) and the drawing alone (``frame_raster``).
    """

    PHASES = ("tex", "logic", "raster", "handoff", "encode", "combine")

    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(self.PHASES, 0.0)
        self.frame: list[float] = []
        self.frame_logic: list[float] = []
        self.frame_raster: list[float] = []
        self._logic_in_frame = 0.0
        self.play_starts: list[int] = []  # index of each play's first frame
        self._frame_start: float | None = None
        self._raster_in_frame = 0.0
        self._lock = threading.Lock()

    def _timed(self, phase: str, fn: Callable[..., Any], locked: bool = False) -> Callable[..., Any]:
        clock = self

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                dt = time.perf_counter() - t0
                if locked:
                    with clock._lock:
                        clock.seconds[phase] += dt
                else:
                    clock.seconds[phase] += dt
                    if phase == "raster":
                        clock._raster_in_frame += dt

        return wrapper

    @contextmanager
    def installed(self) -> Iterator[FrameClock]:
        """Wrap manim's methods for the duration of the block."""
        from manim.renderer.cairo_renderer import CairoRenderer
        from manim.scene.scene import Scene
        from manim.scene.scene_file_writer import SceneFileWriter
        from manim.scene.video_segment_encoder import VideoSegmentEncoder
        from manim.utils import tex_file_writing

        clock = self
        patches: list[tuple[object, str, Any]] = []

        def patch(owner: object, name: str, new: Any) -> None:
            patches.append((owner, name, owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)))
            setattr(owner, name, new)

        update_to_time = Scene.update_to_time
        frame_render = CairoRenderer.render
        renderer_play = CairoRenderer.play

        def marked_play(renderer: Any, *args: Any, **kwargs: Any) -> None:
            clock.play_starts.append(len(clock.frame))
            renderer_play(renderer, *args, **kwargs)

        def timed_update(scene: Any, t: float) -> None:
            clock._frame_start = time.perf_counter()
            clock._raster_in_frame = 0.0
            t0, tex0 = clock._frame_start, clock.seconds["tex"]
            update_to_time(scene, t)
            # LaTeX compiled by an updater counts as tex, not as logic.
            clock._logic_in_frame = time.perf_counter() - t0 - (clock.seconds["tex"] - tex0)
            clock.seconds["logic"] += clock._logic_in_frame

        def timed_render(renderer: Any, *args: Any, **kwargs: Any) -> None:
            start = clock._frame_start if clock._frame_start is not None else time.perf_counter()
            frame_render(renderer, *args, **kwargs)
            clock.frame.append(time.perf_counter() - start)
            clock.frame_logic.append(clock._logic_in_frame)
            clock.frame_raster.append(clock._raster_in_frame)
            clock._frame_start = None
            clock._raster_in_frame = clock._logic_in_frame = 0.0

        patch(Scene, "update_to_time", timed_update)
        patch(CairoRenderer, "render", timed_render)
        patch(CairoRenderer, "play", marked_play)
        patch(CairoRenderer, "update_frame", self._timed("raster", CairoRenderer.update_frame))
        patch(CairoRenderer, "add_frame", self._timed("handoff", CairoRenderer.add_frame))
        patch(VideoSegmentEncoder, "write_frame", self._timed("encode", VideoSegmentEncoder.write_frame, locked=True))
        patch(VideoSegmentEncoder, "finish", self._timed("encode", VideoSegmentEncoder.finish, locked=True))
        patch(SceneFileWriter, "combine_to_movie", self._timed("combine", SceneFileWriter.combine_to_movie))
        patch(tex_file_writing, "compile_tex", self._timed("tex", tex_file_writing.compile_tex))
        patch(tex_file_writing, "convert_to_svg", self._timed("tex", tex_file_writing.convert_to_svg))
        try:
            yield self
        finally:
            for owner, name, old in reversed(patches):
                setattr(owner, name, old)

    def summary(self) -> dict[str, Any]:
        """Phase seconds and the frame-time creep (last third vs first third).

        ``creep`` is the median time of the last third of the animation
        frames over that of the first third (1.0: no creep);
        ``logic_creep`` and ``raster_creep`` split it into updates and drawing.
        A scene whose later animations are simply heavier creeps too, so
        ``play_creep`` is the same ratio within each animation of at least
        nine frames, the largest one (``play_creep_index``: which play).
        """
        out: dict[str, Any] = {"phases": {k: round(v, 4) for k, v in self.seconds.items()},
                               "frames_drawn": len(self.frame)}
        n = len(self.frame) // 3
        if n >= 1:
            out["frame_ms_median"] = round(statistics.median(self.frame) * 1e3, 3)
            for name, values in (("", self.frame), ("logic_", self.frame_logic), ("raster_", self.frame_raster)):
                first, last = statistics.median(values[:n]), statistics.median(values[-n:])
                out[f"{name}frame_ms_first_third"] = round(first * 1e3, 3)
                out[f"{name}frame_ms_last_third"] = round(last * 1e3, 3)
                out[f"{name}creep"] = round(last / first, 3) if first > 0 else None
        worst, index = None, None
        bounds = [*self.play_starts, len(self.frame)]
        for i, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:])):
            frames = self.frame[lo:hi]
            k = len(frames) // 3
            if k >= 3:
                first = statistics.median(frames[:k])
                ratio = statistics.median(frames[-k:]) / first if first > 0 else 1.0
                if worst is None or ratio > worst:
                    worst, index = ratio, i
        out["play_creep"] = round(worst, 3) if worst is not None else None
        out["play_creep_index"] = index
        # The longest animation is where a beat runs its epochs: the work there
        # is updaters, so its logic time alone shows whether updaters creep
        # (a Create or Write draws more as it goes, which is not creep).
        lo, hi = max(zip(bounds[:-1], bounds[1:]), key=lambda b: b[1] - b[0])
        logic = self.frame_logic[lo:hi]
        k = len(logic) // 3
        if k >= 3 and statistics.median(logic[:k]) > 0:
            out["longest_play_logic_creep"] = round(statistics.median(logic[-k:]) / statistics.median(logic[:k]), 3)
            out["longest_play_frames"] = hi - lo
        return out


def _seed_tex(cache: Path, work: Path) -> set[str]:
    """Link the cache's SVGs into ``work``; return their names."""
    work.mkdir(parents=True, exist_ok=True)
    names = set()
    for svg in cache.glob("*.svg") if cache.is_dir() else ():
        try:
            os.link(svg, work / svg.name)
        except OSError:
            shutil.copy2(svg, work / svg.name)
        names.add(svg.name)
    return names


def _publish_tex(work: Path, cache: Path, known: set[str]) -> int:
    """Move SVGs new in ``work`` into ``cache`` atomically; return how many."""
    cache.mkdir(parents=True, exist_ok=True)
    new = [p for p in work.glob("*.svg") if p.name not in known]
    for svg in new:
        tmp = cache / f".{svg.name}.{os.getpid()}.part"
        try:
            os.replace(svg, tmp)
        except OSError:  # another file system
            shutil.copy2(svg, tmp)
        os.replace(tmp, cache / svg.name)
    return len(new)


def render(target: str, scene_name: str, quality: str, media_dir: str, tex_dir: str) -> dict[str, Any]:
    """Render the scene ``scene_name`` of ``target``; return facts about the run.

    Parameters
    ----------
    target
        Module holding the scene (see :func:`load_module`).
    scene_name
        The scene class's name.
    quality
        ``low``, ``medium``, ``high`` or ``4k``.
    media_dir
        Manim's media folder for this render (a private staging folder).
    tex_dir
        The shared LaTeX cache (read, and extended after success).
    """
    started = time.perf_counter()
    from manim import config

    config.digest_file(str(ROOT / "manim.cfg"))
    config.quality = QUALITIES[quality].manim
    for key, value in overrides_from_env().items():
        config[key] = value
    config.media_dir = media_dir
    work_tex = Path(media_dir) / "tex"
    known = _seed_tex(Path(tex_dir), work_tex)
    config.tex_dir = str(work_tex)
    config.disable_caching = True
    config.progress_bar = "none"
    module = load_module(target)
    config.input_file = str(module.__file__)
    scene_cls = getattr(module, scene_name)
    imported = time.perf_counter()
    clock = FrameClock()
    with clock.installed():
        scene = scene_cls()
        scene.render()
    wall = time.perf_counter() - imported
    compiled = _publish_tex(work_tex, Path(tex_dir), known)
    return {
        "video": str(scene.renderer.file_writer.movie_file_path),
        "seconds": wall,
        "import_seconds": imported - started,
        "frames": scene.renderer.num_plays and int(round(scene.renderer.time * config.frame_rate)),
        "video_seconds": float(scene.renderer.time),
        "width": int(config.pixel_width),
        "height": int(config.pixel_height),
        "fps": int(config.frame_rate),
        "tex_compiled": compiled,
        "tex_cached": len(known),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        **clock.summary(),
    }


def main(argv: list[str] | None = None) -> int:
    """Run :func:`render` with the command-line arguments; print the facts line."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 5:
        print("usage: python -m scenes.pipeline.worker TARGET SCENE QUALITY MEDIA TEX", file=sys.stderr)
        return 2
    try:
        facts = render(*args)
    except Exception as e:
        traceback.print_exc()
        # Machine-readable: the build names the beat, this error and where it was raised.
        ours = [f for f in traceback.extract_tb(e.__traceback__) if "site-packages" not in f.filename]
        where = ""
        if ours:
            frame = ours[-1]
            path = Path(frame.filename)
            where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{frame.lineno} in {frame.name}"
        print("WORKER_ERROR " + json.dumps({"type": type(e).__name__, "message": str(e), "where": where}),
              flush=True)
        return 1
    # Last line of output: machine-readable facts for the build and the benchmark.
    print("WORKER " + json.dumps(facts), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
