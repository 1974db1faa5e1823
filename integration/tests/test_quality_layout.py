"""The quality session's layout check on overlay records: a dropped name tag fails it, a
label that moves within its shot is counted."""

from __future__ import annotations

from ttv_integration.quality import check_layout


def _frame(k: int, shot: int, label: list[int], dropped: list[str]) -> dict:
    return {
        "k": k,
        "shot": shot,
        "cue": None,
        "boxes": {"label": label, "tag:ana": [300, 60, 340, 80]},
        "figures": {"ana": [290, 100, 350, 300]},
        "faces": {"ana": [300, 100, 340, 140]},
        "dropped": dropped,
    }


def _record(frames: list[dict]) -> dict:
    return {"title_safe": [64, 36, 576, 324], "cues": [], "fps": 24, "captions": False,
            "frames": frames}  # fmt: skip


def test_a_dropped_name_tag_fails_the_layout_check():
    ok = check_layout(_record([_frame(0, 0, [64, 36, 200, 56], [])]))
    assert ok["ok"] and ok["tags_dropped"] == 0
    bad = check_layout(_record([_frame(0, 0, [64, 36, 200, 56], ["bo"])]))
    assert not bad["ok"] and bad["tags_dropped"] == 1


def test_label_moves_within_a_shot_are_counted_not_across_a_cut():
    frames = [
        _frame(0, 0, [64, 36, 200, 56], []),
        _frame(1, 0, [440, 36, 576, 56], []),  # jumps within shot 0
        _frame(2, 1, [64, 36, 200, 56], []),  # a cut: a new place is no move
    ]
    res = check_layout(_record(frames))
    assert res["label_moves"] == 1 and res["ok"]
