"""Media helpers shared by the watermark tests (not a test module)."""

from __future__ import annotations

import io

import av
import cv2
import numpy as np


def natural_frame(width: int = 640, height: int = 360, seed: int = 0) -> np.ndarray:
    """A photo-like test image: multi-scale smooth texture plus hard-edged shapes."""
    rng = np.random.default_rng(seed)
    img = np.zeros((height, width, 3), np.float32)
    for scale, amp in ((64, 70.0), (16, 30.0), (4, 12.0)):
        small = rng.normal(0, 1, (max(2, height // scale), max(2, width // scale), 3))
        img += amp * cv2.resize(
            small.astype(np.float32), (width, height), interpolation=cv2.INTER_CUBIC
        )
    img += 128
    for _ in range(6):
        c = tuple(int(v) for v in rng.integers(0, 256, 3))
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        cv2.circle(img, (x, y), int(rng.integers(5, max(6, height // 4))), c, -1)
    return np.clip(img, 0, 255).astype(np.uint8)


def pan(frame: np.ndarray, n: int, step: int = 1) -> list[np.ndarray]:
    return [np.roll(frame, i * step, axis=1).copy() for i in range(n)]


def h264_roundtrip(
    frames: list[np.ndarray], crf: int | None = None, bit_rate: int | None = None
) -> list[np.ndarray]:
    """Encode with libx264 (PyAV) at ``crf``, or at an average ``bit_rate`` (b/s), and decode
    again."""
    buf = io.BytesIO()
    with av.open(buf, "w", format="mp4") as out:
        s = out.add_stream("libx264", rate=24)
        s.width, s.height = frames[0].shape[1], frames[0].shape[0]
        s.pix_fmt = "yuv420p"
        if bit_rate is not None:
            s.bit_rate = bit_rate
            s.options = {"preset": "veryfast"}
        else:
            s.options = {"crf": str(crf), "preset": "veryfast"}
        for f in frames:
            for p in s.encode(av.VideoFrame.from_ndarray(f, format="rgb24")):
                out.mux(p)
        for p in s.encode():
            out.mux(p)
    buf.seek(0)
    with av.open(buf) as inp:
        return [fr.to_ndarray(format="rgb24") for fr in inp.decode(video=0)]


def write_mp4(path, frames: list[np.ndarray], crf: int = 23) -> None:
    with av.open(str(path), "w") as out:
        s = out.add_stream("libx264", rate=24)
        s.width, s.height = frames[0].shape[1], frames[0].shape[0]
        s.pix_fmt = "yuv420p"
        s.options = {"crf": str(crf), "preset": "veryfast"}
        for f in frames:
            for p in s.encode(av.VideoFrame.from_ndarray(f, format="rgb24")):
                out.mux(p)
        for p in s.encode():
            out.mux(p)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 10 * np.log10(255.0**2 / max(mse, 1e-12))


def animatic_pan(
    width: int = 1280, height: int = 720, n: int = 6, seed: int = 0
) -> list[np.ndarray]:
    """A slow pan (1 px/frame) over an animatic-like frame (sky gradient, flat shapes, caption
    band), the content TTV renders by default."""
    from ttv_watermark.quality import animatic_frame

    img = animatic_frame(width, height, seed=seed)
    out = []
    for i in range(n):
        m = np.float32([[1, 0, -i], [0, 1, 0]])
        out.append(cv2.warpAffine(img, m, (width, height), borderMode=cv2.BORDER_REPLICATE))
    return out


def reencode(src, dst, crf: int = 28, scale: float = 1.0) -> None:
    """Decode an MP4 and encode its frames again (what a re-upload does): no provenance box,
    no sidecar, new bytes."""
    with av.open(str(src)) as inp:
        frames = [f.to_ndarray(format="rgb24") for f in inp.decode(video=0)]
    if scale != 1.0:
        h, w = frames[0].shape[:2]
        size = (round(w * scale / 2) * 2, round(h * scale / 2) * 2)
        frames = [cv2.resize(f, size, interpolation=cv2.INTER_AREA) for f in frames]
    write_mp4(dst, frames, crf=crf)
