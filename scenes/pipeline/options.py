"""The command line's options, each declared once and shared by every subcommand that takes it.

As Manim declares its option groups once and attaches them to commands,
each group here is a parent parser (``parents=[QUALITY, BEATS, ...]``):
``--quality``, ``--beat``, ``--jobs``, ``--media``, ``--lecture``, and the
lesson and narration options. :func:`settings_from_args` folds the latter
into one :class:`~scenes.settings.Settings`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from scenes.pipeline.errors import BuildError
from scenes.pipeline.executors import EXECUTOR_HELP
from scenes.pipeline.layout import ROOT
from scenes.pipeline.quality import QUALITY_NAMES
from scenes.settings import CAPTION_MODES, CHECKPOINT_MODES, DEFAULT_TIMEOUT, DEFAULT_VOICE, Settings

__all__ = ["positive_int", "seconds", "media_folder", "file_in_the_way", "quality_option", "BEATS", "JOBS", "UNITS", "MEDIA",
           "EXECUTOR", "SUMMARY",
           "LECTURE", "FORCE", "LESSON_AND_VOICE", "settings_from_args"]


def positive_int(text: str) -> int:
    """argparse type: a whole number ≥ 1, or a message naming the bad value."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 1, got {text!r}")
    return value


def seconds(text: str) -> float:
    """argparse type for ``--voice-timeout``: a number of seconds > 0."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (value > 0 and value != float("inf")):
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0, got {text!r}")
    return value


def media_folder(text: str) -> Path:
    """argparse type for ``--media``: a folder, or a path where one can be made.

    Refuses an empty name (it would mean the current folder, the
    repository) and a path that is, or runs through, a file.
    """
    if not text.strip():
        raise argparse.ArgumentTypeError("must name a folder, got an empty name")
    path = Path(text)
    if (blocker := file_in_the_way(path)) is not None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a folder ({str(blocker)!r} is a file)")
    return path


def file_in_the_way(path: Path) -> Path | None:
    """The file among ``path`` and its parents, if one is in the way of a folder."""
    for part in (path, *path.parents):
        try:
            if part.exists():
                return None if part.is_dir() else part
        except OSError:
            return None
    return None


def _group(build) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(add_help=False)
    build(parser)
    return parser


def quality_option(many: bool = False) -> argparse.ArgumentParser:
    """``--quality/-q``: one quality (default low), or with ``many`` a repeatable list (``qualities``)."""
    if many:
        return _group(lambda p: p.add_argument("--quality", "-q", dest="qualities", action="append",
                                               choices=QUALITY_NAMES,
                                               help="this quality; repeatable (default: low and high)"))
    return _group(lambda p: p.add_argument("--quality", "-q", default="low", choices=QUALITY_NAMES,
                                           help="render quality (default: low)"))


#: ``--beat NAME``: only this beat (scene name or slug); repeatable.
BEATS = _group(lambda p: p.add_argument("--beat", dest="beats", action="append", metavar="NAME",
                                        help="only this beat (scene name or slug); repeatable"))
#: ``--jobs/-j N``: parallel renders.
JOBS = _group(lambda p: p.add_argument("--jobs", "-j", type=positive_int, default=None,
                                       help="parallel renders (default: one per core)"))
#: ``--unit-seconds S``: how long a unit of a beat is (seconds of video).
UNITS = _group(lambda p: p.add_argument(
    "--unit-seconds", type=seconds, default=None, metavar="S",
    help="cut each beat into units of about S seconds of video, at block boundaries, that render in parallel "
         "and are cached one by one (default: whole beats with one job; else the video over four units per "
         "job, at least 20 s)"))
#: ``--media FOLDER``: where the build writes.
MEDIA = _group(lambda p: p.add_argument("--media", type=media_folder, default=None,
                                        help="media folder (default: ./media in the repo)"))
#: ``--lecture MODULE[:LIST]``: the scene list.
LECTURE = _group(lambda p: p.add_argument(
    "--lecture", default=None, metavar="MODULE[:LIST]",
    help="take the scenes from this module or .py file (default: scenes.lecture:SCENES_IN_ORDER)"))
#: ``--force``: render even what is up to date.
EXECUTOR = _group(lambda p: p.add_argument("--executor", default=None, metavar="local|ray|ray=ADDRESS",
                                           help=EXECUTOR_HELP))
SUMMARY = _group(lambda p: (p.add_argument("--summary", type=Path, default=None, metavar="FILE",
                                           help="append a Markdown report of the run (e.g. $GITHUB_STEP_SUMMARY)"),
                            p.add_argument("--artifact", default=None, metavar="NAME",
                                           help="the CI artifact that holds the files, named in the summary")))
FORCE = _group(lambda p: p.add_argument("--force", action="store_true", help="render even beats that are up to date"))


def _lesson_and_voice(common: argparse.ArgumentParser) -> None:
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
    voice.add_argument("--captions", choices=CAPTION_MODES, default="sidecar",
                       help="burn: also draw the captions into the picture (own folder)")
    voice.add_argument("--checkpoints", choices=CHECKPOINT_MODES, default="card",
                       help="none: leave the 'pause and think' question cards out of the film (own folder)")
    voice.add_argument("--voice-cache", metavar="FOLDER", type=media_folder, default=None,
                       help="where synthesised audio is kept (default: <media>/voice)")
    voice.add_argument("--voice-timeout", metavar="SECONDS", type=seconds, default=None,
                       help=f"stop a speech command that has not finished one block after this long "
                            f"(default: {DEFAULT_TIMEOUT:g})")
    voice.add_argument("--allow-long-audio", action="store_true",
                       help="keep a block's audio even when it is far longer than its words could need")


#: The lesson variant and the narration: what every rendering command shares.
LESSON_AND_VOICE = _group(_lesson_and_voice)


def settings_from_args(args: argparse.Namespace, inherited: Settings | None = None) -> Settings:
    """The :class:`~scenes.settings.Settings` the options chose (what they leave open: ``inherited``).

    The voice cache is ``--voice-cache``, else the inherited one, else
    ``<media>/voice`` (``--media``, else the repository's ``media/``).

    Raises
    ------
    BuildError
        One line for a lesson file that does not exist, an override that is
        not ``key=value``, more than one way of choosing the voice, or a
        recordings folder that is not a folder.
    """
    inherited = inherited or Settings()
    lesson = getattr(args, "lesson", None)
    if lesson is not None:
        found = next((p for p in (Path(lesson), ROOT / "lessons" / lesson) if p.is_file()), None)
        if found is None:
            raise BuildError(f"--lesson {lesson!r}: no such file (a TOML lesson file; the shipped ones are in lessons/)")
        lesson = str(found.resolve())
    overrides = tuple(getattr(args, "set", None) or ())
    bad = [o for o in overrides if "=" not in o or ";" in o or "\x00" in o]
    if bad:
        raise BuildError(f"--set {bad[0]!r}: expected key=value, e.g. --set eta=0.3")
    root = getattr(args, "media", None) or ROOT / "media"
    cache = getattr(args, "voice_cache", None) or inherited.voice_cache or root / "voice"
    timeout = getattr(args, "voice_timeout", None)
    return Settings(lesson=lesson, overrides=overrides, voice=_voice_spec(args, inherited.voice),
                    captions=getattr(args, "captions", None) or "sidecar", voice_cache=Path(cache).resolve(),
                    voice_timeout=inherited.voice_timeout if timeout is None else timeout,
                    long_audio=bool(getattr(args, "allow_long_audio", False)) or inherited.long_audio,
                    checkpoints=getattr(args, "checkpoints", None) or "card")


def _voice_spec(args: argparse.Namespace, inherited: str) -> str:
    chosen = [(flag, v) for flag, v in (("--voice", getattr(args, "voice", None)),
                                        ("--voice-cmd", getattr(args, "voice_cmd", None)),
                                        ("--recordings", getattr(args, "recordings", None))) if v is not None]
    if len(chosen) > 1:
        raise BuildError(f"choose one of {', '.join(f for f, _ in chosen)}: they all say who speaks")
    if not chosen:
        return inherited
    flag, value = chosen[0]
    if flag == "--voice-cmd":
        return f"cmd:{value}"
    if flag == "--recordings":
        if not Path(value).is_dir():
            raise BuildError(f"--recordings {value!r}: not a folder (one audio file per block, named by its id; "
                             "python -m scenes script lists them)")
        return f"recordings:{Path(value).resolve()}"
    return value
