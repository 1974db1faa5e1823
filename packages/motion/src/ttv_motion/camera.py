"""The ``camera`` motion generator: a virtual camera moving over the keyframe.

Moves (``ShotSpec.directives.camera``):

- ``pan_left``/``pan_right`` and ``tilt_up``/``tilt_down``: the frame is a window, magnified
  by ``1 + travel``, sliding across the keyframe (a rotation of the camera: no parallax);
- ``zoom_in``/``zoom_out``: the window's magnification goes from 1 to ``1 + travel`` (or back);
- ``dolly_in``/``dolly_out`` and ``parallax``: a 2.5-D move over a simple foreground /
  background split. The background is a ground plane whose near-ness grows from the
  keyframe's ``ground`` line (contracts 1.3; 45 % of the height without one) to 95 % (near),
  so what stands above the line (walls, cupboards, the sky) moves upright with the far layer; each face region's body is cut out with OpenCV GrabCut
  (inside the keyframe's ``body`` region for that face where it gives one) and moved as a
  card standing on the ground at its feet's depth; the hole it leaves shows the keyframe's
  own background where it gives one (contracts 1.3: the animatic does), else Telea
  inpainting (which smears the colours around the hole into it). Far things move (or grow) ``depth_ratio`` times as fast as
  near ones;
- ``static`` (or ``motion_scale`` 0): the keyframe is held.

``travel`` (fraction of the frame) is ``motion_scale * pace * speed * duration`` capped at
``max_travel``: a longer shot moves further at the same speed until the cap, after which it
moves more slowly. Window moves (pans, tilts, zooms, the near layer of a parallax) then cut
it so that the window holds every face the keyframe shows whole (:func:`keep_faces`), with a
note. Progress follows an easing curve (``ease_in_out`` by default), so a move
starts and ends at rest; the largest step between two frames is at most
``travel * frame size * max_slope(easing) / (num_frames - 1)`` pixels (the tests check it).

Every frame is one ``cv2.warpAffine`` (or one ``cv2.remap`` for depth moves) with sub-pixel
(bilinear or bicubic) sampling from the original keyframe: no accumulated resampling, no
rounding of the window to whole pixels, and the output is always exactly the spec's size.
Regions (contracts 1.2): the camera applies its own transform to the keyframe's regions.
``Clip.tracks`` holds, for every frame, each region moved exactly as the picture under it
moves (the window's pose for pans, tilts and zooms; for dolly and parallax, the pose of the
figure card the region belongs to, or of the ground plane at the region's height). A box
that runs past the frame's edge is **clipped** to the frame; one that has left the frame
entirely is **dropped** for that frame (and comes back when it re-enters). ``Clip.regions``
holds each region's union over the clip, for readers that ignore tracks. Static shots and
one-frame shots carry no tracks (the keyframe's regions hold for every frame). Keyframe
regions that name the same label and kind twice cannot be told apart in a track: the clip
then carries the unions only, with a note. A one-frame shot is the keyframe itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

import cv2
import numpy as np
from pydantic import Field, StrictFloat
from ttv_contracts.v1 import (
    CameraMove,
    Clip,
    ImplementationOptions,
    Keyframe,
    ModuleInfo,
    MotionGenerator,
    Region,
    ShotSpec,
)

from . import __version__
from .errors import E_OPTION_INVALID, PACKAGE

EASINGS: dict[str, Callable[[float], float]] = {
    "linear": lambda t: t,
    "ease_in_out": lambda t: 0.5 - 0.5 * math.cos(math.pi * t),
    "ease_in": lambda t: 1.0 - math.cos(math.pi * t / 2),
    "ease_out": lambda t: math.sin(math.pi * t / 2),
}
#: Largest derivative of each easing curve on [0, 1] (bounds the per-frame step).
MAX_SLOPE: dict[str, float] = {
    "linear": 1.0,
    "ease_in_out": math.pi / 2,
    "ease_in": math.pi / 2,
    "ease_out": math.pi / 2,
}
INTERPOLATIONS = {"linear": cv2.INTER_LINEAR, "cubic": cv2.INTER_CUBIC}
DEPTH_MOVES = frozenset({CameraMove.DOLLY_IN, CameraMove.DOLLY_OUT, CameraMove.PARALLAX})


class CameraOptions(ImplementationOptions):
    """Options of motion ``camera`` (and the ``camera`` table of ``animatediff``)."""

    speed: StrictFloat = Field(
        0.1,
        ge=0.0,
        le=2.0,
        description="Travel per second at motion_scale = pace = 1 (fraction of the frame).",
    )
    max_travel: StrictFloat = Field(
        0.25, ge=0.0, le=1.0, description="Cap on the travel of one shot."
    )
    easing: Literal["linear", "ease_in_out", "ease_in", "ease_out"] = Field(
        "ease_in_out", description="Progress curve of the move."
    )
    interpolation: Literal["linear", "cubic"] = Field(
        "cubic", description="Warp interpolation; linear is faster, slightly softer."
    )
    depth_ratio: StrictFloat = Field(
        0.35,
        ge=0.0,
        le=1.0,
        description="Far-layer speed relative to near (dolly, parallax).",
    )
    clip_seconds: StrictFloat = Field(
        0.0,
        ge=0.0,
        le=3600.0,
        description="At most this many seconds of motion (like a fixed-length video model); "
        "the extender stretches the clip to the shot. 0 renders the full shot.",
    )


@dataclass(frozen=True)
class Pose:
    """A camera window: magnification ``zoom`` (>= 1) centred on ``(cx, cy)`` in keyframe
    pixel coordinates (pixel centres at integers, OpenCV's convention)."""

    zoom: float
    cx: float
    cy: float

    def inverse_matrix(self, width: int, height: int) -> np.ndarray:
        """2x3 matrix taking output pixels to keyframe pixels (for WARP_INVERSE_MAP)."""
        s = 1.0 / self.zoom
        c0x, c0y = (width - 1) / 2, (height - 1) / 2
        return np.array(
            [[s, 0.0, self.cx - c0x * s], [0.0, s, self.cy - c0y * s]], dtype=np.float64
        )

    def forward(self, x: float, y: float, width: int, height: int) -> tuple[float, float]:
        """Where keyframe point (x, y) lands in the output frame."""
        c0x, c0y = (width - 1) / 2, (height - 1) / 2
        return c0x + (x - self.cx) * self.zoom, c0y + (y - self.cy) * self.zoom


@dataclass(frozen=True)
class CameraPath:
    """The camera's path over a shot: pure geometry, no pixels (easy to test)."""

    move: CameraMove
    travel: float  # fraction of the frame (width for pans/parallax, height for tilts)
    width: int
    height: int
    easing: str = "ease_in_out"
    depth_ratio: float = 0.35  # far layer speed / near layer speed

    @property
    def is_static(self) -> bool:
        return self.move == CameraMove.STATIC or self.travel <= 0.0

    @property
    def uses_depth(self) -> bool:
        return not self.is_static and self.move in DEPTH_MOVES

    def progress(self, i: int, n: int) -> float:
        return EASINGS[self.easing](i / (n - 1)) if n > 1 else 0.0

    def max_step_px(self, n: int) -> float:
        """Upper bound of how far any pixel moves between two consecutive frames."""
        if self.is_static or n < 2:
            return 0.0
        side = max(self.width, self.height)
        return self.travel * side * MAX_SLOPE[self.easing] / (n - 1)

    def poses(self, p: float) -> tuple[Pose, Pose]:
        """(far, near) window poses at eased progress ``p`` in [0, 1]."""
        w, h, a, r = self.width, self.height, self.travel, self.depth_ratio
        c0x, c0y = (w - 1) / 2, (h - 1) / 2
        if self.is_static:
            pose = Pose(1.0, c0x, c0y)
            return pose, pose
        m = self.move
        if m in (CameraMove.PAN_LEFT, CameraMove.PAN_RIGHT, CameraMove.PARALLAX):
            z = 1.0 + a
            margin = (w / 2) * (1 - 1 / z)  # the window never leaves the keyframe
            sign = -1.0 if m == CameraMove.PAN_LEFT else 1.0
            off = sign * margin * (2 * p - 1)
            near = Pose(z, c0x + off, c0y)
            far = Pose(z, c0x + off * r, c0y) if m == CameraMove.PARALLAX else near
            return far, near
        if m in (CameraMove.TILT_UP, CameraMove.TILT_DOWN):
            z = 1.0 + a
            margin = (h / 2) * (1 - 1 / z)
            sign = -1.0 if m == CameraMove.TILT_UP else 1.0
            pose = Pose(z, c0x, c0y + sign * margin * (2 * p - 1))
            return pose, pose
        q = p if m in (CameraMove.ZOOM_IN, CameraMove.DOLLY_IN) else 1.0 - p
        near = Pose(1.0 + a * q, c0x, c0y)
        far = Pose(1.0 + a * r * q, c0x, c0y) if m in DEPTH_MOVES else near
        return far, near


#: air kept around a face when a window move keeps it in frame, as a fraction of its size
FACE_MARGIN = 0.25

#: window moves whose window is the whole picture: a face the window loses is cut
WINDOW_MOVES = {
    CameraMove.PAN_LEFT,
    CameraMove.PAN_RIGHT,
    CameraMove.PARALLAX,
    CameraMove.TILT_UP,
    CameraMove.TILT_DOWN,
    CameraMove.ZOOM_IN,
    CameraMove.ZOOM_OUT,
}


def keep_faces(path: CameraPath, faces: list[Region]) -> CameraPath:
    """``path`` with its travel cut so that the window holds every face (with
    :data:`FACE_MARGIN` around it) for the whole move: a camera operator keeps the
    characters in frame. Pans (and the near layer of a parallax) and tilts slide a window
    ``1 / (1 + travel)`` of the frame from one edge to the other, so the faces must lie
    within that much of both edges; zooms narrow it about the centre. Dolly moves, whose
    figures move as cards of their own, are left as they are, and so are faces the keyframe
    already cuts at its edge."""
    w, h = path.width, path.height
    # a face the keyframe already cuts at its edge cannot be kept whole: it does not count
    faces = [f for f in faces if f.x > 0 and f.y > 0 and f.x + f.w < w and f.y + f.h < h]
    if path.is_static or not faces or path.move not in WINDOW_MOVES:
        return path
    x0 = max(0.0, min(f.x - FACE_MARGIN * f.w for f in faces))
    x1 = min(float(w), max(f.x + f.w * (1 + FACE_MARGIN) for f in faces))
    y0 = max(0.0, min(f.y - FACE_MARGIN * f.h for f in faces))
    y1 = min(float(h), max(f.y + f.h * (1 + FACE_MARGIN) for f in faces))
    m = path.move
    if m in (CameraMove.PAN_LEFT, CameraMove.PAN_RIGHT, CameraMove.PARALLAX):
        zmax = w / max(x1, w - x0)
    elif m in (CameraMove.TILT_UP, CameraMove.TILT_DOWN):
        zmax = h / max(y1, h - y0)
    else:
        cx, cy = w / 2, h / 2
        zmax = min(w / (2 * max(cx - x0, x1 - cx)), h / (2 * max(cy - y0, y1 - cy)))
    travel = max(0.0, zmax - 1.0)
    return path if path.travel <= travel else replace(path, travel=travel)


GROUND_START, GROUND_END = (
    0.45,
    0.95,
)  # rows (fraction of height) where the ground ramps far -> near


def ground_depth(height: int, start: float = GROUND_START) -> np.ndarray:
    """Near-ness of each row in [0, 1]: far above ``start`` (by default 45 % of the height;
    the keyframe's own ``ground`` line where it gives one), near at 95 % (or a fifth of the
    height below a lower ground line). Above the ground line things stand upright and move
    as the far layer: a kitchen's cupboards are not sheared like floor."""
    end = max(GROUND_END, start + 0.2)
    ys = (np.arange(height, dtype=np.float32) + 0.5) / height
    return np.clip((ys - start) / (end - start), 0.0, 1.0)


@dataclass
class Figure:
    """A foreground figure cut out of the keyframe: soft mask, depth, its face region."""

    mask: np.ndarray  # float32 HxW in [0, 1]
    depth: float
    region_index: int
    box: tuple[int, int, int, int] = (0, 0, 0, 0)  # x0, y0, x1, y1 of the mask in the keyframe


def _composite_card(
    out: np.ndarray, image: np.ndarray, fig: Figure, pose: Pose, interpolation: int
) -> None:
    """Warp the figure (pixels and mask) with ``pose`` and blend it into ``out``, working
    only inside the box where the figure lands."""
    h, w = out.shape[:2]
    x0, y0, x1, y1 = fig.box
    ax, ay = pose.forward(x0 - 1, y0 - 1, w, h)
    bx, by = pose.forward(x1 + 1, y1 + 1, w, h)
    ox, oy = max(0, math.floor(ax)), max(0, math.floor(ay))
    ex, ey = min(w, math.ceil(bx) + 1), min(h, math.ceil(by) + 1)
    if ex <= ox or ey <= oy:
        return
    m = pose.inverse_matrix(w, h)
    m[:, 2] += m[:, 0] * ox + m[:, 1] * oy  # the ROI's pixel (0, 0) is the frame's (ox, oy)
    size = (ex - ox, ey - oy)
    flags = cv2.WARP_INVERSE_MAP
    layer = cv2.warpAffine(
        image, m, size, flags=interpolation | flags, borderMode=cv2.BORDER_REFLECT_101
    )
    alpha = cv2.warpAffine(
        fig.mask, m, size, flags=cv2.INTER_LINEAR | flags, borderMode=cv2.BORDER_CONSTANT
    )
    roi = out[oy:ey, ox:ex]
    a3 = alpha[..., None]
    roi[:] = (roi * (1.0 - a3) + layer * a3 + 0.5).astype(np.uint8)


def _body_box(face: Region, regions: tuple[Region, ...], w: int, h: int) -> tuple[int, ...]:
    """The box a figure's body fills: the keyframe's own ``body`` region of the same label
    holding the face (2 px of margin), else the box a standing figure under that face would
    fill (a guess, much wider than the figure)."""
    fx, fy = face.x + face.w / 2, face.y + face.h / 2
    for r in regions:
        holds = r.x <= fx <= r.x + r.w and r.y <= fy <= r.y + r.h
        if r.kind == "body" and r.label == face.label and holds:
            return (max(0, r.x - 2), max(0, r.y - 2), min(w, r.x + r.w + 2), min(h, r.y + r.h + 2))
    return (
        max(0, int(face.x - 0.9 * face.w)),
        max(0, int(face.y - 1.5 * face.h)),  # room for a name tag or hat above the head
        min(w, math.ceil(face.x + 1.9 * face.w)),
        min(h, math.ceil(face.y + 4.0 * face.h)),  # head ~ 1/4 of a standing figure
    )


def cut_figures(
    image: np.ndarray, regions: tuple[Region, ...], ground: float = GROUND_START
) -> list[Figure]:
    """Segment a body under each face region with GrabCut and give it the ground depth of its
    feet. GrabCut starts from the figure's body box (the keyframe's ``body`` region where it
    gives one, else a guess), with the middle of the face as sure foreground, and only the
    part connected to the face is kept. From the guessed box alone, on kettle_race's kitchen,
    GrabCut took whole cabinets, a wall and a window with the figures, and the camera's
    parallax tore them across the frame; the face's full box as sure foreground carried its
    corners of background with the head."""
    h, w = image.shape[:2]
    near = ground_depth(h, ground)
    figures = []
    for k, r in enumerate(regions):
        if r.kind != "face":
            continue
        x0, y0, x1, y1 = _body_box(r, regions, w, h)
        if x1 - x0 < 4 or y1 - y0 < 4:
            continue
        # GrabCut on a crop with a margin of probable background around the body box.
        mx, my = max(2, (x1 - x0) // 4), max(2, (y1 - y0) // 8)
        cx0, cy0, cx1, cy1 = max(0, x0 - mx), max(0, y0 - my), min(w, x1 + mx), min(h, y1 + my)
        crop = np.ascontiguousarray(image[cy0:cy1, cx0:cx1][..., ::-1])  # GrabCut wants BGR
        mask = np.full(crop.shape[:2], cv2.GC_BGD, np.uint8)
        mask[y0 - cy0 : y1 - cy0, x0 - cx0 : x1 - cx0] = cv2.GC_PR_FGD
        # the middle of the face is surely foreground (its box's corners may not be)
        centre = (round(r.x + r.w / 2 - cx0), round(r.y + r.h / 2 - cy0))
        axes = (max(1, round(r.w * 0.3)), max(1, round(r.h * 0.3)))
        cv2.ellipse(mask, centre, axes, 0, 0, 360, int(cv2.GC_FGD), -1)
        fg = np.zeros(crop.shape[:2], np.float32)
        if min(crop.shape[:2]) >= 8:
            bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
            try:
                cv2.grabCut(crop, mask, None, bgd, fgd, 3, cv2.GC_INIT_WITH_MASK)
                fg = np.isin(mask, (cv2.GC_FGD, cv2.GC_PR_FGD)).astype(np.float32)
                fg *= _connected_to(fg, centre)
            except cv2.error:
                fg[y0 - cy0 : y1 - cy0, x0 - cx0 : x1 - cx0] = 1.0
        else:
            fg[y0 - cy0 : y1 - cy0, x0 - cx0 : x1 - cx0] = 1.0
        full = np.zeros((h, w), np.float32)
        full[cy0:cy1, cx0:cx1] = fg
        full = cv2.GaussianBlur(full, (0, 0), sigmaX=0.8)
        rows = np.nonzero(full.max(axis=1) > 0.5)[0]
        cols = np.nonzero(full.max(axis=0) > 0.01)[0]
        if not rows.size or not cols.size:
            continue
        feet = int(rows[-1])
        rows = np.nonzero(full.max(axis=1) > 0.01)[0]
        box = (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)
        figures.append(
            Figure(mask=full, depth=float(near[min(h - 1, feet)]), region_index=k, box=box)
        )
    figures.sort(key=lambda f: f.depth)  # far figures first, near ones composited on top
    return figures


def _connected_to(fg: np.ndarray, point: tuple[int, int]) -> np.ndarray:
    """1 where ``fg`` is connected (8-neighbourhood) to ``point`` (x, y), else 0."""
    _, labels = cv2.connectedComponents((fg > 0).astype(np.uint8), connectivity=8)
    x = min(max(point[0], 0), fg.shape[1] - 1)
    y = min(max(point[1], 0), fg.shape[0] - 1)
    label = labels[y, x]
    return (labels == label).astype(np.float32) if label else np.zeros_like(fg)


def clean_plate(
    image: np.ndarray, figures: list[Figure], background: np.ndarray | None = None
) -> np.ndarray:
    """The keyframe with the figures removed: what the far layer shows where a figure has
    moved away. The keyframe's own background where it gives one (contracts 1.3: a maker
    that draws the backdrop first knows exactly what is behind its figures); otherwise
    guessed by OpenCV Telea inpainting, which smears the colours around the hole into it."""
    if not figures:
        return image
    if background is not None and background.shape == image.shape:
        return background
    hole = (np.max([f.mask for f in figures], axis=0) > 0.05).astype(np.uint8) * 255
    hole = cv2.dilate(hole, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))
    radius = max(3, min(image.shape[:2]) // 60)
    return cv2.inpaint(np.ascontiguousarray(image), hole, radius, cv2.INPAINT_TELEA)


def lerp_pose(far: Pose, near: Pose, d: float) -> Pose:
    """The pose of something at depth ``d``: inverse zoom and centre linear in depth."""
    s = 1 / far.zoom + (1 / near.zoom - 1 / far.zoom) * d
    return Pose(1 / s, far.cx + (near.cx - far.cx) * d, far.cy + (near.cy - far.cy) * d)


def cover(w: int, h: int, width: int, height: int) -> tuple[float, int, int, int, int]:
    """How a ``w`` x ``h`` picture covers ``width`` x ``height``: the scale, the scaled size
    and the top-left corner of the centred crop in it."""
    s = max(width / w, height / h)
    nw, nh = max(width, round(w * s)), max(height, round(h * s))
    return s, nw, nh, (nw - width) // 2, (nh - height) // 2


def fit_to(image: np.ndarray, width: int, height: int) -> tuple[np.ndarray, float, float, float]:
    """Scale ``image`` to cover ``width`` x ``height`` and centre-crop it; returns the image
    and the (scale, dx, dy) that maps old coordinates to new ones."""
    h, w = image.shape[:2]
    if (w, h) == (width, height):
        return image, 1.0, 0.0, 0.0
    s, nw, nh, x0, y0 = cover(w, h, width, height)
    interp = cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC
    big = cv2.resize(image, (nw, nh), interpolation=interp)
    return np.ascontiguousarray(big[y0 : y0 + height, x0 : x0 + width]), s, -x0, -y0


class CameraMotion(MotionGenerator):
    """Camera moves over the keyframe (OpenCV warps): the honest CPU default, no model."""

    info = ModuleInfo(
        slot="motion",
        name="camera",
        version=__version__,
        package=PACKAGE,
        consumes="ShotSpec (directives, fps, frame count, size) + Keyframe (+ face regions)",
        produces="Clip: spec.num_frames frames at spec.fps and size; regions carried",
        summary=(
            "Eased pan, tilt, zoom, dolly and parallax camera moves on the keyframe "
            "(OpenCV sub-pixel warps; parallax from a ground/figure depth split)."
        ),
    )

    Options = CameraOptions
    option_error = E_OPTION_INVALID.code

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        opts = self.opts
        self.speed: float = opts.speed
        self.max_travel: float = opts.max_travel
        self.easing: str = opts.easing
        self.interpolation = INTERPOLATIONS[opts.interpolation]
        self.depth_ratio: float = opts.depth_ratio
        # Like a video model with a fixed clip length (AnimateDiff makes 16 frames): at most
        # this many seconds of motion, and the extender stretches the clip to the shot.
        # 0 (the default) renders the shot's full length.
        self.clip_seconds: float = opts.clip_seconds

    def path_for(self, spec: ShotSpec) -> CameraPath:
        d = spec.directives
        travel = min(self.max_travel, d.motion_scale * d.pace * self.speed * spec.duration_s)
        return CameraPath(
            move=CameraMove(d.camera),
            travel=float(travel),
            width=spec.width,
            height=spec.height,
            easing=self.easing,
            depth_ratio=self.depth_ratio,
        )

    def _animate(self, spec: ShotSpec, keyframe: Keyframe) -> Clip:
        image, regions = self.fitted(keyframe, spec.width, spec.height)
        wanted = self.path_for(spec)
        path = keep_faces(wanted, [r for r in regions if r.kind == "face"])
        if path.travel < wanted.travel:
            self.note(
                f"{wanted.move.value}: travel {wanted.travel:.2f} -> {path.travel:.2f} to keep "
                "every face in frame"
            )
        n = spec.num_frames
        if self.clip_seconds:
            n = max(1, min(n, round(self.clip_seconds * spec.fps)))
            if n < spec.num_frames:
                self.note(f"short clip: {n} of {spec.num_frames} frames (clip_seconds)")
        background = getattr(keyframe, "background", None)  # contracts 1.3
        if background is not None:
            background = fit_to(background, spec.width, spec.height)[0]
        ground = getattr(keyframe, "ground", None)  # contracts 1.3
        if ground is not None:  # the cover-fit may crop rows: the line moves with them
            kh, kw = keyframe.image.shape[:2]
            s, _, _, _, y0 = cover(kw, kh, spec.width, spec.height)
            ground = min(0.95, max(0.05, (ground * kh * s - y0) / spec.height))
        frames, regions, tracks = self.render(
            image, regions, path, n, background=background, ground=ground
        )
        return Clip(frames=frames, fps=spec.fps, regions=regions, tracks=tracks)

    def fitted(
        self, keyframe: Keyframe, width: int, height: int
    ) -> tuple[np.ndarray, tuple[Region, ...]]:
        """The keyframe image at ``width`` x ``height`` (cover-fit) and its regions."""
        image, s, dx, dy = fit_to(keyframe.image, width, height)
        if s == 1.0 and dx == 0 and dy == 0:
            return image, keyframe.regions
        self.note(
            f"keyframe {keyframe.image.shape[1]}x{keyframe.image.shape[0]} scaled to cover "
            f"{width}x{height}"
        )
        moved = []
        for r in keyframe.regions:
            box = _clip_box(
                r.x * s + dx,
                r.y * s + dy,
                (r.x + r.w) * s + dx,
                (r.y + r.h) * s + dy,
                width,
                height,
            )
            if box is not None:
                moved.append(r.model_copy(update=dict(zip("xywh", box, strict=True))))
        return image, tuple(moved)

    def render(
        self,
        image: np.ndarray,
        regions: tuple[Region, ...],
        path: CameraPath,
        n: int,
        background: np.ndarray | None = None,
        ground: float | None = None,
    ) -> tuple[np.ndarray, tuple[Region, ...], tuple[tuple[Region, ...], ...]]:
        """``n`` frames of ``path`` over ``image`` (already the output size), the regions as
        the union of where they are over those frames, and where they are in each frame
        (``()`` when they do not move). ``background``: the image without its figures, the
        far layer of a 2.5-D move where the keyframe gives one (else it is inpainted).
        ``ground``: where the ground begins (fraction of the height; default 0.45)."""
        start = GROUND_START if ground is None else ground
        h, w = image.shape[:2]
        frames = np.empty((n, h, w, 3), np.uint8)
        if path.is_static or n == 1:
            frames[:] = image
            return frames, regions, ()
        flags = self.interpolation | cv2.WARP_INVERSE_MAP
        border = cv2.BORDER_REFLECT_101
        if not path.uses_depth:
            for i in range(n):
                m = path.poses(path.progress(i, n))[1].inverse_matrix(w, h)
                cv2.warpAffine(image, m, (w, h), dst=frames[i], flags=flags, borderMode=border)
            return frames, *self._carry(regions, path, n, {}, [])
        # 2.5-D: the ground is a plane whose near-ness grows down the frame (one remap per
        # frame, per-row pose); figures are cut-out cards standing on it at their feet's depth.
        figures = cut_figures(image, regions, start)
        plate = clean_plate(image, figures, background)
        if plate is not background and figures:
            self.note("no keyframe background: the far layer behind the figures is inpainted")
        depth = ground_depth(h, start)[:, None]
        c0x, c0y = (w - 1) / 2, (h - 1) / 2
        gx = np.arange(w, dtype=np.float32)[None, :] - np.float32(c0x)
        gy = np.arange(h, dtype=np.float32)[:, None] - np.float32(c0y)
        for i in range(n):
            far, near = path.poses(path.progress(i, n))
            sf, sn = np.float32(1 / far.zoom), np.float32(1 / near.zoom)
            scale = sf + (sn - sf) * depth
            map_x = np.float32(far.cx) + np.float32(near.cx - far.cx) * depth + gx * scale
            map_y = np.float32(far.cy) + np.float32(near.cy - far.cy) * depth + gy * scale
            map_y = np.ascontiguousarray(np.broadcast_to(map_y, (h, w)))
            cv2.remap(plate, map_x, map_y, self.interpolation, dst=frames[i], borderMode=border)
            for fig in figures:
                pose = lerp_pose(far, near, fig.depth)
                _composite_card(frames[i], image, fig, pose, self.interpolation)
        depths = {f.region_index: f.depth for f in figures}
        return frames, *self._carry(regions, path, n, depths, figures, start)

    def region_depth(
        self,
        k: int,
        r: Region,
        h: int,
        depths: dict[int, float],
        figures: list[Figure],
        ground: float = GROUND_START,
    ) -> float:
        """Depth a region moves at: its own figure's; else that of the nearest figure whose
        cut-out holds the region's centre (a mouth or body box on a figure); else the ground
        plane's at the region's centre row."""
        if k in depths:
            return depths[k]
        cx, cy = r.x + r.w / 2, r.y + r.h / 2
        for fig in reversed(figures):  # nearest (drawn last, on top) first
            x0, y0, x1, y1 = fig.box
            if x0 <= cx < x1 and y0 <= cy < y1:
                return fig.depth
        return float(ground_depth(h, ground)[min(h - 1, max(0, r.y + r.h // 2))])

    def region_boxes(
        self, r: Region, path: CameraPath, n: int, depth: float
    ) -> list[tuple[float, float, float, float]]:
        """Where region ``r`` is in each of ``n`` frames: edges ``(x0, y0, x1, y1)`` in output
        pixels (not clipped), the keyframe box moved by the pose at ``depth``."""
        w, h = path.width, path.height
        out = []
        for i in range(n):
            pose = lerp_pose(*path.poses(path.progress(i, n)), depth)
            # edges are half a pixel off the pixel centres the pose maps
            ax, ay = pose.forward(r.x - 0.5, r.y - 0.5, w, h)
            bx, by = pose.forward(r.x + r.w - 0.5, r.y + r.h - 0.5, w, h)
            out.append((ax + 0.5, ay + 0.5, bx + 0.5, by + 0.5))
        return out

    def _carry(
        self,
        regions: tuple[Region, ...],
        path: CameraPath,
        n: int,
        depths: dict[int, float],
        figures: list[Figure],
        ground: float = GROUND_START,
    ) -> tuple[tuple[Region, ...], tuple[tuple[Region, ...], ...]]:
        """The regions as (union over the clip, per-frame track): each region moves with the
        figure cut for it (or the one it sits on), or with the ground plane at its height.
        Boxes are clipped to the frame; a box wholly outside is dropped for that frame."""
        w, h = path.width, path.height
        union = []
        per_frame: list[list[Region]] = [[] for _ in range(n)]
        for k, r in enumerate(regions):
            depth = self.region_depth(k, r, h, depths, figures, ground)
            boxes = self.region_boxes(r, path, n, depth)
            box = _clip_box(
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
                w,
                h,
            )
            if box is None:
                continue
            union.append(r.model_copy(update=dict(zip("xywh", box, strict=True))))
            for i, (x0, y0, x1, y1) in enumerate(boxes):
                at = _clip_box(x0, y0, x1, y1, w, h)
                if at is not None:
                    per_frame[i].append(r.model_copy(update=dict(zip("xywh", at, strict=True))))
        named = [(r.label, r.kind) for r in regions if r.label]
        if len(named) != len(set(named)):
            self.note("keyframe regions repeat a label: carried as unions, no per-frame tracks")
            return tuple(union), ()
        return tuple(union), tuple(tuple(f) for f in per_frame)


def _clip_box(
    x0: float, y0: float, x1: float, y1: float, width: int, height: int
) -> tuple[int, int, int, int] | None:
    xi0, yi0 = max(0, math.floor(x0)), max(0, math.floor(y0))
    xi1, yi1 = min(width, math.ceil(x1)), min(height, math.ceil(y1))
    if xi1 - xi0 < 1 or yi1 - yi0 < 1:
        return None
    return xi0, yi0, xi1 - xi0, yi1 - yi0
