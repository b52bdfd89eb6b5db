"""Running render workers: each in its own process, its progress lines to the build, none outliving it.

:func:`run_worker` starts ``python -m scenes.pipeline.worker`` with a pipe for
its progress lines (the voice still working, recordings missing); if the
build fails or is interrupted, :func:`stop_all` stops every worker still running.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from scenes.pipeline.layout import ROOT
from scenes.pipeline.stamp import WORKER_ENV
from scenes.pipeline.worker import STATUS_FD_ENV

__all__ = ["run_worker", "stop_worker", "stop_all"]

#: Workers running now (so a failing build can stop them all).
_LIVE: set[subprocess.Popen] = set()


def run_worker(cmd: Sequence[str], log: Path, status: Callable[[str], None], env: dict[str, str] | None = None) -> int:
    """Run one render worker: its output into ``log``, its progress lines (voice, warnings) to ``status``.

    ``env`` is added to this process's environment for the worker.

    If this thread is interrupted or the build fails while the worker runs,
    the worker is asked to stop (SIGTERM: it ends its own speech command)
    and killed if it has not within ten seconds: no process outlives the build.
    """
    read, write = os.pipe()
    try:
        with open(log, "w") as log_file:
            proc = subprocess.Popen(list(cmd), cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT,
                                    env={**os.environ, **(env or {}), **WORKER_ENV, STATUS_FD_ENV: str(write)}, pass_fds=(write,),
                                    preexec_fn=_die_with_parent)
    finally:
        os.close(write)
    _LIVE.add(proc)
    with os.fdopen(read, encoding="utf-8", errors="replace") as lines:
        try:
            for line in lines:
                if line.strip():
                    status(line.rstrip())
            return proc.wait()
        except BaseException:
            stop_worker(proc)
            raise
        finally:
            _LIVE.discard(proc)


def _die_with_parent() -> None:
    """In a render process: be killed when the process that started it dies (a lost cluster node)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def stop_worker(proc: subprocess.Popen) -> None:
    """Ask a worker to stop (SIGTERM), then kill it if it has not within ten seconds."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def stop_all() -> None:
    """Stop every worker still running."""
    for proc in list(_LIVE):
        stop_worker(proc)
