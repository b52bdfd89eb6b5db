"""The benchmark's targets: each owns its measurement, its limit and what it says about a miss.

A :class:`Target` reads one quality's render results (what
:func:`scenes.pipeline.bench.bench_quality` measured) in :meth:`Target.measure`
and returns the value checked against its limit, and what bounds it.
:func:`evaluate` runs every target of :data:`TARGETS` over every quality it applies to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

__all__ = ["PHASES", "PHASE_NAMES", "Measured", "Target", "TARGETS", "evaluate"]

#: Phases of a worker's time, in the order printed (see :class:`scenes.pipeline.profile.FrameClock`).
PHASES = ("startup", "tex", "build", "logic", "raster", "handoff", "combine")
PHASE_NAMES = {
    "startup": "process start + imports",
    "tex": "LaTeX + dvisvgm",
    "build": "building mobjects, static frames, rest",
    "logic": "animations + updaters",
    "raster": "Cairo drawing",
    "handoff": "waiting for the encoder queue",
    "combine": "joining segments",
}


@dataclass(frozen=True)
class Measured:
    """What a target measured: the value, what bounds it, and a note on what was measured."""

    value: float
    bound: str
    note: str = ""


@dataclass(frozen=True)
class Target:
    """A goal the render should meet: ``value ≤ limit`` (or ``<`` when ``strict``).

    Subclasses implement :meth:`measure`.
    """

    name: str
    text: str
    quality: str  # a quality's name, or "*" for every quality measured
    limit: float
    strict: ClassVar[bool] = False

    def met(self, value: float) -> bool:
        """Whether ``value`` meets the target."""
        return value < self.limit if self.strict else value <= self.limit

    def measure(self, render: dict[str, Any]) -> Measured | None:
        """The value of one quality's ``render`` results (None: not measured)."""
        raise NotImplementedError


class LectureSpeed(Target):
    """The whole lecture's render wall time over its length."""

    def measure(self, render: dict[str, Any]) -> Measured | None:
        lecture = render["lecture"]
        note = "" if lecture["whole"] else f" (only {lecture['beats']} beat(s) measured)"
        return Measured(lecture["ratio"], _bound(render), note)


class Rerun(Target):
    """A rerun with nothing changed, against a full render."""

    def measure(self, render: dict[str, Any]) -> Measured | None:
        rr = render["rerun"]
        startup = rr["wall"] - rr["after_imports"] if rr["after_imports"] is not None else float("nan")
        return Measured(rr["ratio"], f"{rr['beats_up_to_date']}/{rr['beats']} beats skipped; of its {rr['wall']:.1f} s, "
                        f"{startup:.1f} s are before the build starts (importing manim and the scenes alone: "
                        f"{rr['import_seconds']:.1f} s), {rr['after_imports'] or 0:.1f} s fingerprints, "
                        "checks and the lecture check")


class VoiceCost(Target):
    """What synthesising every block anew adds to a full render."""

    def measure(self, render: dict[str, Any]) -> Measured | None:
        v = render.get("voice")
        if v is None:
            return None
        return Measured(v["synthesis_share"],
                        f"all blocks synthesised anew {v['cold_wall']:.1f} s against {v['warm_wall']:.1f} s from "
                        f"the voice cache; silent (--voice none, paced for reading) {v['silent_wall']:.1f} s")


class Creep(Target):
    """Frame time late in the worst beat against early in it."""

    def measure(self, render: dict[str, Any]) -> Measured | None:
        beats = render["beats"]
        worst_slug, worst = max(((s, b["summary"]) for s, b in beats.items()), key=lambda sb: sb[1]["creep"] or 0.0)
        which = ("updaters/animation logic" if (worst["logic_creep"] or 0) >= (worst["raster_creep"] or 0)
                 else "Cairo drawing")
        in_play = max(((s, b["summary"]) for s, b in beats.items()), key=lambda sb: sb[1]["play_creep"] or 0.0)
        bound = (f"worst {worst_slug}: frame {worst['frame_ms_first_third']:.1f} → "
                 f"{worst['frame_ms_last_third']:.1f} ms; logic ×{worst['logic_creep'] or 0:.2f}, "
                 f"drawing ×{worst['raster_creep'] or 0:.2f} → bound by {which}. Within one animation "
                 f"the worst is ×{in_play[1]['play_creep'] or 0:.2f} ({in_play[0]}, play "
                 f"#{in_play[1]['play_creep_index']}): "
                 + ("frames grow as an animation runs (something accumulates)"
                    if (in_play[1]["play_creep"] or 0) > self.limit
                    else "no animation slows as it runs; the later animations are just heavier")
                 + _updater_creep(beats))
        return Measured(worst["creep"] or 0.0, bound)


class Memory(Target):
    """Peak memory of the largest render process (MB); strictly under the limit."""

    strict = True

    def measure(self, render: dict[str, Any]) -> Measured | None:
        worst_slug, worst = max(((s, b["summary"]) for s, b in render["beats"].items()),
                                key=lambda sb: sb[1]["peak_rss_mb"])
        return Measured(worst["peak_rss_mb"], f"largest: {worst_slug} {worst['peak_rss_mb']:.0f} MB")


TARGETS: tuple[Target, ...] = (
    LectureSpeed("lecture_low", "whole lecture at low: render wall ≤ 0.2 × its duration", "low", 0.2),
    LectureSpeed("lecture_high", "whole lecture at 1080p60: render wall ≤ 1.5 × its duration", "high", 1.5),
    Rerun("rerun", "no-change rerun ≤ 2% of a full render", "*", 0.02),
    VoiceCost("voice", "synthesising every block anew adds ≤ 10% to a full render", "*", 0.10),
    Creep("creep", "last-third frame time ≤ 1.2 × first third (worst beat)", "*", 1.2),
    Memory("rss_high", "peak memory per render process at 1080p60 < 1 GB", "high", 1024.0),
)


def _bound(render: dict[str, Any]) -> str:
    """Where the time of a quality's renders went, largest share first."""
    totals = dict.fromkeys(PHASES, 0.0)
    encode = 0.0
    for b in render["beats"].values():
        for p in PHASES:
            totals[p] += b["summary"]["split"][p]
        encode += b["summary"]["encode_thread_seconds"]
    whole = sum(totals.values()) or 1.0
    shares = sorted(totals.items(), key=lambda kv: -kv[1])
    text = ", ".join(f"{PHASE_NAMES[p]} {v / whole:.0%}" for p, v in shares if v / whole >= 0.01)
    lecture = render["lecture"]
    speedup = f"{lecture['speedup']:.2f}×" if lecture["speedup"] else "n/a (cold alone runs)"
    return (f"bound by {PHASE_NAMES[shares[0][0]]}: {text}; PyAV encoding ran {encode:.1f} s on its own "
            f"threads ({encode / whole:.0%} of the serial time, overlapped); parallel speedup "
            f"{speedup} on {lecture['jobs']} jobs")


def _updater_creep(beats: dict[str, Any]) -> str:
    """The updaters' own creep: logic time within each beat's longest animation."""
    known = [(s, b["summary"].get("longest_play_logic_creep")) for s, b in beats.items()]
    known = [(s, v) for s, v in known if v is not None]
    if not known:
        return ""
    slug, value = max(known, key=lambda sv: sv[1])
    return f". Updaters alone, within each beat's longest animation: worst ×{value:.2f} ({slug})"


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Check every target that was measured; say what bounds each miss."""
    renders = results.get("render", {})
    checks = []
    for t in TARGETS:
        qualities = [q for q in renders if t.quality in ("*", q)]
        if not qualities:
            checks.append({"target": t.name, "text": t.text, "status": "not measured"})
        for q in qualities:
            measured = t.measure(renders[q])
            if measured is None:
                checks.append({"target": t.name, "text": t.text, "quality": q, "status": "not measured"})
                continue
            checks.append({"target": t.name, "text": t.text + measured.note, "quality": q, "value": measured.value,
                           "limit": t.limit, "status": "PASS" if t.met(measured.value) else "MISS",
                           "bound": measured.bound})
    return checks
