"""The top-ten failure catalog: each failure is injected, detected, falls back safely, is
recorded in the report, and its message carries the code and the REPAIR.md pointer."""

from __future__ import annotations

import errno
import json
import sqlite3

import numpy as np
import pytest
from ttv_contracts.errors import (
    E_CONTRACT_MAJOR,
    E_DISK_FULL,
    E_KEY_MISSING,
    E_STORE_CORRUPT,
    E_WEIGHTS_MISSING,
    TTVError,
)
from ttv_contracts.stubs import StubIdentity, StubWatermark
from ttv_contracts.v1 import FrameInterpolator, KeyframeRenderer, ModuleInfo
from ttv_integration import Pipeline, Registry, load_lesson
from ttv_integration.config import load_config
from ttv_integration.encoder import probe


def _info(slot: str, name: str, **kw) -> ModuleInfo:
    return ModuleInfo(slot=slot, name=name, version="0.0.1", package="tests", **kw)


def _run(tmp_path, small_overrides, lesson_file, registry, use, **extra):
    """Run with the fault injected; a run that degraded must fail under ``strict``, with a
    message naming the failing implementation and its package, and write no video."""
    cfg = load_config(profile="stub", use=use, overrides={**small_overrides, **extra})
    out = tmp_path / "out.mp4"
    report = Pipeline(cfg, registry=registry).run(
        load_lesson(lesson_file), out, runs_root=tmp_path / "runs"
    )
    assert probe(out)["cues"] == report.num_shots  # the video is still valid
    if report.status == "degraded":
        strict = load_config(
            profile="stub", use=use, overrides={**small_overrides, **extra, "strict": True}
        )
        failed = next(f for s in report.stages for f in s.fallbacks)
        with pytest.raises(TTVError) as info:
            Pipeline(strict, registry=registry).run(
                load_lesson(lesson_file), tmp_path / "strict.mp4", runs_root=tmp_path / "strict"
            )
        message = str(info.value)
        assert "strict run" in message and f"'{failed.implementation}'" in message, message
        assert info.value.code == failed.error_code, message
        assert info.value.module in ("tests", failed.implementation), message
        assert not (tmp_path / "strict.mp4").exists()
    return report


def _stage(report, name):
    return next(s for s in report.stages if s.stage == name)


def _assert_fallback(report, stage, code):
    rec = _stage(report, stage)
    assert report.status == "degraded"
    assert rec.status == "fallback" and code in rec.error_codes, rec
    assert rec.implementation == "stub"
    msg = next(f.message for f in rec.fallbacks if f.error_code == code)
    assert msg


def test_out_of_memory_on_a_model_backend(tmp_path, small_overrides, lesson_file):
    class OomKeyframe(KeyframeRenderer):
        info = _info("keyframe", "oom", needs={"gpu": False})

        def _render(self, spec):
            raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")

    reg = Registry(eps=[])
    reg.register("keyframe", "oom", OomKeyframe)
    report = _run(tmp_path, small_overrides, lesson_file, reg, {"keyframe": "oom"})
    _assert_fallback(report, "keyframe", "TTV-E021")


def test_missing_model_weights(tmp_path, small_overrides, lesson_file):
    class WeightsKeyframe(KeyframeRenderer):
        info = _info("keyframe", "weights", needs={"weights_path": True})

        def __init__(self, **options):
            super().__init__(**options)
            path = options.get("weights_path")
            raise TTVError(
                E_WEIGHTS_MISSING, f"weights_path {path!r} does not exist", module="tests"
            )

        def _render(self, spec):  # pragma: no cover - never constructed
            raise AssertionError

    reg = Registry(eps=[])
    reg.register("keyframe", "weights", WeightsKeyframe)
    report = _run(tmp_path, small_overrides, lesson_file, reg, {"keyframe": "weights"})
    _assert_fallback(report, "keyframe", "TTV-E020")


def test_missing_signing_key(tmp_path, small_overrides, lesson_file):
    class KeyedWatermark(StubWatermark):
        info = _info("watermark", "keyed")

        def _sign(self, video, manifest):
            raise TTVError(E_KEY_MISSING, "no signing key: set TTV_SIGNING_KEY", module="tests")

    reg = Registry(eps=[])
    reg.register("watermark", "keyed", KeyedWatermark)
    report = _run(tmp_path, small_overrides, lesson_file, reg, {"watermark": "keyed"})
    _assert_fallback(report, "sign", "TTV-E050")
    record = json.loads((tmp_path / "runs" / report.run_id / "provenance.json").read_text())
    assert record["algorithm"] == "none"  # honest: unsigned, and the report says why


def test_corrupt_identity_store(tmp_path, small_overrides, lesson_file):
    store = tmp_path / "stores" / "identity"

    class StoreIdentity(StubIdentity):
        info = _info("identity", "stored", needs={"store": True})

        def _resolve(self, plan):
            path = store / "identity.sqlite"
            try:
                with sqlite3.connect(path) as db:
                    db.execute("PRAGMA integrity_check").fetchall()
            except sqlite3.DatabaseError as exc:
                raise TTVError(
                    E_STORE_CORRUPT, f"{path} is corrupt: {exc}", module="tests"
                ) from None
            return super()._resolve(plan)

    store.mkdir(parents=True)
    (store / "identity.sqlite").write_bytes(b"this is not a database" * 100)
    before = (store / "identity.sqlite").read_bytes()
    reg = Registry(eps=[])
    reg.register("identity", "stored", StoreIdentity)
    report = _run(tmp_path, small_overrides, lesson_file, reg, {"identity": "stored"})
    _assert_fallback(report, "identity", "TTV-E030")
    assert (store / "identity.sqlite").read_bytes() == before  # never silently replaced


def test_audio_video_length_mismatch_is_caught(tmp_path, small_overrides, lesson_file):
    class OneTooMany(FrameInterpolator):
        info = _info("interpolator", "overshoot")

        def _interpolate(self, frames, fps_in, fps_out):
            last = None
            for frame in frames:
                last = frame
                yield frame
                yield frame
            if last is not None:
                yield last  # one frame past the timeline: audio would drift

    reg = Registry(eps=[])
    reg.register("interpolator", "overshoot", OneTooMany)
    report = _run(tmp_path, small_overrides, lesson_file, reg, {"interpolator": "overshoot"})
    rec = _stage(report, "interpolator")
    assert rec.status == "fallback" and "TTV-E012" in rec.error_codes
    info = probe(tmp_path / "out.mp4")
    assert abs(info["duration_s"] - report.duration_s) <= 1 / 24 + 1e-6


def test_module_built_for_another_contract_major(tmp_path, small_overrides, lesson_file):
    class FutureKeyframe(KeyframeRenderer):
        info = ModuleInfo(slot="keyframe", name="future", version="9.0.0", contract_major=2)

        def _render(self, spec):
            return np.zeros((spec.height, spec.width, 3), np.uint8)

    reg = Registry(eps=[])
    reg.register("keyframe", "future", FutureKeyframe)
    with pytest.raises(TTVError) as info:
        reg.get("keyframe", "future").load()
    assert info.value.code == E_CONTRACT_MAJOR.code and "REPAIR.md#ttv-e007" in str(info.value)
    report = _run(tmp_path, small_overrides, lesson_file, reg, {"keyframe": "future"})
    _assert_fallback(report, "keyframe", "TTV-E007")


def test_disk_full(tmp_path, small_overrides, lesson_file, monkeypatch):
    from ttv_integration import rundir  # where the cache's atomic writes open their files

    real_open = open
    calls = {"n": 0}

    def full_disk_open(path, mode="r", *args, **kwargs):
        if "w" in mode and "cache" in str(path):
            calls["n"] += 1
            if calls["n"] > 3:
                raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(path, mode, *args, **kwargs)

    # The cache's background writer hits the full disk; the run fails at its next hand-off.
    monkeypatch.setattr(rundir, "open", full_disk_open, raising=False)
    cfg = load_config(profile="stub", overrides=small_overrides)
    with pytest.raises(TTVError) as info:
        Pipeline(cfg).run(load_lesson(lesson_file), tmp_path / "o.mp4", run_dir=tmp_path / "run")
    assert info.value.code == E_DISK_FULL.code and "REPAIR.md#ttv-e042" in str(info.value)
    saved = json.loads((tmp_path / "run" / "report.json").read_text())
    assert saved["status"] == "failed" and saved["error"]["code"] == "TTV-E042"
    # completed stages survive: a resume with space again reuses them
    monkeypatch.setattr(rundir, "open", real_open, raising=False)
    report = Pipeline(cfg).run(
        load_lesson(lesson_file), tmp_path / "o.mp4", run_dir=tmp_path / "run", resume=True
    )
    assert _stage(report, "narrative").status == "reused"
