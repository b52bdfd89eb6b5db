"""``--executor ray``: the fixture lecture on a real Ray cluster (a head and two worker nodes on this machine).

Each worker node unpacks the shipped checkout into a working folder of its
own; the test kills the node that is rendering the slow beat, and Ray runs the
unit again on the other one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from scenes.files import decode_audio
from scenes.pipeline.build import ROOT
from scenes.pipeline.media import verify
from scenes.pipeline.travel import TravelError, write_verified
from tests.pipeline.test_build_faults import FIXTURE, file_hash, frame_hashes

ray_cluster_utils = pytest.importorskip("ray.cluster_utils", reason="Ray is installed by tools/setup.sh test")


def render(media: Path, lecture: str, *args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "scenes", "render", "--lecture", f"{FIXTURE}:{lecture}",
                             "--media", str(media), *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _parent(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def rendering(scene: str, nodes: list) -> tuple[int, object] | None:
    """A render process of ``scene`` on one of ``nodes`` (other builds on this machine may render one too)."""
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"scenes.pipeline.worker" in argv and scene.encode() in argv:
            if (node := node_of(int(entry.name), nodes)) is not None:
                return int(entry.name), node
    return None


def node_of(pid: int, nodes: list) -> object | None:
    """The cluster node whose raylet ``pid`` descends from."""
    raylets = {n.all_processes["raylet"][0].process.pid: n for n in nodes}
    while pid > 1:
        if pid in raylets:
            return raylets[pid]
        try:
            pid = _parent(pid)
        except OSError:
            return None
    return None


def published_files_are_all_vouched_for(media: Path) -> None:
    """Every file in the quality folder is one a stamp recorded, and still what it recorded."""
    out = media / "low"
    records = {}
    for stamp in (out / "beats").glob("*.json"):
        records.update({out / "beats" / k: v for k, v in json.loads(stamp.read_text())["files"].items()})
        records[stamp] = None
    lecture = json.loads((out / "lecture.json").read_text())
    records.update({out / k: v for k, v in lecture["files"].items()})
    records[out / "lecture.json"] = None
    found = {p for p in out.rglob("*") if p.is_file() and "logs" not in p.parts
             and p.name not in {".lock", "last-run.json"}}  # the lock and what the run did, written here
    assert found == set(records), found ^ set(records)
    assert all(verify(p, r) is None for p, r in records.items() if r is not None)
    assert not any((media / ".staging").rglob("*.*")), "no render's files are left in the staging folder"
    sources = {s["path"]: s["sha256"] for stamp in (out / "beats").glob("*.json")
               for s in json.loads(stamp.read_text())["sources"]}
    for wav in (media / "voice").glob("*.wav"):  # what came back into the voice cache, each read by a beat
        assert sources.get(str(wav.resolve())) == file_hash(wav), wav


@pytest.mark.slow
def test_a_cluster_renders_the_local_lecture_and_survives_a_lost_node(tmp_path, tiny_env):
    # The beats speak; each media folder keeps its own voice cache (the workers, one in their copy).
    env = {**{k: v for k, v in tiny_env.items() if k != "LECTURE_VOICE_CACHE"}, "LECTURE_VOICE": "flite:rms"}
    cluster = ray_cluster_utils.Cluster(initialize_head=True, connect=False,
                                        head_node_args={"num_cpus": 0, "include_dashboard": False})
    try:
        # Two worker nodes, one unit each at a time, each with a working folder of its own.
        workers = [cluster.add_node(num_cpus=1, runtime_env_dir_name=f"runtime_resources_{i}") for i in (1, 2)]
        cluster.wait_for_nodes()
        media = tmp_path / "ray"
        run = render(media, "KILL", "--executor", f"ray={cluster.address}", env=env)
        deadline = time.monotonic() + 120
        while (found := rendering("Slow", workers)) is None and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert found is not None, "the slow beat never started rendering on a worker node"
        time.sleep(2)  # well into it
        _, lost = found
        cluster.remove_node(lost, allow_graceful=False)
        stdout, stderr = run.communicate(timeout=180)
        assert run.returncode == 0, stderr
    finally:
        cluster.shutdown()

    survivor = next(w for w in workers if w is not lost)
    ran_on = {s: json.loads((media / "low" / "beats" / f"{s}.json").read_text())["worker"]["ran_on"]
              for s in ("01-beats", "02-beats")}
    assert ran_on["02-beats"]["node"] == survivor.node_id, "the lost node's unit ran again on the other node"
    for where in ran_on.values():
        assert Path(where["cwd"]).resolve() != ROOT and "runtime_resources_" in where["cwd"], where
    published_files_are_all_vouched_for(media)

    assert len(list((media / "voice").glob("*.wav"))) == 2, "the voice each unit read came back with it"

    local = tmp_path / "local"
    alone = render(local, "KILL", env=env)
    assert alone.wait(timeout=180) == 0, alone.stderr.read()
    ours, theirs = media / "low" / "lecture.mp4", local / "low" / "lecture.mp4"
    assert frame_hashes(ours) == frame_hashes(theirs)
    sound = decode_audio(ours)
    assert np.abs(sound).max() > 0.05 and np.array_equal(sound, decode_audio(theirs))
    again = render(media, "KILL", env=env)  # the cluster's stamps (and the voice they read) hold on this machine
    assert again.wait(timeout=60) == 0 and again.stdout.read().count("up to date") == 2


def test_a_file_that_arrives_damaged_is_not_published(tmp_path):
    target = tmp_path / "beats" / "01-x.mp4"
    target.parent.mkdir()
    with pytest.raises(TravelError, match="01-x.mp4: arrived damaged"):
        write_verified(b"sent bytes, then one flipped", "0" * 64, target)
    assert list(target.parent.iterdir()) == []
    write_verified(b"sent", __import__("hashlib").sha256(b"sent").hexdigest(), target)
    assert target.read_bytes() == b"sent"


def test_a_bad_executor_is_one_line(tmp_path):
    out = subprocess.run([sys.executable, "-m", "scenes", "render", "--executor", "dask", "--media",
                          str(tmp_path / "m"), "--lecture", f"{FIXTURE}:SCENES_IN_ORDER"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60, env={**os.environ, "LECTURE_VOICE": "none"})
    assert out.returncode == 2
    assert out.stderr.strip() == "error: --executor 'dask': expected local, ray or ray=ADDRESS (e.g. ray=10.0.0.5:6379)"
    assert not (tmp_path / "m").exists()
