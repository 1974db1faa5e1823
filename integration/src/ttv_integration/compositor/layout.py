"""Layout of burned-in text over one output frame: boxes, the title-safe area, and a greedy
placement pass with candidate positions and collision checks.

Order of placement (earlier boxes are obstacles for later ones):

1. figures: one box per character on screen (its face region grown into a body box); they
   are fixed by the picture;
2. the caption: centred at the bottom of the title-safe area (captions may cover figures'
   feet, like any subtitle; nothing else may cover the caption);
3. the setting label: along the top of the title-safe area (left, centre, right, then one
   step lower each), avoiding figures and the caption;
4. name tags, one per character, nearest first among candidates around the face (above,
   above-left/right, left, right, then further out), avoiding figures, the label, the caption
   and tags placed before. A tag that fits nowhere is left out (and counted) rather than
   drawn over something.

Placement is sticky: a tag keeps the candidate it used in the previous frame while that
candidate stays free, so tags do not hop between positions as the camera moves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def w(self) -> float:
        return self.x1 - self.x0

    @property
    def h(self) -> float:
        return self.y1 - self.y0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    def overlaps(self, other: Box, gap: float = 0.0) -> bool:
        return not (
            self.x1 + gap <= other.x0
            or other.x1 + gap <= self.x0
            or self.y1 + gap <= other.y0
            or other.y1 + gap <= self.y0
        )

    def inside(self, other: Box) -> bool:
        return (
            self.x0 >= other.x0 - 1e-6
            and self.y0 >= other.y0 - 1e-6
            and self.x1 <= other.x1 + 1e-6
            and self.y1 <= other.y1 + 1e-6
        )

    def moved(self, dx: float, dy: float) -> Box:
        return Box(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)

    def clip(self, other: Box) -> Box | None:
        b = Box(
            max(self.x0, other.x0),
            max(self.y0, other.y0),
            min(self.x1, other.x1),
            min(self.y1, other.y1),
        )
        return b if b.w > 0 and b.h > 0 else None

    def as_list(self) -> list[int]:
        return [round(self.x0), round(self.y0), round(self.x1), round(self.y1)]


def safe_area(width: int, height: int, margin: float) -> Box:
    """The title-safe rectangle: ``margin`` of each side inset."""
    return Box(width * margin, height * margin, width * (1 - margin), height * (1 - margin))


#: Body geometry relative to the face box (the animatic's figures: head 0.26 of the figure's
#: height, body 0.36 of it wide); a generous box so tags keep clear of arms and shoulders.
BODY_WIDTH = 1.5  # x face width
BODY_HEIGHT = 3.9  # x face height, from the top of the head


def figure_box(face: Box, frame: Box) -> Box:
    """The figure under a face region, clipped to the frame."""
    half = face.w * BODY_WIDTH / 2
    body = Box(face.cx - half, face.y0, face.cx + half, face.y0 + face.h * BODY_HEIGHT)
    return body.clip(frame) or face


@dataclass(frozen=True)
class Figure:
    key: str  # the character id (the region's label)
    name: str  # what its tag says
    face: Box
    body: Box


@dataclass
class Layout:
    caption: Box | None = None
    label: Box | None = None
    tags: dict[str, Box] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)  # tags that fit nowhere

    def text_boxes(self) -> list[tuple[str, Box]]:
        out = []
        if self.caption is not None:
            out.append(("caption", self.caption))
        if self.label is not None:
            out.append(("label", self.label))
        out += [(f"tag:{k}", b) for k, b in self.tags.items()]
        return out


def _bodies(figures: list[Figure], caption: Box | None) -> list[Box]:
    """What text must not cover: every figure's body and the caption."""
    return [f.body for f in figures] + ([caption] if caption is not None else [])


def _free(box: Box, safe: Box, obstacles: list[Box], gap: float) -> bool:
    return box.inside(safe) and not any(box.overlaps(o, gap) for o in obstacles)


@lru_cache(maxsize=64)
def label_candidates(size: tuple[float, float], safe: Box, step: float) -> tuple[Box, ...]:
    """Places for a label of ``size``: four rows down from the safe area's top, each at the
    left, centre and right (made once per size: a label keeps its size for a shot)."""
    w, h = size
    out = []
    for row in range(4):
        y = safe.y0 + row * step
        for x in (safe.x0, safe.cx - w / 2, safe.x1 - w):
            out.append(Box(x, y, x + w, y + h))
    return tuple(out)


def tag_candidates(
    size: tuple[float, float], fig: Figure, gap: float, safe: Box | None = None
) -> list[Box]:
    """Positions around the face, nearest first: above (slid sideways into the safe area for
    a face near its edge), above-left/right, beside the head, then the same ring further
    out. "Above" is above the whole figure: its body region's top where that is higher than
    the face (a king's crown), else the face's."""
    w, h = size
    f = fig.face
    # "above" is above the whole figure: a crown or ears over the head are the figure's too
    # (a person's body region starts at the top of the head, so this is the face's top)
    top = min(f.y0, fig.body.y0)
    out = []
    for k in range(4):
        d = gap + k * (h + gap)
        above = Box(f.cx - w / 2, top - d - h, f.cx + w / 2, top - d)
        out.append(above)
        if safe is not None:
            # a face at the frame's edge: still straight above, as far in as the edge allows
            # (not a ring further out on the diagonal, a head's height away). Always listed,
            # so a candidate's index (what the placer keeps between frames) means one place.
            x0 = min(max(above.x0, safe.x0), safe.x1 - w)
            inward = x0 < f.x1 + w / 2 and x0 + w > f.x0 - w / 2  # over, or next to, the head
            out.append(Box(x0, above.y0, x0 + w, above.y1) if inward else above)
        out += [
            Box(f.x0 - w - d, top - d - h, f.x0 - d, top - d),  # above left
            Box(f.x1 + d, top - d - h, f.x1 + d + w, top - d),  # above right
        ]
        for y in (f.y0, f.y0 - h - gap, f.y1 + gap):  # beside the body: head, above, below
            out += [
                Box(fig.body.x0 - w - d, y, fig.body.x0 - d, y + h),
                Box(fig.body.x1 + d, y, fig.body.x1 + d + w, y + h),
            ]
    return out


class Placer:
    """Greedy placement of label and tags for a sequence of frames (sticky between frames)."""

    #: frames a nearer place must stay free before a tag or label moves to it (0.5 s at 24
    #: fps): text does not hop between places, and does not stay far once the way is clear
    SETTLE_FRAMES = 12

    def __init__(self, safe: Box, gap: float) -> None:
        self.safe = safe
        self.gap = gap
        self._last: dict[str, int] = {}
        self._nearer: dict[str, int] = {}  # frames a nearer candidate has been free
        #: places chosen for a whole shot (:meth:`plan_label`): kept while free, never left
        #: for a nearer one
        self._pinned: dict[str, int] = {}

    def reset(self) -> None:
        """A new shot: a new picture, so every place is chosen afresh (nothing to stick to)."""
        self._last.clear()
        self._nearer.clear()
        self._pinned.clear()

    def plan_label(
        self,
        samples: Sequence[tuple[list[Figure], Box | None]],
        label_size: tuple[float, float],
        tag_sizes: dict[str, tuple[float, float]],
        step: float,
    ) -> int:
        """Choose the label's place for a whole shot from frames sampled over it (each one's
        figures and caption): the first place, in the usual order, that the fewest sampled
        frames would see move (blocked by a figure or the caption) or leave a name tag out.
        The label is then pinned there while it stays free, so it neither hops mid-shot to
        make room for a tag nor drifts back to a nearer place that would leave one out later.
        """
        cands = label_candidates(label_size, self.safe, step)
        best, best_cost = 0, None
        for i, cand in enumerate(cands):
            cost = 0
            for figures, caption in samples:
                if not _free(cand, self.safe, _bodies(figures, caption), self.gap):
                    cost += 1
                    continue
                trial = Placer(self.safe, self.gap)
                cost += len(trial._place(figures, caption, label_size, tag_sizes, step, i).dropped)
                if best_cost is not None and cost >= best_cost:
                    break
            if best_cost is None or cost < best_cost:
                best, best_cost = i, cost
                if cost == 0:
                    break
        self._pinned["label"] = best
        self._last["label"] = best
        return best

    def _pick(self, key: str, cands: Sequence[Box], obstacles: list[Box]) -> Box | None:
        pinned = self._pinned.get(key)
        if pinned is not None:
            if pinned < len(cands) and _free(cands[pinned], self.safe, obstacles, self.gap):
                self._last[key] = pinned
                return cands[pinned]
            del self._pinned[key]  # blocked: placed as usual from here on
        best = next(
            (i for i, c in enumerate(cands) if _free(c, self.safe, obstacles, self.gap)), None
        )
        last = self._last.get(key)
        keep = (
            last is not None
            and last < len(cands)
            and best is not None
            and best < last
            and _free(cands[last], self.safe, obstacles, self.gap)
        )
        if keep:  # sticky: move nearer only once the nearer place has stayed free a while
            self._nearer[key] = self._nearer.get(key, 0) + 1
            if self._nearer[key] < self.SETTLE_FRAMES:
                return cands[last]
        self._nearer.pop(key, None)
        if best is None:
            self._last.pop(key, None)
            return None
        self._last[key] = best
        return cands[best]

    def place(
        self,
        figures: list[Figure],
        caption: Box | None,
        label_size: tuple[float, float] | None,
        tag_sizes: dict[str, tuple[float, float]],
        step: float,
    ) -> Layout:
        """The label first, then each figure's tag. Where the label's place leaves a tag
        nowhere to go (a long setting across the top, right where the heads' tags sit), the
        label's other places are tried in order and the first that leaves fewer tags out is
        kept: a label can go anywhere along the top, a name tag only near its face."""
        state = self._state()
        out = self._place(figures, caption, label_size, tag_sizes, step, None)
        if not out.dropped or label_size is None or out.label is None:
            return out
        best, best_state = out, self._state()
        cands = label_candidates(label_size, self.safe, step)
        bodies = _bodies(figures, caption)
        last = state[0].get("label")
        order = ([last] if last is not None and last < len(cands) else []) + list(
            range(len(cands))
        )  # where it was first: a label that need not move does not
        for i in dict.fromkeys(order):
            cand = cands[i]
            if cand == out.label or not _free(cand, self.safe, bodies, self.gap):
                continue
            self._restore(state)
            trial = self._place(figures, caption, label_size, tag_sizes, step, i)
            if len(trial.dropped) < len(best.dropped):
                best, best_state = trial, self._state()
                if not best.dropped:
                    break
        self._restore(best_state)
        return best

    def _state(self) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
        return dict(self._last), dict(self._nearer), dict(self._pinned)

    def _restore(self, state: tuple[dict[str, int], dict[str, int], dict[str, int]]) -> None:
        self._last, self._nearer, self._pinned = dict(state[0]), dict(state[1]), dict(state[2])

    def _place(
        self,
        figures: list[Figure],
        caption: Box | None,
        label_size: tuple[float, float] | None,
        tag_sizes: dict[str, tuple[float, float]],
        step: float,
        label_at: int | None,
    ) -> Layout:
        """One placement; ``label_at`` puts the label at that candidate (known free)."""
        out = Layout(caption=caption)
        obstacles = _bodies(figures, caption)
        if label_size is not None:
            cands = label_candidates(label_size, self.safe, step)
            if label_at is None:
                out.label = self._pick("label", cands, obstacles)
            else:
                out.label = cands[label_at]
                self._last["label"] = label_at
                self._nearer.pop("label", None)
                if "label" in self._pinned:
                    self._pinned["label"] = label_at
            if out.label is not None:
                obstacles.append(out.label)
        # Tags: figures nearest the top first (they have the least room above them).
        for fig in sorted(figures, key=lambda f: (f.face.y0, f.face.x0)):
            size = tag_sizes.get(fig.key)
            if size is None:
                continue
            cands = tag_candidates(size, fig, self.gap, self.safe)
            box = self._pick(f"tag:{fig.key}", cands, obstacles)
            if box is None:
                out.dropped.append(fig.key)
                continue
            out.tags[fig.key] = box
            obstacles.append(box)
        return out


def overlapping_pairs(boxes: list[tuple[str, Box]]) -> list[tuple[str, str]]:
    """Names of every pair of boxes that overlap (for the checks)."""
    out = []
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            if boxes[i][1].overlaps(boxes[j][1]):
                out.append((boxes[i][0], boxes[j][0]))
    return out
