"""Lesson files: variants of the lecture's parameters without Python.

A lesson file is TOML with the fields of the presets; whatever it leaves out
keeps the built-in default::

    name = "big-eta"            # optional; default: the file's stem
    [lesson]
    x = 1.0
    y = 0.0
    eta = 0.6
    epochs = 300
    good = { w = 0.6, b = 0.9 }
    bad  = { w = 2.0, b = 2.0 }
    [sweep]                     # optional: z_min, z_max, count, thresholds, max_epochs
    [targets]                   # optional: values

Overrides such as ``"eta=0.3"``, ``"bad.w=3"`` or ``"sweep.count=101"``
(values are TOML values) apply after the file. Every refusal is one line:
an unknown key names itself and lists the allowed ones, a bad value gets
the presets' own message prefixed with where it came from
(``big-eta.toml: eta must be a finite number > 0, got -0.1``).

The lecture's active variant (:data:`neuron.presets.ACTIVE`) is chosen by
two environment variables, read once when :mod:`neuron.presets` is
imported: :data:`LESSON_VAR` (a lesson file) and :data:`SET_VAR` (overrides
separated by ``;``).

Examples
--------
>>> v = load_variant(None, ["eta=0.3"])
>>> v.name, v.lesson.eta
('default+eta=0.3', 0.3)
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from neuron.checks import fail, name_chars, safe_name
from neuron.parameters import Lesson, Start, Sweep, TargetSweep

__all__ = ["LESSON_VAR", "SET_VAR", "Variant", "load_variant", "variant_from_environment"]

#: Environment variable naming the lesson file (relative to the current directory).
LESSON_VAR = "LECTURE_LESSON"
#: Environment variable holding overrides, separated by ``;``.
SET_VAR = "LECTURE_SET"



@dataclass(frozen=True)
class Variant:
    """One version of the lecture's parameters, and where it came from.

    Attributes
    ----------
    name
        Folder-safe name: the file's ``name`` or stem (``"default"`` without
        a file), plus ``+<overrides>`` when there are any.
    lesson, sweep, targets
        The presets the scenes read.
    source
        The lesson file, if any.
    overrides
        The overrides applied after the file, as given.
    """

    name: str
    lesson: Lesson
    sweep: Sweep
    targets: TargetSweep
    source: Path | None = None
    overrides: tuple[str, ...] = ()

    def values(self) -> dict[str, Any]:
        """Every parameter under the key an override would use (``"eta"``, ``"bad.w"``, ``"sweep.count"``)."""
        return {_short(k): v for k, v in _flatten(self.lesson, self.sweep, self.targets).items()}


def _schema() -> dict[str, Any]:
    """The keys a lesson file may hold: tables as dicts, values as ``None``."""
    start = {f.name: None for f in fields(Start) if f.name != "name"}
    lesson = {f.name: (dict(start) if f.name in ("good", "bad") else None) for f in fields(Lesson)}
    return {
        "lesson": lesson,
        "sweep": {f.name: None for f in fields(Sweep)},
        "targets": {f.name: None for f in fields(TargetSweep)},
    }


def _flatten(lesson: Lesson, sweep: Sweep, targets: TargetSweep) -> dict[str, Any]:
    """Dotted key (``"lesson.good.w"``) → value, for every leaf of the schema."""
    flat: dict[str, Any] = {}
    for section, obj in (("lesson", lesson), ("sweep", sweep), ("targets", targets)):
        for key, sub in _schema()[section].items():
            value = getattr(obj, key)
            if sub is None:
                flat[f"{section}.{key}"] = value
            else:
                flat.update({f"{section}.{key}.{k}": getattr(value, k) for k in sub})
    return flat


def _leaves(schema: dict[str, Any], prefix: str = "") -> list[str]:
    """Every dotted key that holds a value (``"lesson.good.w"``, ``"sweep.count"``)."""
    out = []
    for key, sub in schema.items():
        out += [prefix + key] if sub is None else _leaves(sub, f"{prefix}{key}.")
    return out


def _short(key: str) -> str:
    """``"lesson.bad.w"`` → ``"bad.w"``: lesson fields need no section."""
    return key.removeprefix("lesson.")


def _build(flat: Mapping[str, Any]) -> tuple[Lesson, Sweep, TargetSweep]:
    """The presets from dotted keys; a bad value raises the presets' own one-line ValueError."""
    def section(name: str) -> dict[str, Any]:
        return {k.split(".")[1]: v for k, v in flat.items() if k.startswith(name + ".") and k.count(".") == 1}

    starts = {s: Start(s, flat[f"lesson.{s}.w"], flat[f"lesson.{s}.b"]) for s in ("good", "bad")}
    return Lesson(**section("lesson"), **starts), Sweep(**section("sweep")), TargetSweep(**section("targets"))


def _assign(flat: dict[str, Any], key: str, value: Any, schema: dict[str, Any] | None) -> None:
    """Set ``key`` (a table of ``schema``, or a value if ``schema`` is None), checking every name."""
    if schema is None:
        flat[key] = value
        return
    if not isinstance(value, dict):
        fail(_short(key), f"a table of {', '.join(schema)}", value)
    for k, v in value.items():
        if k not in schema:
            raise ValueError(f"unknown key {_short(f'{key}.{k}')!r}; allowed: {', '.join(schema)}")
        _assign(flat, f"{key}.{k}", v, schema[k])


def _read(path: Path) -> dict[str, Any]:
    """The TOML document at ``path``, or one line saying why not."""
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ValueError(f"{path}: no such lesson file") from None
    except OSError as e:
        raise ValueError(f"{path}: cannot read the lesson file ({e.strerror})") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path.name}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise ValueError(f"{path.name}: invalid TOML: {e}") from None
    except RecursionError:
        raise ValueError(f"{path.name}: {_too_deep(path.read_text(encoding='utf-8', errors='replace'))}") from None


#: How deep ``[`` and ``{`` may nest in one value (a lesson value is a number or a list of numbers).
MAX_NESTING = 16


def _too_deep(text: str) -> str:
    """Why TOML ``text`` could not be read for its nesting: the key whose value nests too deeply."""
    for line in text.splitlines():
        key, eq, value = line.partition("=")
        depth = deepest = 0
        for c in value:
            depth += (c in "[{") - (c in "]}")
            deepest = max(deepest, depth)
        if eq and deepest > MAX_NESTING:
            return (f"key {key.strip()!r}: value nested {deepest} deep, more than {MAX_NESTING} "
                    "(a lesson value is a number or a list of numbers)")
    return f"values nested more than {MAX_NESTING} deep (a lesson value is a number or a list of numbers)"


def _override(flat: dict[str, Any], item: str) -> tuple[str, Any]:
    """Apply one ``key=value`` override; return (short key, value) for the name."""
    if not isinstance(item, str):
        fail("override", "a 'key=value' string", item)
    key, eq, text = (part.strip() for part in item.partition("="))
    if not eq or not key:
        raise ValueError(f"override {item!r} must be key=value, e.g. eta=0.3")
    schema = _schema()
    parts = key.split(".")
    dotted = key if parts[0] in schema else f"lesson.{key}"
    node: Any = schema
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            allowed = [_short(k) for k in _leaves(schema)]
            raise ValueError(f"override {item!r}: unknown key {key!r}; allowed: {', '.join(allowed)}")
        node = node[part]
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        raise ValueError(f"override {item!r}: {text!r} is not a TOML value (e.g. 0.3, 3, [0.5, 0.1])") from None
    except RecursionError:
        raise ValueError(f"override {key}=...: {_too_deep(f'{key} = {text}')}") from None
    try:
        _assign(flat, dotted, value, node)
    except ValueError as e:
        raise ValueError(f"override {item!r}: {e}") from None
    return _short(dotted), value


def _text(value: Any) -> str:
    """A value as it appears in a variant's name: numbers in their shortest form."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        text = repr(float(value))
        return text.removesuffix(".0")
    if isinstance(value, list):
        return ",".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ",".join(f"{k}:{_text(v)}" for k, v in value.items())
    return str(value)


def _suffix(applied: Sequence[tuple[str, Any]]) -> str:
    """A short stable folder-safe text for the overrides: readable, or hashed when it cannot be."""
    text = "+".join(f"{k}={_text(v)}" for k, v in applied)
    safe = name_chars(text)
    if safe != text or len(safe) > 40:
        safe = f"{safe[:24]}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"
    return safe_name("overrides", safe)


def load_variant(path: str | Path | None = None, overrides: Sequence[str] = ()) -> Variant:
    """Read a lesson file (or the defaults, with ``None``), then apply ``overrides``.

    Parameters
    ----------
    path
        A TOML lesson file; relative paths are relative to the current
        directory. ``None`` or ``""``: the built-in defaults.
    overrides
        ``"key=value"`` items, applied in order after the file. Keys are
        lesson fields (``eta``, ``bad.w``) or ``sweep.<field>``,
        ``targets.<field>``; values are TOML values.

    Returns
    -------
    Variant
        Named by the file's ``name`` or stem (``"default"`` without a file),
        with ``+<overrides>`` appended when there are any.

    Raises
    ------
    ValueError
        One line: an unknown key and the allowed ones, a value the presets
        refuse (their message, prefixed with the file or the override), a
        TOML syntax error with its line, a missing file.
    """
    if isinstance(overrides, str):
        fail("overrides", "a sequence of 'key=value' strings", overrides)
    flat = _flatten(Lesson(), Sweep(), TargetSweep())
    source = Path(path) if path not in (None, "") else None
    name = "default"
    if source is not None:
        doc = _read(source)
        try:
            if "name" in doc:
                name = safe_name("name", doc.pop("name"))
            else:
                name = safe_name("the file's stem (or a name = \"...\" in it)", source.stem, replace=True)
            schema = _schema()
            for key, value in doc.items():
                if key not in schema:
                    hint = f" (put {key} under [lesson])" if key in schema["lesson"] else ""
                    raise ValueError(f"unknown key {key!r}; allowed: name, {', '.join(schema)}{hint}")
                _assign(flat, key, value, schema[key])
            _build(flat)
        except ValueError as e:
            raise ValueError(f"{source.name}: {e}") from None
    applied = [_override(flat, item) for item in overrides]
    try:
        lesson, sweep, targets = _build(flat)
    except ValueError as e:
        label = "override" if len(overrides) == 1 else "overrides"
        raise ValueError(f"{label} {'; '.join(overrides)!r}: {e}") from None
    if applied:
        name = f"{name}+{_suffix(applied)}"
    return Variant(name, lesson, sweep, targets, source, tuple(overrides))


def variant_from_environment(environ: Mapping[str, str] | None = None) -> Variant:
    """The variant chosen by :data:`LESSON_VAR` and :data:`SET_VAR` (the defaults when both are unset).

    Parameters
    ----------
    environ
        Where to read the variables; :data:`os.environ` by default.
    """
    env = os.environ if environ is None else environ
    overrides = [item.strip() for item in env.get(SET_VAR, "").split(";") if item.strip()]
    return load_variant(env.get(LESSON_VAR) or None, overrides)

