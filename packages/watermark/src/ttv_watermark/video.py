"""Read frames back from a video file with PyAV (for verification)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np


def read_frames(path: Path, max_frames: int) -> Iterator[np.ndarray]:
    """Yield up to ``max_frames`` RGB frames of the first video stream; raises on bad input."""
    import av  # PyAV: imported here so importing the package stays light

    with av.open(str(path)) as container:
        if not container.streams.video:
            return
        for n, frame in enumerate(container.decode(video=0), start=1):
            yield frame.to_ndarray(format="rgb24")
            if n >= max_frames:
                break
