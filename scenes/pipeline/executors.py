"""Where units of work run: this machine's processes (the default) or a Ray cluster (``--executor ray``).

A *unit* is one function call, ``fn(staging, cache, *args)``, that renders
into the empty folder ``staging`` and returns a JSON-able dict whose
``"files"`` lists what it made there (paths relative to ``staging``).
``cache`` is a folder the unit may keep between units on the same machine
(Manim's LaTeX SVGs). Today a unit is one beat
(:func:`scenes.pipeline.build.render_unit`); any smaller unit fits the same
shape.

:class:`LocalExecutor` calls the unit here. :class:`RayExecutor` hands it to
Ray Core as a task: the job ships this checkout to the workers (the runtime
environment's ``working_dir``, without ``media/``, ``.venv`` or ``.git``),
with the lesson and narration variables; on the worker the unit renders into
a temporary folder, and its files come back as bytes with their sha256. Each
is written into the local staging folder and hashed again before the build
publishes anything (:func:`scenes.pipeline.travel.write_verified`). Ray
retries a unit whose worker or node died (``max_retries``); nothing of a
lost attempt reaches this machine. There is no scheduler here: every unit is
handed to Ray at once, and Ray places them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scenes.pipeline.travel import TravelError, safe_relative, write_verified

__all__ = ["Executor", "LocalExecutor", "RayExecutor", "executor_from_spec", "EXECUTOR_HELP", "shipped_env",
           "NOT_SHIPPED", "RAY_RETRIES"]

ROOT = Path(__file__).resolve().parents[2]

def shipped_env() -> dict[str, str]:
    """What a unit needs from this process's environment: the settings (lesson, voice, captions) and the
    worker's overrides, paths inside this checkout made relative to it. Not the voice cache: a worker
    keeps its own, inside its copy; what a unit read comes back with it."""
    from scenes.pipeline.worker import OVERRIDES_ENV
    from scenes.settings import CACHE_ENV, Settings

    env = {k: v for k, v in Settings.from_env().to_env().items() if k != CACHE_ENV}
    if OVERRIDES_ENV in os.environ:
        env[OVERRIDES_ENV] = os.environ[OVERRIDES_ENV]
    return {k: _shipped(v, ROOT) for k, v in env.items()}


#: What of this checkout is not shipped to a cluster's workers (renders, the virtualenv, history).
NOT_SHIPPED = ["media/", ".venv/", ".git/", "node_modules/", "__pycache__/", ".pytest_cache/", ".hypothesis/"]

#: How often Ray runs a unit again when its worker process or node dies.
RAY_RETRIES = 3

EXECUTOR_HELP = ("where units render: local (processes on this machine, the default), ray (a local Ray "
                 "instance) or ray=ADDRESS (join a Ray cluster, e.g. ray=10.0.0.5:6379); needs make setup-ray")

Unit = Callable[..., dict]


class Executor(ABC):
    """Runs units of work (see the module's docstring)."""

    name = ""

    @abstractmethod
    def run(self, fn: Unit, staging: Path, cache: Path, *args: Any,
            status: Callable[[str], None] | None = None) -> dict:
        """Run ``fn(staging, cache, *args)`` somewhere; its files end up in ``staging``, verified.

        ``status`` receives the unit's progress lines where they can reach it (here, not from a cluster).
        """

    def default_jobs(self, units: int) -> int:
        """How many units to have running at once when the user did not say."""
        return os.cpu_count() or 1

    def close(self) -> None:
        """Let go of whatever the executor started."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class LocalExecutor(Executor):
    """Units run here, one thread each, each thread waiting on its render process."""

    name = "local"

    def run(self, fn: Unit, staging: Path, cache: Path, *args: Any,
            status: Callable[[str], None] | None = None) -> dict:
        return fn(staging, cache, *args, status=status)


def _shipped(value: str, root: Path) -> str:
    """``value`` with paths inside ``root`` made relative to it: they mean the same files in the shipped copy.

    ``/repo/lessons/a.toml`` → ``lessons/a.toml``, ``recordings:/repo/rec`` → ``recordings:rec``
    (units run from the root of the shipped copy); other paths stay as they are.
    """
    return value.replace(f"{root}{os.sep}", "")


def _remote_unit(fn: Unit, args: tuple) -> tuple[dict, dict[str, tuple[bytes, str]], dict]:
    """On a Ray worker: run the unit in a temporary folder; send back its result and its files with sha256s."""
    import ray

    staging = Path(tempfile.mkdtemp(prefix="scenes-unit-"))
    try:
        cache = Path(tempfile.gettempdir()) / "scenes-unit-cache"
        result = fn(staging, cache, *args)
        files = {}
        for name in result.get("files", []):
            data = (staging / safe_relative(name)).read_bytes()
            files[name] = (data, hashlib.sha256(data).hexdigest())
        where = {"node": ray.get_runtime_context().get_node_id(), "cwd": os.getcwd(), "pid": os.getpid()}
        return result, files, where
    finally:
        shutil.rmtree(staging, ignore_errors=True)


class RayExecutor(Executor):
    """Units run as Ray tasks, on a local instance (no address) or a cluster (``ray=ADDRESS``)."""

    name = "ray"

    def __init__(self, address: str | None = None) -> None:
        try:
            import ray
        except ImportError:
            raise RuntimeError("--executor ray needs Ray: run make setup-ray (pip install -e '.[ray]')") from None
        env = shipped_env()
        self._ray = ray
        self._started = not ray.is_initialized()
        if self._started:
            ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level="WARNING",
                     runtime_env={"working_dir": str(ROOT), "excludes": NOT_SHIPPED, "env_vars": env})
        self._task = ray.remote(max_retries=RAY_RETRIES, retry_exceptions=False)(_remote_unit)

    def default_jobs(self, units: int) -> int:
        return max(units, 1)  # every unit is handed to Ray at once; Ray places them

    def run(self, fn: Unit, staging: Path, cache: Path, *args: Any,
            status: Callable[[str], None] | None = None) -> dict:
        try:
            result, files, where = self._ray.get(self._task.remote(fn, args))
        except self._ray.exceptions.RayError as e:  # lost more often than Ray retries, or raised on the worker
            cause = (str(e).strip().splitlines() or [type(e).__name__])[0]
            raise TravelError(f"lost on the cluster after {RAY_RETRIES} retries: {type(e).__name__}: {cause}") from None
        for name, (data, sha256) in files.items():
            target = staging / safe_relative(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            write_verified(data, sha256, target)
        return {**result, "ran_on": where}

    def close(self) -> None:
        if self._started:
            self._ray.shutdown()


def executor_from_spec(spec: str | None) -> Executor:
    """``local`` (or nothing), ``ray`` or ``ray=ADDRESS`` → an executor.

    Raises
    ------
    ValueError
        For any other value, naming what is allowed.
    """
    spec = (spec or "local").strip()
    engine, _, address = spec.partition("=")
    if engine == "local" and not address:
        return LocalExecutor()
    if engine == "ray" and (address.strip() or not _):
        return RayExecutor(address.strip() or None)
    raise ValueError(f"--executor {spec!r}: expected local, ray or ray=ADDRESS (e.g. ray=10.0.0.5:6379)")
