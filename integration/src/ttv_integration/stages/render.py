"""The streaming render: timeline frames -> interpolator -> upscaler -> watermark -> H.264.

Frames stream through (memory does not grow with the video's length). The shots themselves
are lip-synced and blended as the render pulls them, on a producer thread one shot ahead
(:meth:`~ttv_integration.executor.Executor.ahead`); audio and subtitle cues are written shot
by shot on the same timeline. The executor runs the stream under its
watchdog and restarts it on the next candidate when a link fails or stalls.
"""

from __future__ import annotations

import json
import os
import time
from itertools import accumulate

import numpy as np
from ttv_contracts.errors import E_AV_MISMATCH, TTVError
from ttv_contracts.v1 import (
    AudioClip,
    FrameInterpolator,
    TransitionKind,
    Upscaler,
    Watermarker,
    WatermarkPayload,
    output_frame_count,
)

from .. import compositor
from ..encoder import Mp4Writer, srt
from . import voice
from .base import Link, Stage

#: finished shots (lip-synced, cuts blended) that may wait for the render at once
SHOTS_AHEAD = 2

LINKS = (
    Link("interpolator", FrameInterpolator.interpolate),
    Link("upscaler", Upscaler.upscale),
    Link("watermark", Watermarker.embed),
)


#: how narration reaches the video's audio rate (:func:`resample`); part of the render key,
#: so a render resumed from before a change of resampler is made again
RESAMPLER = "libswresample"


def resample(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Mono float32 ``samples`` from ``rate_in`` to ``rate_out`` with libswresample (PyAV):
    a windowed-sinc filter, so a voice made at 16-24 kHz gains no spectral images above its
    band at 48 kHz (linear interpolation left them at -24 to -33 dB of the signal, measured
    on tones; libswresample at about -105 dB), in the same time and without delay."""
    import av

    resampler = av.AudioResampler(format="flt", layout="mono", rate=rate_out)
    frame = av.AudioFrame.from_ndarray(
        np.ascontiguousarray(samples, np.float32)[None, :], format="flt", layout="mono"
    )
    frame.sample_rate = rate_in
    parts = [f.to_ndarray()[0] for f in resampler.resample(frame)]
    parts += [f.to_ndarray()[0] for f in resampler.resample(None)]  # the filter's tail
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)


def fit_audio(audio: AudioClip, rate: int, n: int) -> np.ndarray:
    """Resample to ``rate`` (:func:`resample`) and pad with silence or trim to exactly ``n``
    samples."""
    src = audio.samples
    if audio.sample_rate != rate and src.size:
        src = resample(src, audio.sample_rate, rate)
    out = np.zeros(n, np.float32)
    k = min(n, src.size)
    out[:k] = src[:k]
    return out


def hard_after(cut_specs) -> list[int]:
    """The shots followed by a hard cut (nothing blended across it)."""
    return [
        i
        for i, spec in enumerate(cut_specs)
        if spec.kind == TransitionKind.CUT or spec.duration_frames == 0
    ]


def hard_cuts(timeline, cut_specs) -> list[int]:
    """Timeline frame indices where a shot starts with a hard cut, for the interpolator,
    which must not synthesise frames across them."""
    ends = list(accumulate(t.num_frames for t in timeline))
    return [ends[i] for i in hard_after(cut_specs)]


def _av_version() -> str:
    import av

    return av.__version__


def _run(ex, st) -> None:
    cfg = ex.config
    rd = st.rd
    cuts = hard_cuts(st.timeline, st.cut_specs)
    key = ex.key(
        STAGE,
        st.final.keys,
        [r.key for r in st.audio],
        cfg.width,
        cfg.height,
        cfg.fps,
        cfg.crf,
        [cfg.audio_rate, RESAMPLER],
        [cfg.burn_captions, cfg.burn_labels, cfg.title_safe, compositor.VERSION],
        {"hard_cuts": cuts},  # held across by the interpolator (contracts 1.3)
    )
    upstream: dict[str, str] = {}
    for ref in st.audio:
        upstream.update(ref.lineage)
    video, marker = rd.path("video.mp4"), rd.path("video.key")
    for link in LINKS:
        ex.stage_stats(link.slot, link.slot)
    encode = ex.stage_stats("encode", "integration")
    if video.is_file() and marker.is_file():
        try:
            done = json.loads(marker.read_text())
        except ValueError:
            done = {}
        if done.get("key") == key:
            lineage = done.get("lineage", {})
            st.final.credit(lineage)  # the shots it holds were made earlier, not now
            for link in LINKS:
                ex.reused(_link_stage(link), lineage)
            encode.reused += 1
            st.video, st.video_lineage = video, lineage
            return

    total_in = sum(t.num_frames for t in st.timeline)
    total_out = output_frame_count(total_in, cfg.timeline_fps, cfg.fps)
    payload = WatermarkPayload(run_id=st.run_id, content_digest=st.lesson.digest())
    attempt: dict = {"n": 0}

    def run_once(impls, watch) -> None:
        attempt["n"] += 1
        tmp = rd.path(f"render-{attempt['n']}.mp4")
        writer = Mp4Writer(
            tmp,
            width=cfg.width,
            height=cfg.height,
            fps=cfg.fps,
            audio_rate=cfg.audio_rate,
            crf=cfg.crf,
            metadata={"title": st.lesson.title, "comment": f"ttv run {st.run_id}"},
        )
        watch.output = tmp
        comp, feed = compositor.for_render(
            cfg, st, rd.path("overlay.json"), hard_after=hard_after(st.cut_specs)
        )
        attempt["compositor"] = comp

        # The shots are lip-synced and blended on a producer thread, one shot ahead of the
        # frames being encoded: the render starts after the first cut, not after the last.
        shots = ex.ahead(st.final.clips(), window=SHOTS_AHEAD, on_wait=watch.touch)
        lineage = attempt["lineage"] = dict(upstream)

        def source():
            for i, (t, aref, cue) in enumerate(zip(st.timeline, st.audio, st.cues, strict=True)):
                clip, ref = next(shots)
                lineage.update(ref.lineage)
                a0 = t.start_frame * cfg.audio_rate // cfg.timeline_fps
                a1 = (t.start_frame + t.num_frames) * cfg.audio_rate // cfg.timeline_fps
                audio = ex.load(voice.STAGE, aref)
                skip = t.trim_in * cfg.audio_rate // cfg.timeline_fps  # a trimmed head
                writer.write_audio(fit_audio(audio, cfg.audio_rate, skip + a1 - a0)[skip:])
                writer.add_cue(cue)
                ex.cache.drop(voice.STAGE.name, aref.key)  # on disk; nothing else reads it now
                feed.add(i, clip)
                yield from clip.frames

        stream = watch.track("source", source())
        stream = watch.track(
            "interpolator",
            FrameInterpolator.interpolate(
                impls["interpolator"], stream, cfg.timeline_fps, cfg.fps, cuts=cuts
            ),
        )
        stream = watch.track(
            "upscaler", Upscaler.upscale(impls["upscaler"], stream, cfg.width, cfg.height)
        )
        stream = watch.track("compositor", comp.run(stream, total_in))
        stream = watch.track("watermark", Watermarker.embed(impls["watermark"], stream, payload))
        try:
            for frame in stream:
                t0 = time.perf_counter()
                writer.write_frame(frame)
                watch.frames_written += 1
                watch.seconds["encode"] = (
                    watch.seconds.get("encode", 0.0) + time.perf_counter() - t0
                )
                ex.progress.advance(STAGE.name)
            t0 = time.perf_counter()
            writer.close()
            watch.seconds["encode"] = watch.seconds.get("encode", 0.0) + time.perf_counter() - t0
        except BaseException:
            writer.abort()
            raise
        finally:
            shots.close()

    picks, watch = ex.stream(STAGE, total_in, run_once)
    for old in rd.root.glob("render-*.mp4"):
        if old != watch.output:
            old.unlink(missing_ok=True)
    encode.used["pyav-libx264"] += 1
    encode.versions["pyav-libx264"] = _av_version()
    encode.computed += 1
    encode.seconds += watch.seconds.get("encode", 0.0)
    encode.notes.extend(attempt["compositor"].notes)
    if watch.frames_written != total_out:
        raise TTVError(
            E_AV_MISMATCH,
            f"wrote {watch.frames_written} frames, the timeline needs {total_out}",
            module="ttv-integration",
        )
    lineage = dict(attempt["lineage"])
    for link in LINKS:
        name = picks[link.slot]
        lineage[link.slot] = f"{name}@{ex.version(link.slot, name)}"
    os.replace(watch.output, video)
    rd.write_text("video.key", json.dumps({"key": key, "lineage": lineage}, sort_keys=True))
    rd.write_text("subtitles.srt", srt(st.cues))
    st.video, st.video_lineage = video, lineage


def _link_stage(link: Link) -> Stage:
    return Stage(name=link.slot, rank=STAGE.rank, slot=link.slot, method=link.method, run=_run)


STAGE = Stage(
    name="render",
    rank=90,
    inputs=("final", "audio", "timeline", "cues", "specs", "cut_specs", "lesson", "rd", "run_id"),
    outputs=("video", "video_lineage"),
    links=LINKS,
    run=_run,
)
