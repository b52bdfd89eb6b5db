"""``manim render`` from the repository behaves as Manim users expect."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_manim_render_shows_its_usual_progress_and_file_line(tmp_path):
    # The repo's manim.cfg applies (run from the root); only the size is made tiny.
    cmd = [sys.executable, "-m", "manim", "render", "-ql", "-r", "160,90", "--fps", "5",
           "--media_dir", str(tmp_path), "tests/pipeline/fixture_beats.py", "Other"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LECTURE_VOICE": "none",
                               "COLUMNS": "200"})
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "File ready at" in out, out  # Manim's INFO line naming the movie
    assert "Animation 0" in out, out  # its progress bar (tqdm writes to stderr)
