"""Command line: ``python -m scenes render|export|preview|bench`` (what ``make`` runs).

A bad input or a failing disk ends the command with one line on stderr,
``error: <path>: <cause>`` (read-only, no space left, not a folder, a
damaged video), and exit status 2; published files are only ever replaced by
a rename, so none is lost.
"""

from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path
import time
from collections.abc import Sequence

import av.error

from scenes.pipeline.bench import add_bench_parser, positive_int
from scenes.pipeline.quality import QUALITIES, QUALITY_NAMES
from scenes.pipeline.build import (ROOT, BuildError, assemble_lecture, output_dir,
                          render_beats, select_beats)

__all__ = ["main", "media_folder", "describe_error"]

#: errno → what it means for a folder the build writes.
CAUSES = {
    errno.EROFS: "read-only file system",
    errno.EACCES: "not writable (permission denied)",
    errno.EPERM: "not writable (operation not permitted)",
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.ENOTDIR: "not a folder",
    errno.ENAMETOOLONG: "name too long",
}


def _rel(path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def _size(path) -> str:
    return f"{path.stat().st_size / 1e6:.1f} MB"


def media_folder(text: str) -> Path:
    """argparse type for ``--media``: a folder, or a path where one can be made.

    Refuses an empty name (it would mean the current folder, the
    repository) and a path that is, or runs through, a file.
    """
    if not text.strip():
        raise argparse.ArgumentTypeError("must name a folder, got an empty name")
    path = Path(text)
    if (blocker := _file_in_the_way(path)) is not None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a folder ({str(blocker)!r} is a file)")
    return path


def _file_in_the_way(path: Path) -> Path | None:
    """The file among ``path`` and its parents, if one is in the way of a folder."""
    for part in (path, *path.parents):
        try:
            if part.exists():
                return None if part.is_dir() else part
        except OSError:
            return None
    return None


def describe_error(e: OSError | av.error.FFmpegError) -> str:
    """One line for a failed file operation: ``<path>: <cause>``."""
    filename = getattr(e, "filename", None) or getattr(e, "filename2", None)
    code = getattr(e, "errno", None)
    cause = CAUSES.get(code) if isinstance(e, OSError) else None
    if isinstance(e, av.error.FFmpegError):
        cause = f"{e.strerror or e} (not a readable video)"
    elif code in (errno.ENOTDIR, errno.EEXIST) and filename and (blocker := _file_in_the_way(Path(filename))):
        cause = "not a folder" + (f" ({_rel(blocker)} is a file)" if blocker != Path(filename) else "")
    cause = cause or e.strerror or str(e)
    return f"{_rel(Path(filename)) if filename else 'a file'}: {cause}"


def cmd_render(args: argparse.Namespace) -> int:
    quality = args.quality
    chosen = select_beats(args.beats, lecture=args.lecture)
    print(f"Rendering {len(chosen)} beat(s) at {quality} quality ({QUALITIES[quality]}), "
          f"{args.jobs or 'one per core'} at a time ...", flush=True)
    started = time.perf_counter()
    results = render_beats(chosen, quality, jobs=args.jobs, force=args.force, media=args.media,
                           report=lambda line: print(line, flush=True))
    print("\nWrote:")
    for r in results:
        print(f"  {_rel(r.video):<40} {r.duration:6.1f} s  {_size(r.video):>8}   + {r.captions.name}")
    if args.beats:
        print(f"\nDone in {time.perf_counter() - started:.1f} s (lecture not assembled: beats were chosen).")
        return 0
    lecture = assemble_lecture(results, quality, media=args.media, report=lambda line: print(line, flush=True))
    print(f"  {_rel(lecture['video']):<40} {lecture['duration']:6.1f} s  {_size(lecture['video']):>8}"
          f"   + {lecture['captions'].name}, {len(lecture['chapters'])} chapters")
    print(f"\nDone in {time.perf_counter() - started:.1f} s.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from scenes.pipeline.export import export

    select_beats(args.beats)  # raises before anything is written
    started = time.perf_counter()
    manifest = export(args.quality, args.beats, media=args.media, jobs=args.jobs,
                      report=lambda line: print(line, flush=True))
    entries = [*manifest["clips"], *([manifest["lecture"]] if manifest["lecture"] else [])]
    folder = output_dir(args.quality, args.media) / "clips"
    print(f"\n{len(entries)} clip(s) in {_rel(folder)}/ "
          f"({sum(f['bytes'] for e in entries for f in e['files'].values()) / 1e6:.1f} MB), "
          f"gallery: {_rel(folder / 'index.html')}; done in {time.perf_counter() - started:.1f} s.")
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    from scenes.pipeline.preview import preview

    started = time.perf_counter()
    sheet = preview(media=args.media, jobs=args.jobs, report=lambda line: print(line, flush=True))
    print(f"\nWrote {_rel(sheet)} in {time.perf_counter() - started:.1f} s.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scenes", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    render = sub.add_parser("render", help="render every beat, then assemble the lecture")
    render.add_argument("--quality", "-q", default="low", choices=QUALITY_NAMES, help="render quality (default: low)")
    render.add_argument("--beat", dest="beats", action="append", metavar="NAME",
                        help="render only this beat (scene name or slug); repeatable")
    render.add_argument("--jobs", "-j", type=positive_int, default=None, help="parallel renders (default: one per core)")
    render.add_argument("--force", action="store_true", help="render even beats that are up to date")
    render.add_argument("--media", type=media_folder, default=None, help="media folder (default: ./media in the repo)")
    render.add_argument("--lecture", default=None, metavar="MODULE[:LIST]",
                        help="take the scenes from this module or .py file (default: scenes.lecture:SCENES_IN_ORDER)")
    render.set_defaults(func=cmd_render)

    export = sub.add_parser("export", help="render, then write embeddable clips, manifest and gallery page")
    export.add_argument("--quality", "-q", default="low", choices=QUALITY_NAMES, help="render quality (default: low)")
    export.add_argument("--beat", dest="beats", action="append", metavar="NAME",
                        help="export only this beat (scene name or slug); repeatable")
    export.add_argument("--jobs", "-j", type=positive_int, default=None, help="parallel renders (default: one per core)")
    export.add_argument("--media", type=media_folder, default=None, help="media folder (default: ./media in the repo)")
    export.set_defaults(func=cmd_export)

    preview = sub.add_parser("preview", help="render every beat at low quality and draw a contact sheet")
    preview.add_argument("--jobs", "-j", type=positive_int, default=None, help="parallel renders (default: one per core)")
    preview.add_argument("--media", type=media_folder, default=None, help="media folder (default: ./media in the repo)")
    preview.set_defaults(func=cmd_preview)

    add_bench_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except (OSError, av.error.FFmpegError) as e:
        print(f"error: {describe_error(e)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: published files are untouched", file=sys.stderr)
        return 130
