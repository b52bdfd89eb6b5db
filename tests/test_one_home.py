"""Each fact the film and the build share is written in exactly one module.

Read from the source (string constants and assignments, docstrings left
out), over every module of ``neuron/`` and ``scenes/``: the environment
variables' names, the default voice, the audio files a recordings folder may
hold, the quality table and the beat order.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("neuron", "scenes")


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string nodes that are docstrings."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _modules() -> dict[str, ast.Module]:
    out = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            out[path.relative_to(ROOT).as_posix()] = ast.parse(path.read_text(encoding="utf-8"))
    return out


MODULES = _modules()


def _strings(tree: ast.Module) -> set[str]:
    docs = _docstrings(tree)
    return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in docs}


def where_written(value: str) -> list[str]:
    """The modules holding ``value`` as a string constant (not in a docstring)."""
    return [name for name, tree in MODULES.items() if value in _strings(tree)]


def where_assigned(name: str) -> list[str]:
    """The modules assigning the name ``name`` at their top level."""
    return [module for module, tree in MODULES.items()
            if any(isinstance(n, (ast.Assign, ast.AnnAssign)) and name in
                   {t.id for t in (n.targets if isinstance(n, ast.Assign) else [n.target]) if isinstance(t, ast.Name)}
                   for n in tree.body)]


@pytest.mark.parametrize("value, home", [
    ("LECTURE_LESSON", "neuron/lessonfile.py"),
    ("LECTURE_SET", "neuron/lessonfile.py"),
    ("LECTURE_VOICE", "scenes/settings.py"),
    ("LECTURE_CAPTIONS", "scenes/settings.py"),
    ("LECTURE_VOICE_CACHE", "scenes/settings.py"),
    ("LECTURE_VOICE_TIMEOUT", "scenes/settings.py"),
    ("LECTURE_LONG_AUDIO", "scenes/settings.py"),
    ("LECTURE_CHECKPOINTS", "scenes/settings.py"),
    ("LECTURE_MASTERY_SCORE", "scenes/pipeline/scorm.py"),
    ("LECTURE_STATUS_FD", "scenes/pipeline/worker.py"),
    ("SCENES_WORKER_CONFIG", "scenes/pipeline/worker.py"),
    ("LECTURE_PROFILE", "scenes/pipeline/profile.py"),
    ("flite:rms", "scenes/settings.py"),  # the default voice
    (".m4a", "scenes/settings.py"),  # the recording suffixes
    ("low_quality", "scenes/pipeline/quality.py"),  # the quality table
    ("fourk_quality", "scenes/pipeline/quality.py"),
])
def test_each_shared_value_is_written_in_one_module(value, home):
    assert where_written(value) == [home]


@pytest.mark.parametrize("name, home", [
    ("SCENES_IN_ORDER", "scenes/lecture.py"),  # the beat order
    ("QUALITIES", "scenes/pipeline/quality.py"),
    ("RECORDING_SUFFIXES", "scenes/settings.py"),
    ("DEFAULT_VOICE", "scenes/settings.py"),
])
def test_each_shared_table_is_assigned_in_one_module(name, home):
    assert where_assigned(name) == [home]


def test_the_finder_finds_a_planted_copy(tmp_path):
    """The check can fail: a second module spelling the default voice is found."""
    planted = ast.parse('"""Mentions "flite:rms" in its docstring only."""\nVOICE = "flite:rms"\n')
    assert "flite:rms" in _strings(planted)
    assert "Mentions" not in " ".join(_strings(planted))
