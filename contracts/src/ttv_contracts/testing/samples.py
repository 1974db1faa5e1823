"""Small, deterministic inputs for conformance tests (built from the stubs)."""

from __future__ import annotations

import numpy as np

from ..stubs import StubNarrative
from ..v1.models import Clip, Lesson, LessonScene, MotionDirectives, ShotSpec, StoryPlan


def sample_lessons() -> list[Lesson]:
    return [
        Lesson(title="Magnets", text="Opposite poles attract. Like poles repel."),
        Lesson(
            title="Potter",
            text=(
                "Ravi was an old potter. He lived by the river with his granddaughter Mira. "
                "One morning she found a cracked pot. Ravi smiled at her and said it could "
                "still hold water. Mira laughed, and she carried it home."
            ),
        ),
        Lesson(
            title="Two scenes",
            scenes=(
                LessonScene(setting="a quiet beach at dawn", text="The tide goes out slowly."),
                LessonScene(setting="a dark forest at night", text="An owl watches. It waits."),
            ),
        ),
    ]


def sample_plan(index: int = 1) -> StoryPlan:
    return StubNarrative().plan(sample_lessons()[index])


def sample_spec(
    width: int = 64, height: int = 48, num_frames: int = 6, fps: int = 12, seed: int = 7
) -> ShotSpec:
    return ShotSpec(
        shot_index=0,
        prompt="an old potter by a river, morning light",
        caption="Ravi was an old potter.",
        setting="a river bank in the morning",
        seed=seed,
        width=width,
        height=height,
        fps=fps,
        num_frames=num_frames,
        directives=MotionDirectives(),
    )


def sample_frames(n: int, width: int = 64, height: int = 48, seed: int = 0) -> np.ndarray:
    """A moving gradient with a square: frames differ, so motion is visible."""
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 256, size=(height, width, 3), dtype=np.uint8)
    frames = np.empty((n, height, width, 3), np.uint8)
    for i in range(n):
        frame = np.roll(base, shift=i * 2, axis=1)
        frame[height // 4 : height // 2, (i * 3) % width : (i * 3) % width + width // 6] = 255
        frames[i] = frame
    return frames


def sample_clip(n: int = 8, width: int = 64, height: int = 48, fps: int = 12) -> Clip:
    return Clip(frames=sample_frames(n, width, height), fps=fps)


def sample_tracked_clip(
    n: int = 8,
    width: int = 64,
    height: int = 48,
    fps: int = 12,
    step: int = 3,
    face: int = 16,
) -> Clip:
    """A clip whose face (label ``ravi``) moves ``step`` pixels right per frame, with its
    box tracked in every frame (contracts 1.2): a bright red square on a dim picture, its
    box exactly the square (``face`` pixels a side, at most a third of the width)."""
    from ..v1.models import Region
    from ..v1.tracks import union_regions

    frames = sample_frames(n, width, height) // 3
    size = min(face, width // 3, height // 2)
    y = max(0, height // 2 - size // 2)
    track = []
    for i in range(n):
        x = min(width - size, 2 + i * step)
        frames[i, y : y + size, x : x + size] = (230, 60, 60)
        track.append((Region(x=x, y=y, w=size, h=size, label="ravi", kind="face"),))
    return Clip(frames=frames, fps=fps, regions=union_regions(track), tracks=tuple(track))
