"""Three layers, imports one way: ``neuron`` ← ``scenes`` (the film) ← ``scenes.pipeline``.

Read from the source (every ``import`` statement, at module level or inside a
function), so an import hidden in a function counts too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("neuron", "scenes")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """The project modules ``path`` (module ``name``) imports."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def graph() -> dict[str, set[str]]:
    modules = project_modules()
    known = set(modules)
    return {name: imports_of(path, name, known) for name, path in modules.items()}


def layer(name: str) -> int:
    if name.startswith("neuron"):
        return 0
    if name.startswith("scenes.pipeline") or name == "scenes.__main__":
        return 2  # ``python -m scenes`` is the pipeline's command line
    return 1


def test_imports_run_one_way():
    wrong = [f"{a} imports {b}" for a, deps in graph().items() for b in deps if layer(b) > layer(a)]
    assert not wrong, "a lower layer imports a higher one:\n" + "\n".join(wrong)


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt in edges and state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt in edges and nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_two_modules_import_each_other_in_a_circle():
    cycle = find_cycle({a: {b for b in deps if b != "scenes"} for a, deps in graph().items()})
    assert cycle is None, " → ".join(cycle or [])


def test_the_cycle_finder_finds_a_planted_cycle():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert find_cycle(edges) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_a_planted_upward_import_is_seen(tmp_path):
    planted = tmp_path / "style.py"
    planted.write_text("def f():\n    from scenes.pipeline.build import ROOT\n")
    known = set(project_modules())
    assert "scenes.pipeline.build" in imports_of(planted, "scenes.style", known)


@pytest.mark.parametrize("film", ["scenes.lecture", "scenes"])
def test_importing_the_film_does_not_import_the_pipeline(film):
    code = (f"import sys, {film}\n"
            "bad = sorted(m for m in sys.modules if m.startswith('scenes.pipeline'))\n"
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
