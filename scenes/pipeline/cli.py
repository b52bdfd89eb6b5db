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
import sys
from pathlib import Path
import time
from collections.abc import Sequence

import av.error

from scenes.pipeline.bench import add_bench_parser, positive_int
from scenes.pipeline.quality import QUALITIES, QUALITY_NAMES
from neuron.checks import safe_name
from scenes.files import inside
from scenes.pipeline.build import ROOT, BuildError, assemble_lecture, output_dir, render_beats, select_beats
from scenes.pipeline.media import atomic_path
from scenes.pipeline.recordings import recording_notes

__all__ = ["main", "media_folder", "describe_error", "choose", "Choice"]

#: The variables the film reads (set here for this process and every render worker).
LESSON_VAR, SET_VAR, VOICE_VAR, CAPTIONS_VAR = "LECTURE_LESSON", "LECTURE_SET", "LECTURE_VOICE", "LECTURE_CAPTIONS"
#: ``card`` or ``none``: the "pause and think" cards in the film (see :mod:`scenes.checkpoint_card`).
CHECKPOINTS_VAR = "LECTURE_CHECKPOINTS"
#: The SCORM packages' mastery score (see :mod:`scenes.pipeline.scorm`).
MASTERY_VAR = "LECTURE_MASTERY_SCORE"
#: Who speaks when nothing is chosen: the most intelligible offline engine measured here (README).
DEFAULT_VOICE = "flite:rms"

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
    cause = CAUSES.get(code)
    if isinstance(e, av.error.FFmpegError) and cause is None:
        cause = f"{e.strerror or e} (not a readable video)"
    elif code in (errno.ENOTDIR, errno.EEXIST) and filename and (blocker := _file_in_the_way(Path(filename))):
        cause = "not a folder" + (f" ({_rel(blocker)} is a file)" if blocker != Path(filename) else "")
    cause = cause or e.strerror or str(e)
    return f"{_rel(Path(filename)) if filename else 'a file'}: {cause}"


class Choice:
    """What ``--lesson``/``--set``/``--voice``/``--captions`` chose: the variant's name and its media folder."""

    def __init__(self, variant: str, voice: str, burn: bool, media: Path | None) -> None:
        self.variant, self.voice, self.burn, self.media = variant, voice, burn, media


def choose(args: argparse.Namespace) -> Choice:
    """Set the lesson and narration variables from ``args``; check them; say where the files go.

    Raises
    ------
    BuildError
        One line for a lesson file or override the presets refuse, or a voice
        that does not exist or is not installed. Nothing is written before.
    """
    lesson = getattr(args, "lesson", None)
    overrides = list(getattr(args, "set", None) or [])
    if lesson is not None:
        found = next((p for p in (Path(lesson), ROOT / "lessons" / lesson) if p.is_file()), None)
        if found is None:
            raise BuildError(f"--lesson {lesson!r}: no such file (a TOML lesson file; the shipped ones are in lessons/)")
        os.environ[LESSON_VAR] = str(found.resolve())
    else:
        os.environ.pop(LESSON_VAR, None)
    if overrides:
        bad = [o for o in overrides if "=" not in o or ";" in o or "\x00" in o]
        if bad:
            raise BuildError(f"--set {bad[0]!r}: expected key=value, e.g. --set eta=0.3")
        os.environ[SET_VAR] = ";".join(overrides)
    else:
        os.environ.pop(SET_VAR, None)
    voice = _voice_spec(args)
    os.environ[VOICE_VAR] = voice
    burn = getattr(args, "captions", "sidecar") == "burn"
    os.environ[CAPTIONS_VAR] = "burn" if burn else "sidecar"
    asked = getattr(args, "checkpoints", "card") or "card"
    os.environ[CHECKPOINTS_VAR] = asked
    root = getattr(args, "media", None) or ROOT / "media"
    _voice_settings(args, root)
    try:  # the film reads the same variables: what it will refuse, refuse now, in one line
        from neuron.lessonfile import variant_from_environment
        from scenes.narration import voice_from_env, voice_timeout

        variant = variant_from_environment()
        voice_from_env()
        voice_timeout()
        folder = safe_name("lesson variant", variant.name + ("+burned-captions" if burn else "")
                           + ("+no-checkpoints" if asked == "none" else ""))
        media = getattr(args, "media", None)
        if folder != "default":
            media = inside(root, root / folder)
    except (ValueError, RuntimeError) as e:
        raise BuildError(str(e)) from None
    return Choice(variant.name, voice, burn, media)


def _voice_settings(args: argparse.Namespace, root: Path) -> None:
    """The voice cache (``--voice-cache``, else the environment's, else ``<media>/voice``), timeout, long audio."""
    from scenes.narration import CACHE_ENV, LONG_AUDIO_ENV, TIMEOUT_ENV

    chosen = getattr(args, "voice_cache", None)
    if chosen is not None or not os.environ.get(CACHE_ENV):
        os.environ[CACHE_ENV] = str(Path(chosen or root / "voice").resolve())
    if getattr(args, "voice_timeout", None) is not None:
        os.environ[TIMEOUT_ENV] = repr(args.voice_timeout)
    if getattr(args, "allow_long_audio", False):
        os.environ[LONG_AUDIO_ENV] = "1"


def mastery(text: str) -> str:
    """argparse type for ``--mastery-score``: a whole percent 0-100, or ``none``."""
    value = text.strip().lower()
    if value != "none" and not (value.isdigit() and 0 <= int(value) <= 100):
        raise argparse.ArgumentTypeError(f"must be a whole percent 0-100 or none, got {text!r}")
    return value


def _voice_spec(args: argparse.Namespace) -> str:
    chosen = [(flag, v) for flag, v in (("--voice", getattr(args, "voice", None)),
                                        ("--voice-cmd", getattr(args, "voice_cmd", None)),
                                        ("--recordings", getattr(args, "recordings", None))) if v is not None]
    if len(chosen) > 1:
        raise BuildError(f"choose one of {', '.join(f for f, _ in chosen)}: they all say who speaks")
    if not chosen:
        return os.environ.get(VOICE_VAR, "").strip() or DEFAULT_VOICE
    flag, value = chosen[0]
    if flag == "--voice-cmd":
        return f"cmd:{value}"
    if flag == "--recordings":
        if not Path(value).is_dir():
            raise BuildError(f"--recordings {value!r}: not a folder (one audio file per block, named by its id; "
                             "python -m scenes script lists them)")
        return f"recordings:{Path(value).resolve()}"
    return value


def cmd_render(args: argparse.Namespace) -> int:
    choice = choose(args)
    args.media = choice.media
    quality = args.quality
    chosen = select_beats(args.beats, lecture=args.lecture)
    print(f"Rendering {len(chosen)} beat(s) at {quality} quality ({QUALITIES[quality]}), "
          f"{args.jobs or 'one per core'} at a time; lesson {choice.variant}, voice {choice.voice} ...", flush=True)
    started = time.perf_counter()
    results = render_beats(chosen, quality, jobs=args.jobs, force=args.force, media=args.media,
                           report=lambda line: print(line, flush=True))
    print("\nWrote:")
    for r in results:
        print(f"  {_rel(r.video):<40} {r.duration:6.1f} s  {_size(r.video):>8}   + {r.captions.name}")
    if args.beats:
        _print_notes(results, args)
        print(f"\nDone in {time.perf_counter() - started:.1f} s (lecture not assembled: beats were chosen).")
        return 0
    lecture = assemble_lecture(results, quality, media=args.media, report=lambda line: print(line, flush=True))
    print(f"  {_rel(lecture['video']):<40} {lecture['duration']:6.1f} s  {_size(lecture['video']):>8}"
          f"   + {lecture['captions'].name}, {len(lecture['chapters'])} chapters")
    _print_notes(results, args)
    print(f"\nDone in {time.perf_counter() - started:.1f} s.")
    return 0


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
        os.environ[MASTERY_VAR] = args.mastery_score
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

    args.media = choose(args).media
    started = time.perf_counter()
    sheet = preview(media=args.media, jobs=args.jobs, report=lambda line: print(line, flush=True))
    print(f"\nWrote {_rel(sheet)} in {time.perf_counter() - started:.1f} s.")
    return 0


def cmd_script(args: argparse.Namespace) -> int:
    """Write the recording script: one line per narrated block (id, beat, words)."""
    from scenes.narration import recording_script

    choose(args)
    lines = recording_script([b.scene for b in select_beats(args.beats, lecture=args.lecture)])
    target = args.out or (args.media or ROOT / "media") / "recording-script.tsv"
    target.parent.mkdir(parents=True, exist_ok=True)
    rows = ["# Recording script: record each block into <folder>/<id>.wav (or .mp3, .ogg, .flac, .m4a),",
            "# then: make lecture VOICE_ARGS='--recordings <folder>'. Columns: id, beat, words.",
            *(f"{line.id}\t{line.beat}\t{line.text}" for line in lines)]
    with atomic_path(target) as tmp:
        tmp.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"Wrote {_rel(target)}: {len(lines)} blocks to record, "
          f"{sum(len(line.text) for line in lines)} characters.")
    return 0


def _lesson_options() -> argparse.ArgumentParser:
    """The options every rendering command shares: lesson variant and narration."""
    common = argparse.ArgumentParser(add_help=False)
    lesson = common.add_argument_group("lesson")
    lesson.add_argument("--lesson", metavar="FILE", help="a TOML lesson file (see lessons/); default: the presets")
    lesson.add_argument("--set", action="append", metavar="KEY=VALUE",
                        help="change one parameter after the lesson file, e.g. eta=0.3 or bad.w=3; repeatable")
    voice = common.add_argument_group("narration")
    voice.add_argument("--voice", metavar="ENGINE[:VOICE]",
                       help=f"flite[:rms|slt|awb|kal16], espeak-ng[:VOICE] or none (default: {DEFAULT_VOICE})")
    voice.add_argument("--voice-cmd", metavar="TEMPLATE",
                       help="any TTS command: {text} (quoted) or stdin gives the words, it writes {wav}")
    voice.add_argument("--recordings", metavar="FOLDER",
                       help="your own recordings, one file per block named by its id (see: script)")
    voice.add_argument("--captions", choices=("sidecar", "burn"), default="sidecar",
                       help="burn: also draw the captions into the picture (own folder)")
    voice.add_argument("--checkpoints", choices=("card", "none"), default="card",
                       help="none: leave the 'pause and think' question cards out of the film (own folder)")
    voice.add_argument("--voice-cache", metavar="FOLDER", type=media_folder, default=None,
                       help="where synthesised audio is kept (default: <media>/voice)")
    voice.add_argument("--voice-timeout", metavar="SECONDS", type=seconds, default=None,
                       help="stop a speech command that has not finished one block after this long (default: 120)")
    voice.add_argument("--allow-long-audio", action="store_true",
                       help="keep a block's audio even when it is far longer than its words could need")
    return common


def seconds(text: str) -> float:
    """argparse type for ``--voice-timeout``: a number of seconds > 0."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (value > 0 and value != float("inf")):
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scenes", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    common = _lesson_options()

    render = sub.add_parser("render", help="render every beat, then assemble the lecture", parents=[common])
    render.add_argument("--quality", "-q", default="low", choices=QUALITY_NAMES, help="render quality (default: low)")
    render.add_argument("--beat", dest="beats", action="append", metavar="NAME",
                        help="render only this beat (scene name or slug); repeatable")
    render.add_argument("--jobs", "-j", type=positive_int, default=None, help="parallel renders (default: one per core)")
    render.add_argument("--force", action="store_true", help="render even beats that are up to date")
    render.add_argument("--media", type=media_folder, default=None, help="media folder (default: ./media in the repo)")
    render.add_argument("--lecture", default=None, metavar="MODULE[:LIST]",
                        help="take the scenes from this module or .py file (default: scenes.lecture:SCENES_IN_ORDER)")
    render.set_defaults(func=cmd_render)

    export = sub.add_parser("export", help="render, then write clips, slides, transcript, manifest and gallery",
                            parents=[common])
    export.add_argument("--quality", "-q", default="low", choices=QUALITY_NAMES, help="render quality (default: low)")
    export.add_argument("--beat", dest="beats", action="append", metavar="NAME",
                        help="export only this beat (scene name or slug); repeatable")
    export.add_argument("--jobs", "-j", type=positive_int, default=None, help="parallel renders (default: one per core)")
    export.add_argument("--media", type=media_folder, default=None, help="media folder (default: ./media in the repo)")
    export.add_argument("--mastery-score", type=mastery, default=None, metavar="PERCENT",
                        help="the SCORM packages' mastery score, 0-100 (percent of checkpoints right), "
                             "or none (default: 80)")
    export.set_defaults(func=cmd_export)

    preview = sub.add_parser("preview", help="render every beat at low quality and draw a contact sheet",
                             parents=[common])
    preview.add_argument("--jobs", "-j", type=positive_int, default=None, help="parallel renders (default: one per core)")
    preview.add_argument("--media", type=media_folder, default=None, help="media folder (default: ./media in the repo)")
    preview.set_defaults(func=cmd_preview)

    script = sub.add_parser("script", help="write the recording script for narrating in your own voice",
                            parents=[common])
    script.add_argument("--beat", dest="beats", action="append", metavar="NAME", help="only this beat; repeatable")
    script.add_argument("--lecture", default=None, metavar="MODULE[:LIST]", help="scenes from this module or file")
    script.add_argument("--out", type=Path, default=None,
                        help="where to write it (default: <media>/recording-script.tsv)")
    script.add_argument("--media", type=media_folder, default=None, help="media folder (default: ./media in the repo)")
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
