"""(Needs the workspace: every module package.) Each implementation's typed options
(contracts 1.3): declared, listed by ``ttv schema --options``, reach the instance from
``--use SLOT=IMPL:KEY=VALUE``, and a bad one stops the run before it starts (exit 2)."""

from __future__ import annotations

import json

import pytest
from ttv_contracts.errors import TTVError
from ttv_integration.chain import SlotChain
from ttv_integration.config import load_config
from ttv_integration.registry import Registry, installed_entry_points


def test_schema_options_covers_every_installed_implementation(tmp_path, ttv):
    done = ttv(tmp_path, "schema", "--options")
    assert done.returncode == 0, done.stderr
    catalog = json.loads(done.stdout)
    listed = {(slot, name) for slot, entries in catalog.items() for name in entries}
    installed = {(ep.group.removeprefix("ttv."), ep.name) for ep in installed_entry_points()}
    assert installed and installed <= listed
    for slot, name in sorted(installed):
        entry = catalog[slot][name]
        assert "error" not in entry, (slot, name, entry)
        assert entry["declared"], f"{slot} '{name}' declares no options model"
        for row in entry["options"]:
            assert row["description"], (slot, name, row["name"])
    flow = {r["name"]: r for r in catalog["interpolator"]["flow"]["options"]}
    assert flow["preset"]["default"] == "fast"
    assert flow["flow_scale"]["constraints"] == ">= 0.05, <= 1"


def test_use_options_reach_the_real_implementation():
    cfg = load_config(
        profile="default",
        use={
            "interpolator": "flow:preset=medium,flow_scale=0.5",
            "transitions": "classic:fade_color=[255,255,255],duration_s=1",
            "motion": "camera:easing=linear,clip_seconds=1",
        },
    )
    reg = Registry()
    flow = SlotChain("interpolator", reg, cfg).make("flow")
    assert (flow.opts.preset, flow.opts.flow_scale) == ("medium", 0.5)
    classic = SlotChain("transitions", reg, cfg).make("classic")
    assert classic.fade_color == (255, 255, 255) and classic.duration_s == 1.0
    camera = SlotChain("motion", reg, cfg).make("camera")
    assert camera.easing == "linear" and camera.clip_seconds == 1.0


@pytest.mark.parametrize(
    ("use", "says"),
    [
        ("interpolator=flow:preset=slow", "option preset='slow'"),
        ("interpolator=flow:model=rife", "unknown option(s) for interpolator 'flow': model"),
        ("extender=slowmo:max_slowdown=9", "(TTV-E230)"),
    ],
)
def test_bad_options_fail_before_the_run(tmp_path, use, says, ttv):
    lesson = tmp_path / "lesson.json"
    lesson.write_text(json.dumps({"title": "t", "text": "Ravi shaped a bowl."}))
    done = ttv(
        tmp_path, "generate", str(lesson), "-q", "-o", "o.mp4", "--runs-root", "r", "--use", use
    )
    assert done.returncode == 2, done.stdout + done.stderr
    said = " ".join(done.stderr.split())  # the message may be wrapped
    assert "[TTV-E002] options of slot" in said and says in said, done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "r").exists() and not (tmp_path / "o.mp4").exists()


def test_a_misconfigured_extender_is_bad_input_strict_or_not(tmp_path, ttv):
    """The fault test_strict.py used to inject (an unknown extender option, once a degraded
    run) is the user's input error now: exit 2 with the known options, strict or not."""
    toml = tmp_path / "c.toml"
    toml.write_text('[slots.extender]\nuse = "slowmo"\noptions = { no_such_option = 1 }\n')
    with pytest.raises(TTVError) as info:
        SlotChain("extender", Registry(), load_config(toml))
    assert info.value.code == "TTV-E002"
    known = "Known options: hold_zoom_per_s, max_hold_zoom, max_slowdown, preset."
    assert known in str(info.value)
    lesson = tmp_path / "lesson.json"
    lesson.write_text(json.dumps({"title": "t", "text": "Ravi shaped a bowl."}))
    for extra in ([], ["--strict"]):
        done = ttv(tmp_path, "generate", str(lesson), "-q", "-o", "o.mp4", "-c", str(toml), *extra)
        assert done.returncode == 2, done.stdout + done.stderr
        assert "no_such_option" in done.stderr and known in " ".join(done.stderr.split())
