"""Command line: ``python -m scenes render|export|preview|script|bench`` (what ``make`` runs).

The lesson and the narration are chosen here and handed to every render
through environment variables (the film reads them, see :mod:`neuron.lessonfile`
and :mod:`scenes.narration`): ``--lesson FILE`` and ``--set key=value`` pick the
parameters, ``--voice``, ``--voice-cmd`` or ``--recordings`` who speaks,
``--captions burn`` captions drawn into the picture. A lesson variant other
than the default, or burned-in captions, renders into its own folder
(``media/<variant>/<quality>``), so variants live side by side, each with
its own cache.

A bad input or a failing disk ends the command with one line on stderr,
``error: <path>: <cause>`` (read-only, no space left, not a folder, a
damaged video), and exit status 2; published files are only ever replaced by
a rename, so none is lost.
"""

from __future__ import annotations

import argparse
import errno
import os
import json
import sys
from pathlib import Path
import time
from collections.abc import Sequence

import av.error

from scenes.pipeline.bench import add_bench_parser
from scenes.pipeline.build import ROOT, BuildError, assemble_lecture, render_beats, select_beats
from scenes.pipeline.layout import MediaLayout
from scenes.pipeline.executors import Executor, executor_from_spec
from scenes.pipeline.options import (BEATS, EXECUTOR, FORCE, JOBS, LECTURE, LESSON_AND_VOICE, MEDIA, SUMMARY, UNITS,
                                     file_in_the_way, media_folder, quality_option, settings_from_args)
from scenes.pipeline.quality import QUALITIES
from neuron.checks import safe_name
from scenes.files import atomic_path, inside
from scenes.pipeline.recordings import recording_notes
from scenes.settings import Settings

__all__ = ["main", "media_folder", "describe_error", "choose", "Choice"]

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


def describe_error(e: OSError | av.error.FFmpegError) -> str:
    """One line for a failed file operation: ``<path>: <cause>``."""
    filename = getattr(e, "filename", None) or getattr(e, "filename2", None)
    code = getattr(e, "errno", None)
    cause = CAUSES.get(code)
    if isinstance(e, av.error.FFmpegError) and cause is None:
        cause = f"{e.strerror or e} (not a readable video)"
    elif code in (errno.ENOTDIR, errno.EEXIST) and filename and (blocker := file_in_the_way(Path(filename))):
        cause = "not a folder" + (f" ({_rel(blocker)} is a file)" if blocker != Path(filename) else "")
    cause = cause or e.strerror or str(e)
    return f"{_rel(Path(filename)) if filename else 'a file'}: {cause}"


class Choice:
    """What ``--lesson``/``--set``/``--voice``/``--captions`` chose: the settings, the variant's name, its media folder."""

    def __init__(self, settings: Settings, variant: str, media: Path | None) -> None:
        self.settings, self.variant, self.media = settings, variant, media

    @property
    def voice(self) -> str:
        return self.settings.voice


def choose(args: argparse.Namespace) -> Choice:
    """Settle the settings from ``args``, hand them to every render (the environment); say where files go.

    The environment is changed only once every choice is accepted.

    Raises
    ------
    BuildError
        One line for a lesson file or override the presets refuse, or a voice
        that does not exist or is not installed. Nothing is written before.
    """
    try:  # the film reads the same settings: what it will refuse, refuse now, in one line
        settings = settings_from_args(args, inherited=Settings.from_env())
        from neuron.lessonfile import variant_from_environment
        from scenes.voices import Voice

        variant = variant_from_environment(settings.to_env())  # as every render will read it
        Voice.from_string(settings.voice)
        folder = safe_name("lesson variant", variant.name + ("+burned-captions" if settings.burn else "")
                           + ("+no-checkpoints" if settings.checkpoints == "none" else ""))
        media = getattr(args, "media", None)
        if folder != "default":
            root = media or ROOT / "media"
            media = inside(root, root / folder)
    except (ValueError, RuntimeError) as e:
        raise BuildError(str(e)) from None
    settings.apply()  # only what was accepted reaches this process and every render
    return Choice(settings, variant.name, media)


def cmd_render(args: argparse.Namespace) -> int:
    choice = choose(args)
    args.media = choice.media
    quality = args.quality
    chosen = select_beats(args.beats, lecture=args.lecture)
    print(f"Rendering {len(chosen)} beat(s) at {quality} quality ({QUALITIES[quality]}), "
          f"{args.jobs or 'one per core'} at a time; lesson {choice.variant}, voice {choice.voice} ...", flush=True)
    started = time.perf_counter()
    with _executor(args) as executor:
        results = render_beats(chosen, quality, jobs=args.jobs, force=args.force, media=args.media,
                               report=lambda line: print(line, flush=True), executor=executor,
                               unit_seconds=args.unit_seconds)
    _summarise(args, f"render at {quality}", results, started)
    print("\nWrote:")
    for r in results:
        print(f"  {_rel(r.video):<40} {r.duration:6.1f} s  {_size(r.video):>8}   + {r.captions.name}")
    if args.beats:
        _print_notes(results, args)
        _record_run(results, quality, args.media, started)
        print(f"\nDone in {time.perf_counter() - started:.1f} s (lecture not assembled: beats were chosen).")
        return 0
    lecture = assemble_lecture(results, quality, media=args.media, report=lambda line: print(line, flush=True))
    print(f"  {_rel(lecture['video']):<40} {lecture['duration']:6.1f} s  {_size(lecture['video']):>8}"
          f"   + {lecture['captions'].name}, {len(lecture['chapters'])} chapters")
    _print_notes(results, args)
    _record_run(results, quality, args.media, started)
    print(f"\nDone in {time.perf_counter() - started:.1f} s.")
    return 0


def _record_run(results, quality: str, media: Path | None, started: float) -> None:
    """Write what this render did (:attr:`MediaLayout.last_run`): the benchmark reads it, not the printed text."""
    record = {"seconds": round(time.perf_counter() - started, 3),
              "beats": {r.beat.slug: r.reason if r.rendered else "up to date" for r in results}}
    with atomic_path(MediaLayout.of(quality, media).last_run) as tmp:
        tmp.write_text(json.dumps(record, indent=1), encoding="utf-8")


def _print_notes(results, args: argparse.Namespace) -> None:
    """What the user should know about the voice after a build: recordings missing or never read."""
    notes = recording_notes(results, lecture=getattr(args, "lecture", None))
    if notes:
        print("\nRecordings:")
        for note in notes:
            print(f"  {note}")


def cmd_export(args: argparse.Namespace) -> int:
    from scenes.pipeline.export import export

    args.media = choose(args).media
    if args.mastery_score is not None:
        from scenes.pipeline.scorm import MASTERY_ENV

        os.environ[MASTERY_ENV] = args.mastery_score
    select_beats(args.beats, lecture=args.lecture)  # raises before anything is written
    started = time.perf_counter()
    with _executor(args) as executor:
        manifest = export(args.quality, args.beats, media=args.media, jobs=args.jobs, lecture=args.lecture,
                          report=lambda line: print(line, flush=True), executor=executor)
    entries = [*manifest["clips"], *([manifest["lecture"]] if manifest["lecture"] else [])]
    folder = MediaLayout.of(args.quality, args.media).clips
    print(f"\n{len(entries)} clip(s) in {_rel(folder)}/ "
          f"({sum(f['bytes'] for e in entries for f in e['files'].values()) / 1e6:.1f} MB), "
          f"gallery: {_rel(folder / 'index.html')}; done in {time.perf_counter() - started:.1f} s.")
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    from scenes.pipeline.preview import preview

    args.media = choose(args).media
    started = time.perf_counter()
    results: list = []
    sheet = preview(media=args.media, jobs=args.jobs, report=lambda line: print(line, flush=True), results=results)
    _summarise(args, "low-quality preview", results, started, sheet=sheet)
    print(f"\nWrote {_rel(sheet)} in {time.perf_counter() - started:.1f} s.")
    return 0


def _executor(args: argparse.Namespace) -> Executor:
    """The executor ``--executor`` names (one line and exit 2 for a bad value or a missing engine)."""
    try:
        return executor_from_spec(args.executor)
    except (ValueError, RuntimeError, ConnectionError) as e:
        raise BuildError(str(e)) from None


def _summarise(args: argparse.Namespace, title: str, results: list, started: float, sheet: Path | None = None
               ) -> None:
    """With ``--summary FILE``: append the run's Markdown report (see :mod:`scenes.pipeline.summary`)."""
    if getattr(args, "summary", None) is None:
        return
    from scenes.pipeline.summary import append_summary, summary_markdown

    append_summary(args.summary, summary_markdown(title, results, time.perf_counter() - started, sheet=sheet,
                                                  artifact=args.artifact or ""))


def cmd_merge(args: argparse.Namespace) -> int:
    """Verify the parts (media folders from other machines) against this checkout, then publish them here."""
    from scenes.pipeline.merge import merge_parts

    base = args.media or ROOT / "media"
    dest = choose(args).media or base
    chosen = select_beats(args.beats, lecture=args.lecture)
    merged = merge_parts(args.parts, chosen, args.quality, media=dest, layout=dest.relative_to(base) / args.quality,
                         complete=not args.beats, report=lambda line: print(line, flush=True))
    print(f"\nMerged {len(merged)} beat(s) from {len(args.parts)} part(s) into "
          f"{_rel(MediaLayout.of(args.quality, dest).beats)}/.")
    return 0


def cmd_beats(args: argparse.Namespace) -> int:
    """Print the lecture's beats: one JSON line (``--json``, for a CI matrix) or one per line."""
    from scenes.pipeline.summary import beats_json

    chosen = select_beats(None, lecture=args.lecture)
    print(beats_json(chosen) if args.json else "\n".join(f"{b.slug}\t{b.name}\t{b.title}" for b in chosen))
    return 0


def cmd_script(args: argparse.Namespace) -> int:
    """Write the recording script: one line per narrated block (id, beat, words)."""
    from scenes.pipeline.script import recording_script, write_script

    choose(args)
    lines = recording_script([b.scene for b in select_beats(args.beats, lecture=args.lecture)])
    target = args.out or (args.media or ROOT / "media") / "recording-script.tsv"
    write_script(lines, target)
    print(f"Wrote {_rel(target)}: {len(lines)} blocks to record, "
          f"{sum(len(line.text) for line in lines)} characters.")
    return 0


def mastery(text: str) -> str:
    """argparse type for ``--mastery-score``: a whole percent 0-100, or ``none``."""
    value = text.strip().lower()
    if value != "none" and not (value.isdigit() and 0 <= int(value) <= 100):
        raise argparse.ArgumentTypeError(f"must be a whole percent 0-100 or none, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scenes", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    quality = quality_option()

    render = sub.add_parser("render", help="render every beat, then assemble the lecture",
                            parents=[LESSON_AND_VOICE, quality, BEATS, JOBS, UNITS, FORCE, MEDIA, LECTURE, EXECUTOR,
                                     SUMMARY])
    render.set_defaults(func=cmd_render)

    export = sub.add_parser("export", help="render, then write clips, slides, transcript, manifest and gallery",
                            parents=[LESSON_AND_VOICE, quality, BEATS, JOBS, MEDIA, LECTURE, EXECUTOR])
    export.add_argument("--mastery-score", type=mastery, default=None, metavar="PERCENT",
                        help="the SCORM packages' mastery score, 0-100 (percent of checkpoints right), "
                             "or none (default: 80)")
    export.set_defaults(func=cmd_export)

    preview = sub.add_parser("preview", help="render every beat at low quality and draw a contact sheet",
                             parents=[LESSON_AND_VOICE, JOBS, MEDIA, SUMMARY])
    preview.set_defaults(func=cmd_preview)

    merge = sub.add_parser("merge", help="join media folders rendered elsewhere, verified against this checkout",
                           parents=[LESSON_AND_VOICE, quality, BEATS, MEDIA, LECTURE])
    merge.add_argument("parts", nargs="+", type=Path, metavar="DIR",
                       help="a media folder another machine rendered into (DIR/<quality>/beats/...)")
    merge.set_defaults(func=cmd_merge)

    listing = sub.add_parser("beats", help="list the lecture's beats (--json: for a CI matrix)", parents=[LECTURE])
    listing.add_argument("--json", action="store_true", help="one line of JSON: order, slug, name, title per beat")
    listing.set_defaults(func=cmd_beats)

    script = sub.add_parser("script", help="write the recording script for narrating in your own voice",
                            parents=[LESSON_AND_VOICE, BEATS, LECTURE, MEDIA])
    script.add_argument("--out", type=Path, default=None,
                        help="where to write it (default: <media>/recording-script.tsv)")
    script.set_defaults(func=cmd_script)

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
