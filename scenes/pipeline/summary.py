"""What a CI job shows on its page: the beats as JSON for a matrix, and a Markdown run summary.

``python -m scenes beats --json`` prints the lecture's beats (order, slug,
scene name, title) for a workflow's ``strategy.matrix``; ``--summary FILE``
on ``render``, ``export`` and ``preview`` appends a Markdown report of the
run to ``FILE`` (GitHub Actions shows ``$GITHUB_STEP_SUMMARY`` on the run's
page): which beats were rendered and why, which were up to date, the
contact sheet and the time taken.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from scenes.pipeline.build import Beat, BeatResult

__all__ = ["beats_json", "summary_markdown", "append_summary"]


def beats_json(chosen: Sequence[Beat]) -> str:
    """The beats as one line of JSON: ``[{"order": 1, "slug": "01-setup", "name": "Setup", "title": ...}, ...]``."""
    return json.dumps([{"order": b.order, "slug": b.slug, "name": b.name, "title": b.title} for b in chosen])


def _run_link() -> str:
    """The CI run's page, where its artifacts are (GitHub Actions' variables), or ``""``."""
    server, repo, run = (os.environ.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID"))
    return f"{server}/{repo}/actions/runs/{run}" if server and repo and run else ""


def summary_markdown(title: str, results: Sequence[BeatResult], seconds: float, *,
                     sheet: Path | None = None, artifact: str = "") -> str:
    """A Markdown report of one run.

    Parameters
    ----------
    title
        The heading (the command and its quality).
    results
        Every beat of the run, rendered or reused.
    seconds
        Wall time of the whole command.
    sheet
        The contact sheet, if the run drew one (named, with where to download it).
    artifact
        Name of the CI artifact holding the files, if any.
    """
    rendered = [r for r in results if r.rendered]
    lines = [f"### {title}", "",
             f"{len(rendered)} of {len(results)} beat(s) rendered, {len(results) - len(rendered)} up to date; "
             f"{seconds:.1f} s in all.", "",
             "| beat | video | status |", "|---|---:|---|"]
    for r in results:
        status = f"rendered in {r.wall:.1f} s: {r.reason}" if r.rendered else "up to date (stamp verified)"
        lines.append(f"| `{r.beat.slug}` {r.beat.title} | {r.duration:.1f} s | {status} |")
    if sheet is not None:
        where = f" in the artifact `{artifact}`" if artifact else ""
        link = _run_link()
        lines += ["", f"Contact sheet: `{sheet.name}`{where}" + (f" ([run page]({link}))" if link else "") + "."]
    return "\n".join(lines) + "\n"


def append_summary(target: Path, text: str) -> None:
    """Append ``text`` to ``target`` (GitHub's ``$GITHUB_STEP_SUMMARY`` is appended to, step by step)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "a", encoding="utf-8") as f:
        f.write(text + "\n")
