"""Timeline arithmetic shared by every slot, so frame counts agree everywhere.

A shot lasts as long as its narration plus a pad; its frame count is
``round(duration * fps)``. Frame-rate conversion maps output frame ``k`` to source position
``k * fps_in / fps_out`` and yields ``floor(n_in * fps_out / fps_in)`` frames, so the output
never outlasts the input by even one frame.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from fractions import Fraction

import numpy as np


def frames_for_duration(duration_s: float, fps: int) -> int:
    """Frame count of a shot lasting ``duration_s`` seconds: ``round(duration * fps)``, >= 1."""
    if duration_s < 0 or fps <= 0:
        raise ValueError("duration must be >= 0 and fps > 0")
    return max(1, round(duration_s * fps))


def output_frame_count(n_in: int, fps_in: int, fps_out: int) -> int:
    """Frames a converter yields for ``n_in`` input frames: ``floor(n_in * fps_out / fps_in)``.

    Pure floor: a converter never invents time, so 50 frames at 60 fps give 0 at 1 fps.
    """
    if n_in < 0 or fps_in <= 0 or fps_out <= 0:
        raise ValueError("n_in must be >= 0 and both rates > 0")
    return (n_in * fps_out) // fps_in


def source_position(k: int, fps_in: int, fps_out: int) -> Fraction:
    """Exact position, in input frames, of output frame ``k``."""
    return Fraction(k * fps_in, fps_out)


def samples_for_frames(num_frames: int, fps: int, sample_rate: int) -> int:
    """Audio samples that exactly cover ``num_frames`` video frames."""
    return (num_frames * sample_rate) // fps


def resample_pairs(
    frames: Iterable[np.ndarray], fps_in: int, fps_out: int
) -> Iterator[tuple[np.ndarray, np.ndarray, float]]:
    """Stream ``(a, b, t)`` for each output frame: output = frame ``a`` blended toward ``b`` by
    ``t`` in [0, 1). Yields exactly :func:`output_frame_count` items.

    Holds only the frames between the current output position and the newest input (about
    ``fps_in / fps_out + 2`` frames), so memory does not grow with the stream. The last
    outputs past the final input frame hold it (``b is a``).
    """
    buf: deque[np.ndarray] = deque()
    first = 0  # stream index of buf[0]
    seen = 0
    k = 0

    def ready(ended: bool) -> Iterator[tuple[np.ndarray, np.ndarray, float]]:
        nonlocal k, first
        # Output k exists once floor(seen * out / in) > k, i.e. (k + 1) * in <= seen * out.
        while (k + 1) * fps_in <= seen * fps_out:
            base, rem = divmod(k * fps_in, fps_out)
            if rem and base + 1 >= seen and not ended:
                return  # wait for the next frame to blend toward
            a = buf[base - first]
            b = buf[base + 1 - first] if rem and base + 1 < seen else a
            yield a, b, rem / fps_out
            k += 1
            keep_from = (k * fps_in) // fps_out
            while first < keep_from and buf:
                buf.popleft()
                first += 1

    for frame in frames:
        buf.append(frame)
        seen += 1
        yield from ready(False)
    yield from ready(True)
