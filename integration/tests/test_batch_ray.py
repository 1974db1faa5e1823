"""`ttv batch --executor ray` on a local Ray instance kept on the loopback interface.

Needs the ``ray`` extra (``pip install 'ttv-integration[ray]' psutil``); skipped otherwise.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import json
import os
import sys
from pathlib import Path

import pytest

if importlib.util.find_spec("ray") is None:  # not imported here: ttv sets Ray's env first
    pytest.skip(
        "Ray is not installed: pip install 'ttv-integration[ray]' psutil", allow_module_level=True
    )
psutil = pytest.importorskip("psutil", reason="the loopback check needs psutil")

from ttv_integration.batch import run_batch, start_ray  # noqa: E402
from ttv_integration.cli import app  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

HERE = Path(__file__).parent


def _sibling(name: str):
    """Load a sibling test module (the suite runs with --import-mode=importlib)."""
    spec = importlib.util.spec_from_file_location(f"_ttv_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


local = _sibling("test_batch")


@pytest.fixture(scope="module")
def ray_session():
    """One local Ray instance for the module, started exactly as `ttv batch` starts it
    (the environment is set before Ray is imported)."""
    try:
        start_ray(None, num_cpus=2)
    except Exception:  # Ray gives its raylet 30 s to come up; a loaded CI box can miss that once
        import ray

        ray.shutdown()
        start_ray(None, num_cpus=2)
    import ray

    yield ray
    ray.shutdown()


def _ray_processes() -> list[psutil.Process]:
    me = psutil.Process(os.getpid())
    return [me, *me.children(recursive=True)]


def _loopback(ip: str) -> bool:
    addr = ipaddress.ip_address(ip.split("%")[0])
    if getattr(addr, "ipv4_mapped", None):
        addr = addr.ipv4_mapped
    return addr.is_loopback


def test_ray_batch_rerun_and_loopback_only(tmp_path, ray_session):
    lessons = local.make_lessons(tmp_path)
    out = tmp_path / "out"
    args = ["batch", str(lessons), "-o", str(out), "-c", str(local.small_config(tmp_path))]
    runner = CliRunner()
    result = runner.invoke(app, [*args, "--executor", "ray", "--workers", "2", "--quiet"])
    assert result.exit_code == 1, result.output
    report = json.loads((out / "batch.json").read_text())
    local.check_first_run(report, out)
    assert report["executor"] == "ray"
    by = {r["lesson"]: r for r in report["lessons"]}
    assert by["alpha"]["resources"] == {"num_cpus": 1.0, "num_gpus": 0.0}  # stubs need no GPU

    # Every established connection of the driver, GCS, raylet and workers is on loopback.
    procs = _ray_processes()
    names = " ".join(p.name() for p in procs)
    assert "raylet" in names and "gcs_server" in names, names
    established = []
    for proc in procs:
        try:
            conns = proc.net_connections(kind="inet")
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        established += [
            (proc.name(), c.laddr.ip, c.raddr.ip)
            for c in conns
            if c.status == psutil.CONN_ESTABLISHED and c.raddr
        ]
    assert established, "expected Ray's processes to hold connections"
    off_loopback = [c for c in established if not (_loopback(c[1]) and _loopback(c[2]))]
    assert off_loopback == [], off_loopback

    mtimes = {s: (out / "videos" / f"{s}.mp4").stat().st_mtime_ns for s in local.GOOD}
    result = runner.invoke(app, [*args, "--executor", "ray", "--workers", "2", "--quiet"])
    assert result.exit_code == 1
    local.check_second_run(json.loads((out / "batch.json").read_text()), out, mtimes)


def test_ray_lost_worker_is_retried_then_recorded(tmp_path, stub_config, ray_session, monkeypatch):
    crashing_task = local.crasher(tmp_path, monkeypatch)
    # Ray workers do not share the driver's sys.path: ship the crasher by value.
    ray = ray_session
    ray.cloudpickle.register_pickle_by_value(sys.modules[crashing_task.__module__])
    lessons = local.make_lessons(tmp_path)
    (lessons / "broken.json").unlink()
    (lessons / "crash.json").write_text(json.dumps(local.GOOD["alpha"]))
    report = run_batch(
        lessons,
        tmp_path / "out",
        stub_config,
        executor="ray",
        workers=2,
        max_retries=1,
        task=crashing_task,
    )
    by = {r["lesson"]: r for r in report["lessons"]}
    assert by["crash"]["status"] == "failed" and by["crash"]["error"]["code"] == "TTV-E010"
    assert "lost" in by["crash"]["error"]["message"]
    assert by["alpha"]["status"] == by["beta"]["status"] == "ok"
