"""Fixtures for the pipeline's tests: one real headless Chromium for the whole run."""

from __future__ import annotations

import pytest

from tests.pipeline.browser import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, through Playwright."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium not found at /usr/bin/chromium: run tools/setup.sh test")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()
