"""Shared fixtures: tiny, fast renders with media in a temp folder.

LaTeX output is cached in ``media/.tex/tests`` (ignored by git) so a formula
compiles once across tests and runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import os

import pytest
from hypothesis import settings

# No per-example deadline (a busy 2-core CI box is not a slow algorithm), and
# in CI the same examples every run, so a red build is reproducible.
settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

ROOT = Path(__file__).resolve().parent.parent
TEX_DIR = ROOT / "media" / ".tex" / "tests"

TINY = {
    "pixel_width": 160,
    "pixel_height": 90,
    "frame_rate": 5,
    "disable_caching": True,
    "progress_bar": "none",
    "verbosity": "WARNING",
}


def _lecture_vars() -> tuple[str, ...]:
    from scenes.pipeline.profile import PROFILE_ENV
    from scenes.pipeline.scorm import MASTERY_ENV
    from scenes.settings import Settings

    return (*Settings().to_env(), PROFILE_ENV, MASTERY_ENV)


#: What the CLI and a user's shell may set for the film (every variable of the settings, the
#: profiler's and the SCORM packages' mastery score); every test starts without them, and whatever a test sets goes when it ends.
LECTURE_VARS = _lecture_vars()


@pytest.fixture(scope="session")
def session_voice_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache of synthesised audio for the whole run, never the repository's ``media/voice``."""
    return tmp_path_factory.mktemp("voice-cache")


@pytest.fixture(autouse=True)
def clean_lecture_environment(monkeypatch: pytest.MonkeyPatch, session_voice_cache: Path) -> None:
    """Default lesson, sidecar captions, no voice (timing follows reading alone) unless a test asks.

    The CLI's ``choose`` sets these in ``os.environ``; monkeypatch restores them after each test.
    """
    for name in LECTURE_VARS:
        monkeypatch.setenv(name, "")  # recorded, so the variable is put back as it was after the test ...
        monkeypatch.delenv(name)  # ... even if the test's CLI sets it in this process
    monkeypatch.setenv("LECTURE_VOICE", "none")
    monkeypatch.setenv("LECTURE_VOICE_CACHE", str(session_voice_cache))


@pytest.fixture
def tiny_config(tmp_path: Path) -> Iterator[dict]:
    """A manim config for a 160×90, 5 fps render into ``tmp_path``."""
    from manim import tempconfig

    settings = {**TINY, "media_dir": str(tmp_path), "tex_dir": str(TEX_DIR)}
    with tempconfig(settings):
        yield settings


@pytest.fixture
def run_scene(tiny_config) -> Callable:
    """Run a scene class; ``dry_run=True`` (the default) draws and writes nothing.

    A dry run uses the lowest real quality's pixel size (854×480): it costs
    nothing, and Pango lays out ``Text`` against the pixel width, so layout
    checks must see what a real low-quality render sees. A real render
    (``dry_run=False``) stays at the tiny 160×90.

    Returns the scene after ``render()`` so tests can inspect its mobjects,
    its trackers and ``scene.renderer.get_frame()``.
    """
    from manim import config

    def run(scene_cls, dry_run: bool = True, **settings):
        config.dry_run = dry_run
        config.write_to_movie = not dry_run
        if dry_run:
            config.pixel_width, config.pixel_height = 854, 480
        for key, value in settings.items():
            config[key] = value
        scene = scene_cls()
        scene.render()
        return scene

    return run


@pytest.fixture
def tiny_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Every render worker started from the test renders at 160×90, 5 fps.

    Returns the environment, for tests that start the CLI themselves.
    """
    import json

    from scenes.pipeline.worker import OVERRIDES_ENV

    monkeypatch.setenv(OVERRIDES_ENV, json.dumps({"pixel_width": 160, "pixel_height": 90, "frame_rate": 5}))
    return {**os.environ}
