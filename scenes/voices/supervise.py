"""Running a speech command under supervision: its own process group, a time limit, progress, a clean end.

The command runs in a process group of its own, its words on standard input
(from a file); its progress is logged every few seconds; after the time
limit, or if this process is interrupted, the whole group is ended (a
shell's children too).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import tempfile
import time

from scenes.audiocache import VoiceError

__all__ = ["run_supervised"]

log = logging.getLogger(__name__)


def run_supervised(command: list[str] | str, *, stdin: str = "", shell: bool = False, limit: float,
                   label: str = "?", what: str = "voice") -> None:
    """Run ``command`` for the block ``label``; end its whole group after ``limit`` seconds.

    Raises
    ------
    VoiceError
        On a timeout or a non-zero exit, with the last lines the command printed.
    """
    with tempfile.TemporaryFile() as words, tempfile.TemporaryFile() as said:
        words.write(stdin.encode("utf-8"))
        words.seek(0)
        proc = subprocess.Popen(command, stdin=words, stdout=said, stderr=subprocess.STDOUT, shell=shell,
                                start_new_session=True)
        started = time.monotonic()
        told = 0.0
        try:
            while True:
                try:
                    code = proc.wait(timeout=0.5)
                    break
                except subprocess.TimeoutExpired:
                    spent = time.monotonic() - started
                    if spent > limit:
                        _end_group(proc)
                        raise VoiceError(f"no audio after {limit:g} s, so it was stopped "
                                         f"(--voice-timeout SECONDS allows longer){_tail(said)}") from None
                    if spent >= told + 5.0:
                        told = spent
                        log.warning("%s: voice still working after %.0f s (%s)", label, spent, what)
        except BaseException:
            _end_group(proc)
            raise
        if code != 0:
            raise VoiceError(f"failed (exit {code}){_tail(said) or ', and printed nothing'}")


def _end_group(proc: subprocess.Popen) -> None:
    """End ``proc``'s whole process group: TERM, then KILL what is left after a second."""
    for sig, grace in ((signal.SIGTERM, 1.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                break
            proc.poll()
            time.sleep(0.05)
        else:
            continue
        break
    proc.poll()


def _tail(output, lines: int = 3) -> str:
    """``: <its last lines>`` of what a command printed (joined by `` | ``), or ``""``."""
    output.seek(0)
    text = output.read()[-4000:].decode("utf-8", errors="replace")
    last = [ln.strip() for ln in text.splitlines() if ln.strip()][-lines:]
    return (": " + " | ".join(last)) if last else ""
