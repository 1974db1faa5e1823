"""Hard cases for the viseme lip-sync: regions, detection, visemes, envelope, pass-through."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from ttv_contracts.errors import TTVError
from ttv_contracts.testing.samples import sample_frames
from ttv_contracts.v1 import AudioClip, CharacterRef, Clip, PhonemeTiming, Region
from ttv_lipsync import VisemeLipSync, mouth_box_for_face, viseme_for

DATA = Path(__file__).parent / "data"
SR = 16000
FACE = Region(x=20, y=8, w=40, h=36, kind="face", label="ravi")


def tone(seconds: float, amp: float = 0.3) -> AudioClip:
    t = np.arange(int(SR * seconds), dtype=np.float32) / SR
    return AudioClip(samples=(amp * np.sin(2 * np.pi * 180 * t)).astype(np.float32), sample_rate=SR)


def silence(seconds: float) -> AudioClip:
    return AudioClip(samples=np.zeros(int(SR * seconds), np.float32), sample_rate=SR)


def clip_with(n: int, regions=(FACE,), w: int = 80, h: int = 60) -> Clip:
    return Clip(frames=sample_frames(n, w, h), fps=12, regions=tuple(regions))


def outside(mask_box, frames: np.ndarray) -> np.ndarray:
    x, y, w, h = mask_box
    keep = np.ones(frames.shape[1:3], bool)
    keep[y : y + h, x : x + w] = False
    return frames[:, keep]


def astronaut_clip(n: int) -> tuple[Clip, tuple[int, int, int, int]]:
    """A real face photograph (NASA, public domain) on a plain background."""
    face = cv2.cvtColor(cv2.imread(str(DATA / "astronaut_face.png")), cv2.COLOR_BGR2RGB)
    bg = np.full((180, 320, 3), 90, np.uint8)
    bg[20:155, 150:270] = face
    return Clip(frames=np.stack([bg] * n), fps=12), (150, 20, 120, 135)


# -- regions given --------------------------------------------------------------------------


def test_loud_audio_moves_the_mouth_region_only() -> None:
    clip = clip_with(12)
    out = VisemeLipSync().sync(clip, tone(1.0))
    mouth = mouth_box_for_face((FACE.x, FACE.y, FACE.w, FACE.h))
    x, y, w, h = mouth
    changed = np.abs(out.frames.astype(int) - clip.frames.astype(int)).sum(axis=3) > 0
    assert changed[:, y : y + h, x : x + w].any(axis=(1, 2)).all(), "every loud frame animates"
    assert np.array_equal(outside(mouth, out.frames), outside(mouth, clip.frames))
    # the opening is dark: the mouth box got darker
    assert out.frames[:, y : y + h, x : x + w].mean() < clip.frames[:, y : y + h, x : x + w].mean()


@pytest.mark.parametrize(("skin", "lit"), [((30, 14, 52), True), ((150, 120, 110), False)])
def test_the_opening_stands_out_from_any_face(skin, lit) -> None:
    """A deep dawn/dusk figure tone (luma ~24): a dark opening would be ~18 levels off the
    skin and invisible, so it is lit; a mid-tone face keeps a dark opening. Either way the
    opening differs from the skin by at least MIN_MOUTH_CONTRAST luma."""
    from ttv_lipsync.viseme import _LUMA, MIN_MOUTH_CONTRAST

    frames = np.full((12, 60, 80, 3), 200, np.uint8)
    frames[:, FACE.y : FACE.y + FACE.h, FACE.x : FACE.x + FACE.w] = skin
    clip = Clip(frames=frames, fps=12, regions=(FACE,))
    out = VisemeLipSync(detect=False).sync(clip, tone(1.0))
    x, y, w, h = mouth_box_for_face((FACE.x, FACE.y, FACE.w, FACE.h))
    luma = out.frames[:, y : y + h, x : x + w].astype(np.float32) @ _LUMA
    skin_luma = float(np.array(skin, np.float32) @ _LUMA)
    # the opening's core (the pixels furthest from the skin) in every open frame
    furthest = np.abs(luma - skin_luma).reshape(12, -1).max(axis=1)
    assert (furthest >= MIN_MOUTH_CONTRAST - 1).all(), furthest
    direction = np.sign(luma - skin_luma).reshape(12, -1)
    core = np.abs(luma - skin_luma).reshape(12, -1) >= MIN_MOUTH_CONTRAST - 1
    assert ((direction[core] > 0) == lit).all(), "lit on the dark face, dark on the mid one"


def test_silent_audio_leaves_every_frame_unchanged() -> None:
    clip = clip_with(12)
    impl = VisemeLipSync()
    out = impl.sync(clip, silence(1.0))
    assert np.array_equal(out.frames, clip.frames)
    assert any("silent" in n for n in impl.drain_notes())


def test_louder_audio_opens_wider() -> None:
    quiet_voice = np.concatenate([tone(0.25, 0.05).samples, tone(0.25, 0.4).samples])
    audio = AudioClip(samples=quiet_voice, sample_rate=SR)
    impl = VisemeLipSync()
    track = impl.mouth_track(audio, 6, 12)
    assert track[0, 0] < track[5, 0]
    assert track[5, 0] == pytest.approx(1.0, abs=1e-3)


def test_audio_shorter_than_clip_closes_after_it_ends() -> None:
    clip = clip_with(24)
    out = VisemeLipSync().sync(clip, tone(0.5))
    assert not np.array_equal(out.frames[2], clip.frames[2])
    assert np.array_equal(out.frames[12:], clip.frames[12:])  # smoothing reaches frame 6..7 only


def test_one_frame_clip_with_loud_audio() -> None:
    clip = clip_with(1)
    out = VisemeLipSync().sync(clip, tone(0.2))
    assert out.num_frames == 1 and out.size == clip.size
    assert not np.array_equal(out.frames, clip.frames)


def test_zero_frame_clip() -> None:
    empty = Clip(frames=np.zeros((0, 48, 64, 3), np.uint8), fps=12)
    assert VisemeLipSync().sync(empty, tone(0.2)).num_frames == 0


def test_mouth_region_is_used_as_given() -> None:
    mouth = Region(x=30, y=30, w=20, h=12, kind="mouth")
    clip = clip_with(4, regions=(mouth,))
    out = VisemeLipSync().sync(clip, tone(0.4))
    box = (30, 30, 20, 12)
    assert np.array_equal(outside(box, out.frames), outside(box, clip.frames))
    assert not np.array_equal(out.frames[:, 30:42, 30:50], clip.frames[:, 30:42, 30:50])


def test_body_regions_and_other_characters_are_not_animated() -> None:
    body = Region(x=0, y=0, w=60, h=60, kind="body")
    impl = VisemeLipSync(detect=False)
    clip = clip_with(4, regions=(body, FACE))
    out = impl.sync(clip, tone(0.4), characters=(CharacterRef(id="mira", name="Mira"),))
    assert np.array_equal(out.frames, clip.frames)
    assert "no face found: frames passed through" in impl.drain_notes()
    # the labelled character is in the shot: animated
    out = impl.sync(clip, tone(0.4), characters=(CharacterRef(id="ravi", name="Ravi"),))
    assert not np.array_equal(out.frames, clip.frames)


@pytest.mark.parametrize("size", [(33, 17), (17, 33), (5, 5)])
def test_odd_sizes_and_regions_partly_outside(size) -> None:
    w, h = size
    region = Region(x=w // 2, y=h // 3, w=w, h=h, kind="face")  # runs past the frame edge
    clip = clip_with(3, regions=(region,), w=w, h=h)
    out = VisemeLipSync().sync(clip, tone(0.3))
    assert out.frames.shape == clip.frames.shape


def test_region_entirely_outside_the_frame_passes_through() -> None:
    region = Region(x=500, y=500, w=40, h=40, kind="face")
    impl = VisemeLipSync(detect=False)
    clip = clip_with(3, regions=(region,))
    out = impl.sync(clip, tone(0.3))
    assert np.array_equal(out.frames, clip.frames)
    assert "no face found: frames passed through" in impl.drain_notes()


def test_input_is_not_modified_and_output_is_deterministic() -> None:
    clip = clip_with(8)
    before = clip.frames.copy()
    a = VisemeLipSync().sync(clip, tone(0.7))
    b = VisemeLipSync().sync(clip, tone(0.7))
    assert np.array_equal(clip.frames, before)
    assert np.array_equal(a.frames, b.frames)
    assert a.regions == clip.regions and a.fps == clip.fps


# -- phoneme visemes ------------------------------------------------------------------------


def test_viseme_table() -> None:
    assert viseme_for("ˈɑː")[0] == 1.0
    assert viseme_for("m") == (0.0, 1.0) and viseme_for("p")[0] == 0.0
    assert viseme_for("u")[1] < 1.0 < viseme_for("i")[1]  # rounded vs spread lips
    assert viseme_for("ˈoʊ")[1] < 1.0
    assert viseme_for("AA1")[0] == 1.0 and viseme_for("M")[0] == 0.0
    assert viseme_for("")[0] == 0.0 and viseme_for("ˈ")[0] == 0.0
    assert 0.0 < viseme_for("ʧ")[0] < 1.0  # unknown symbols get a neutral consonant


def test_phonemes_drive_the_mouth_when_present() -> None:
    # Phonemes say: open vowel during frames 0-2, lips closed (m) during frames 3-5, and the
    # audio is silent: visemes, not loudness, decide.
    phonemes = (
        PhonemeTiming(phoneme="ɑ", start_s=0.0, end_s=0.25),
        PhonemeTiming(phoneme="m", start_s=0.25, end_s=0.5),
    )
    audio = AudioClip(samples=np.zeros(SR // 2, np.float32), sample_rate=SR, phonemes=phonemes)
    clip = clip_with(6)
    impl = VisemeLipSync()
    out = impl.sync(clip, audio)
    assert any("phoneme visemes" in n for n in impl.drain_notes())
    assert not np.array_equal(out.frames[0], clip.frames[0])
    assert not np.array_equal(out.frames[1], clip.frames[1])
    assert np.array_equal(out.frames[4], clip.frames[4])
    assert np.array_equal(out.frames[5], clip.frames[5])
    track = impl.mouth_track(audio, 6, 12)
    assert track[0, 0] > 0.7 and track[5, 0] == 0.0


# -- detection ------------------------------------------------------------------------------


def test_detects_a_real_face_and_animates_its_mouth() -> None:
    clip, (fx, fy, fw, fh) = astronaut_clip(6)
    impl = VisemeLipSync()
    boxes = impl.mouth_boxes(clip)
    assert all(len(b) == 1 for b in boxes)
    mx, my, mw, mh = boxes[0][0]
    # the mouth box lies in the lower half of the photographed face
    assert fx <= mx and mx + mw <= fx + fw
    assert fy + fh * 0.4 <= my and my + mh <= fy + fh
    out = impl.sync(clip, tone(0.5))
    assert any("1 region" in n for n in impl.drain_notes())
    assert np.array_equal(
        outside((mx, my, mw, mh), out.frames), outside((mx, my, mw, mh), clip.frames)
    )
    assert not np.array_equal(out.frames, clip.frames)


def test_no_face_notes_and_passes_frames_through() -> None:
    frames = np.full((5, 90, 160, 3), 120, np.uint8)
    frames[:, 30:60, 40:120] = (200, 40, 40)  # a red box is not a face
    clip = Clip(frames=frames, fps=12)
    impl = VisemeLipSync()
    out = impl.sync(clip, tone(0.5))
    assert np.array_equal(out.frames, clip.frames)
    assert impl.drain_notes() == ["no face found: frames passed through"]


def test_detection_can_be_turned_off() -> None:
    clip, _ = astronaut_clip(2)
    impl = VisemeLipSync(detect=False)
    out = impl.sync(clip, tone(0.3))
    assert np.array_equal(out.frames, clip.frames)
    assert "no face found: frames passed through" in impl.drain_notes()


def test_face_found_later_in_the_clip_is_used_from_the_start() -> None:
    clip, _ = astronaut_clip(8)
    frames = clip.frames.copy()
    frames[:6] = 90  # the face appears at frame 6 (a detection frame with detect_every=6)
    clip = Clip(frames=frames, fps=12)
    boxes = VisemeLipSync().mouth_boxes(clip)
    assert all(len(b) == 1 for b in boxes)


# -- configuration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [{"faces": 2}, {"detect": "yes"}, {"detect_every": 0}, {"max_open": 2}, {"min_face": 2.5}],
)
def test_bad_options(options) -> None:
    with pytest.raises(TTVError) as info:
        VisemeLipSync(**options)
    assert info.value.code == "TTV-E002"


def test_missing_cascade_file(tmp_path: Path) -> None:
    with pytest.raises(TTVError) as info:
        VisemeLipSync(cascade=str(tmp_path / "none.xml"))
    assert info.value.code == "TTV-E310"


def test_unreadable_cascade_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<not a cascade/>")
    clip = Clip(frames=sample_frames(1, 64, 48), fps=12)
    with pytest.raises(TTVError) as info:
        VisemeLipSync(cascade=str(bad)).sync(clip, tone(0.2))
    assert info.value.code == "TTV-E310"


# -- region tracks (contracts 1.2) ---------------------------------------------------------


def panned_face(n: int = 16, zoom: float = 0.0) -> Clip:
    """A camera pan (with an optional zoom) over the astronaut photograph: the picture is
    warped per frame and the face box moved by the same transform, as a motion generator
    does (this package may not import one)."""
    face = cv2.cvtColor(cv2.imread(str(DATA / "astronaut_face.png")), cv2.COLOR_BGR2RGB)
    bg = np.full((180, 320, 3), 90, np.uint8)
    bg[20:155, 60:180] = face
    box = (60, 20, 120, 135)
    frames, track = [], []
    for i in range(n):
        p = i / (n - 1)
        s = 1.0 + zoom * p
        dx = 110.0 * p  # the camera pans left: the face moves right across the frame
        m = np.float32([[s, 0, dx + (1 - s) * 160], [0, s, (1 - s) * 90]])
        frames.append(cv2.warpAffine(bg, m, (320, 180), borderMode=cv2.BORDER_REFLECT101))
        x0, y0 = m[0, 0] * box[0] + m[0, 2], m[1, 1] * box[1] + m[1, 2]
        x1, y1 = x0 + s * box[2], y0 + s * box[3]
        x0, y0 = max(0, int(np.floor(x0))), max(0, int(np.floor(y0)))
        x1, y1 = min(320, int(np.ceil(x1))), min(180, int(np.ceil(y1)))
        track.append((Region(x=x0, y=y0, w=x1 - x0, h=y1 - y0, label="ravi"),))
    from ttv_contracts.v1.tracks import union_regions

    return Clip(frames=np.stack(frames), fps=12, regions=union_regions(track), tracks=tuple(track))


def drawn_boxes(out: Clip, clip: Clip) -> list[tuple[int, int, int, int] | None]:
    changed = np.any(out.frames != clip.frames, axis=3)
    boxes = []
    for frame in changed:
        ys, xs = np.nonzero(frame)
        boxes.append((xs.min(), ys.min(), xs.max() + 1, ys.max() + 1) if xs.size else None)
    return boxes


@pytest.mark.parametrize("zoom", [0.0, 0.35])
def test_mouth_stays_inside_each_frames_face_through_a_pan(zoom) -> None:
    """Whatever is drawn in frame i lies inside frame i's face box, and in its lower half
    (where a mouth is), on every frame of a 110 px pan (with and without a zoom)."""
    clip = panned_face(zoom=zoom)
    out = VisemeLipSync().sync(clip, tone(1.5), (CharacterRef(id="ravi", name="Ravi"),))
    assert out.tracks == clip.tracks
    drawn = drawn_boxes(out, clip)
    assert sum(b is not None for b in drawn) >= 14, "a loud voice animates (nearly) every frame"
    for i, b in enumerate(drawn):
        if b is None:
            continue
        (f,) = clip.regions_at(i)
        assert f.x <= b[0] and b[2] <= f.x + f.w and f.y <= b[1] and b[3] <= f.y + f.h, (i, b, f)
        assert b[1] >= f.y + f.h // 2, "the mouth is in the lower half of the face"


def test_static_union_regions_would_miss_the_face() -> None:
    """Why tracks exist: the same pan with only the clip-wide union region (what a clip
    without tracks carries) puts the mouth outside the face on most frames."""
    clip = panned_face()
    static = Clip(frames=clip.frames, fps=clip.fps, regions=clip.regions)
    out = VisemeLipSync().sync(static, tone(1.5))
    misses = 0
    for i, b in enumerate(drawn_boxes(out, static)):
        (f,) = clip.regions_at(i)
        if b is not None and not (f.x <= b[0] and b[2] <= f.x + f.w):
            misses += 1
    assert misses >= 8


def test_a_face_cut_by_the_frame_edge_keeps_its_mouth_on_the_mouth() -> None:
    """A tracked face leaving the picture on the left has a clipped box; the mouth goes where
    the face's mouth is (the box grown back to the face's usual shape), not into the middle
    of what is left."""
    face = cv2.cvtColor(cv2.imread(str(DATA / "astronaut_face.png")), cv2.COLOR_BGR2RGB)
    fh, fw = face.shape[:2]
    xs = [100, 60, 20, -20, -50]  # the face's true left edge, frame by frame
    frames, track, full = [], [], []
    for x in xs:
        frame = np.full((180, 320, 3), 90, np.uint8)
        x0 = max(0, x)
        frame[20 : 20 + fh, x0 : x + fw] = face[:, x0 - x :]
        frames.append(frame)
        track.append((Region(x=x0, y=20, w=x + fw - x0, h=fh, label="ravi"),))
        full.append((x, 20, fw, fh))
    from ttv_contracts.v1.tracks import union_regions

    clip = Clip(frames=np.stack(frames), fps=12, regions=union_regions(track), tracks=tuple(track))
    out = VisemeLipSync().sync(clip, tone(0.5))
    for i, b in enumerate(drawn_boxes(out, clip)):
        assert b is not None
        mx, my, mw, mh = mouth_box_for_face(full[i])
        assert max(0, mx) <= b[0] and b[2] <= mx + mw and my <= b[1] and b[3] <= my + mh, (i, b)
