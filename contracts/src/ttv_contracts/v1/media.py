"""Validation of frames and audio at every boundary: shape, dtype and finiteness.

Frames are ``uint8`` arrays of shape ``(H, W, 3)`` (RGB); a clip is ``(N, H, W, 3)``.
Audio is ``float32`` mono of shape ``(S,)`` with values in ``[-1, 1]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Annotated, Any

import numpy as np
from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

MAX_SIDE = 8192


def check_frame(frame: Any, *, where: str = "frame") -> np.ndarray:
    """Return ``frame`` if it is a valid RGB uint8 image, else raise ``ValueError``."""
    if not isinstance(frame, np.ndarray):
        raise ValueError(f"{where}: expected numpy.ndarray, got {type(frame).__name__}")
    if frame.dtype != np.uint8:
        raise ValueError(f"{where}: expected dtype uint8, got {frame.dtype}")
    if frame.ndim != 3 or frame.shape[2] != 3:
        raise ValueError(f"{where}: expected shape (H, W, 3), got {frame.shape}")
    h, w = frame.shape[:2]
    if not (1 <= h <= MAX_SIDE and 1 <= w <= MAX_SIDE):
        raise ValueError(f"{where}: size {w}x{h} outside 1..{MAX_SIDE}")
    return frame


def check_frames(frames: Any, *, where: str = "clip") -> np.ndarray:
    """Return ``frames`` if it is a valid ``(N, H, W, 3)`` uint8 stack (N may be 0)."""
    if not isinstance(frames, np.ndarray):
        raise ValueError(f"{where}: expected numpy.ndarray, got {type(frames).__name__}")
    if frames.dtype != np.uint8:
        raise ValueError(f"{where}: expected dtype uint8, got {frames.dtype}")
    if frames.ndim != 4 or frames.shape[3] != 3:
        raise ValueError(f"{where}: expected shape (N, H, W, 3), got {frames.shape}")
    h, w = frames.shape[1:3]
    if not (1 <= h <= MAX_SIDE and 1 <= w <= MAX_SIDE):
        raise ValueError(f"{where}: size {w}x{h} outside 1..{MAX_SIDE}")
    return frames


def check_audio(samples: Any, *, where: str = "audio") -> np.ndarray:
    """Return ``samples`` if it is finite float32 mono audio in [-1, 1]."""
    if not isinstance(samples, np.ndarray):
        raise ValueError(f"{where}: expected numpy.ndarray, got {type(samples).__name__}")
    if samples.dtype != np.float32:
        raise ValueError(f"{where}: expected dtype float32, got {samples.dtype}")
    if samples.ndim != 1:
        raise ValueError(f"{where}: expected mono shape (S,), got {samples.shape}")
    if samples.size and not np.all(np.isfinite(samples)):
        raise ValueError(f"{where}: contains NaN or infinity")
    if samples.size and float(np.max(np.abs(samples))) > 1.0 + 1e-4:
        raise ValueError(f"{where}: samples outside [-1, 1]")
    return samples


def validated_stream(
    frames: Iterable[np.ndarray], *, size: tuple[int, int] | None = None, where: str = "stream"
) -> Iterator[np.ndarray]:
    """Yield frames from ``frames``, checking each; all must share one size (``(w, h)`` if given)."""
    expect = None if size is None else (size[1], size[0])
    for i, frame in enumerate(frames):
        check_frame(frame, where=f"{where}[{i}]")
        if expect is None:
            expect = frame.shape[:2]
        elif frame.shape[:2] != expect:
            raise ValueError(
                f"{where}[{i}]: size {frame.shape[1]}x{frame.shape[0]} differs from "
                f"{expect[1]}x{expect[0]}"
            )
        yield frame


def _no_serialize(value: np.ndarray) -> dict[str, Any]:
    # Arrays are carried by reference between in-process stages and never serialized;
    # JSON dumps (reports, schemas) describe them instead.
    return {"dtype": str(value.dtype), "shape": list(value.shape)}


def _array_schema(description: str) -> WithJsonSchema:
    return WithJsonSchema(
        {
            "type": "object",
            "description": description + " In-process only: JSON carries dtype and shape.",
            "properties": {
                "dtype": {"type": "string"},
                "shape": {"type": "array", "items": {"type": "integer"}},
            },
        }
    )


Frame = Annotated[
    np.ndarray,
    BeforeValidator(check_frame),
    PlainSerializer(_no_serialize, when_used="json"),
    _array_schema("uint8 RGB image, shape (H, W, 3)."),
]
FrameStack = Annotated[
    np.ndarray,
    BeforeValidator(check_frames),
    PlainSerializer(_no_serialize, when_used="json"),
    _array_schema("uint8 RGB frames, shape (N, H, W, 3)."),
]
AudioSamples = Annotated[
    np.ndarray,
    BeforeValidator(check_audio),
    PlainSerializer(_no_serialize, when_used="json"),
    _array_schema("float32 mono samples in [-1, 1], shape (S,)."),
]
