"""(Needs OpenCV, as the quality session has.) The quality session's mouth check: a mouth
inside its face box passes, a mouth-sized blob beside the face fails, and a few pixels of
codec or flow spill beside a face are reported as spill, not as a fault."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("cv2")

from ttv_integration.quality import MOUTH_MIN_BLOB, check_mouth

W, H, N = 640, 360, 3
FACE = (100, 100, 160, 160)  # x0, y0, x1, y1


def _write(path: Path, frames: list[np.ndarray]) -> Path:
    import av

    with av.open(str(path), "w", format="matroska") as out:
        stream = out.add_stream("libx264rgb", rate=24)
        stream.width, stream.height, stream.pix_fmt = W, H, "rgb24"
        stream.options = {"qp": "0"}  # lossless: the test controls every pixel
        for f in frames:
            out.mux(stream.encode(av.VideoFrame.from_ndarray(f, format="rgb24")))
        out.mux(stream.encode())
    return path


def _check(tmp_path: Path, x: int, y: int, w: int, h: int) -> dict:
    plain = np.full((H, W, 3), 120, np.uint8)
    marked = plain.copy()
    marked[y : y + h, x : x + w] = 20  # a dark mouth-like blob
    ref = _write(tmp_path / "ref.mkv", [plain] * N)
    video = _write(tmp_path / "video.mkv", [marked] * N)
    record = {"frames": [{"faces": {"ana": list(FACE)}}] * N}
    return check_mouth(video, ref, record)


def test_mouth_inside_the_face_passes(tmp_path):
    r = _check(tmp_path, 115, 140, 24, 5)
    assert r["ok"] and r["frames_with_mouth_motion"] == N
    assert r["frames_outside_face"] == 0 and r["frames_with_spill"] == 0


def test_mouth_beside_the_face_fails(tmp_path):
    r = _check(tmp_path, 200, 140, 24, 5)  # 40 px right of the face box
    assert not r["ok"]
    assert r["frames_outside_face"] == N
    assert r["examples"][0]["blob"] == 24 * 5


def test_mouth_half_off_the_face_fails(tmp_path):
    # 24 px wide, starting 8 px inside the box (+4 px slack): 12 columns x 5 rows outside
    r = _check(tmp_path, 152, 140, 24, 5)
    assert MOUTH_MIN_BLOB <= 12 * 5
    assert not r["ok"] and r["frames_outside_face"] == N


def test_spill_beside_a_face_is_reported_not_a_fault(tmp_path):
    r = _check(tmp_path, 166, 120, 4, 4)  # 16 px just past the slack, like codec spill
    assert r["ok"]
    assert r["frames_outside_face"] == 0 and r["frames_with_spill"] == N
    assert r["spill_examples"][0]["blob"] == 16


def test_a_chroma_only_change_is_not_a_mouth(tmp_path):
    """The encoder's 4:2:0 chroma can turn a tiny detail's colour in one render and not the
    other (a white flower pink); a mouth always changes luma. A mouth-sized change of hue at
    the same luma beside the face is neither motion nor a fault."""
    plain = np.full((H, W, 3), 120, np.uint8)
    tinted = plain.copy()
    tinted[140:145, 200:224] = (160, 100, 127)  # luma 121 against 120; a channel moves 40
    ref = _write(tmp_path / "ref.mkv", [plain] * N)
    video = _write(tmp_path / "video.mkv", [tinted] * N)
    r = check_mouth(video, ref, {"frames": [{"faces": {"ana": list(FACE)}}] * N})
    assert r["frames_with_mouth_motion"] == 0 and r["frames_outside_face"] == 0


def _blend_record(n: int) -> dict:
    """A dissolve's record: every frame blends a second shot's face in; output frames go in
    pairs of one timeline frame each (the second of a pair made by the interpolator)."""
    return {
        "frames": [
            {"faces": {"ana": list(FACE)}, "blended_faces": {"3:ana": list(FACE)}, "shot": 4,
             "local": k // 2}
            for k in range(n)
        ]
    }  # fmt: skip


def test_an_interpolated_dissolve_frame_is_counted_apart_a_timeline_frame_is_not(tmp_path):
    """Inside a dissolve a changed mouth moves the interpolator's flow far from the faces
    (kettle race, frame 781): an off-face blob on a frame the interpolator made from two
    blended frames is reported apart; the same blob on a timeline frame is a fault."""
    plain = np.full((H, W, 3), 120, np.uint8)
    marked = plain.copy()
    marked[140:145, 200:224] = 20  # beside the face
    n = 4
    ref = _write(tmp_path / "ref.mkv", [plain] * n)
    made = _write(tmp_path / "made.mkv", [plain, marked, plain, plain])  # frame 1: made
    r = check_mouth(made, ref, _blend_record(n))
    assert r["ok"] and r["frames_outside_face"] == 0 and r["blend_frames_outside_face"] == 1
    assert r["blend_examples"][0]["k"] == 1
    timeline = _write(tmp_path / "timeline.mkv", [plain, plain, marked, plain])  # frame 2
    r = check_mouth(timeline, ref, _blend_record(n))
    assert not r["ok"] and r["frames_outside_face"] == 1
    record = _blend_record(n)
    record["frames"][2].pop("blended_faces")  # the dissolve ends: frame 1 is made from a
    r = check_mouth(made, ref, record)  # blend and a plain frame: a fault as before
    assert not r["ok"] and r["frames_outside_face"] == 1
