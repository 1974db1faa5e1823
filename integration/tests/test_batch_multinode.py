"""`ttv batch` on a Ray cluster of several nodes on this machine, every one on 127.0.0.1:
a head and three extra nodes, each a separate `ray start` process group with its own
resources (one of them declares a fake GPU and no CPU).

* lessons spread over the CPU nodes (the batch report counts lessons per node);
* a stage whose implementation needs a GPU runs as a Ray task on the GPU node while the
  lesson's other stages stay on a CPU node;
* killing a node mid-batch loses nothing: its lessons run again on the other nodes, resume
  their run directories, and a second batch skips them all;
* every connection and every listening socket of the cluster is on the loopback interface,
  and no process of it is left behind.

Needs the ``ray`` extra and psutil (``nox -s batch``); skipped otherwise. Slow: starting four
Ray nodes on a busy 2-core machine takes about a minute.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import json
import os
import sys
import threading
import time
from pathlib import Path

import pytest

if importlib.util.find_spec("ray") is None:  # not imported here: ttv sets Ray's env first
    pytest.skip("Ray is not installed: pip install 'ttv-integration[ray]'", allow_module_level=True)
psutil = pytest.importorskip("psutil", reason="the loopback checks need psutil")

from ttv_contracts.stubs import STUBS  # noqa: E402
from ttv_contracts.v1 import Needs  # noqa: E402
from ttv_integration.batch import LoopbackRayCluster, render_lesson, run_batch  # noqa: E402
from ttv_integration.config import load_config  # noqa: E402
from ttv_integration.registry import Registry  # noqa: E402

SMALL = {"width": 128, "height": 72, "timeline_width": 64, "timeline_height": 36}
SENTENCES = [
    "The tide rises twice a day.",
    "The moon pulls the water toward it.",
    "The sun pulls too, but less.",
    "Spring tides are the highest.",
    "Neap tides are the lowest.",
    "Sailors read tide tables before they leave.",
]


def _lessons(root: Path, n: int, sentences: int) -> Path:
    folder = root / "lessons"
    folder.mkdir()
    for i in range(n):
        text = " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(sentences))
        (folder / f"lesson{i:02d}.json").write_text(
            json.dumps({"title": f"Tides {i}", "text": text})
        )
    return folder


def _config(tmp_path: Path, **use: str):
    return load_config(
        profile="stub", use=use, overrides={**SMALL, "store_dir": str(tmp_path / "stores")}
    )


@pytest.fixture(scope="module")
def cluster():
    nodes = [
        {"num_cpus": 1},  # head (the driver attaches here)
        {"num_cpus": 1},  # node1: killed in the last test
        {"num_cpus": 1},  # node2
        {"num_cpus": 0, "num_gpus": 1},  # node3: a (fake) GPU and no CPU for lessons
    ]
    c = LoopbackRayCluster(nodes, start_timeout_s=180)
    c.start()
    try:
        yield c
    finally:
        c.stop()
        left = c.processes()
        assert left == [], [p.pid for p in left]


def _loopback(ip: str) -> bool:
    addr = ipaddress.ip_address(ip.split("%")[0])
    if getattr(addr, "ipv4_mapped", None):
        addr = addr.ipv4_mapped
    return addr.is_loopback


def test_lessons_spread_over_nodes_on_loopback_only(tmp_path, cluster):
    lessons = _lessons(tmp_path, 6, 3)
    report = run_batch(
        lessons, tmp_path / "out", _config(tmp_path), executor="ray", workers=3, max_retries=2
    )
    assert report["counts"]["ok"] == 6, report["counts"]
    per_node = report["lessons_per_node"]
    cpu_nodes = {cluster.node(n).node_id for n in ("head", "node1", "node2")}
    assert set(per_node) <= cpu_nodes  # no lesson on the GPU node (it has no CPU)
    assert len(per_node) >= 2, per_node  # spread, not all on one node
    assert sum(per_node.values()) == 6

    procs = [psutil.Process(os.getpid()), *cluster.processes()]
    names = " ".join(p.name() for p in procs)
    assert names.count("raylet") == 4 and "gcs_server" in names, names
    established, listening = [], []
    for proc in procs:
        try:
            conns = proc.net_connections(kind="inet")
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        for c in conns:
            if c.status == psutil.CONN_LISTEN:
                listening.append((proc.name(), c.laddr.ip, c.laddr.port))
            elif c.status == psutil.CONN_ESTABLISHED and c.raddr:
                established.append((proc.name(), c.laddr.ip, c.raddr.ip))
    assert established and listening
    assert [c for c in established if not (_loopback(c[1]) and _loopback(c[2]))] == []
    assert [c for c in listening if not _loopback(c[1])] == []


class FakeGpuKeyframe(STUBS["keyframe"]):
    """The stub keyframe renderer, declared as needing a GPU."""

    info = STUBS["keyframe"].info.model_copy(update={"name": "fakegpu", "needs": Needs(gpu=True)})


def gpu_lesson_task(job, events=None):
    registry = Registry()
    registry.register("keyframe", "fakegpu", FakeGpuKeyframe)
    return render_lesson(job, events, registry=registry)


def test_gpu_stage_runs_as_a_task_on_the_gpu_node(tmp_path, cluster):
    import ray

    # Ray workers do not share the driver's sys.path: ship this module's task by value.
    ray.cloudpickle.register_pickle_by_value(sys.modules[gpu_lesson_task.__module__])
    lessons = _lessons(tmp_path, 2, 3)
    report = run_batch(
        lessons,
        tmp_path / "out",
        _config(tmp_path, keyframe="fakegpu"),
        executor="ray",
        workers=2,
        task=gpu_lesson_task,
    )
    gpu_node = cluster.node("node3").node_id
    for rec in report["lessons"]:
        assert rec["status"] == "ok", rec.get("error")
        assert rec["resources"]["num_gpus"] == 0  # the lesson itself holds no GPU
        assert rec["worker"]["ray_node"] != gpu_node  # CPU stages ran on a CPU node
        offloaded = rec["offloaded"]["keyframe"]
        assert offloaded["implementation"] == "fakegpu"
        assert offloaded["calls"] == 3  # one keyframe per shot
        assert offloaded["nodes"] == [gpu_node]  # ...and every one on the GPU node


def test_killing_a_node_mid_batch_loses_nothing(tmp_path, cluster):
    lessons = _lessons(tmp_path, 6, 24)  # a few seconds each: the kill lands mid-lesson
    out = tmp_path / "out"
    config = _config(tmp_path)
    victim = cluster.node("node1").node_id
    assert victim in {n["NodeID"] for n in __import__("ray").nodes() if n["Alive"]}
    result: dict = {}

    def batch() -> None:
        result["report"] = run_batch(lessons, out, config, executor="ray", workers=3, max_retries=2)

    driver = threading.Thread(target=batch)
    driver.start()
    deadline = time.monotonic() + 300
    killed = False
    while driver.is_alive() and time.monotonic() < deadline and not killed:
        logs = list((out / "runs").glob(".*.attempts")) if (out / "runs").is_dir() else []
        if any(victim in log.read_text() for log in logs):
            cluster.kill("node1")  # node1 has just started a lesson
            killed = True
            # all of it, workers included (Ray puts each worker in a process group of its own)
            assert cluster.processes("node1") == []
        time.sleep(0.1)
    driver.join(timeout=600)
    assert killed, "node1 never started a lesson"
    report = result["report"]
    assert report["counts"]["ok"] == 6, [r.get("error") for r in report["lessons"]]
    assert victim not in report["lessons_per_node"] or all(
        rec["worker"]["ray_node"] != victim or rec["attempts"] == 1 for rec in report["lessons"]
    )
    rerun = [rec for rec in report["lessons"] if victim in rec.get("attempt_nodes", [])[:-1]]
    assert rerun, "no lesson was running on node1 when it died"
    for rec in rerun:  # ran again elsewhere, after its first attempt was lost with the node
        assert rec["attempts"] >= 2
        assert rec["worker"]["ray_node"] != victim
    videos = sorted(p.name for p in (out / "videos").glob("*.mp4"))
    assert len(videos) == 6

    again = run_batch(lessons, out, config, executor="ray", workers=2)
    assert again["skipped"] == 6 and again["rendered"] == 0
