"""Mp4Writer's pipelined mode: same bytes as the inline writer, errors still surface, bounded."""

from __future__ import annotations

import hashlib
import itertools

import numpy as np
import pytest
from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import SubtitleCue
from ttv_integration.encoder import AAC_OPTIONS, Mp4Writer, probe


def _packets(path) -> dict[str, list[tuple[int, bytes]]]:
    import av

    out: dict[str, list[tuple[int, bytes]]] = {}
    with av.open(str(path)) as c:
        for p in c.demux():
            if p.size:
                out.setdefault(p.stream.type, []).append((p.pts, bytes(p)))
    return out


def _write(path, pipelined: bool) -> str:
    rng = np.random.default_rng(3)
    with Mp4Writer(path, width=64, height=48, fps=24, pipelined=pipelined) as w:
        for i in range(30):
            if i % 10 == 0:
                w.write_audio((rng.standard_normal(48000 * 10 // 24) * 0.1).astype(np.float32))
                w.add_cue(SubtitleCue(index=i // 10, start_s=i / 24, end_s=(i + 10) / 24, text="x"))
            w.write_frame(rng.integers(0, 256, (48, 64, 3), dtype=np.uint8))
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_pipelined_writer_writes_the_same_streams(tmp_path):
    _write(tmp_path / "a.mp4", False)
    _write(tmp_path / "b.mp4", True)
    a, b = _packets(tmp_path / "a.mp4"), _packets(tmp_path / "b.mp4")
    # audio and subtitle packets are bit-exact; video timing is (libx264's bytes can vary
    # with its own threads in some processes, for the inline writer as well)
    assert a["audio"] == b["audio"] and a["subtitle"] == b["subtitle"]
    assert [p for p, _ in a["video"]] == [p for p, _ in b["video"]]
    info = probe(tmp_path / "b.mp4")
    assert info["frames"] == 30 and info["cues"] == 3


def test_caller_may_reuse_its_frame_buffer(tmp_path):
    buf = np.zeros((48, 64, 3), np.uint8)
    with Mp4Writer(tmp_path / "r.mp4", width=64, height=48, fps=24) as w:
        for i in range(6):
            buf[:] = 40 * i  # overwritten while earlier frames may still be queued
            w.write_frame(buf)
    import av

    with av.open(str(tmp_path / "r.mp4")) as c:
        means = [f.to_ndarray(format="rgb24").mean() for f in c.decode(video=0)]
    assert [round(m / 40) for m in means] == list(range(6))


def test_encoder_error_surfaces_in_the_caller(tmp_path):
    w = Mp4Writer(tmp_path / "e.mp4", width=64, height=48, fps=24)

    def boom(*_):
        raise RuntimeError("encoder exploded")

    w._encode_video = boom  # the worker calls it for the next frame
    w.write_frame(np.zeros((48, 64, 3), np.uint8))
    with pytest.raises((RuntimeError, TTVError)):
        for _ in range(50):  # raised by a later call once the worker has failed
            w.write_frame(np.zeros((48, 64, 3), np.uint8))
        w.close()
    w.abort()  # idempotent after a failure


def test_wrong_frame_size_is_rejected_at_once(tmp_path):
    with Mp4Writer(tmp_path / "s.mp4", width=64, height=48, fps=24) as w:
        with pytest.raises(TTVError):
            w.write_frame(np.zeros((10, 10, 3), np.uint8))
        w.write_frame(np.zeros((48, 64, 3), np.uint8))


@pytest.mark.parametrize(
    ("share", "size", "threads"),
    [
        ("1", (1280, 720), 1),  # a batch worker's part of the machine caps the threads
        ("2", (1280, 720), 2),
        ("8", (1280, 720), 4),  # one thread per 640x360: more costs CPU for no time
        ("8", (320, 180), 1),
        ("2", (640, 360), 1),
    ],
)
def test_encoder_threads_follow_frame_size_and_cpu_share(
    tmp_path, monkeypatch, share, size, threads
):
    from ttv_integration.encoder import encoder_threads

    monkeypatch.setenv("TTV_CPU_SHARE", share)
    assert encoder_threads(*size) == threads
    with Mp4Writer(tmp_path / "t.mp4", width=size[0], height=size[1], fps=24) as w:
        assert w._v.thread_count == threads


def test_batch_worker_takes_its_share_of_the_cpus(monkeypatch):
    import os

    from ttv_integration.batch import _init_local_worker
    from ttv_integration.encoder import cpu_share

    monkeypatch.delenv("TTV_CPU_SHARE", raising=False)
    assert cpu_share() == len(os.sched_getaffinity(0))  # alone: the whole machine
    _init_local_worker(None, 1)  # as the pool starts each of N workers on N cores
    assert os.environ["TTV_CPU_SHARE"] == "1" and cpu_share() == 1


@pytest.mark.parametrize(("share", "pipelined"), [("1", False), ("2", True)])
def test_writer_pipelines_only_with_a_second_core(tmp_path, monkeypatch, share, pipelined):
    """A batch worker with one core encodes inline (a second thread would only add hand-offs);
    with two or more, the encoder runs on its own thread."""
    monkeypatch.setenv("TTV_CPU_SHARE", share)
    with Mp4Writer(tmp_path / "p.mp4", width=64, height=48, fps=24) as w:
        assert (w._worker is not None) is pipelined
        w.write_frame(np.zeros((48, 64, 3), np.uint8))


def test_a_long_audio_span_does_not_hold_the_caller(tmp_path):
    """A shot's audio is one queue entry: while the encoder is busy, the caller can go on
    making frames (one entry per AAC frame filled the queue and held it)."""
    import threading

    busy = threading.Event()
    release = threading.Event()
    w = Mp4Writer(tmp_path / "a.mp4", width=64, height=48, fps=24, pipelined=True, queue_frames=2)
    real = w._encode_audio

    def slow(samples, pts):
        busy.set()
        release.wait(10)
        real(samples, pts)

    w._encode_audio = slow
    done = threading.Event()

    def caller() -> None:
        w.write_audio(np.zeros(48000 * 5, np.float32))  # 234 AAC frames
        w.write_audio(np.zeros(48000, np.float32))
        done.set()

    thread = threading.Thread(target=caller)
    thread.start()
    try:
        assert busy.wait(10)
        assert done.wait(5), "write_audio waited for the encoder"
    finally:
        release.set()
        thread.join(10)
    w.write_frame(np.zeros((48, 64, 3), np.uint8))
    w.close()
    assert probe(tmp_path / "a.mp4")["duration_s"] > 5.9


def _decoded_rgb(path) -> list[np.ndarray]:
    import av

    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def test_odd_sizes_are_refused_before_any_work(tmp_path):
    with pytest.raises(TTVError) as err:
        Mp4Writer(tmp_path / "o.mp4", width=63, height=48, fps=24)
    assert "even" in str(err.value) and not (tmp_path / "o.mp4").exists()


def test_colours_survive_the_yuv_conversion(tmp_path):
    """Saturated patches come back as themselves: a swapped channel order, full-range
    levels or another matrix in the RGB -> YUV step would move them by tens of levels."""
    w_, h_ = 64, 48
    colours = [(220, 30, 30), (30, 200, 40), (40, 60, 210), (240, 220, 40), (128, 128, 128)]
    frame = np.zeros((h_, w_, 3), np.uint8)
    bands = np.array_split(np.arange(w_), len(colours))
    for band, colour in zip(bands, colours, strict=True):
        frame[:, band] = colour
    with Mp4Writer(tmp_path / "c.mp4", width=w_, height=h_, fps=24) as w:
        for _ in range(3):
            w.write_frame(frame)
    out = _decoded_rgb(tmp_path / "c.mp4")
    assert len(out) == 3
    for band, colour in zip(bands, colours, strict=True):
        inner = out[-1][4:-4, band[2:-2]].reshape(-1, 3).mean(axis=0)
        assert np.abs(inner - np.array(colour)).max() < 8, (colour, inner.round())


def test_even_frames_match_libswscale(tmp_path):
    """The OpenCV conversion is libswscale's (BT.601, limited range): on a smooth frame the
    two agree to a level in every plane."""
    import av
    import cv2

    yy, xx = np.mgrid[0:48, 0:64]
    frame = np.stack([xx * 4, yy * 5, (xx + yy) * 2], -1).astype(np.uint8)
    ours = cv2.cvtColor(frame, cv2.COLOR_RGB2YUV_I420).astype(int)
    theirs = av.VideoFrame.from_ndarray(frame, format="rgb24").reformat(format="yuv420p")
    assert np.abs(theirs.to_ndarray().astype(int) - ours).max() <= 1


def test_audio_spans_of_any_length_keep_every_sample(tmp_path):
    """Spans that are not whole AAC frames, and a short rest at close: the decoded track
    holds every sample written, in order (a 440 Hz tone stays 440 Hz), and no more than
    the encoder's last frame of padding."""
    import av

    rate = 48000
    t = np.arange(rate * 3) / rate
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    cuts = [0, 1000, 1024, 50_000, 50_001, 100_000, tone.size]
    with Mp4Writer(tmp_path / "a.mp4", width=64, height=48, fps=24) as w:
        for a, b in itertools.pairwise(cuts):
            w.write_audio(tone[a:b])
        for _ in range(72):
            w.write_frame(np.zeros((48, 64, 3), np.uint8))
    with av.open(str(tmp_path / "a.mp4")) as c:
        decoded = np.concatenate([f.to_ndarray()[0] for f in c.decode(audio=0)])
    assert tone.size <= decoded.size <= tone.size + 2 * 1024
    spectrum = np.abs(np.fft.rfft(decoded[4096 : 4096 + rate]))
    assert abs(int(np.argmax(spectrum)) - 440) <= 1


def test_a_span_of_audio_encodes_as_its_aac_frames_one_by_one(tmp_path):
    """A span handed over as one frame gives the packets that feeding the AAC encoder one
    1024-sample frame at a time gives (the writer's old way), the short last frame included."""
    import io
    from fractions import Fraction

    import av

    rng = np.random.default_rng(1)
    tone = (rng.standard_normal(48000 * 3) * 0.1).astype(np.float32)
    spans = [tone[: 1024 * 50], tone[1024 * 50 : 1024 * 120], tone[1024 * 120 :]]
    with Mp4Writer(tmp_path / "a.mp4", width=64, height=48, fps=24, pipelined=False) as w:
        for span in spans:
            w.write_audio(span)
        w.write_frame(np.zeros((48, 64, 3), np.uint8))
    ours = [data for _, data in _packets(tmp_path / "a.mp4")["audio"]]

    buf = io.BytesIO()
    with av.open(buf, "w", format="mp4") as c:
        a = c.add_stream("aac", rate=48000)
        a.layout = "mono"
        a.options = dict(AAC_OPTIONS)
        for start in range(0, tone.size, 1024):
            f = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(tone[None, start : start + 1024]), format="flt", layout="mono"
            )
            f.sample_rate, f.pts, f.time_base = 48000, start, Fraction(1, 48000)
            for p in a.encode(f):
                c.mux(p)
        for p in a.encode(None):
            c.mux(p)
    (tmp_path / "b.mp4").write_bytes(buf.getvalue())
    theirs = [data for _, data in _packets(tmp_path / "b.mp4")["audio"]]
    assert len(ours) > 100 and ours == theirs
