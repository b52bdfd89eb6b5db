"""One beat's render as a unit of work: a function call that renders into a staging folder, anywhere.

:func:`render_unit` is what an executor (:mod:`scenes.pipeline.executors`)
runs: here in a thread, or on a Ray worker in a shipped copy of the
checkout. It returns the worker's facts, the versions it rendered with, and
the files it made (relative to the staging folder), which the executor
brings back verified. The voice cache entries the render read travel with it
(``staging/voice``), named ``unit-voice:<name>`` in its sources;
:func:`land_voice` publishes them into the voice cache of the machine that
publishes the beat, under its own path.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from scenes.files import inside
from scenes.pipeline.layout import ROOT, shown
from scenes.pipeline.ranges import RANGE_ENV
from scenes.pipeline.run import run_worker
from scenes.pipeline.stamp import installed_versions
from scenes.pipeline.travel import TravelError, bring_voice, safe_relative, voice_cache

__all__ = ["UNIT_LOG", "UNIT_VOICE", "render_unit", "land_voice", "worker_facts"]

#: The log a unit's worker writes, inside its staging folder.
UNIT_LOG = "worker.log"
#: How a unit names a voice cache entry it read (it lands in the publishing machine's cache).
UNIT_VOICE = "unit-voice:"


def worker_facts(log: Path) -> dict | None:
    """The facts line the worker prints last, if it got that far."""
    for line in reversed(log.read_text(errors="replace").splitlines()):
        if line.startswith("WORKER "):
            return json.loads(line[len("WORKER "):])
    return None


def render_unit(staging: Path, cache: Path, target: str, scene: str, quality: str, plays: str = "",
                status: Callable[[str], None] | None = None) -> dict:
    """Render ``scene`` of ``target`` (a file relative to the repository) into ``staging/render``.

    ``plays`` (``"START,END"``, :data:`~scenes.pipeline.ranges.RANGE_ENV`)
    renders only those animations, a unit smaller than the beat; empty, the whole beat.

    The worker's output goes to ``staging/worker.log``, its progress lines to
    ``status``; ``cache`` holds this machine's LaTeX SVGs (``cache/<module>``).

    Returns
    -------
    dict
        ``returncode``; ``facts`` (the worker's, its video and sections index
        relative to ``staging``, or ``None``); ``versions`` (where it ran);
        ``files``, everything to bring back (relative to ``staging``).
    """
    log = staging / UNIT_LOG
    cmd = [sys.executable, "-m", "scenes.pipeline.worker", target, scene, quality, str(staging / "render"),
           str(cache / Path(target).stem)]
    code = run_worker(cmd, log, status or (lambda line: None), {RANGE_ENV: plays})
    facts, files = worker_facts(log), [UNIT_LOG]
    if code == 0 and facts and Path(facts["video"]).is_file():
        video = Path(facts["video"])
        facts["video"] = video.relative_to(staging).as_posix()
        if video.with_suffix(".srt").is_file():
            files.append(video.with_suffix(".srt").relative_to(staging).as_posix())
        files.append(facts["video"])
        index = Path(facts.get("sections") or "")
        if index.is_file():
            facts["sections"] = index.relative_to(staging).as_posix()
            files += [facts["sections"], *((index.parent / s["video"]).relative_to(staging).as_posix()
                                           for s in json.loads(index.read_text()))]
        cache_dir = voice_cache()
        # The sounds the render laid (scenes.pipeline.ranges) are named like the sources: a voice
        # cache entry travels, a file of the checkout by its path in it.
        for source in [*(facts.get("sources") or []), *(facts.get("sounds") or [])]:
            read = (ROOT / source["path"]).resolve()
            if read.parent == cache_dir and read.is_file():
                if f"voice/{read.name}" not in files:
                    (staging / "voice").mkdir(exist_ok=True)
                    try:
                        os.link(read, staging / "voice" / read.name)
                    except OSError:
                        shutil.copyfile(read, staging / "voice" / read.name)
                    files.append(f"voice/{read.name}")
                source["path"] = f"{UNIT_VOICE}{read.name}"
            elif read.is_relative_to(ROOT):
                source["path"] = read.relative_to(ROOT).as_posix()
    return {"returncode": code, "facts": facts, "versions": installed_versions(), "files": files}


def land_voice(brought: Path, sources: list[dict]) -> None:
    """Publish the voice entries a unit brought into this machine's voice cache; name them by their path here."""
    cache = voice_cache()
    landed: dict[str, Path] = {}
    for source in sources:
        if str(source.get("path", "")).startswith(UNIT_VOICE):
            name = str(safe_relative(source["path"][len(UNIT_VOICE):]))
            if "/" in name:
                raise TravelError(f"{source['path']!r}: not a voice cache entry")
            if name not in landed:
                landed[name] = inside(cache, cache / name, "voice cache")
                bring_voice({brought / name: landed[name]})
            source["path"] = shown(landed[name])
