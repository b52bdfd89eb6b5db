"""Every input hashed: a beat renders again exactly when something it was made from changed.

The build learns a beat's sources from the render itself (the worker lists
the project files in ``sys.modules``), so a parent beat, a shared module or a
preset method counts without any list kept by hand. The scratch lecture
below has one beat per kind of dependency; renders are tiny (160×90, 5 fps).
Its scenes derive from Manim's ``Scene``, not from ``scenes.base``, so edits
elsewhere in the project cannot re-render them while the test runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scenes.pipeline.build import ROOT, Beat, beats, check_beat, output_dir, render_beats
from scenes.pipeline.layout import MediaLayout
from scenes.pipeline.media import file_record
from tests.pipeline.test_build_faults import FIXTURE

#: A lecture in a scratch folder: Parent, Child (inherits a wait from Parent),
#: Shaped (draws with a shared module), Timed (waits as a preset method says).
SCRATCH = {
    "scratch_shared.py": """
from manim import Circle

def shape():
    return Circle(radius=1.0)
""",
    "scratch_presets.py": """
from dataclasses import dataclass

@dataclass(frozen=True)
class Recipe:
    seconds: float = 0.4

    def run(self) -> float:
        return self.seconds

RECIPE = Recipe()
""",
    "scratch_parent.py": """
from manim import FadeIn, Scene, Square

class Parent(Scene):
    title = "Parent"

    def highlight(self):
        self.wait(0.2)

    def construct(self):
        self.play(FadeIn(Square()), run_time=0.4)
        self.highlight()
""",
    "scratch_child.py": """
from scratch_parent import Parent

class Child(Parent):
    title = "Child"
""",
    "scratch_shaped.py": """
from manim import Create, Scene
from scratch_shared import shape

class Shaped(Scene):
    title = "Shaped"

    def construct(self):
        self.play(Create(shape()), run_time=0.4)
""",
    "scratch_timed.py": """
from manim import Dot, FadeIn, Scene
from scratch_presets import RECIPE

class Timed(Scene):
    title = "Timed"

    def construct(self):
        self.play(FadeIn(Dot()), run_time=0.2)
        self.wait(RECIPE.run())
""",
    "scratch_lecture.py": """
from scratch_child import Child
from scratch_parent import Parent
from scratch_shaped import Shaped
from scratch_timed import Timed

SCENES_IN_ORDER = [Parent, Child, Shaped, Timed]
""",
}


@pytest.fixture
def scratch(tmp_path: Path, tiny_env: dict, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The scratch lecture's folder, importable here and by the render workers."""
    src = tmp_path / "src"
    src.mkdir()
    for name, text in SCRATCH.items():
        (src / name).write_text(text.lstrip())
    monkeypatch.syspath_prepend(str(src))
    monkeypatch.setenv("PYTHONPATH", str(src))
    yield src
    for name in [n for n in sys.modules if n.startswith("scratch_") or "scratch_lecture" in n]:
        del sys.modules[name]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1
    path.write_text(text.replace(old, new))


@pytest.mark.slow
def test_an_edit_re_renders_exactly_the_beats_that_depend_on_it(scratch: Path, tmp_path: Path) -> None:
    lecture = beats(f"{scratch / 'scratch_lecture.py'}")
    media = tmp_path / "media"

    def build() -> dict[str, str | None]:
        """Scene name → why it rendered (None: reused as up to date)."""
        results = render_beats(lecture, "low", media=media, jobs=2, report=lambda line: None)
        return {r.beat.name: (r.reason if r.rendered else None) for r in results}

    assert set(build().values()) == {"not rendered before"}

    # The parent's method, which the child inherits (like Setup's highlight_output and Flatline).
    # (Each edit changes the file's size: Python trusts a .pyc of the same size and second.)
    edit(scratch / "scratch_parent.py", "self.wait(0.2)", "self.wait(0.25)")
    assert build() == {"Parent": changed(scratch, "scratch_parent.py"), "Child": changed(scratch, "scratch_parent.py"),
                       "Shaped": None, "Timed": None}

    # Undone: the beats render again rather than trust the stamp of the edited version.
    edit(scratch / "scratch_parent.py", "self.wait(0.25)", "self.wait(0.2)")
    # A shared module, imported by one beat only.
    edit(scratch / "scratch_shared.py", "radius=1.0", "radius=1.25")
    assert build() == {"Parent": changed(scratch, "scratch_parent.py"), "Child": changed(scratch, "scratch_parent.py"),
                       "Shaped": changed(scratch, "scratch_shared.py"), "Timed": None}

    # A preset's method (what Lesson.run does), its values untouched.
    edit(scratch / "scratch_presets.py", "return self.seconds", "return 2 * self.seconds")
    assert build() == {"Parent": None, "Child": None, "Shaped": None,
                       "Timed": changed(scratch, "scratch_presets.py")}
    assert build() == dict.fromkeys(["Parent", "Child", "Shaped", "Timed"])


def changed(scratch: Path, name: str) -> str:
    """The reason the build gives for a beat whose source ``name`` changed."""
    return f"{(scratch / name).resolve()} changed"


def test_flatline_records_setup_and_the_presets_source() -> None:
    """The real lecture: Flatline's render imports Setup's file and neuron/presets.py."""
    code = ("import json, scenes.s02_flatline\n"
            "from scenes.pipeline.worker import project_sources\n"
            "print(json.dumps(project_sources()))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    sources = {s["path"]: s["sha256"] for s in json.loads(out.stdout.splitlines()[-1])}
    assert {"scenes/s02_flatline.py", "scenes/s01_setup.py", "scenes/base.py", "scenes/style.py",
            "neuron/presets.py", "neuron/descent.py"} <= set(sources)
    assert all(len(h) == 64 for h in sources.values())
    # The worker and the pipeline modules it imports set the render up: they count too.
    assert "scenes/pipeline/worker.py" in sources
    # Not the installation.
    assert not [p for p in sources if "site-packages" in p or p.startswith("/usr/")]


def test_the_key_covers_settings_but_not_sources(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tiny, other) = beats(f"{FIXTURE}:SCENES_IN_ORDER")
    low = tiny.fingerprint("low")
    assert tiny.fingerprint("high") != low
    assert other.fingerprint("low") != low  # two scenes of one file never share a stamp
    lesson = tmp_path / "lesson.toml"
    lesson.write_text("eta = 0.15\n")
    monkeypatch.setenv("LECTURE_LESSON", str(lesson))
    with_lesson = tiny.fingerprint("low")
    assert with_lesson != low
    lesson.write_text("eta = 0.3\n")  # the same variable, another file content
    assert tiny.fingerprint("low") != with_lesson
    monkeypatch.delenv("LECTURE_LESSON")
    monkeypatch.setenv("LECTURE_SET", "fast")
    assert tiny.fingerprint("low") != low
    monkeypatch.delenv("LECTURE_SET")
    assert tiny.fingerprint("low") == low


def _fake_published(out: Path, beat: Beat, source: Path) -> None:
    """Publish made-up files for ``beat`` with a stamp as the build writes it."""
    folder = out / "beats"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{beat.slug}.mp4").write_bytes(b"video" * 100)
    (folder / f"{beat.slug}.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nhi\n")
    stamp = {"key": beat.fingerprint("low"), "duration": 1.0,
             "sources": [{"path": str(source), "sha256": file_record(source)["sha256"]}],
             "files": {p.name: file_record(p) for p in folder.glob(f"{beat.slug}.*")}}
    (folder / f"{beat.slug}.json").write_text(json.dumps(stamp))


def test_check_beat_names_what_changed(tmp_path: Path) -> None:
    (beat, _) = beats(f"{FIXTURE}:SCENES_IN_ORDER")
    layout, key = MediaLayout.of("low", tmp_path / "media"), beat.fingerprint("low")
    out = layout.out
    source = tmp_path / "shared.py"
    source.write_text("X = 1\n")
    assert check_beat(layout, beat, key) == (None, "not rendered before")
    _fake_published(out, beat, source)
    info, reason = check_beat(layout, beat, key)
    assert info is not None and reason == ""

    assert check_beat(layout, beat, beat.fingerprint("high")) == (None, "settings changed")
    source.write_text("X = 2\n")
    assert check_beat(layout, beat, key) == (None, f"{source} changed")
    source.unlink()
    assert check_beat(layout, beat, key) == (None, f"{source} deleted")
    source.write_text("X = 1\n")
    assert check_beat(layout, beat, key)[1] == ""

    video = out / "beats" / f"{beat.slug}.mp4"
    video.write_bytes(b"video" * 99 + b"VIDEO")  # same size, other bytes
    assert check_beat(layout, beat, key)[1] == f"damaged: {video} (contents changed (sha256 differs))"
    video.write_bytes(b"")
    assert check_beat(layout, beat, key)[1] == f"damaged: {video} (empty, expected 500 bytes)"
    video.unlink()
    assert check_beat(layout, beat, key)[1] == f"missing: {video}"
    stamp = out / "beats" / f"{beat.slug}.json"
    stamp.write_text('{"key": ')
    assert check_beat(layout, beat, key)[1] == f"damaged: {stamp} (not a valid stamp)"
    stamp.write_text(json.dumps({"key": key, "duration": 1.0}))  # written by an older build
    assert check_beat(layout, beat, key)[1] == "stamp from an older build"
