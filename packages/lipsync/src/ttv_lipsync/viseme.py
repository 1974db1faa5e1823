"""``viseme``: weights-free mouth animation in the face or mouth region of each frame.

Where: the regions of **each frame** (``Clip.regions_at(i)``: the clip's per-frame track
when it carries one, contracts 1.2, else its static regions), of kind ``mouth`` (used as
given) or ``face`` (mouth placed in the lower third), so the mouth stays on the face through
pans, zooms and dollies; a frame whose track has no box for the face gets no mouth. A face
box cut by the frame's edge is grown back past it to the face's usual width / height (its
median over the frames where it is whole) before the mouth is placed.
Without regions, faces are found with OpenCV's bundled Haar cascade
(``cv2.data.haarcascades``), re-detected every few frames and held in between, and the
largest face is animated. When no face is found the frames pass through unchanged and the
stage record says so.

How much: visemes from the voice's phoneme timings (``AudioClip.phonemes``) when present,
else the audio's RMS envelope sampled at the clip's fps; silence keeps the mouth closed,
which means the frame is left exactly as it was.

What: a dark, anti-aliased mouth opening with a lip rim, tinted from the skin around it,
drawn inside the mouth box only; pixels outside the boxes are never touched. On a face too
dark for a darker opening to show (a figure against a dawn or dusk sky, about luma 24) the
opening is lit instead, a warm tone :data:`MIN_MOUTH_CONTRAST` luma above the skin
(:func:`mouth_tones`), so a speaking mouth reads on every face.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
from pydantic import Field, StrictBool, StrictFloat, StrictInt
from ttv_contracts import version_of
from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import (
    AudioClip,
    CharacterRef,
    Clip,
    ImplementationOptions,
    LipSyncer,
    ModuleInfo,
    Needs,
    Region,
)

from .errors import E_DETECTOR_UNAVAILABLE, PACKAGE
from .visemes import smooth, track_from_envelope, track_from_phonemes

__version__ = version_of("ttv-lipsync")  # pyproject.toml is the one source

Box = tuple[int, int, int, int]  # x, y, w, h in frame pixels

_MIN_DRAWN_OPEN = 0.04  # below this the mouth counts as closed and the frame is untouched
_LUMA = np.array([0.299, 0.587, 0.114], np.float32)
#: Least luma difference between the mouth opening and the skin around it. A dark opening
#: (skin x 0.2-0.32) reaches it on faces from about luma 62; on the deep dawn and dusk
#: tones of ttv-keyframe's figures (luma about 24) it was 18 levels, and the quality check
#: (a channel changed by more than 32) saw those mouths in 19 of 868 frames.
MIN_MOUTH_CONTRAST = 48.0
#: The lit opening's tone (a mouth's inside under light), scaled to the luma it needs.
_LIT_MOUTH = np.array([0.78, 0.42, 0.42], np.float32)


def mouth_tones(skin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lip rim, opening) colours for a face of mean colour ``skin`` (float RGB): a dark
    opening tinted from the skin where that is at least :data:`MIN_MOUTH_CONTRAST` luma
    darker, else a lit opening that much lighter, with the rim between it and the skin."""
    skin = np.asarray(skin, np.float32)
    lip = np.clip(skin * np.array([0.75, 0.45, 0.45], np.float32), 0, 255)
    inner = np.clip(skin * np.array([0.32, 0.2, 0.2], np.float32), 0, 255)
    luma = float(skin @ _LUMA)
    if luma - float(inner @ _LUMA) >= MIN_MOUTH_CONTRAST:
        return lip, inner
    target = min(255.0, luma + MIN_MOUTH_CONTRAST)
    inner = np.clip(_LIT_MOUTH * (target / float(_LIT_MOUTH @ _LUMA)), 0, 255)
    return (skin + inner) / 2, inner


def mouth_box_for_face(face: Box) -> Box:
    """The mouth area of a frontal face box: the middle half of its lower third."""
    x, y, w, h = face
    mx = x + round(w * 0.22)
    mw = max(1, round(w * 0.56))
    my = y + round(h * 0.64)
    mh = max(1, round(h * 0.32))
    return mx, my, mw, mh


def _touches(box: Box, width: int, height: int) -> tuple[bool, bool, bool, bool]:
    x, y, w, h = box
    return x <= 0, y <= 0, x + w >= width, y + h >= height


def face_aspects(
    tracks: tuple[tuple[Region, ...], ...], width: int, height: int
) -> dict[str, float]:
    """Median width / height of each labelled face over the frames where its box does not
    touch the frame's edge (where the box is the whole face)."""
    seen: dict[str, list[float]] = {}
    for boxes in tracks:
        for r in boxes:
            if (
                r.kind == "face"
                and r.label
                and not any(_touches((r.x, r.y, r.w, r.h), width, height))
            ):
                seen.setdefault(r.label, []).append(r.w / r.h)
    return {label: float(np.median(v)) for label, v in seen.items()}


def unclip_face(box: Box, aspect: float, width: int, height: int) -> Box:
    """A face box cut by one edge of the frame, grown back past that edge to ``aspect``
    (width / height); boxes cut by no edge, or by edges on both axes, are returned as they
    are (there is nothing to go on). The result may reach outside the frame."""
    x, y, w, h = box
    left, top, right, bottom = _touches(box, width, height)
    if (left or right) and not (top or bottom):
        full = round(h * aspect)
        if full > w:
            return (x + w - full, y, full, h) if left and not right else (x, y, full, h)
    if (top or bottom) and not (left or right):
        full = round(w / aspect)
        if full > h:
            return (x, y + h - full, w, full) if top and not bottom else (x, y, w, full)
    return box


def clamp_box(box: Box, width: int, height: int) -> Box | None:
    x, y, w, h = box
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(width, x + w), min(height, y + h)
    if x1 - x0 < 1 or y1 - y0 < 1:
        return None
    return x0, y0, x1 - x0, y1 - y0


class VisemeLipSync(LipSyncer):
    """Mouth animation driven by visemes or loudness, inside face/mouth regions only.

    Options: ``detect`` (find faces with the Haar cascade when the clip carries no regions;
    default true), ``detect_every`` (frames between detections, default 6), ``min_face``
    (smallest face side in pixels, default 24), ``max_open`` (widest opening as a fraction of
    the face height, default 0.11), ``silence_rms`` (loudness treated as silence, default
    0.01, about -40 dBFS), ``cascade`` (path of another Haar cascade XML file).
    """

    info = ModuleInfo(
        slot="lipsync",
        name="viseme",
        version=__version__,
        package=PACKAGE,
        needs=Needs(),
        consumes="Clip (+ face/mouth regions) + AudioClip (+ phoneme timings)",
        produces="Clip, same frames count and size, mouth animated",
        summary="Weights-free viseme/envelope mouth animation in face regions (OpenCV).",
    )

    class Options(ImplementationOptions):
        detect: StrictBool = Field(
            True,
            description="Find faces with the Haar cascade when the clip carries no regions.",
        )
        detect_every: StrictInt = Field(
            6, ge=1, le=10_000, description="Frames between two face detections."
        )
        min_face: StrictInt = Field(24, ge=8, le=4096, description="Smallest face side in pixels.")
        max_open: StrictFloat = Field(
            0.11,
            ge=0.01,
            le=0.5,
            description="Widest mouth opening, as a fraction of the face height.",
        )
        silence_rms: StrictFloat = Field(
            0.01,
            ge=0.0,
            le=0.5,
            description="Loudness treated as silence (0.01 is about -40 dBFS).",
        )
        cascade: str | None = Field(
            None, description="Path of another Haar cascade XML file; null: OpenCV's own."
        )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        opts = self.opts
        self.detect: bool = opts.detect
        self.detect_every: int = opts.detect_every
        self.min_face: int = opts.min_face
        self.max_open: float = opts.max_open
        self.silence_rms: float = opts.silence_rms
        cascade = opts.cascade
        if cascade is not None and not Path(cascade).is_file():
            raise TTVError(
                E_DETECTOR_UNAVAILABLE,
                f"lipsync cascade file not found: {cascade!r}",
                module=PACKAGE,
            )
        self.cascade_path = cascade
        self._detector: Any = None

    # -- where -----------------------------------------------------------------------------
    def _cascade(self) -> Any | None:
        if self._detector is not None:
            return self._detector
        path = self.cascade_path
        if path is None:
            base = getattr(getattr(cv2, "data", None), "haarcascades", None)
            if not base or not hasattr(cv2, "CascadeClassifier"):
                return None
            path = str(Path(base) / "haarcascade_frontalface_default.xml")
            if not Path(path).is_file():
                return None
        try:
            detector = cv2.CascadeClassifier(path)
        except (cv2.error, SystemError) as exc:
            raise TTVError(
                E_DETECTOR_UNAVAILABLE, f"cannot load Haar cascade {path}: {exc}", module=PACKAGE
            ) from exc
        if detector.empty():
            raise TTVError(
                E_DETECTOR_UNAVAILABLE, f"cannot load Haar cascade {path}", module=PACKAGE
            )
        self._detector = detector
        return detector

    def _detect(self, frame: np.ndarray) -> list[Box]:
        detector = self._cascade()
        if detector is None:
            return []
        gray = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
        h, w = gray.shape
        if min(h, w) < self.min_face:
            return []
        found = detector.detectMultiScale(
            gray, scaleFactor=1.1, minNeighbors=5, minSize=(self.min_face, self.min_face)
        )
        return [tuple(int(v) for v in f) for f in found]  # type: ignore[misc]

    def _region_mouths(
        self,
        regions: tuple[Region, ...],
        characters: tuple[CharacterRef, ...],
        aspects: dict[str, float] | None = None,
        size: tuple[int, int] = (0, 0),
    ) -> list[Box]:
        """Mouth boxes of one frame's regions. A face box cut by the frame's edge (a tracked
        face leaving the picture) is first grown back past that edge to the face's usual
        shape (``aspects``: width / height per label), so the mouth stays on the mouth."""
        names = {c.id for c in characters} | {c.name for c in characters}
        boxes: list[Box] = []
        for r in regions:
            if r.kind == "body":
                continue  # a body box does not say where the mouth is
            if names and r.label and r.label not in names:
                continue  # labelled for a character who is not in this shot
            box = (r.x, r.y, r.w, r.h)
            if r.kind == "mouth":
                boxes.append(box)
                continue
            if aspects and r.label in aspects:
                box = unclip_face(box, aspects[r.label], *size)
            boxes.append(mouth_box_for_face(box))
        return boxes

    def mouth_boxes(self, clip: Clip, characters: tuple[CharacterRef, ...] = ()) -> list[list[Box]]:
        """Mouth boxes for every frame (clamped to the frame; may be empty)."""
        n = clip.num_frames
        width, height = clip.size
        if clip.tracks:
            aspects = face_aspects(clip.tracks, width, height)
            from_regions = [
                self._region_mouths(clip.regions_at(i), characters, aspects, (width, height))
                for i in range(n)
            ]
        else:
            from_regions = [self._region_mouths(clip.regions, characters)] * n
        if any(from_regions):
            per_frame = from_regions
        elif self.detect and n:
            if self._cascade() is None:
                self.note("no face detector in this OpenCV build (needs opencv<5 cascades)")
                per_frame = [[] for _ in range(n)]
            else:
                held: list[Box] = []
                per_frame = []
                for i in range(n):
                    if i % self.detect_every == 0:
                        faces = self._detect(clip.frames[i])
                        if faces:
                            largest = max(faces, key=lambda f: f[2] * f[3])
                            held = [mouth_box_for_face(largest)]
                    per_frame.append(held)
                # frames before the first detection use the first face found
                first = next((b for b in per_frame if b), [])
                per_frame = [b or first for b in per_frame]
        else:
            per_frame = [[] for _ in range(n)]
        out: list[list[Box]] = []
        for boxes in per_frame:
            clamped = [c for b in boxes if (c := clamp_box(b, width, height)) is not None]
            out.append(clamped)
        return out

    # -- how much --------------------------------------------------------------------------
    def mouth_track(self, audio: AudioClip, n_frames: int, fps: int) -> np.ndarray:
        """``(n_frames, 2)`` of (open 0..1, width factor) for each frame."""
        if audio.phonemes:
            track = track_from_phonemes(audio.phonemes, n_frames, fps)
        else:
            track = track_from_envelope(audio, n_frames, fps, self.silence_rms)
        return smooth(track)

    # -- what ------------------------------------------------------------------------------
    def _draw(
        self, frame: np.ndarray, box: Box, open_: float, width_f: float, face_h: float
    ) -> None:
        x, y, w, h = box
        if w < 4 or h < 3:
            return
        roi = frame[y : y + h, x : x + w]
        lip, inner = mouth_tones(roi.reshape(-1, 3).astype(np.float32).mean(axis=0))
        # geometry in a 4x supersampled canvas, then area-downsampled for soft edges
        ss = 4
        cx, cy = w * ss / 2.0, h * ss * 0.58
        half_w = min(w * ss * 0.5 - ss, w * ss * 0.32 * width_f)
        half_h = min(h * ss * 0.5 - ss, 0.5 * open_ * self.max_open * face_h * ss)
        if half_w < ss or half_h < 0.5 * ss:
            return
        rim = max(1.0, 0.22 * half_h + 0.6 * ss)
        lip_mask = np.zeros((h * ss, w * ss), np.uint8)
        in_mask = np.zeros((h * ss, w * ss), np.uint8)
        cv2.ellipse(
            lip_mask,
            (int(cx), int(cy)),
            (int(half_w + rim), int(half_h + rim)),
            0,
            0,
            360,
            255,
            -1,
            cv2.LINE_AA,
        )
        cv2.ellipse(
            in_mask, (int(cx), int(cy)), (int(half_w), int(half_h)), 0, 0, 360, 255, -1, cv2.LINE_AA
        )
        a_lip = cv2.resize(lip_mask, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32) / 255
        a_in = cv2.resize(in_mask, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32) / 255
        out = roi.astype(np.float32)
        out = out * (1 - a_lip[..., None]) + lip * a_lip[..., None]
        out = out * (1 - a_in[..., None]) + inner * a_in[..., None]
        roi[:] = np.clip(np.rint(out), 0, 255).astype(np.uint8)

    def _sync(self, clip: Clip, audio: AudioClip, characters: tuple[CharacterRef, ...]) -> Clip:
        n = clip.num_frames
        if n == 0:
            return clip
        boxes = self.mouth_boxes(clip, characters)
        if not any(boxes):
            self.note("no face found: frames passed through")
            return clip
        track = self.mouth_track(audio, n, clip.fps)
        if float(track[:, 0].max(initial=0.0)) < _MIN_DRAWN_OPEN:
            self.note("silent audio: mouth kept closed, frames unchanged")
            return clip
        source = "phoneme visemes" if audio.phonemes else "audio envelope"
        self.note(f"mouth driven by {source} in {max(len(b) for b in boxes)} region(s)")
        frames = clip.frames.copy()
        for i in range(n):
            open_, width_f = float(track[i, 0]), float(track[i, 1])
            if open_ < _MIN_DRAWN_OPEN:
                continue
            for box in boxes[i]:
                face_h = box[3] / 0.32  # a mouth box is about a third of the face height
                self._draw(frames[i], box, open_, width_f, face_h)
        return Clip(frames=frames, fps=clip.fps, regions=clip.regions, tracks=clip.tracks)


def region_from_box(box: Box, label: str = "", kind: str = "face") -> Region:
    """A contract Region from an (x, y, w, h) box."""
    x, y, w, h = box
    return Region(x=x, y=y, w=w, h=h, label=label, kind=kind)  # type: ignore[arg-type]
