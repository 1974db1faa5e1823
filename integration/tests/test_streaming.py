"""The render streams the shots: each is lip-synced and blended on a producer thread just
ahead of the frames being encoded, so the first frame does not wait for the last shot and
memory holds a window of shots, not the lesson. Asserted on order and counts, never on time."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from ttv_contracts.errors import TTVError
from ttv_contracts.stubs import STUBS
from ttv_contracts.v1 import Lesson, LipSyncer, ModuleInfo
from ttv_integration import Pipeline, Registry, load_config
from ttv_integration.cache import ArtifactCache
from ttv_integration.executor import Ahead, StrictFailure

SMALL = {"width": 128, "height": 72, "timeline_width": 64, "timeline_height": 36}


def _lesson(n_shots: int) -> Lesson:
    return Lesson(
        title=f"Stream {n_shots}",
        text=" ".join(f"Sentence number {i} tells a short fact." for i in range(n_shots)),
    )


class Seen:
    """Frames the encoder got, as each shot was lip-synced."""

    written = 0
    at_sync: list[int] = []


class CountingWatermark(STUBS["watermark"]):
    def _embed_frame(self, frame: np.ndarray, payload):
        Seen.written += 1
        return super()._embed_frame(frame, payload)


class RecordingLipSync(STUBS["lipsync"]):
    def _sync(self, clip, audio, characters):
        Seen.at_sync.append(Seen.written)
        return super()._sync(clip, audio, characters)


class SlowLipSync(STUBS["lipsync"]):
    info = ModuleInfo(slot="lipsync", name="slow", version="0.0.1", package="tests")

    def _sync(self, clip, audio, characters):
        time.sleep(1.2)
        return super()._sync(clip, audio, characters)


class BrokenLipSync(LipSyncer):
    info = ModuleInfo(slot="lipsync", name="broken", version="0.0.1", package="tests-broken")

    def _sync(self, clip, audio, characters):
        raise RuntimeError("mouth model weights are corrupt")


def _registry() -> Registry:
    reg = Registry(eps=[])
    reg.register("watermark", "counting", CountingWatermark)
    reg.register("lipsync", "recording", RecordingLipSync)
    reg.register("lipsync", "slow", SlowLipSync)
    reg.register("lipsync", "broken", BrokenLipSync)
    return reg


def _config(tmp_path, use: dict[str, str], **overrides):
    return load_config(
        profile="stub", use=use, overrides={**SMALL, "store_dir": str(tmp_path / "s"), **overrides}
    )


def test_the_first_frames_are_encoded_before_the_last_shot_is_synced(tmp_path):
    Seen.written, Seen.at_sync = 0, []
    cfg = _config(tmp_path, use={"watermark": "counting", "lipsync": "recording"})
    report = Pipeline(cfg, registry=_registry()).run(
        _lesson(8), tmp_path / "o.mp4", run_dir=tmp_path / "run"
    )
    assert report.status == "ok"
    assert len(Seen.at_sync) == report.num_shots == 8
    assert Seen.at_sync[0] == 0  # nothing can be encoded before the first shot exists
    # The render pulls shots as it needs them. Shot k is synced while shot k-1 is blended,
    # with at most two finished shots queued and one being rendered: shots 0..k-5 are already
    # encoded (the whole lesson waited for the last shot before streaming, here 0 frames).
    assert Seen.at_sync[-1] >= Seen.written // 4, (Seen.at_sync, Seen.written)
    assert Seen.at_sync == sorted(Seen.at_sync)


def test_a_slow_upstream_stage_is_not_a_stalled_render(tmp_path):
    """The render waits for the next shot under the upstream call's own budget: a lip-sync
    slower than the render's stall budget is waited for, not blamed on a render link."""
    cfg = _config(tmp_path, use={"lipsync": "slow"}, stage_timeout_s=0.8)
    slots = dict(cfg.slots)
    slots["lipsync"] = slots["lipsync"].model_copy(update={"timeout_s": 30.0})
    cfg = cfg.model_copy(update={"slots": slots})
    report = Pipeline(cfg, registry=_registry()).run(
        _lesson(2), tmp_path / "o.mp4", run_dir=tmp_path / "run"
    )
    assert report.status == "ok", [(s.stage, s.fallbacks) for s in report.stages if s.fallbacks]
    lipsync = next(s for s in report.stages if s.stage == "lipsync")
    assert lipsync.implementation == "slow"


def test_an_upstream_failure_inside_the_render_names_its_module(tmp_path):
    cfg = _config(tmp_path, use={"lipsync": "broken"}, strict=True)
    with pytest.raises(StrictFailure) as info:
        Pipeline(cfg, registry=_registry()).run(
            _lesson(3), tmp_path / "o.mp4", run_dir=tmp_path / "run"
        )
    assert info.value.module == "tests-broken"
    assert "mouth model weights are corrupt" in info.value.message
    assert "render failed" not in info.value.message
    assert not (tmp_path / "o.mp4").exists()


def test_ahead_keeps_order_and_stays_within_its_window():
    made: list[int] = []

    def items():
        for i in range(20):
            made.append(i)
            yield i

    got = []
    producer = Ahead(items(), window=2)
    for item in producer:
        time.sleep(0.005)  # a slow reader
        # made: the items read, the window queued, and the one waiting to be queued
        assert len(made) <= len(got) + 1 + 2 + 1, (len(made), len(got))
        got.append(item)
    assert got == list(range(20))


def test_ahead_hands_the_producer_error_to_the_reader_marked_as_upstream():
    def items():
        yield 1
        raise TTVError("TTV-E010", "lip-sync failed", module="ttv-lipsync")

    producer = Ahead(items())
    assert next(producer) == 1
    with pytest.raises(TTVError) as info:
        next(producer)
    assert info.value._ttv_upstream is True
    assert list(producer) == []


def test_ahead_close_stops_the_producer_and_runs_its_cleanup():
    closed = threading.Event()

    def items():
        try:
            i = 0
            while True:
                yield i
                i += 1
        finally:
            closed.set()

    producer = Ahead(items(), window=1)
    assert next(producer) == 0
    assert producer.close(wait_s=5.0)
    assert closed.is_set()
    assert list(producer) == []


def test_a_dropped_artifact_leaves_memory_once_its_pending_write_is_done(tmp_path):
    from ttv_contracts.v1 import Clip
    from ttv_integration.artifacts import ClipArtifact

    cache = ArtifactCache(tmp_path / "cache")
    art = ClipArtifact()
    clip = Clip(frames=np.zeros((3, 8, 8, 3), np.uint8), fps=12)
    gate = threading.Event()
    cache.defer(gate.wait)  # hold the writer so the put below stays pending
    cache.put("lipsync", "k" * 40, art, clip, {"lipsync": "stub@1"})
    cache.drop("lipsync", "k" * 40)
    assert ("lipsync", "k" * 40) in cache._mem  # pending: kept until it is on disk
    gate.set()
    cache.flush()
    assert ("lipsync", "k" * 40) not in cache._mem and cache._used == 0
    value, lineage = cache.get("lipsync", "k" * 40, art)  # read back from disk
    assert value.num_frames == 3 and lineage == {"lipsync": "stub@1"}
    cache.close()
