"""The compositor: fonts without tofu, cue timing (hard switch), layout without overlaps,
text inside the title-safe area, region tracks, and its place in the render."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

import numpy as np
import pytest
from ttv_contracts.v1 import Region
from ttv_integration.compositor import (
    Box,
    Compositor,
    CueSpan,
    Figure,
    FontChain,
    Placer,
    RegionFeed,
    ShotText,
    overlapping_pairs,
    safe_area,
)
from ttv_integration.compositor.layout import figure_box


@dataclass
class FakeClip:
    """A clip-like object: static regions, optional per-frame tracks."""

    regions: tuple
    num_frames: int
    size: tuple[int, int]
    tracks: tuple | None = None


def make(width=320, height=180, cues=(), shots=(), feed=None, **kw) -> Compositor:
    feed = feed or RegionFeed([0], [1000], (width, height))
    return Compositor(
        width=width,
        height=height,
        fps=24,
        fps_in=12,
        cues=list(cues),
        shots=list(shots),
        feed=feed,
        **kw,
    )


# ---------------------------------------------------------------------------- fonts


def test_fonts_cover_dashes_arrows_and_accents():
    chain = FontChain()
    assert chain.faces[0].slug == "noto-sans"
    assert chain.missing("70–90 % → steam, Lucía, “quoted” — naïve ≈ 3×4 °C") == set()
    # the arrow comes from the fallback face, not the primary's missing-glyph box
    runs = chain.runs("a → b")
    assert any(i > 0 and "→" in part for i, part in runs)


def test_fonts_report_uncovered_characters():
    chain = FontChain()
    assert chain.missing("水") == {"水"}  # no CJK font installed by default


def test_arrow_is_not_tofu():
    from PIL import Image, ImageDraw

    chain = FontChain()

    def ink(text: str) -> np.ndarray:
        img = Image.new("L", (80, 40), 0)
        chain.draw(ImageDraw.Draw(img), (5, 5), text, 24, fill=255)
        return np.asarray(img)

    tofu = ink("\uffff")
    assert ink("→").any() and not np.array_equal(ink("→"), tofu)
    assert ink("–").any() and not np.array_equal(ink("–"), tofu)


# ---------------------------------------------------------------------------- captions


def test_caption_switch_is_hard_and_gaps_are_empty():
    cues = [CueSpan(0, 0.0, 1.5, "first cue"), CueSpan(1, 2.0, 3.0, "second cue")]
    comp = make(cues=cues)
    assert comp.cue_at(0.0) == 0
    assert comp.cue_at(1.49) == 0
    assert comp.cue_at(1.5) is None  # end is exclusive: the pad after speech is empty
    assert comp.cue_at(1.99) is None
    assert comp.cue_at(2.0) == 1
    back_to_back = make(cues=[CueSpan(0, 0.0, 1.0, "a b"), CueSpan(1, 1.0, 2.0, "c d")])
    assert back_to_back.cue_at(1.0) == 1  # never both


def _stream(n, w=320, h=180, value=90):
    for _ in range(n):
        yield np.full((h, w, 3), value, np.uint8)


def test_text_stays_inside_the_title_safe_area():
    text = "A very long caption that must wrap over several lines " * 3
    cues = [CueSpan(0, 0.0, 10.0, text.strip())]
    shots = [ShotText(setting="a lighthouse on a rocky island at dusk", names=(("c1", "Tomas"),))]
    feed = RegionFeed([0], [200], (320, 180))
    feed.add(0, FakeClip((Region(x=70, y=40, w=20, h=20, label="c1"),), 200, (160, 90)))
    comp = make(cues=cues, shots=shots, feed=feed)
    frames = list(comp.run(_stream(6), total_in=3))
    safe = safe_area(320, 180, 0.1)
    for frame in frames:
        changed = np.argwhere((frame != 90).any(axis=2))
        assert changed.size
        (y0, x0), (y1, x1) = changed.min(axis=0), changed.max(axis=0)
        assert x0 >= safe.x0 - 1 and x1 <= safe.x1 + 1
        assert y0 >= safe.y0 - 1 and y1 <= safe.y1 + 1
    rec = comp.frames[0]
    assert set(rec["boxes"]) == {"caption", "label", "tag:c1"}
    assert not overlapping_pairs([(k, Box(*b)) for k, b in rec["boxes"].items()])


def test_captions_off_keeps_labels_and_both_off_changes_nothing():
    cues = [CueSpan(0, 0.0, 10.0, "hello there")]
    shots = [ShotText(setting="a beach")]
    comp = make(cues=cues, shots=shots, captions=False)
    list(comp.run(_stream(2), total_in=1))
    assert set(comp.frames[0]["boxes"]) == {"label"}
    off = make(cues=cues, shots=shots, captions=False, labels=False)
    out = list(off.run(_stream(2), total_in=1))
    assert all((f == 90).all() for f in out)


def test_sidecar_records_every_frame(tmp_path):
    cues = [CueSpan(0, 0.0, 0.1, "one"), CueSpan(1, 0.1, 0.5, "two")]
    comp = make(cues=cues, shots=[ShotText()], sidecar=tmp_path / "overlay.json")
    list(comp.run(_stream(10), total_in=5))
    doc = json.loads((tmp_path / "overlay.json").read_text())
    assert [f["cue"] for f in doc["frames"]] == [0, 0, 0, 1, 1, 1, 1, 1, 1, 1]
    assert doc["fonts"][:2] == ["noto-sans", "fira-sans"]


def test_sidecar_streams_records_and_forgets_shots_behind(tmp_path):
    """Records go to overlay.json as soon as the next shot's regions are in (a transition
    blends its faces in), and shots two behind leave the feed: nothing grows with length."""
    n_shots, per = 6, 4
    feed = RegionFeed(
        [i * per for i in range(n_shots)], [per] * n_shots, (320, 180), [2] * (n_shots - 1)
    )
    face = Region(x=10, y=10, w=10, h=10, label="a")
    comp = make(
        cues=[CueSpan(0, 0.0, 10.0, "one")],
        shots=[ShotText(names=(("a", "Ada"),))] * n_shots,
        feed=feed,
        sidecar=tmp_path / "overlay.json",
    )
    held = []

    def source():  # the render adds each shot to the feed before its frames
        for i in range(n_shots):
            feed.add(i, FakeClip((face,), per, (160, 90)))
            for _ in range(2 * per):  # output frames: 12 -> 24 fps
                held.append(len(feed._shots))
                yield np.full((180, 320, 3), 90, np.uint8)

    frames = list(comp.run(source(), total_in=n_shots * per))
    doc = json.loads((tmp_path / "overlay.json").read_text())
    assert len(doc["frames"]) == len(frames) == n_shots * per * 2
    shots = [f["shot"] for f in doc["frames"]]
    assert shots == [i for i in range(n_shots) for _ in range(2 * per)]
    # a 2-frame cut: a shot's last frame shows the next shot's face, the next shot's first
    # frame shows this one's
    for i in range(n_shots - 1):
        mine = [f for f in doc["frames"] if f["shot"] == i]
        theirs = [f for f in doc["frames"] if f["shot"] == i + 1]
        assert mine[-1]["blended_faces"] == {f"{i + 1}:a": [20, 20, 40, 40]}
        assert (
            theirs[0]["blended_faces"] == theirs[1]["blended_faces"] == {f"{i}:a": [20, 20, 40, 40]}
        )
    assert "notes" in doc and comp.frames == []  # written, not kept
    assert max(held) <= 3, held


def test_sidecar_marks_the_frames_that_straddle_a_hard_cut(tmp_path):
    """Between two shots, the quality check excuses a blend's flow warp but not a hard cut,
    where the interpolator holds the old shot (contracts 1.3)."""
    per = 4
    feed = RegionFeed([0, per, 2 * per], [per] * 3, (320, 180), [0, 2])  # a hard cut, a blend
    comp = make(
        shots=[ShotText()] * 3, feed=feed, sidecar=tmp_path / "overlay.json", hard_after={0}
    )

    def source():
        for i in range(3):
            feed.add(i, FakeClip((), per, (160, 90)))
            for _ in range(2 * per):
                yield np.full((180, 320, 3), 90, np.uint8)

    list(comp.run(source(), total_in=3 * per))
    frames = json.loads((tmp_path / "overlay.json").read_text())["frames"]
    straddle = {f["k"]: f["hard_cut"] for f in frames if f["straddles_cut"]}
    assert straddle == {2 * per - 1: True, 4 * per - 1: False}
    assert not any(f["hard_cut"] for f in frames if not f["straddles_cut"])


# ---------------------------------------------------------------------------- regions


def test_region_feed_scales_and_follows_tracks():
    feed = RegionFeed([0, 4], [4, 4], (640, 360))
    face = Region(x=10, y=10, w=10, h=10, label="a")
    moved = Region(x=30, y=10, w=10, h=10, label="a")
    feed.add(0, FakeClip((face,), 4, (320, 180)))
    feed.add(1, FakeClip((face,), 4, (320, 180), tracks=((face,), (face,), (moved,), (moved,))))
    assert feed.locate(5) == (1, 1)
    ((_, _, b0),) = feed.regions(0, 3)  # static regions: every frame
    assert b0.as_list() == [20, 20, 40, 40]
    ((_, _, b1),) = feed.regions(1, 2)  # per-frame track
    assert b1.as_list() == [60, 20, 80, 40]
    ((_, _, b2),) = feed.regions(1, 1.5)  # between two source frames: interpolated
    assert b2.as_list() == [40, 20, 60, 40]


def test_region_feed_letterbox_offset():
    feed = RegionFeed([0], [1], (640, 480))  # 16:9 clip into 4:3: bars top and bottom
    feed.add(0, FakeClip((Region(x=0, y=0, w=16, h=9, label="a"),), 1, (160, 90)))
    ((_, _, b),) = feed.regions(0, 0)
    assert b.as_list() == [0, 60, 64, 96]


def test_transition_frames_know_the_blended_shot():
    feed = RegionFeed([0, 10], [10, 10], (320, 180), cut_frames=[4])
    assert feed.neighbours(0, 7) == []
    assert feed.neighbours(0, 8) == [(1, 0)]  # last ceil(4/2) frames of A show B's first
    assert feed.neighbours(1, 1) == [(0, 9)]  # first floor(4/2) frames of B show A's last
    assert feed.neighbours(1, 2) == []


# ---------------------------------------------------------------------------- layout


@pytest.mark.parametrize("seed", range(40))
def test_greedy_layout_never_overlaps(seed):
    rng = random.Random(seed)
    w, h = 640, 360
    frame = Box(0, 0, w, h)
    safe = safe_area(w, h, 0.1)
    placer = Placer(safe, gap=3)
    for _ in range(5):  # a few frames: placement is sticky between them
        figures = []
        for n in range(rng.randint(1, 4)):
            s = rng.uniform(25, 60)
            x, y = rng.uniform(0, w - s), rng.uniform(h * 0.15, h * 0.6)
            face = Box(x, y, x + s, y + s)
            figures.append(Figure(f"c{n}", f"Name{n}", face, figure_box(face, frame)))
        caption = Box(safe.cx - 200, safe.y1 - 60, safe.cx + 200, safe.y1)
        layout = placer.place(
            figures, caption, (180, 20), {f.key: (70, 18) for f in figures}, step=28
        )
        boxes = layout.text_boxes()
        assert not overlapping_pairs(boxes)
        for name, box in boxes:
            assert box.inside(safe)
            if name != "caption":
                assert not any(box.overlaps(f.body) for f in figures)
        assert len(layout.tags) + len(layout.dropped) == len(figures)


def test_tag_sits_near_its_face():
    safe = safe_area(640, 360, 0.1)
    face = Box(300, 150, 340, 190)
    fig = Figure("a", "Ana", face, figure_box(face, Box(0, 0, 640, 360)))
    layout = Placer(safe, gap=3).place([fig], None, None, {"a": (60, 18)}, step=28)
    tag = layout.tags["a"]
    assert tag.y1 <= face.y0 and abs(tag.cx - face.cx) < 1  # straight above the head


def test_tag_sits_above_a_crown_not_beside_the_head():
    """A crowned king's body region starts at his crown's points, above his face: the tag
    stood beside his head (over the villager next to him) when "above" was measured from
    the face. It is measured from the top of the whole figure."""
    safe = safe_area(640, 360, 0.1)
    face = Box(300, 150, 340, 190)
    body = Box(292, 141, 348, 330)  # the crown: 9 px over the head
    fig = Figure("k", "the king", face, body)
    layout = Placer(safe, gap=3).place([fig], None, None, {"k": (60, 18)}, step=28)
    tag = layout.tags["k"]
    assert tag.y1 <= body.y0 and abs(tag.cx - face.cx) < 1  # straight above the crown
    assert body.y0 - 12 <= tag.y1  # not a ring further out


def test_tag_of_a_face_at_the_frame_edge_stays_just_above_it():
    """kettle_race, frame 600: Lucía's face at the right edge (1128-1250 of 1280). Centred
    above it the tag leaves the title-safe area, and the next candidates (beside her own
    body) are taken; the tag went to the ring further out, 80 px up and 80 px left, over the
    sky. It slides sideways into the safe area instead, right above her head."""
    frame = Box(0, 0, 1280, 720)
    safe = safe_area(1280, 720, 0.1)
    face = Box(1128, 224, 1250, 346)
    fig = Figure("luc-a", "Lucía", face, Box(1096, 224, 1280, 684))
    layout = Placer(safe, gap=5.76).place([fig], None, None, {"luc-a": (104, 67)}, step=40)
    tag = layout.tags["luc-a"]
    assert tag.inside(safe) and tag.inside(frame)
    assert face.y0 - 12 <= tag.y1 <= face.y0  # just above the head, not a head higher
    assert tag.x0 < face.x1 and tag.x1 > face.x0  # over the head, not beside it


def test_a_tag_moves_nearer_only_once_the_nearer_place_stays_free():
    """Sticky, not stuck: a tag pushed out by a caption comes back above the head once the
    caption has been gone for SETTLE_FRAMES frames, and not before (no hopping)."""
    frame = Box(0, 0, 640, 360)
    safe = safe_area(640, 360, 0.1)
    face = Box(300, 150, 340, 190)
    fig = Figure("a", "Ana", face, figure_box(face, frame))
    placer = Placer(safe, gap=3)
    blocker = Box(250, 110, 390, 146)  # a caption right where the tag would go

    def tag(caption):
        return placer.place([fig], caption, None, {"a": (60, 18)}, step=28).tags["a"]

    pushed = tag(blocker)
    assert abs(pushed.cx - face.cx) > 1  # moved aside (beside the head)
    placed = [tag(None) for _ in range(Placer.SETTLE_FRAMES + 2)]
    assert all(t == pushed for t in placed[: Placer.SETTLE_FRAMES - 1])
    assert abs(placed[-1].cx - face.cx) < 1 and placed[-1].y1 <= face.y0  # back above
    assert placed[-1] == placed[-2]  # and stays


def _kettle_kitchen() -> tuple[list[Figure], Box]:
    """kettle_race at 640x360, frame 97: three friends whose heads sit a label's height
    under the title-safe top, and a caption under them."""
    boxes = {
        "amara": ((81, 112, 142, 172), (66, 112, 157, 335)),
        "kofi": ((242, 112, 308, 176), (226, 112, 323, 349)),
        "lucia": ((457, 139, 516, 196), (442, 139, 530, 354)),
    }
    figures = [Figure(k, k.title(), Box(*face), Box(*body)) for k, (face, body) in boxes.items()]
    return figures, Box(76, 246, 564, 324)


KITCHEN_TAGS = {"amara": (64, 35), "kofi": (43, 35), "lucia": (53, 35)}


def test_the_label_makes_room_for_a_name_tag():
    """kettle_race, frames 97-135: the setting's label ("A busy school kitchen on a winter
    morning", 384 px) took the top left, over Amara's and Kofi's heads; Kofi's tag went
    beside his body, and Amara's had no place left (Kofi's body beside her): her name was
    missing for 36 frames. The label goes to its next place that leaves every tag one."""
    safe = safe_area(640, 360, 0.1)
    figures, caption = _kettle_kitchen()
    placer = Placer(safe, gap=2.88)
    layout = placer.place(figures, caption, (384, 36), KITCHEN_TAGS, step=26.5)
    assert layout.dropped == [] and set(layout.tags) == {"amara", "kofi", "lucia"}
    assert layout.label is not None and layout.label.inside(safe)
    assert not overlapping_pairs(layout.text_boxes())
    assert not any(box.overlaps(f.body) for _, box in layout.text_boxes()[1:] for f in figures)
    # and it stays there: the next frames do not move it back over Amara's tag (sticky)
    label = layout.label
    for _ in range(3 * Placer.SETTLE_FRAMES):
        again = placer.place(figures, caption, (384, 36), KITCHEN_TAGS, step=26.5)
        assert again.label == label and again.dropped == []


def test_the_label_keeps_its_first_place_when_every_tag_fits():
    """Only a tag left out moves the label: with the same heads lower down, it stays at the
    top left, where it always went."""
    safe = safe_area(640, 360, 0.1)
    figures, caption = _kettle_kitchen()
    lower = [Figure(f.key, f.name, f.face.moved(0, 40), f.body.moved(0, 40)) for f in figures]
    layout = Placer(safe, gap=2.88).place(lower, caption, (384, 36), KITCHEN_TAGS, step=26.5)
    assert layout.dropped == []
    assert (layout.label.x0, layout.label.y0) == (safe.x0, safe.y0)


def test_a_label_planned_for_the_shot_never_hops():
    """The kettle kitchen again, as a shot: the friends stand lower at first (every tag fits
    under a top-left label), then the camera brings their heads up. Placed frame by frame,
    the label starts top left and has to jump across the frame mid-shot; planned from frames
    sampled over the shot, it starts where it can stay."""
    safe = safe_area(640, 360, 0.1)
    figures, caption = _kettle_kitchen()
    lower = [Figure(f.key, f.name, f.face.moved(0, 40), f.body.moved(0, 40)) for f in figures]
    shot = [(lower, caption)] * 3 + [(figures, caption)] * 3

    def labels(placer: Placer) -> list[Box]:
        out = []
        for figs, cap in shot:
            layout = placer.place(figs, cap, (384, 36), KITCHEN_TAGS, step=26.5)
            assert layout.dropped == []
            out.append(layout.label)
        return out

    unplanned = labels(Placer(safe, gap=2.88))
    assert len(set(unplanned)) == 2  # the hop this avoids
    planner = Placer(safe, gap=2.88)
    planner.plan_label(shot, (384, 36), KITCHEN_TAGS, step=26.5)
    planned = labels(planner)
    assert len(set(planned)) == 1 and planned[0] == unplanned[-1]


def test_a_planned_label_still_gives_way_to_a_figure():
    """A pin is kept only while its place is free: a figure walking into the planned place
    moves the label (text never covers a body)."""
    safe = safe_area(640, 360, 0.1)
    figures, caption = _kettle_kitchen()
    placer = Placer(safe, gap=2.88)
    placer.plan_label([(figures, caption)], (384, 36), KITCHEN_TAGS, step=26.5)
    pinned = placer.place(figures, caption, (384, 36), KITCHEN_TAGS, step=26.5).label
    face = Box(pinned.x1 - 36, pinned.y0 + 4, pinned.x1 - 6, pinned.y0 + 34)  # its right end
    walker = Figure("kid", "Kid", face, figure_box(face, Box(0, 0, 640, 360)))
    layout = placer.place([*figures, walker], caption, (384, 36), KITCHEN_TAGS, step=26.5)
    assert layout.label is not None and layout.label != pinned
    assert not layout.label.overlaps(walker.body)


# ---------------------------------------------------------------------------- render


def test_render_draws_captions_from_the_cues(tmp_path, lesson_file):
    from ttv_integration.config import load_config
    from ttv_integration.lesson import load_lesson
    from ttv_integration.runner import Pipeline

    overrides = {
        "width": 320,
        "height": 180,
        "timeline_width": 160,
        "timeline_height": 90,
        "store_dir": str(tmp_path / "stores"),
    }
    lesson = load_lesson(lesson_file)
    cfg = load_config(profile="stub", overrides=overrides)
    Pipeline(cfg).run(lesson, tmp_path / "a.mp4", run_dir=tmp_path / "run-a")
    doc = json.loads((tmp_path / "run-a" / "overlay.json").read_text())
    assert doc["frames"] and any("caption" in f["boxes"] for f in doc["frames"])
    for f in doc["frames"]:
        active = [c["index"] for c in doc["cues"] if c["start_s"] <= f["t"] < c["end_s"]]
        assert (f["cue"] is None and not active) or [f["cue"]] == active

    off = load_config(profile="stub", overrides={**overrides, "burn_captions": False})
    Pipeline(off).run(lesson, tmp_path / "b.mp4", run_dir=tmp_path / "run-b")
    doc = json.loads((tmp_path / "run-b" / "overlay.json").read_text())
    assert not any("caption" in f["boxes"] for f in doc["frames"])


# ---------------------------------------------------------------------------- blending


def test_blit_is_exact_alpha_blending_with_clipping():
    """The integer blit equals round(frame * (1 - a) + rgb * a) for every alpha, and clips
    a sprite that hangs over the frame's edge."""
    rng = np.random.default_rng(7)
    comp = make(width=64, height=48)
    sprite = rng.integers(0, 256, (20, 30, 4), dtype=np.uint8)
    sprite[..., 3] = np.arange(600).reshape(20, 30) % 256  # every alpha value
    for x0, y0 in ((5, 6), (-7, -3), (50, 40)):
        frame = rng.integers(0, 256, (48, 64, 3), dtype=np.uint8)
        want = frame.astype(np.float64)
        fx0, fy0, fx1, fy1 = max(0, x0), max(0, y0), min(64, x0 + 30), min(48, y0 + 20)
        sp = sprite[fy0 - y0 : fy1 - y0, fx0 - x0 : fx1 - x0].astype(np.float64)
        a = sp[..., 3:4] / 255.0
        want[fy0:fy1, fx0:fx1] = np.floor(want[fy0:fy1, fx0:fx1] * (1 - a) + sp[..., :3] * a + 0.5)
        comp._blit(frame, sprite, Box(x0, y0, x0 + 30, y0 + 20))
        assert np.array_equal(frame, want.astype(np.uint8)), (x0, y0)


def test_blit_is_exact_for_every_frame_value_alpha_and_colour():
    """Every (frame value, alpha, colour) triple, 256**3 of them: the blit gives
    ``floor(frame * (1 - a) + rgb * a + 0.5)`` exactly (its float32 division has no ties)."""
    comp = make(width=256, height=256)
    values = np.arange(256, dtype=np.int64)
    for alpha in range(256):
        sprite = np.empty((256, 256, 4), np.uint8)
        sprite[..., :3] = values[None, :, None]  # colour along x
        sprite[..., 3] = alpha
        frame = np.repeat(values.astype(np.uint8)[:, None, None], 256, axis=1).repeat(3, axis=2)
        comp._blit(frame, sprite, Box(0, 0, 256, 256))
        num = values[:, None] * (255 - alpha) + values[None, :] * alpha  # frame along y
        want = (2 * num + 255) // 510  # floor(num / 255 + 1/2), in integers
        assert np.array_equal(frame[..., 0], want.astype(np.uint8)), alpha


def test_label_blocks_are_measured_once_per_text():
    comp = make()
    calls = []
    real = comp.chain.width
    comp.chain.width = lambda text, size: calls.append(text) or real(text, size)
    first = comp._block("Kitchen", 0.046, "label", 200.0)
    n = len(calls)
    assert n > 0
    assert comp._block("Kitchen", 0.046, "label", 200.0) is first
    assert len(calls) == n
