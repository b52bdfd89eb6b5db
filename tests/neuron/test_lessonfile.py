"""Lesson files and overrides: round trips, one-line refusals, selection by environment."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from neuron.lessonfile import LESSON_VAR, SET_VAR, Variant, load_variant, variant_from_environment
from neuron.presets import Lesson, Start, Sweep, TargetSweep

ROOT = Path(__file__).resolve().parents[2]
DEFAULTS = (Lesson(), Sweep(), TargetSweep())


def presets(v: Variant) -> tuple:
    return v.lesson, v.sweep, v.targets


def write(tmp_path: Path, text: str, name: str = "variant.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def toml_value(value) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return repr(value)


def to_toml(v: Variant) -> str:
    """A lesson file holding every value of ``v`` (dotted keys under their section)."""
    sections: dict[str, list[str]] = {"lesson": [], "sweep": [], "targets": []}
    for key, value in v.values().items():
        section, _, rest = key.partition(".") if key.split(".")[0] in ("sweep", "targets") else ("lesson", "", key)
        sections[section].append(f"{rest} = {toml_value(value)}")
    return f'name = "{v.name}"\n' + "".join(f"[{s}]\n" + "\n".join(lines) + "\n" for s, lines in sections.items())


def refused(message: str):
    return pytest.raises(ValueError, match=f"^{re.escape(message)}$")


# -- defaults, files, round trips -------------------------------------------------


def test_no_file_no_overrides_is_the_default_lecture():
    v = load_variant()
    assert v.name == "default" and presets(v) == DEFAULTS
    assert v.source is None and v.overrides == ()
    assert load_variant("") == v


def test_a_full_file_round_trips(tmp_path):
    original = Variant("round-trip",
                       Lesson(x=-2.5, y=0.3, eta=0.45, epochs=120, good=Start("good", -1.25, 3.0),
                              bad=Start("bad", 4.0, -0.5)),
                       Sweep(z_min=-3.0, z_max=5.5, count=51, thresholds=(0.4, 0.05), max_epochs=2000),
                       TargetSweep((0.25, 0.75)))
    path = write(tmp_path, to_toml(original), "whatever.toml")
    loaded = load_variant(path)
    assert loaded.name == "round-trip", "the file's name wins over its stem"
    assert presets(loaded) == presets(original)
    assert loaded.values() == original.values()
    assert load_variant(write(tmp_path, to_toml(loaded), "again.toml")).values() == original.values()


def test_every_value_round_trips_as_an_override():
    changed = Variant("x", Lesson(x=0.5, y=0.2, eta=0.3, epochs=7, good=Start("good", 1.5, -1.0),
                                  bad=Start("bad", 3.0, 2.5)),
                      Sweep(z_min=-1.0, z_max=2.0, count=11, thresholds=(0.3,), max_epochs=500),
                      TargetSweep((0.6,)))
    overrides = [f"{k}={toml_value(v)}" for k, v in changed.values().items()]
    assert set(changed.values()) == set(load_variant().values()), "values() has every key"
    assert presets(load_variant(None, overrides)) == presets(changed)


def test_missing_sections_and_fields_keep_the_defaults(tmp_path):
    v = load_variant(write(tmp_path, "[lesson]\neta = 0.6\nbad = { w = 3.0 }\n", "partial.toml"))
    assert v.name == "partial"
    assert v.lesson == Lesson(eta=0.6, bad=Start("bad", 3.0, 2.0))
    assert (v.sweep, v.targets) == DEFAULTS[1:]
    assert presets(load_variant(write(tmp_path, "", "empty.toml"))) == DEFAULTS


def test_the_shipped_big_eta_lesson():
    v = load_variant(ROOT / "lessons" / "big-eta.toml")
    assert v.name == "big-eta"
    assert v.lesson.eta == 0.6
    assert presets(v) == (Lesson(eta=0.6), Sweep(), TargetSweep()), "only the learning rate differs"


def test_a_table_for_a_start_and_dotted_keys_are_the_same(tmp_path):
    a = load_variant(write(tmp_path, "[lesson.bad]\nw = 3.0\nb = 1.0\n", "a.toml"))
    b = load_variant(write(tmp_path, "[lesson]\nbad.w = 3.0\nbad.b = 1.0\n", "b.toml"))
    assert a.lesson == b.lesson == Lesson(bad=Start("bad", 3.0, 1.0))


# -- refusals: one line, the right words ----------------------------------------------

FILE_ERRORS = [
    ("[lesson]\neta = -0.1\n", "big-eta.toml: eta must be a finite number > 0, got -0.1"),
    ("[lesson]\nx = 0.0\n", "big-eta.toml: x must be a finite number with 0 < |x| <= 10, got 0.0"),
    ("[lesson]\nepochs = 300.0\n", "big-eta.toml: epochs must be a whole number in 1..100000, got 300.0"),
    ('[lesson]\ny = "half"\n', "big-eta.toml: y must be a finite real number, got 'half'"),
    ("[lesson]\ngood = { w = 1e308, b = 0.9 }\n",
     "big-eta.toml: start 'good': w must be a finite number in [-50, 50], got 1e+308"),
    ("[sweep]\nthresholds = 0.5\n",
     "big-eta.toml: thresholds must be a non-empty tuple of output levels in (0, 1), got 0.5"),
    ("[sweep]\nthresholds = [0.5, 1.5]\n", "big-eta.toml: thresholds[1] must be in (0, 1), got 1.5"),
    ("[targets]\nvalues = []\n", "big-eta.toml: values must be a non-empty tuple of targets in (0, 1), got []"),
    ("[lesson]\netaa = 0.3\n",
     "big-eta.toml: unknown key 'etaa'; allowed: x, y, eta, epochs, good, bad"),
    ("[lesson]\nbad = { w = 1.0, c = 2.0 }\n", "big-eta.toml: unknown key 'bad.c'; allowed: w, b"),
    ("[sweep]\nsteps = 3\n",
     "big-eta.toml: unknown key 'sweep.steps'; allowed: z_min, z_max, count, thresholds, max_epochs"),
    ("eta = 0.6\n",
     "big-eta.toml: unknown key 'eta'; allowed: name, lesson, sweep, targets (put eta under [lesson])"),
    ("[lessons]\n", "big-eta.toml: unknown key 'lessons'; allowed: name, lesson, sweep, targets"),
    ("lesson = 3\n", "big-eta.toml: lesson must be a table of x, y, eta, epochs, good, bad, got 3"),
    ("[lesson]\nbad = 2.0\n", "big-eta.toml: bad must be a table of w, b, got 2.0"),
    ('name = "a b"\n',
     "big-eta.toml: name must be a name of at most 120 letters, digits and . _ , = + - not starting with a dot, got 'a b'"),
]


@pytest.mark.parametrize("text,message", FILE_ERRORS, ids=[m.split(": ", 1)[1][:40] for _, m in FILE_ERRORS])
def test_a_bad_file_is_refused_in_one_line(tmp_path, text, message):
    with refused(message):
        load_variant(write(tmp_path, text, "big-eta.toml"))


@pytest.mark.parametrize(
    "text,line",
    [("[lesson]\neta = \n", 2), ("[lesson]\nx = 1.0\nx = 2.0\n", 3), ("[lesson\n", 1), ("[lesson]\neta = 0,6\n", 2)],
)
def test_a_toml_syntax_error_names_the_file_and_the_line(tmp_path, text, line):
    with pytest.raises(ValueError) as e:
        load_variant(write(tmp_path, text, "broken.toml"))
    message = str(e.value)
    assert "\n" not in message
    assert message.startswith("broken.toml: invalid TOML: ") and f"line {line}" in message


def test_a_missing_or_unreadable_file(tmp_path):
    with refused(f"{tmp_path / 'nope.toml'}: no such lesson file"):
        load_variant(tmp_path / "nope.toml")
    with pytest.raises(ValueError, match=r"^.*: cannot read the lesson file \(.*\)$"):
        load_variant(tmp_path)
    (tmp_path / "latin.toml").write_bytes('name = "caf\xe9"\n'.encode("latin-1"))
    with refused("latin.toml: not UTF-8 text"):
        load_variant(tmp_path / "latin.toml")


# -- overrides -------------------------------------------------------------------------


def test_overrides_apply_after_the_file_in_order(tmp_path):
    path = write(tmp_path, "[lesson]\neta = 0.6\ny = 0.1\n", "big-eta.toml")
    v = load_variant(path, ["eta=0.3", "bad.w=3", "y=0.2", "sweep.count=101", "targets.values=[0.3, 0.7]",
                            "bad.w = 4"])
    assert v.lesson == Lesson(eta=0.3, y=0.2, bad=Start("bad", 4.0, 2.0))
    assert v.sweep == Sweep(count=101) and v.targets == TargetSweep((0.3, 0.7))
    assert v.overrides == ("eta=0.3", "bad.w=3", "y=0.2", "sweep.count=101", "targets.values=[0.3, 0.7]", "bad.w = 4")
    assert v.source == path


def test_a_start_can_be_overridden_as_a_table():
    assert load_variant(None, ["bad={ w = 3.0, b = 1.0 }"]).lesson.bad == Start("bad", 3.0, 1.0)
    assert load_variant(None, ["lesson.eta=0.5"]).lesson.eta == 0.5


ALL_KEYS = ("x, y, eta, epochs, good.w, good.b, bad.w, bad.b, sweep.z_min, sweep.z_max, sweep.count, "
            "sweep.thresholds, sweep.max_epochs, targets.values")
OVERRIDE_ERRORS = [
    (["eta=-0.1"], "override 'eta=-0.1': eta must be a finite number > 0, got -0.1"),
    (["bad.w=300"], "override 'bad.w=300': start 'bad': w must be a finite number in [-50, 50], got 300"),
    (["sweep.thresholds=0.5"],
     "override 'sweep.thresholds=0.5': thresholds must be a non-empty tuple of output levels in (0, 1), got 0.5"),
    (["etaa=0.3"], f"override 'etaa=0.3': unknown key 'etaa'; allowed: {ALL_KEYS}"),
    (["sweep.size=3"], f"override 'sweep.size=3': unknown key 'sweep.size'; allowed: {ALL_KEYS}"),
    (["bad.w.x=3"], f"override 'bad.w.x=3': unknown key 'bad.w.x'; allowed: {ALL_KEYS}"),
    (["eta"], "override 'eta' must be key=value, e.g. eta=0.3"),
    (["=3"], "override '=3' must be key=value, e.g. eta=0.3"),
    (["eta=fast"], "override 'eta=fast': 'fast' is not a TOML value (e.g. 0.3, 3, [0.5, 0.1])"),
    (["eta="], "override 'eta=': '' is not a TOML value (e.g. 0.3, 3, [0.5, 0.1])"),
    (["bad=3"], "override 'bad=3': bad must be a table of w, b, got 3"),
    (["bad={ c = 1 }"], "override 'bad={ c = 1 }': unknown key 'bad.c'; allowed: w, b"),
    (["sweep.z_min=9"], "override 'sweep.z_min=9': z_min must be < z_max, got z_min=9.0, z_max=8.0"),
    (["eta=0.3", "x=0"], "overrides 'eta=0.3; x=0': x must be a finite number with 0 < |x| <= 10, got 0"),
]


@pytest.mark.parametrize("overrides,message", OVERRIDE_ERRORS, ids=[";".join(o) for o, _ in OVERRIDE_ERRORS])
def test_a_bad_override_is_refused_in_one_line(overrides, message):
    with refused(message):
        load_variant(None, overrides)


def test_overrides_must_be_a_sequence_of_strings():
    with refused("overrides must be a sequence of 'key=value' strings, got 'eta=0.3'"):
        load_variant(None, "eta=0.3")
    with refused("override must be a 'key=value' string, got 0.3"):
        load_variant(None, [0.3])


def test_a_file_error_is_blamed_on_the_file_even_with_overrides(tmp_path):
    with refused("bad.toml: eta must be a finite number > 0, got -1.0"):
        load_variant(write(tmp_path, "[lesson]\neta = -1.0\n", "bad.toml"), ["eta=0.3"])


# -- names --------------------------------------------------------------------------------


def test_names_are_stable_short_distinct_and_folder_safe(tmp_path):
    assert load_variant(None, ["eta=0.3"]).name == "default+eta=0.3"
    assert load_variant(None, ["eta = 0.30"]).name == "default+eta=0.3", "same values, same folder"
    assert load_variant(None, ["bad.w=3", "y=0.2"]).name == "default+bad.w=3+y=0.2"
    assert load_variant(None, ["bad.w=3.0"]).name == load_variant(None, ["bad.w=3"]).name
    assert load_variant(write(tmp_path, "", "my lesson.toml")).name == "my_lesson"
    assert load_variant(write(tmp_path, "", "big-eta.toml"), ["eta=0.3"]).name == "big-eta+eta=0.3"
    names = set()
    for overrides in (["targets.values=[0.2, 0.7]"], ["targets.values=[0.7, 0.2]"], ["bad={ w = 3.0, b = 1.0 }"],
                      ["bad={ w = 1.0, b = 3.0 }"], ["sweep.thresholds=[0.5, 0.25]", "sweep.count=11", "eta=0.25"]):
        name = load_variant(None, overrides).name
        assert name == load_variant(None, overrides).name, "stable"
        assert re.fullmatch(r"[A-Za-z0-9._,=+-]+", name) and len(name) <= 60, name
        names.add(name)
    assert len(names) == 5, "distinct overrides, distinct folders"


# -- selection by environment -----------------------------------------------------------

SHOW = "import json, neuron.presets as p; print(json.dumps({'name': p.ACTIVE.name, 'eta': p.LESSON.eta, " \
       "'same': p.LESSON is p.ACTIVE.lesson and p.SWEEP is p.ACTIVE.sweep and p.TARGETS is p.ACTIVE.targets}))"


def active(cwd: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in (LESSON_VAR, SET_VAR)}
    return subprocess.run([sys.executable, "-c", SHOW], cwd=cwd, env={**clean, **env}, capture_output=True, text=True)


def test_the_environment_selects_the_active_variant(tmp_path):
    (tmp_path / "lessons").mkdir()
    write(tmp_path / "lessons", "[lesson]\neta = 0.45\n", "mine.toml")
    runs = {
        "unset": active(tmp_path),
        "file": active(tmp_path, **{LESSON_VAR: "lessons/mine.toml"}),  # relative to the current directory
        "set": active(tmp_path, **{SET_VAR: "eta=0.3; bad.w=3"}),
        "both": active(tmp_path, **{LESSON_VAR: str(tmp_path / "lessons" / "mine.toml"), SET_VAR: "y=0.2;"}),
        "empty": active(tmp_path, **{LESSON_VAR: "", SET_VAR: " ; "}),
    }
    shown = {k: json.loads(r.stdout) for k, r in runs.items() if r.returncode == 0}
    assert set(shown) == set(runs), {k: r.stderr for k, r in runs.items()}
    assert shown["unset"] == {"name": "default", "eta": 0.15, "same": True}
    assert shown["file"] == {"name": "mine", "eta": 0.45, "same": True}
    assert shown["set"] == {"name": "default+eta=0.3+bad.w=3", "eta": 0.3, "same": True}
    assert shown["both"] == {"name": "mine+y=0.2", "eta": 0.45, "same": True}
    assert shown["empty"] == shown["unset"]


def test_a_bad_environment_stops_the_import_with_one_line(tmp_path):
    out = active(tmp_path, **{SET_VAR: "eta=-1"})
    assert out.returncode != 0
    assert out.stderr.strip().splitlines()[-1] == "ValueError: override 'eta=-1': eta must be a finite number > 0, got -1"
    out = active(tmp_path, **{LESSON_VAR: "missing.toml"})
    assert out.stderr.strip().splitlines()[-1] == "ValueError: missing.toml: no such lesson file"


def test_variant_from_environment_reads_a_mapping(tmp_path):
    path = write(tmp_path, "[lesson]\nepochs = 50\n", "short.toml")
    v = variant_from_environment({LESSON_VAR: str(path), SET_VAR: "eta=0.2;;x=2"})
    assert v.name == "short+eta=0.2+x=2" and v.lesson == Lesson(epochs=50, eta=0.2, x=2.0)
    assert variant_from_environment({}).name == "default"


# -- names that become folders (issue 15) ------------------------------------------------
@pytest.mark.parametrize("file_name,stem", [("..toml", "."), ("...toml", ".."), ("....toml", "..."),
                                            (".hidden.toml", ".hidden")])
def test_a_stem_that_cannot_name_a_folder_is_refused(tmp_path, file_name, stem):
    """``..toml`` once rendered into the media folder itself, ``...toml`` into its parent."""
    with refused(f"{file_name}: the file's stem (or a name = \"...\" in it) must be a name of at most 120 "
                 f"letters, digits and . _ , = + - not starting with a dot, got {stem!r}"):
        load_variant(write(tmp_path, "[lesson]\neta = 0.3\n", file_name))


@pytest.mark.parametrize("name", ["..", ".", "../up", "a/b", "a\\\\b", ".hidden", ""])
def test_a_name_field_that_cannot_name_a_folder_is_refused(tmp_path, name):
    with pytest.raises(ValueError, match=r"^big-eta\.toml: name must be a name of at most 120 letters.*, got '.*'$"):
        load_variant(write(tmp_path, f'name = "{name}"\n', "big-eta.toml"))


def test_a_stem_with_odd_characters_becomes_a_folder_name(tmp_path):
    assert load_variant(write(tmp_path, "", "big eta (v2).toml")).name == "big_eta__v2_"


DEEP = "[" * 2000 + "]" * 2000


def test_values_nested_too_deeply_name_the_key_in_a_file(tmp_path):
    with refused("big-eta.toml: key 'eta': value nested 2000 deep, more than 16 "
                 "(a lesson value is a number or a list of numbers)"):
        load_variant(write(tmp_path, f"[lesson]\neta = {DEEP}\n", "big-eta.toml"))


def test_values_nested_too_deeply_name_the_key_in_an_override():
    with refused("override eta=...: key 'eta': value nested 2000 deep, more than 16 "
                 "(a lesson value is a number or a list of numbers)"):
        load_variant(None, [f"eta={DEEP}"])
