"""Command line: ``python -m scenes render|preview`` (what ``make`` runs)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
import time
from collections.abc import Sequence

from scenes.build import QUALITIES, ROOT, BuildError, assemble_lecture, check_quality, render_beats, select_beats

__all__ = ["main"]


def _rel(path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def _size(path) -> str:
    return f"{path.stat().st_size / 1e6:.1f} MB"


def cmd_render(args: argparse.Namespace) -> int:
    quality = check_quality(args.quality)
    chosen = select_beats(args.beats)
    print(f"Rendering {len(chosen)} beat(s) at {quality} quality ({QUALITIES[quality][1]}), "
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
    lecture = assemble_lecture(results, quality, media=args.media)
    print(f"  {_rel(lecture['video']):<40} {lecture['duration']:6.1f} s  {_size(lecture['video']):>8}"
          f"   + {lecture['captions'].name}, {len(lecture['chapters'])} chapters")
    print(f"\nDone in {time.perf_counter() - started:.1f} s.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scenes", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    render = sub.add_parser("render", help="render every beat, then assemble the lecture")
    render.add_argument("--quality", "-q", default="low", help=f"one of: {', '.join(QUALITIES)} (default: low)")
    render.add_argument("--beat", dest="beats", action="append", metavar="NAME",
                        help="render only this beat (scene name or slug); repeatable")
    render.add_argument("--jobs", "-j", type=int, default=None, help="parallel renders (default: one per core)")
    render.add_argument("--force", action="store_true", help="render even beats that are up to date")
    render.add_argument("--media", type=Path, default=None, help="media folder (default: ./media in the repo)")
    render.set_defaults(func=cmd_render)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: published files are untouched", file=sys.stderr)
        return 130
