"""The compositing step: captions, setting labels and name tags drawn onto the output frames.

It runs at the end of the frame stream (after interpolation and upscaling, before the
watermark), at output resolution, so camera moves, cut-outs and transitions never crop,
shear, blur or duplicate text: text is never part of the picture those stages move.

* Captions follow the subtitle cues: output frame ``k`` shows the cue active at ``k / fps``
  (start inclusive, end exclusive), so the switch between two cues is a hard cut and no frame
  carries text from two cues. Between cues (the pad after speech) no caption is shown.
* Labels and tags come from the shot's ShotSpec (setting; character names) and the shot's
  face regions, resampled to the output frame rate and mapped to output pixels; the layout
  pass (:mod:`.layout`) keeps text inside the title-safe area and keeps labels, tags and
  figures apart.
* Every frame's boxes are recorded (``overlay.json`` in the run directory) so the picture
  checks can compare the decoded video with what was meant to be drawn.
"""

from __future__ import annotations

import bisect
import json
import math
from collections import OrderedDict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw
from ttv_contracts.v1.tracks import fit_regions, sample_track

from .fonts import FontChain
from .layout import Box, Figure, Placer, figure_box, safe_area

VERSION = "5"  # bump when the drawing or the layout changes (it keys the render cache)


@dataclass(frozen=True)
class Style:
    """Sizes relative to the output frame height, so text scales with the video."""

    caption_size: float = 0.060  # 22 px at 360p, 43 px at 720p
    caption_min_size: float = 0.052  # 19 px at 360p
    caption_max_lines: int = 4
    label_size: float = 0.046
    tag_size: float = 0.044
    pad: float = 0.35  # box padding, in font sizes
    caption_bg: tuple[int, int, int, int] = (12, 12, 16, 232)  # nearly opaque: reads on any picture
    caption_fg: tuple[int, int, int] = (255, 255, 250)
    label_bg: tuple[int, int, int, int] = (20, 24, 32, 175)
    label_fg: tuple[int, int, int] = (245, 245, 235)
    tag_bg: tuple[int, int, int, int] = (245, 240, 225, 225)
    tag_fg: tuple[int, int, int] = (20, 20, 20)


@dataclass(frozen=True)
class ShotText:
    """What one shot shows besides its caption: the setting, and names by character id."""

    setting: str = ""
    names: tuple[tuple[str, str], ...] = ()  # (character id, name)


@dataclass(frozen=True)
class CueSpan:
    index: int
    start_s: float
    end_s: float
    text: str


class RegionFeed:
    """Per-frame face regions of each shot, filled as the render source loads the shots'
    final clips; answers for a (fractional) timeline position in output pixels.

    A clip with region tracks (contracts 1.2 ``Clip.tracks``: one tuple of regions per frame)
    gives each frame its own regions, interpolated between two source frames the way the
    interpolator places output frames (``ttv_contracts.v1.tracks``); a clip without them uses
    ``Clip.regions`` (the union of where each face is over the shot) for every frame. Boxes
    are mapped to the output with the upscalers' aspect-kept, centred fit, rounded outward.
    """

    def __init__(
        self,
        starts: Sequence[int],
        counts: Sequence[int],
        out_size: tuple[int, int],
        cut_frames: Sequence[int] = (),
    ) -> None:
        self.starts = list(starts)
        self.counts = list(counts)
        self.out_w, self.out_h = out_size
        self.cut_frames = list(cut_frames)  # transition length after each shot
        self._shots: dict[int, tuple[Any, tuple, tuple[int, int]]] = {}
        #: answers of :meth:`regions` for the last few positions: a frame asks for the same
        #: position up to four times (its figures, its faces, its record's neighbours)
        self._answers: OrderedDict[tuple[int, float], tuple[tuple[str, str, Box], ...]] = (
            OrderedDict()
        )

    def add(self, shot: int, clip: Any) -> None:
        tracks = getattr(clip, "tracks", None) or None
        if tracks is not None and len(tracks) != clip.num_frames:
            tracks = None
        self._shots[shot] = (tracks, tuple(clip.regions), clip.size)
        self._answers.clear()

    def has(self, shot: int) -> bool:
        return shot in self._shots

    def forget(self, shot: int) -> None:
        """A shot no frame still to come needs (the render has moved past its neighbours)."""
        self._shots.pop(shot, None)
        self._answers.clear()

    def locate(self, frame: int) -> tuple[int, int]:
        """(shot index, frame within the shot) of a timeline frame."""
        i = max(0, bisect.bisect_right(self.starts, frame) - 1)
        return i, frame - self.starts[i]

    def tracked(self, shot: int) -> bool:
        entry = self._shots.get(shot)
        return entry is not None and entry[0] is not None

    def _raw(self, shot: int, pos: float) -> tuple:
        tracks, static, _ = self._shots[shot]
        if tracks is None:
            return static
        return tuple(sample_track(tracks, [pos])[0])

    def regions(self, shot: int, pos: float) -> tuple[tuple[str, str, Box], ...]:
        """(label, kind, box in output pixels) at position ``pos`` (frames, may be
        fractional) of a loaded shot."""
        key = (shot, pos)
        answer = self._answers.get(key)
        if answer is not None:
            return answer
        entry = self._shots.get(shot)
        if entry is None:
            return ()
        regs = fit_regions(self._raw(shot, pos), entry[2], (self.out_w, self.out_h))
        answer = tuple((r.label, r.kind, Box(r.x, r.y, r.x + r.w, r.y + r.h)) for r in regs)
        _keep(self._answers, key, answer)
        return answer

    def neighbours(self, shot: int, local: int) -> list[tuple[int, int]]:
        """Frames of adjacent shots blended into this frame by a transition (the classic
        scheme: the last ceil(d/2) frames of A show B's first frame, the first floor(d/2)
        frames of B show A's last frame)."""
        out = []
        if shot < len(self.cut_frames):
            d = self.cut_frames[shot]
            if (
                d > 0
                and local >= self.counts[shot] - math.ceil(d / 2)
                and shot + 1 < len(self.counts)
            ):
                out.append((shot + 1, 0))
        if shot > 0 and shot - 1 < len(self.cut_frames):
            d = self.cut_frames[shot - 1]
            if d > 0 and local < d // 2:
                out.append((shot - 1, self.counts[shot - 1] - 1))
        return out


#: entries kept by each of the compositor's sprite caches
CACHE_ENTRIES = 16
#: source frames between the samples of a shot from which its label's place is chosen
PLAN_STEP = 2


def _keep(cache: OrderedDict, key: Any, value: Any) -> None:
    """Store ``value`` as the most recently used entry; drop the oldest past CACHE_ENTRIES."""
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > CACHE_ENTRIES:
        cache.popitem(last=False)


def _wrap(chain: FontChain, words: list[str], size: int, max_w: float) -> list[str]:
    lines: list[str] = []
    cur = ""
    for word in words:
        trial = f"{cur} {word}" if cur else word
        if cur and chain.width(trial, size) > max_w:
            lines.append(cur)
            cur = word
        else:
            cur = trial
    if cur:
        lines.append(cur)
    return lines


class Compositor:
    """Draws the overlay for a stream of output frames (see the module docstring)."""

    def __init__(
        self,
        *,
        width: int,
        height: int,
        fps: float,
        fps_in: float,
        cues: Sequence[CueSpan],
        shots: Sequence[ShotText],
        feed: RegionFeed,
        captions: bool = True,
        labels: bool = True,
        title_safe: float = 0.1,
        style: Style | None = None,
        chain: FontChain | None = None,
        sidecar: Path | None = None,
        hard_after: Collection[int] = (),
    ) -> None:
        self.w, self.h, self.fps, self.fps_in = width, height, fps, fps_in
        self.hard_after = frozenset(hard_after)  # shots followed by a hard cut
        self.cues = sorted(cues, key=lambda c: c.start_s)
        self._starts = [c.start_s for c in self.cues]
        self.shots = list(shots)
        self.feed = feed
        self.captions, self.labels = captions, labels
        self.style = style or Style()
        self.chain = chain or FontChain()
        self.safe = safe_area(width, height, title_safe)
        self.frame_box = Box(0, 0, width, height)
        self.placer = Placer(self.safe, gap=max(2.0, height * 0.008))
        self._placed_shot = -1
        self.sidecar = sidecar
        self.frames: list[dict] = []
        self.notes: list[str] = []
        self._missing: set[str] = set()
        self._dropped: dict[str, int] = {}
        self._sprite = lru_cache(maxsize=CACHE_ENTRIES)(self._make_sprite)
        # Bounded, least recently used first out: cues come in order, so a long video's
        # captions must not pile up (at 720p a caption and its blend terms are about 1 MB).
        self._caption_cache: OrderedDict[int, tuple[np.ndarray, Box] | None] = OrderedDict()
        self._block_cache: OrderedDict[tuple[str, float, str, float], np.ndarray] = OrderedDict()
        import cv2  # kept out of CLI start-up (the compositor is imported by the render)

        self._cv2 = cv2
        # per sprite (by id; the sprite is kept alive in the value): its blend terms
        self._blend_cache: OrderedDict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = (
            OrderedDict()
        )

    # ------------------------------------------------------------------ text blocks

    def _px(self, rel: float) -> int:
        return max(8, round(self.h * rel))

    def _make_sprite(self, lines: tuple[str, ...], size: int, kind: str) -> np.ndarray:
        """An RGBA block: padded box with the lines centred in it."""
        st = self.style
        bg, fg = {
            "caption": (st.caption_bg, st.caption_fg),
            "label": (st.label_bg, st.label_fg),
            "tag": (st.tag_bg, st.tag_fg),
        }[kind]
        pad = max(2, round(size * st.pad))
        ascent, descent = self.chain.metrics(size)
        line_h = ascent + descent
        widths = [self.chain.width(line, size) for line in lines]
        bw = math.ceil(max(widths)) + 2 * pad
        bh = line_h * len(lines) + 2 * pad
        img = Image.new("RGBA", (bw, bh), bg)
        draw = ImageDraw.Draw(img)
        for n, (line, lw) in enumerate(zip(lines, widths, strict=True)):
            self.chain.draw(draw, ((bw - lw) / 2, pad + n * line_h), line, size, fill=(*fg, 255))
        return np.asarray(img, dtype=np.uint8)

    def _block(self, text: str, rel: float, kind: str, max_w: float) -> np.ndarray:
        """The sprite of a one-line label or tag (measured once per text, not per frame)."""
        key = (text, rel, kind, max_w)
        sprite = self._block_cache.get(key)
        if sprite is None:
            sprite = self._make_block(text, rel, kind, max_w)
        _keep(self._block_cache, key, sprite)
        return sprite

    def _make_block(self, text: str, rel: float, kind: str, max_w: float) -> np.ndarray:
        size = self._px(rel)
        self._missing |= self.chain.missing(text)
        pad = max(2, round(size * self.style.pad))
        while size > 8 and self.chain.width(text, size) + 2 * pad > max_w:
            size -= 1  # labels and tags shrink to fit the safe width (they are one line)
            pad = max(2, round(size * self.style.pad))
        return self._sprite((text,), size, kind)

    def _caption(self, cue_pos: int) -> tuple[np.ndarray, Box] | None:
        if cue_pos in self._caption_cache:
            self._caption_cache.move_to_end(cue_pos)
            return self._caption_cache[cue_pos]
        cue = self.cues[cue_pos]
        st = self.style
        words = cue.text.split()
        self._missing |= self.chain.missing(cue.text)
        size = self._px(st.caption_size)
        lo = self._px(st.caption_min_size)
        while True:
            pad = max(2, round(size * st.pad))
            lines = _wrap(self.chain, words, size, self.safe.w - 2 * pad)
            if len(lines) <= st.caption_max_lines or size <= lo:
                break
            size -= 1
        sprite = self._sprite(tuple(lines), size, "caption")
        bh, bw = sprite.shape[:2]
        x0 = self.safe.cx - bw / 2
        y1 = self.safe.y1
        box = Box(x0, y1 - bh, x0 + bw, y1)
        if not box.inside(self.safe):  # more text than the safe area holds: still whole
            self.notes.append(f"cue {cue.index}: caption larger than the title-safe area")
        out = (sprite, box)
        _keep(self._caption_cache, cue_pos, out)
        return out

    # ------------------------------------------------------------------ per frame

    def cue_at(self, t: float) -> int | None:
        """Position in ``self.cues`` of the cue shown at time ``t`` (None between cues)."""
        i = bisect.bisect_right(self._starts, t + 1e-9) - 1
        if i >= 0 and self.cues[i].start_s <= t + 1e-9 < self.cues[i].end_s:
            return i
        return None

    def _figures(self, shot: int, pos: float) -> list[Figure]:
        names = dict(self.shots[shot].names) if shot < len(self.shots) else {}
        regs = self.feed.regions(shot, pos)
        bodies = {lab: b for lab, kind, b in regs if kind == "body"}
        out = []
        for lab, kind, b in regs:
            if kind != "face" or lab not in names:
                continue
            body = bodies.get(lab) or figure_box(b, self.frame_box)
            out.append(Figure(key=lab, name=names[lab], face=b, body=body))
        return out

    def overlay(self, k: int) -> tuple[list[tuple[np.ndarray, Box]], dict]:
        """Sprites to draw on output frame ``k`` and the frame's record."""
        t = k / self.fps
        pos = min(k * self.fps_in / self.fps, float(self._last_src))
        src = min(math.floor(pos + 1e-9), self._last_src)
        shot, local = self.feed.locate(src)
        if shot != self._placed_shot:  # a cut: nothing on screen to keep in place
            self.placer.reset()
            self._placed_shot = shot
            self._plan_label(shot)
        between = pos - src  # 0 on a source frame, else a blend of src and src + 1
        frac = between if local + 1 < self.feed.counts[shot] else 0.0
        straddles = between > 1e-9 and local + 1 >= self.feed.counts[shot]
        draws: list[tuple[np.ndarray, Box]] = []
        cue_pos = self.cue_at(t) if self.captions else None
        caption = self._caption(cue_pos) if cue_pos is not None else None
        figures = self._figures(shot, local + frac)
        label_sprite, tag_sprites = self._texts(shot, figures)
        layout = self.placer.place(
            figures,
            caption[1] if caption else None,
            (label_sprite.shape[1], label_sprite.shape[0]) if label_sprite is not None else None,
            {key: (s.shape[1], s.shape[0]) for key, s in tag_sprites.items()},
            self._label_step(),
        )
        for key in layout.dropped:
            self._dropped[key] = self._dropped.get(key, 0) + 1
        if caption is not None:
            draws.append(caption)
        if layout.label is not None and label_sprite is not None:
            draws.append((label_sprite, layout.label))
        for key, box in layout.tags.items():
            draws.append((tag_sprites[key], box))
        record = {
            "k": k,
            "t": round(t, 4),
            "shot": shot,
            "local": local,
            "cue": self.cues[cue_pos].index if cue_pos is not None else None,
            "boxes": {name: b.as_list() for name, b in layout.text_boxes()},
            "figures": {f.key: f.body.as_list() for f in figures},
            "faces": self._faces(shot, local, between),
            "straddles_cut": straddles,
            # across a hard cut the interpolator holds the old shot (contracts 1.3): the frame
            # is that shot's last, never a blend of two
            "hard_cut": straddles and shot in self.hard_after,
            "dropped": list(layout.dropped),
        }
        return draws, record

    def _texts(
        self, shot: int, figures: list[Figure]
    ) -> tuple[np.ndarray | None, dict[str, np.ndarray]]:
        """The shot's label sprite (None without a setting) and each figure's tag sprite."""
        label_sprite, tag_sprites = None, {}
        if self.labels and shot < len(self.shots):
            setting = self.shots[shot].setting.strip()
            if setting:
                text = setting[0].upper() + setting[1:]
                label_sprite = self._block(text, self.style.label_size, "label", self.safe.w)
            for fig in figures:
                tag_sprites[fig.key] = self._block(
                    fig.name, self.style.tag_size, "tag", self.safe.w / 2
                )
        return label_sprite, tag_sprites

    def _plan_label(self, shot: int) -> None:
        """At a cut, choose where the shot's label goes from its figures and captions sampled
        over the whole shot (:meth:`Placer.plan_label`): every ``PLAN_STEP``-th source frame
        of the shot, each with the caption shown then."""
        if not self.labels or not self.feed.has(shot) or shot >= len(self.shots):
            return
        label_sprite, _ = self._texts(shot, [])
        start, count = self.feed.starts[shot], self.feed.counts[shot]
        if label_sprite is None or count == 0:
            return
        samples, sizes = [], {}
        for local in range(0, count, PLAN_STEP):
            figures = self._figures(shot, local)
            _, tags = self._texts(shot, figures)
            sizes.update({key: (t.shape[1], t.shape[0]) for key, t in tags.items()})
            cue_pos = self.cue_at((start + local) / self.fps_in) if self.captions else None
            caption = self._caption(cue_pos) if cue_pos is not None else None
            samples.append((figures, caption[1] if caption else None))
        label_size = (label_sprite.shape[1], label_sprite.shape[0])
        self.placer.plan_label(samples, label_size, sizes, self._label_step())

    def _label_step(self) -> float:
        """Rows between the label's candidate places (:func:`label_candidates`)."""
        return self._px(self.style.label_size) * 1.6

    def _faces(self, shot: int, local: int, frac: float) -> dict[str, list[int]]:
        """Every face box of the frame (named or not): for a frame between two source frames,
        the union of both positions (an interpolated picture may show either); across a cut,
        the next shot's faces too (keyed ``shot:label``)."""
        out: dict[str, Box] = {}
        positions = [(shot, local)]
        if frac > 1e-9:  # the next source frame, in this shot or (across a cut) the next one
            nxt = (shot, local + 1) if local + 1 < self.feed.counts[shot] else (shot + 1, 0)
            if nxt[0] < len(self.feed.counts):
                positions.append(nxt)
        for n, (sh, p) in enumerate(positions):
            for i, (lab, kind, b) in enumerate(self.feed.regions(sh, p)):
                if kind != "face":
                    continue
                key = (lab or f"face{i}") if sh == shot else f"{sh}:{lab or f'face{i}'}"
                o = out.get(key) if n else None
                out[key] = (
                    b
                    if o is None
                    else Box(min(o.x0, b.x0), min(o.y0, b.y0), max(o.x1, b.x1), max(o.y1, b.y1))
                )
        return {k: b.as_list() for k, b in out.items()}

    def _blend_terms(self, sprite: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``255 - alpha`` (one per channel) and ``rgb * alpha`` of a sprite, in uint16,
        computed once per sprite: a blit is then integer arithmetic on the covered pixels."""
        entry = self._blend_cache.get(id(sprite))
        if entry is None or entry[0] is not sprite:
            alpha = sprite[..., 3:4]
            # one per channel: a multiply broadcasting one alpha over three channels took
            # 3.8x as long on a caption
            inv = np.repeat(255 - alpha, 3, axis=2).astype(np.uint16)
            entry = (sprite, inv, sprite[..., :3].astype(np.uint16) * alpha)
        _keep(self._blend_cache, id(sprite), entry)
        return entry[1], entry[2]

    def _blit(self, frame: np.ndarray, sprite: np.ndarray, box: Box) -> None:
        """Alpha-blend ``sprite`` onto ``frame`` at ``box``: ``round(frame * (1 - a) + rgb * a)``
        with ``a = alpha / 255``, exact: ``frame * (255 - alpha) + rgb * alpha`` in uint16,
        then divided by 255 and rounded in OpenCV (3.4x faster than all in numpy, measured
        on a 280x20 caption). The quotient of an integer by 255 is never a half, so the
        rounding has no ties, and float32 is far inside the 1/510 margin (checked for every
        frame value, alpha and colour in the tests)."""
        x0, y0 = round(box.x0), round(box.y0)
        h, w = sprite.shape[:2]
        fx0, fy0 = max(0, x0), max(0, y0)
        fx1, fy1 = min(self.w, x0 + w), min(self.h, y0 + h)
        if fx1 <= fx0 or fy1 <= fy0:
            return
        cv2 = self._cv2
        inv_alpha, premul = self._blend_terms(sprite)
        sy, sx = slice(fy0 - y0, fy1 - y0), slice(fx0 - x0, fx1 - x0)
        region = frame[fy0:fy1, fx0:fx1]
        # uint16 products in numpy (with OpenCV's uint8 x uint8 -> uint16 multiply the blit
        # took 3.8x as long); the sum is at most 255 * 255: no overflow
        acc = np.multiply(region, inv_alpha[sy, sx])
        cv2.add(acc, premul[sy, sx], dst=acc)
        region[...] = cv2.convertScaleAbs(acc, alpha=1 / 255)

    def run(self, frames: Iterator[np.ndarray], total_in: int) -> Iterator[np.ndarray]:
        """Composite every frame of ``frames`` (output frames, in order).

        Each frame's record goes to the sidecar as soon as both neighbouring shots are loaded
        (a transition's faces come from them), and a shot's regions are forgotten once no
        frame still to come needs them: memory does not grow with the video's length."""
        self._last_src = max(0, total_in - 1)
        self.frames = []  # every record, kept in memory only when there is no sidecar file
        self._pending: list[dict] = []  # records waiting for the next shot's regions
        self.recorded = 0
        self._forgotten = 0  # shots below this have left the feed
        out = self._open_sidecar()
        try:
            for k, frame in enumerate(frames):
                if not (self.captions or self.labels):
                    yield frame
                    continue
                draws, record = self.overlay(k)
                self._pending.append(record)
                self._write_ready(out, final=False)
                if draws:
                    frame = np.array(frame, dtype=np.uint8, copy=True)
                    for sprite, box in draws:
                        self._blit(frame, sprite, box)
                yield frame
            self._finish(out)
        finally:
            if out is not None:
                out.close()

    def _open_sidecar(self):
        if self.sidecar is None:
            return None
        out = self.sidecar.with_suffix(".tmp").open("w", encoding="utf-8")
        head = {
            "version": VERSION,
            "width": self.w,
            "height": self.h,
            "fps": self.fps,
            "title_safe": self.safe.as_list(),
            "captions": self.captions,
            "labels": self.labels,
            "fonts": [f.slug for f in self.chain.faces],
            "cues": [
                {"index": c.index, "start_s": c.start_s, "end_s": c.end_s, "text": c.text}
                for c in self.cues
            ],
        }
        out.write(json.dumps(head, separators=(",", ":"))[:-1] + ',"frames":[')
        return out

    def _write_ready(self, out, *, final: bool) -> None:
        """Write the records whose shot's neighbours are loaded (all of them when ``final``),
        with the faces a transition blends in from those neighbours (for the mouth check)."""
        n = 0
        last = len(self.feed.counts) - 1
        for rec in self._pending:
            shot = rec["shot"]
            if not final and shot < last and not self.feed.has(shot + 1):
                break
            extra = {}
            for other, local in self.feed.neighbours(shot, rec["local"]):
                for lab, kind, b in self.feed.regions(other, local):
                    if kind == "face":
                        extra[f"{other}:{lab}"] = b.as_list()
            if extra:
                rec["blended_faces"] = extra
            if out is not None:
                out.write(("," if self.recorded else "") + json.dumps(rec, separators=(",", ":")))
            else:
                self.frames.append(rec)
            self.recorded += 1
            n += 1
        if n:
            del self._pending[:n]
            # Frames still to come belong to the last shot written or later (more of its frames
            # may follow), so a shot two back from it is unused.
            upcoming = self._pending[0]["shot"] if self._pending else shot
            while self._forgotten < upcoming - 1:
                self.feed.forget(self._forgotten)
                self._forgotten += 1

    def _finish(self, out) -> None:
        if self._missing:
            chars = "".join(sorted(self._missing))
            self.notes.append(
                f"no installed font covers {chars!r}; install a fontpkg-noto-* family for it"
            )
        for key, n in sorted(self._dropped.items()):
            self.notes.append(f"name tag {key!r} left out of {n} frame(s): no free place")
        self._write_ready(out, final=True)
        if out is not None and self.sidecar is not None:
            out.write('],"notes":' + json.dumps(self.notes) + "}")
            out.close()
            self.sidecar.with_suffix(".tmp").replace(self.sidecar)
