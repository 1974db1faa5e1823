"""Streaming MP4 writer (PyAV): H.264 video, AAC audio and a mov_text subtitle track.

Frames and audio are encoded as they arrive; nothing holds the whole video.

With more than one core to use (:func:`cpu_share`; ``pipelined=None``, the default) the
encoding runs on a worker thread behind a small bounded queue; a batch worker holding one
core encodes inline, where a second thread would only add hand-offs. ``write_frame``
converts the RGB frame to YUV 4:2:0 planes (OpenCV, a new array: the caller may reuse its
own at once); pipelined, libx264, the AAC encoder and the muxer (all of which release the
GIL) then run while the caller makes the next frame; a span of audio (a shot's) is one
queue entry. Every operation (frame, audio, cue) goes through the same queue in call order,
so the encoders and the muxer see exactly what the synchronous writer gives them (same
packets, wherever libx264 itself is deterministic). An error on the worker is raised by the
next call (or ``close()``); a stalled encoder blocks the caller once the queue is full, so
memory stays bounded.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path

import numpy as np
from ttv_contracts.errors import E_ENCODE_FAILED, TTVError
from ttv_contracts.v1 import SubtitleCue

ASS_HEADER = (
    "[Script Info]\nScriptType: v4.00+\nPlayResX: 384\nPlayResY: 288\n\n"
    "[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, "
    "OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, "
    "Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n"
    "Style: Default,Arial,16,&Hffffff,&Hffffff,&H0,&H0,0,0,0,0,100,100,0,0,1,1,0,2,10,10,10,0\n\n"
    "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
)
AAC_FRAME = 1024
#: FFmpeg's native AAC encoder with its ``fast`` coder, not the default ``twoloop``: on 56 s
#: of eSpeak narration at the default bit rate it took 3.5x less CPU (0.33 s against 1.13 s)
#: and scored better (PESQ wideband 4.29 against 3.89, SNR 31.1 dB against 22.6 dB); the
#: bench's ``audio encode`` row measures it at each run. On a pure tone (the stub voice) the
#: fast coder costs a little more (0.41 s against 0.35 s for 48 s).
AAC_OPTIONS = {"aac_coder": "fast"}
#: pixels per libx264 thread: below about a 640x360 frame per thread, frame threading costs
#: more CPU (lookahead and thread hand-offs) than it saves in wall time
PIXELS_PER_THREAD = 640 * 360


def cpu_share() -> int:
    """CPUs this process may use: ``TTV_CPU_SHARE`` where a batch set it for its worker (the
    machine's CPUs over its workers), else the CPUs this process may run on."""
    try:
        share = int(os.environ.get("TTV_CPU_SHARE", "0"))
    except ValueError:
        share = 0
    return share if share > 0 else machine_cpus()


def machine_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the platform has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def encoder_threads(width: int, height: int) -> int:
    """libx264 threads for a frame size: one per :data:`PIXELS_PER_THREAD`, at most
    :func:`cpu_share` (measured at 320x180: one thread gives the same wall time as x264's own
    choice, with 10 % less CPU per lesson, and two workers of a batch no longer
    oversubscribe the cores)."""
    return max(1, min(cpu_share(), round(width * height / PIXELS_PER_THREAD)))


def _ass_escape(text: str) -> str:
    return " ".join(text.replace("\\", "\\\\").replace("{", "(").replace("}", ")").split())


class Mp4Writer:
    """Write an MP4 incrementally. Use as a context manager; ``close()`` flushes encoders."""

    def __init__(
        self,
        path: Path,
        *,
        width: int,
        height: int,
        fps: int,
        audio_rate: int = 48000,
        crf: int = 23,
        metadata: dict[str, str] | None = None,
        pipelined: bool | None = None,
        queue_frames: int = 4,
        threads: int | None = None,
    ) -> None:
        import av  # heavy-ish import kept out of CLI start-up

        if width % 2 or height % 2 or width <= 0 or height <= 0:
            raise TTVError(
                E_ENCODE_FAILED,
                f"frame size {width}x{height}: H.264 4:2:0 needs even, positive sizes",
                module="ttv-integration",
            )
        self._av = av
        self.path = Path(path)
        try:
            self._c = av.open(str(self.path), "w", format="mp4")
        except Exception as exc:
            raise TTVError(
                E_ENCODE_FAILED, f"cannot open {path} for writing: {exc}", module="ttv-integration"
            ) from None
        for key, value in (metadata or {}).items():
            self._c.metadata[key] = value
        self._v = self._c.add_stream("libx264", rate=fps)
        self._v.width, self._v.height, self._v.pix_fmt = width, height, "yuv420p"
        self._v.options = {"crf": str(crf), "preset": "veryfast"}
        self._v.thread_count = threads or encoder_threads(width, height)
        self._a = self._c.add_stream("aac", rate=audio_rate)
        self._a.layout = "mono"
        self._a.options = dict(AAC_OPTIONS)
        self._s = self._c.add_stream("mov_text")
        self._s.codec_context.subtitle_header = ASS_HEADER.encode()
        self.fps, self.audio_rate = fps, audio_rate
        self.frames = 0
        self.samples = 0
        self._audio_buf = np.zeros(0, np.float32)
        self._pending_cues: list[SubtitleCue] = []
        self._size = (height, width)
        self._video_tb = Fraction(1, fps)
        self._audio_tb = Fraction(1, audio_rate)
        import cv2

        self._cv2 = cv2
        #: seconds spent converting, encoding and muxing (on the worker when pipelined)
        self.encode_seconds = 0.0
        self._error: BaseException | None = None
        self._closed = False
        self._queue: queue.Queue | None = None
        self._worker: threading.Thread | None = None
        if pipelined is None:
            pipelined = cpu_share() > 1
        if pipelined:
            self._queue = queue.Queue(maxsize=max(1, int(queue_frames)))
            self._worker = threading.Thread(target=self._work, daemon=True, name="ttv-encoder")
            self._worker.start()

    # ------------------------------------------------------------------ input

    def write_frame(self, frame: np.ndarray) -> None:
        if frame.shape[:2] != self._size:
            raise TTVError(
                E_ENCODE_FAILED,
                f"frame {frame.shape} does not match {self._size}",
                module="ttv-integration",
            )
        # RGB -> BT.601 limited-range YUV 4:2:0, the matrix and range libswscale uses, in
        # OpenCV (SIMD, without the GIL): a new array, so the caller may reuse its own at
        # once; libswscale's rgb24 path cost about 70 us a frame more at 320x180
        planes = self._cv2.cvtColor(np.ascontiguousarray(frame), self._cv2.COLOR_RGB2YUV_I420)
        self._submit(self._encode_video, planes, self.frames)
        self.frames += 1

    def write_frames(self, frames: Iterable[np.ndarray]) -> None:
        for frame in frames:
            self.write_frame(frame)

    def write_audio(self, samples: np.ndarray) -> None:
        """Append mono float32 samples at ``audio_rate``; encoded in AAC-sized frames."""
        buf = np.concatenate([self._audio_buf, np.asarray(samples, np.float32)])
        n = (buf.shape[0] // AAC_FRAME) * AAC_FRAME
        if n:
            # one job for the whole span: a shot's audio is hundreds of AAC frames, and one
            # queue entry each would hold the caller at the queue until the encoder had
            # encoded all but the last few
            self._submit(self._encode_audio, buf[:n], self.samples)
            self.samples += n
        self._audio_buf = buf[n:]

    def add_cue(self, cue: SubtitleCue) -> None:
        self._submit(self._add_cue, cue)

    # ------------------------------------------------------------------ internals

    def _submit(self, fn, *args) -> None:
        """Run ``fn(*args)`` now, or on the worker after everything submitted before it."""
        if self._closed:
            raise TTVError(E_ENCODE_FAILED, "writer is closed", module="ttv-integration")
        self._raise_worker_error()
        if self._queue is None:
            t0 = time.perf_counter()
            try:
                fn(*args)
            finally:
                self.encode_seconds += time.perf_counter() - t0
            return
        while True:  # bounded: wait for room, but notice a worker that has died
            try:
                self._queue.put((fn, args), timeout=0.5)
                return
            except queue.Full:
                self._raise_worker_error()
                if self._worker is not None and not self._worker.is_alive():
                    raise TTVError(
                        E_ENCODE_FAILED, "encoder thread stopped", module="ttv-integration"
                    ) from None

    def _work(self) -> None:
        assert self._queue is not None
        while True:
            item = self._queue.get()
            if item is None:
                return
            if self._error is not None:
                continue  # drain without work after a failure; the caller raises it
            fn, args = item
            t0 = time.perf_counter()
            try:
                fn(*args)
            except BaseException as exc:  # handed to the caller's next call
                self._error = exc
            finally:
                self.encode_seconds += time.perf_counter() - t0

    def _raise_worker_error(self) -> None:
        if self._error is not None:
            exc, self._error = self._error, None
            self._closed = True
            raise exc

    def _stop_worker(self, timeout: float | None) -> None:
        if self._worker is None or self._queue is None:
            return
        worker, self._worker = self._worker, None
        while worker.is_alive():
            try:
                self._queue.put(None, timeout=0.5)
                break
            except queue.Full:
                if timeout is not None:  # aborting: drop what is left
                    with contextlib.suppress(queue.Empty):
                        while True:
                            self._queue.get_nowait()
        worker.join(timeout)

    def _encode_video(self, planes: np.ndarray, pts: int) -> None:
        vf = self._av.VideoFrame.from_ndarray(planes, format="yuv420p")
        vf.pts = pts
        vf.time_base = self._video_tb
        self._mux(self._v.encode(vf))
        if self._pending_cues:
            self._flush_cues()

    def _add_cue(self, cue: SubtitleCue) -> None:
        self._pending_cues.append(cue)
        self._flush_cues()

    def _encode_audio(self, samples: np.ndarray, pts: int) -> None:
        """Encode ``samples`` (a whole number of :data:`AAC_FRAME` frames, or the short rest
        at :meth:`close`) as one frame: PyAV's encoder cuts it into the encoder's frames in C,
        the same frames one Python call each would give (measured: 16 % less CPU)."""
        af = self._av.AudioFrame.from_ndarray(
            np.ascontiguousarray(samples[None]), format="flt", layout="mono"
        )
        af.sample_rate = self.audio_rate
        af.pts = pts
        af.time_base = self._audio_tb
        self._mux(self._a.encode(af))

    def _flush_cues(self) -> None:
        tb = self._s.time_base
        if tb is None:  # known once the header is written (first muxed packet)
            return
        from av.subtitles.subtitle import SubtitleSet

        for cue in self._pending_cues:
            start, dur = int(cue.start_s / tb), max(1, int((cue.end_s - cue.start_s) / tb))
            text = f"{cue.index},0,Default,,0,0,0,,{_ass_escape(cue.text)}".encode()
            sub = SubtitleSet.create(text=text, start=0, end=dur, pts=start)
            packet = self._s.codec_context.encode_subtitle(sub)
            packet.stream = self._s
            packet.pts = packet.dts = start
            packet.duration = dur
            self._c.mux(packet)
        self._pending_cues.clear()

    def _mux(self, packets) -> None:
        for packet in packets:
            self._c.mux(packet)

    def close(self) -> None:
        if self._closed:
            return
        if self._audio_buf.size:
            # encode the remainder as a short final frame (no padding beyond the timeline)
            self._submit(self._encode_audio, self._audio_buf, self.samples)
            self.samples += self._audio_buf.shape[0]
            self._audio_buf = np.zeros(0, np.float32)
        self._stop_worker(None)
        try:
            self._raise_worker_error()
        except BaseException:
            self.abort()
            raise
        self._closed = True
        t0 = time.perf_counter()
        self._mux(self._a.encode(None))
        self._mux(self._v.encode(None))
        self._flush_cues()
        self._c.close()
        self.encode_seconds += time.perf_counter() - t0

    def abort(self) -> None:
        self._closed = True
        self._stop_worker(5.0)
        with contextlib.suppress(Exception):
            self._c.close()

    def __enter__(self) -> Mp4Writer:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def srt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def srt(cues: Iterable[SubtitleCue]) -> str:
    blocks = [
        f"{i}\n{srt_time(c.start_s)} --> {srt_time(c.end_s)}\n{c.text.strip()}\n"
        for i, c in enumerate(cues, start=1)
    ]
    return "\n".join(blocks)


def probe(path: Path) -> dict:
    """What a player would see: streams, codecs, durations, frame count, cue count."""
    import av

    out: dict = {"streams": {}}
    with av.open(str(path)) as c:
        out["duration_s"] = (c.duration or 0) / 1_000_000
        out["metadata"] = dict(c.metadata)
        for s in c.streams:
            entry = {"codec": s.codec_context.name}
            if s.type == "video":
                entry.update(
                    width=s.codec_context.width,
                    height=s.codec_context.height,
                    fps=float(s.average_rate or 0),
                )
            if s.type == "audio":
                entry.update(sample_rate=s.codec_context.sample_rate)
            out["streams"][s.type] = entry
        video = c.streams.video[0]
        out["frames"] = sum(1 for _ in c.decode(video))
    with av.open(str(path)) as c:
        if c.streams.subtitles:
            cues = []
            for packet in c.demux(c.streams.subtitles[0]):
                if packet.size:
                    for sub in packet.decode():
                        cues.append(
                            bytes(getattr(sub, "dialogue", b"") or b"").decode(errors="replace")
                        )
            out["cues"] = len(cues)
        else:
            out["cues"] = 0
    return out
