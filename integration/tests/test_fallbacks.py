"""Raising, hanging and shape-violating implementations fall back; the report says so."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from ttv_contracts import stubs
from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import (
    Clip,
    FrameInterpolator,
    Keyframe,
    KeyframeRenderer,
    ModuleInfo,
    Upscaler,
)
from ttv_integration import Pipeline, Registry, load_lesson
from ttv_integration.config import load_config
from ttv_integration.encoder import probe

_RELEASE = threading.Event()


def _info(slot: str, name: str) -> ModuleInfo:
    return ModuleInfo(slot=slot, name=name, version="0.0.1", package="tests")


class RaisingKeyframe(KeyframeRenderer):
    info = _info("keyframe", "raising")

    def _render(self, spec):
        raise RuntimeError("GPU fell off the bus")


class HangingKeyframe(KeyframeRenderer):
    info = _info("keyframe", "hanging")

    def _render(self, spec):
        _RELEASE.wait(30)
        raise RuntimeError("released")


class BadShapeKeyframe(KeyframeRenderer):
    info = _info("keyframe", "badshape")

    def _render(self, spec):
        return Keyframe(image=np.zeros((spec.height + 3, spec.width, 3), np.uint8))


class RaisingInterpolator(FrameInterpolator):
    info = _info("interpolator", "raising")

    def _interpolate(self, frames, fps_in, fps_out):
        for i, frame in enumerate(frames):
            if i == 5:
                raise ValueError("flow diverged")
            yield frame


class HangingUpscaler(Upscaler):
    info = _info("upscaler", "hanging")

    def _upscale(self, frames, width, height):
        next(iter(frames))
        _RELEASE.wait(30)
        yield np.zeros((height, width, 3), np.uint8)


@pytest.fixture(autouse=True)
def _release_hung_threads():
    _RELEASE.clear()
    yield
    _RELEASE.set()


def _registry() -> Registry:
    reg = Registry(eps=[])
    for cls in (
        RaisingKeyframe,
        HangingKeyframe,
        BadShapeKeyframe,
        RaisingInterpolator,
        HangingUpscaler,
    ):
        reg.register(cls.info.slot, cls.info.name, cls)
    return reg


def test_keyframe_chain_falls_back_to_stub(tmp_path, small_overrides, lesson_file):
    # Only the keyframe slot gets the short budget: on a loaded machine a 0.5 s budget for
    # every stage would time out innocent calls too.
    cfg = load_config(profile="stub", overrides=small_overrides)
    cfg = cfg.model_copy(
        update={
            "slots": {
                **cfg.slots,
                "keyframe": cfg.slots["keyframe"].model_copy(
                    update={
                        "use": "raising",
                        "fallbacks": ("hanging", "badshape"),
                        "explicit": True,
                        "timeout_s": 0.5,
                    }
                ),
            }
        }
    )
    out = tmp_path / "out.mp4"
    report = Pipeline(cfg, registry=_registry()).run(
        load_lesson(lesson_file), out, runs_root=tmp_path / "runs"
    )
    assert report.status == "degraded"
    kf = next(s for s in report.stages if s.stage == "keyframe")
    assert kf.status == "fallback" and kf.implementation == "stub"
    codes = {(f.implementation, f.error_code) for f in kf.fallbacks}
    assert ("raising", "TTV-E010") in codes
    assert ("hanging", "TTV-E011") in codes
    assert ("badshape", "TTV-E012") in codes
    # the hung implementation is tried once, then left out for the rest of the run
    assert sum(1 for f in kf.fallbacks if f.implementation == "hanging") == 1
    assert probe(out)["cues"] == report.num_shots


def test_streaming_stages_fall_back(tmp_path, small_overrides, lesson_file):
    cfg = load_config(
        profile="stub",
        use={"interpolator": "raising", "upscaler": "hanging"},
        overrides=small_overrides,
    )
    slots = dict(cfg.slots)
    slots["upscaler"] = slots["upscaler"].model_copy(update={"timeout_s": 0.5})
    cfg = cfg.model_copy(update={"slots": slots})
    out = tmp_path / "out.mp4"
    report = Pipeline(cfg, registry=_registry()).run(
        load_lesson(lesson_file), out, runs_root=tmp_path / "runs"
    )
    stages = {s.stage: s for s in report.stages}
    assert stages["interpolator"].status == "fallback"
    assert stages["interpolator"].fallbacks[0].error_code == "TTV-E010"
    assert stages["upscaler"].status == "fallback"
    assert stages["upscaler"].fallbacks[0].error_code == "TTV-E011"
    info = probe(out)
    assert abs(info["duration_s"] - report.duration_s) <= 1 / 24 + 1e-6


def test_failure_keeps_completed_stages(tmp_path, small_overrides, lesson_file):
    class AlwaysFails(KeyframeRenderer):
        info = _info("keyframe", "stub")  # shadows nothing: registered in a fresh registry

        def _render(self, spec):
            raise RuntimeError("boom")

    reg = Registry(eps=[])
    reg._entries["keyframe"].clear()
    reg.register("keyframe", "stub", AlwaysFails)
    cfg = load_config(profile="stub", overrides=small_overrides)
    with pytest.raises(TTVError) as info:
        Pipeline(cfg, registry=reg).run(
            load_lesson(lesson_file), tmp_path / "o.mp4", run_dir=tmp_path / "run"
        )
    assert info.value.code == "TTV-E010"
    import json

    saved = json.loads((tmp_path / "run" / "report.json").read_text())
    assert saved["status"] == "failed" and saved["error"]["code"] == "TTV-E010"
    done = {s["stage"] for s in saved["stages"] if s["status"] in ("ok", "reused")}
    assert {"narrative", "identity", "scene", "emotion", "voice"} <= done
    assert any((tmp_path / "run" / "cache" / "voice").iterdir())


def test_clip_type_guard():
    # The runner relies on the contract bases; a stub clip round-trips through them.
    clip = stubs.StubExtender().extend(Clip(frames=np.zeros((2, 8, 8, 3), np.uint8), fps=12), 5)
    assert clip.num_frames == 5
