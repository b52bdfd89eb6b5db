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
killed render can never leave a half-written SVG or DVI in the cache. (A
folder LaTeX cannot name, one with a quote or a non-ASCII letter, is swapped
for a temporary one.)

After a render the worker lists every project file it imported, with its
sha256 (:func:`project_sources`): the build re-renders the beat when any of
them changes, so the cache key is what the render really read, not a
hand-kept list.

Holds are made cheap (:mod:`scenes.pipeline.holds`): a frame that does not
change is drawn and converted once (``LECTURE_HOLDS=off`` renders with Manim
untouched, for comparisons).

A worker may render one unit of the beat: :data:`~scenes.pipeline.ranges.RANGE_ENV`
``START,END`` renders only those animations (Manim's ``-n START,END``). The
layer of :mod:`scenes.pipeline.ranges` makes every skipped play advance the
scene as a rendered one would, and records every sound the scene asks for
(file, start, gain; in ``sounds`` of the facts), skipped or not, and where
each section starts (``section_starts``: name, animation number, time).

The last line printed is ``WORKER {json}``: facts for the build and the
benchmark (wall seconds, frames, LaTeX strings compiled, peak memory, where
the time went, per-frame time creep). A scene that raises prints
``WORKER_ERROR {json}`` (the exception's type and message) and exits 1.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import os
import re
import resource
import shutil
import signal
import sys
import sysconfig
import tempfile
import time
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

from scenes.files import sha256_file
from scenes.pipeline.holds import HOLDS_ENV, installed as holds_installed
from scenes.pipeline.profile import profiled
from scenes.pipeline.quality import QUALITIES
from scenes.pipeline.ranges import RANGE_ENV, installed as ranges_installed, parse_range

__all__ = [
    "OVERRIDES_ENV",
    "STATUS_FD_ENV",
    "ALLOWED_OVERRIDES",
    "load_module",
    "map_large_blocks",
    "overrides_from_env",
    "project_sources",
    "render",
    "main",
]

ROOT = Path(__file__).resolve().parents[2]
#: When this process started importing (a source edited after it may not be what was imported).
_STARTED_NS = time.time_ns()

#: Environment variable with a JSON object of manim settings for every worker.
OVERRIDES_ENV = "SCENES_WORKER_CONFIG"
#: Environment variable naming the file descriptor a worker writes its progress lines to (set by the build).
STATUS_FD_ENV = "LECTURE_STATUS_FD"

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


def _environment_dirs() -> list[Path]:
    """Where the Python installation keeps modules: the standard library and installed packages."""
    dirs = {sys.prefix, sys.exec_prefix}
    for scheme_vars in ({}, {"base": sys.base_prefix, "platbase": sys.base_exec_prefix}):
        paths = sysconfig.get_paths(vars=scheme_vars)
        dirs.update(paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib") if k in paths)
    return [Path(d).resolve() for d in dirs]


def project_sources(since_ns: int | None = None) -> list[dict[str, str | None]]:
    """Every project file this process has imported, with its sha256.

    A project file is the file of a module in ``sys.modules`` that is not
    part of the Python installation (standard library, ``site-packages``,
    ``dist-packages``, the virtualenv): the beat's own file, the beats it
    inherits from, the shared scene code, :mod:`neuron` with its presets,
    the worker itself and the pipeline modules it uses to set up the render
    (the quality table), a test's scratch modules. Importing is
    the only way code gets into a render, and a new import can only appear
    by editing a file already listed, so the list is complete.

    Parameters
    ----------
    since_ns
        A file modified at or after this time (``time.time_ns()``) was
        edited while the render ran and may not be what was imported: its
        ``sha256`` is ``None``, which matches nothing, so the beat renders
        again next time.

    Returns
    -------
    list of dict
        ``{"path": ..., "sha256": ...}`` sorted by path; paths inside the
        repository are relative to it.
    """
    environment = _environment_dirs()
    found: dict[str, str | None] = {}
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if not file or not os.path.isfile(file):
            continue
        path = Path(file).resolve()
        if {"site-packages", "dist-packages"} & set(path.parts) or any(path.is_relative_to(d) for d in environment):
            continue
        name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
        if name in found:
            continue
        digest: str | None = sha256_file(path)
        if since_ns is not None and path.stat().st_mtime_ns >= since_ns:
            digest = None
        found[name] = digest
    return [{"path": name, "sha256": found[name]} for name in sorted(found)]


#: Characters LaTeX takes in a path (not quotes; non-ASCII depends on the engine).
_LATEX_SAFE = re.compile(r"[A-Za-z0-9_./+-]+")


def _quote_concat_paths() -> None:
    """Make manim quote the paths in its partial-movie list as ffconcat wants.

    Manim 0.22 writes ``file 'file:<path>'`` unescaped, so a media folder
    with a ``'`` in its name could never be joined. Inside single quotes
    ffconcat takes everything literally; a ``'`` is written ``'\\''``.
    """
    from manim.scene.scene_file_writer import SceneFileWriter

    if "_concat_manifest_bytes" not in SceneFileWriter.__dict__:
        return

    def manifest(input_files: list[str]) -> bytes:
        quoted = ("'" + f"file:{Path(p).as_posix()}".replace("'", "'\\''") + "'" for p in input_files)
        return ("# This file records the segment order used by Manim.\n"
                + "".join(f"file {q}\n" for q in quoted)).encode("utf-8")

    SceneFileWriter._concat_manifest_bytes = staticmethod(manifest)


#: Pixels in a 1080p frame (the ``high`` quality): above it a render holds fewer, larger frames.
HD_PIXELS = QUALITIES["high"].width * QUALITIES["high"].height
#: What the frames waiting for the encoder may hold (bytes): Manim's default queue of 8 at 1080p.
QUEUE_BYTES = 8 * HD_PIXELS * 4


def queue_size(width: int, height: int) -> int:
    """How many RGBA frames wait for the encoder (``config.encoder_queue_size``): Manim's 8 up to 1080p,
    fewer for larger frames (2 at 4k: eight 4k frames are 265 MB), never fewer than 2, so drawing and
    encoding still overlap."""
    return max(2, min(8, QUEUE_BYTES // (width * height * 4)))


#: x264 options over ``manim.cfg``'s for frames larger than 1080p: a shorter lookahead and veryfast's
#: three B-frames (not ``tune=animation``'s five) hold fewer 4k frames, B-frames that are never
#: references (``b-pyramid=none``: x264 keeps no reconstructed 42 MB picture for them), and crf 17
#: keeps the picture within the bar (see the README's 4k table).
LARGE_FRAME_X264 = {"rc-lookahead": "3", "bframes": "3", "b-pyramid": "none", "crf": "17"}

#: Above this many bytes glibc's malloc maps a block of its own (returned to the system when freed)
#: for frames larger than 1080p; see :func:`map_large_blocks`.
MMAP_THRESHOLD = 4 << 20


def encoder_options(width: int, height: int, options: dict[str, str]) -> dict[str, str]:
    """``manim.cfg``'s encoder options for a ``width`` × ``height`` render (:data:`LARGE_FRAME_X264` above 1080p)."""
    if width * height <= HD_PIXELS:
        return options
    params = [p for p in options.get("x264-params", "").split(":")
              if p and not p.startswith(("bframes=", "b-pyramid="))]
    return {**options, "crf": LARGE_FRAME_X264["crf"], "rc-lookahead": LARGE_FRAME_X264["rc-lookahead"],
            "x264-params": ":".join([*params, *(f"{k}={LARGE_FRAME_X264[k]}" for k in ("bframes", "b-pyramid"))])}


def map_large_blocks(width: int, height: int) -> bool:
    """Above 1080p, have glibc map every block over :data:`MMAP_THRESHOLD` on its own; say if it did.

    glibc raises its mmap threshold to the size of the last mapped block
    freed, so after the first 4k frame (33 MB) and x264's pictures
    (24–42 MB, allocated anew for every play's segment) are freed, the
    next ones come from the heap, where freed holes of those sizes stay
    resident: a 4k render grew to 1.1 GB with 0.9 GB in use. A fixed
    threshold returns each one when it is freed. (At 1080p and below the
    blocks are small and the page faults would cost more than they save;
    elsewhere than glibc nothing is changed.)
    """
    if width * height <= HD_PIXELS:
        return False
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    m_mmap_threshold = -3  # <malloc.h>
    return bool(mallopt(m_mmap_threshold, MMAP_THRESHOLD))


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
    config.encoder_queue_size = queue_size(int(config.pixel_width), int(config.pixel_height))
    config.video_encoder_options = encoder_options(int(config.pixel_width), int(config.pixel_height),
                                                   dict(config.video_encoder_options))
    mapped = map_large_blocks(int(config.pixel_width), int(config.pixel_height))
    unit = parse_range(os.environ.get(RANGE_ENV, ""))
    if unit is not None:
        config.from_animation_number, config.upto_animation_number = unit
    _quote_concat_paths()
    work_tex = Path(media_dir).resolve() / "tex"
    scratch = None if _LATEX_SAFE.fullmatch(work_tex.as_posix()) else Path(tempfile.mkdtemp(prefix="scenes-tex-"))
    try:
        work_tex = scratch or work_tex
        known = _seed_tex(Path(tex_dir), work_tex)
        config.tex_dir = str(work_tex)
        config.disable_caching = True
        # The build prints its own quieter progress; ``manim render`` keeps Manim's.
        config.progress_bar = "none"
        config.verbosity = "WARNING"
        # One section per narrated block (the film starts one in ``narrate``): the live slides.
        config.save_sections = True
        module = load_module(target)
        config.input_file = str(module.__file__)
        scene_cls = getattr(module, scene_name)
        imported = time.perf_counter()
        with (holds_installed(enabled=os.environ.get(HOLDS_ENV, "on") != "off") as holds,
              ranges_installed() as recorded, profiled() as clock):
            scene = scene_cls()
            scene.render()
        wall = time.perf_counter() - imported
        compiled = _publish_tex(work_tex, Path(tex_dir), known)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
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
        "large_blocks_mapped": mapped,
        **(clock.summary() if clock else {}),
        **holds.as_dict(),
        "sources": project_sources(since_ns=_STARTED_NS) + _read_files(),
        "sections": str(scene.renderer.file_writer.output_plan.section_index),
        "missing_recordings": list(getattr(scene, "missing_recordings", [])),
        "blocks": [b.record().to_json() for b in getattr(scene, "blocks", [])],
        "range": list(unit) if unit is not None else None,
        "plays": int(scene.renderer.num_plays),
        **_sited(recorded.as_dict()),
    }


def _sited(records: dict[str, Any]) -> dict[str, Any]:
    """The records with each section's site named as the sources are: relative to the checkout inside it
    (so a site recorded on a cluster's worker names the same file here)."""
    for section in records.get("section_starts", []):
        if section.get("site"):
            path = Path(section["site"][0])
            if path.is_relative_to(ROOT):
                section["site"] = [path.relative_to(ROOT).as_posix(), section["site"][1]]
    return records


def _read_files() -> list[dict[str, str | None]]:
    """The audio files the narration read (recordings, cached voice), with their sha256.

    They are inputs of the beat like its sources: a re-recorded block renders again.
    """
    cache = sys.modules.get("scenes.audiocache")
    found = []
    for path in sorted(getattr(cache, "INPUTS", ())):
        path = Path(path).resolve()
        try:
            digest = sha256_file(path)
        except OSError:
            digest = None
        found.append({"path": path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path),
                      "sha256": digest})
    return found


def _report_to_build() -> None:
    """Send the film's warnings (a voice still working, missing recordings) to the build's console.

    The build hands the worker a pipe (its descriptor in :data:`STATUS_FD_ENV`);
    without one (a worker run by hand) they go to the log like everything else.
    """
    fd = os.environ.get(STATUS_FD_ENV, "")
    if not fd.isdigit():
        return
    try:
        stream = os.fdopen(int(fd), "w", buffering=1, encoding="utf-8")
    except OSError:
        return
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logging.getLogger("scenes").addHandler(handler)


def _stop_on_terminate() -> None:
    """SIGTERM (the build stopping) unwinds like Ctrl-C, so a running speech command is ended too."""
    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"stopped by signal {signum}")

    signal.signal(signal.SIGTERM, stop)


#: Errors whose message is the whole story for the user (no "raised at" a line of code).
_TOLD = ("VoiceError", "OutsideError")


def main(argv: list[str] | None = None) -> int:
    """Run :func:`render` with the command-line arguments; print the facts line."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 5:
        print("usage: python -m scenes.pipeline.worker TARGET SCENE QUALITY MEDIA TEX", file=sys.stderr)
        return 2
    _report_to_build()
    _stop_on_terminate()
    try:
        facts = render(*args)
    except Exception as e:
        traceback.print_exc()
        # Machine-readable: the build names the beat, this error and where it was raised.
        ours = [f for f in traceback.extract_tb(e.__traceback__) if "site-packages" not in f.filename]
        where = ""
        if ours and type(e).__name__ not in _TOLD:
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
