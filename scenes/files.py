"""Files the film and the pipeline both write and read: atomic writes, hashes, audio as samples, confinement.

The narration's voice cache and the pipeline's published files are written
the same way (:func:`atomic_path`), checked the same way (:func:`sha256_file`)
and decoded the same way (:func:`decode_audio`). numpy and PyAV only; the
pipeline imports these from here, never the other way round.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import av
import numpy as np
from numpy.typing import NDArray

__all__ = ["RATE", "OutsideError", "inside", "atomic_path", "sha256_file", "decode_audio"]

#: Sample rate of all audio the lecture handles (Opus runs at 48 kHz).
RATE = 48_000


class OutsideError(ValueError):
    """A path built from input would lead outside the folder it must stay in."""


def inside(root: str | os.PathLike, path: str | os.PathLike, what: str = "media folder") -> Path:
    """``path`` if it resolves inside ``root`` (symbolic links and ``..`` followed), else :class:`OutsideError`.

    Every folder the build writes is checked with this before anything is
    written into it: a name built from input (a lesson's stem, a variant, a
    beat's slug, a block's id) can never lead out of the chosen media folder.

    Examples
    --------
    >>> inside("/tmp/media", "/tmp/media/low/beats")
    PosixPath('/tmp/media/low/beats')
    >>> inside("/tmp/media", "/tmp/media/../low")
    Traceback (most recent call last):
    ...
    scenes.files.OutsideError: refusing to write '/tmp/media/../low': it is outside the media folder '/tmp/media'
    """
    top, where = Path(root).resolve(), Path(path).resolve()
    if where != top and top not in where.parents:
        raise OutsideError(f"refusing to write {str(path)!r}: it is outside the {what} {str(root)!r}")
    return Path(path)


@contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` on success.

    Whatever goes wrong inside the block (an exception, a kill before the
    rename), ``target`` keeps its old content: readers see the old file or the
    new one, never half of one. The file is made world-readable (0644), as a
    normal write would be, so a web server can serve it.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".part{target.suffix}", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


def sha256_file(path: str | os.PathLike) -> str:
    """The sha256 of a file's bytes, as hex (read in 1 MB blocks)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def decode_audio(path: str | os.PathLike, rate: int = RATE) -> NDArray[np.float32]:
    """The file's first audio stream as mono float32 samples at ``rate`` (empty if it has none)."""
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return np.zeros(0, dtype=np.float32)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        chunks = []
        for frame in container.decode(container.streams.audio[0]):
            chunks.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(frame))
        chunks.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(None))
    return np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, dtype=np.float32)
