"""Implementation options on the command line (``--use SLOT=IMPL:KEY=VALUE,...``), their
check before a run, and ``ttv schema --options``. Only stubs and implementations defined
here: the real modules' options are covered in tests/e2e/test_options.py."""

from __future__ import annotations

import json
from typing import Literal

import pytest
from pydantic import Field
from ttv_contracts.errors import TTVError
from ttv_contracts.stubs import StubEmotion
from ttv_contracts.v1 import ImplementationOptions, ModuleInfo
from ttv_integration.chain import SlotChain
from ttv_integration.cli import app
from ttv_integration.config import load_config, parse_impl_options, parse_use, split_use
from ttv_integration.options_catalog import options_catalog, options_page
from ttv_integration.registry import Registry
from typer.testing import CliRunner

runner = CliRunner()


class MoodOptions(ImplementationOptions):
    pace: Literal["slow", "fast"] = Field("slow", description="How fast moods change.")
    gain: float = Field(1.0, ge=0.5, le=2.0, description="Mood gain.")


class Mood(StubEmotion):
    """An emotion implementation with options, registered by the tests."""

    info = ModuleInfo(slot="emotion", name="mood", version="1.0", package="tests-mood")
    Options = MoodOptions
    option_error = "TTV-E013"  # an own code for bad values, to see it carried through


def _registry() -> Registry:
    reg = Registry(eps=[])
    reg.register("emotion", "mood", Mood)
    return reg


def _run(args: list[str]):
    result = runner.invoke(app, args)
    return result.exit_code, (result.output or "") + (getattr(result, "stderr", "") or "")


# ------------------------------------------------------------------ the --use form


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {}),
        ("preset=medium", {"preset": "medium"}),
        ("scale=2,ratio=0.5", {"scale": 2, "ratio": 0.5}),
        ("on=true,off=false,none=null", {"on": True, "off": False, "none": None}),
        ('label="a, b",path=/models/sd15', {"label": "a, b", "path": "/models/sd15"}),
        ("fade_color=[255,255,0],n=-3", {"fade_color": [255, 255, 0], "n": -3}),
        ("camera.speed=0.2,camera.easing=linear", {"camera": {"speed": 0.2, "easing": "linear"}}),
        ('number_as_text="2"', {"number_as_text": "2"}),
        ("empty=", {"empty": ""}),
    ],
)
def test_option_values(text, expected):
    assert parse_impl_options(text) == expected
    assert split_use(f"flow:{text}") == ("flow", expected)


@pytest.mark.parametrize(
    "item",
    [
        "interpolator=flow:preset",  # no value
        "interpolator=flow:=fast",  # no name
        "interpolator=flow:pre set=fast",  # not a name
        "interpolator=flow:a=1,a=2",  # twice
        "interpolator=flow:camera=1,camera.speed=2",  # a value and a table
        "interpolator=:preset=fast",  # no implementation
    ],
)
def test_bad_use_syntax_is_coded(item):
    with pytest.raises(TTVError) as info:
        parse_use([item])
    assert info.value.code == "TTV-E003"
    assert "SLOT=IMPLEMENTATION[:KEY=VALUE,...]" in str(info.value)


def test_use_options_reach_the_slot_config(tmp_path):
    cfg = load_config(profile="stub", use={"emotion": "mood:pace=fast,gain=1.5"})
    assert cfg.slot("emotion").use == "mood"
    assert cfg.slot("emotion").options == {"pace": "fast", "gain": 1.5}
    assert cfg.slot("emotion").explicit
    # over a file: options for the same implementation are merged, others dropped
    toml = tmp_path / "c.toml"
    toml.write_text('[slots.emotion]\nuse = "mood"\noptions = { pace = "fast", gain = 2.0 }\n')
    merged = load_config(toml, use={"emotion": "mood:gain=0.5"}).slot("emotion")
    assert merged.options == {"pace": "fast", "gain": 0.5}
    assert load_config(toml, use={"emotion": "mood"}).slot("emotion").options == {
        "pace": "fast",
        "gain": 2.0,
    }
    assert load_config(toml, use={"emotion": "stub"}).slot("emotion").options == {}


# ------------------------------------------------------------------ checked before the run


def test_good_options_reach_the_instance():
    cfg = load_config(profile="stub", use={"emotion": "mood:pace=fast,gain=1.5"})
    chain = SlotChain("emotion", _registry(), cfg)
    impl = chain.make("mood")
    assert impl.opts == MoodOptions(pace="fast", gain=1.5)
    assert chain.make("stub").opts.model_dump() == {}  # fallbacks run on their defaults


@pytest.mark.parametrize(
    ("use", "says"),
    [
        ("mood:tempo=3", "unknown option(s) for emotion 'mood': tempo"),
        ("mood:gain=9", "option gain=9: Input should be less than or equal to 2 (TTV-E013)"),
        ("mood:pace=medium", "option pace='medium'"),
        ("stub:gain=1", "unknown option(s) for emotion 'stub': gain"),
    ],
)
def test_bad_options_are_config_errors(use, says):
    cfg = load_config(profile="stub", use={"emotion": use})
    with pytest.raises(TTVError) as info:
        SlotChain("emotion", _registry(), cfg)
    assert info.value.code == "TTV-E002"
    assert "options of slot 'emotion'" in info.value.message and says in info.value.message
    assert "ttv_contracts.repair TTV-E002" in str(info.value)


def test_options_left_for_a_missing_implementation_are_not_checked(tmp_path):
    toml = tmp_path / "c.toml"
    toml.write_text("[slots.emotion]\noptions = { whatever = 1 }\n")
    cfg = load_config(toml, profile="stub")  # auto: falls back to the stub, unused options
    assert SlotChain("emotion", Registry(eps=[]), cfg).primary == "stub"


@pytest.mark.parametrize(
    ("use", "code"),
    [("emotion=stub:foo=1", "TTV-E002"), ("emotion=stub:foo", "TTV-E003")],
)
def test_cli_bad_options_exit_2_before_the_run(tmp_path, lesson_file, use, code):
    runs = tmp_path / "runs"
    exit_code, out = _run(
        [
            "generate",
            str(lesson_file),
            "-o",
            str(tmp_path / "o.mp4"),
            "--config",
            "stub",
            "--runs-root",
            str(runs),
            "--use",
            use,
        ]
    )
    assert exit_code == 2, out
    assert f"[{code}]" in out and "Traceback" not in out
    assert not runs.exists() and not (tmp_path / "o.mp4").exists()


def test_help_documents_the_form():
    exit_code, out = _run(["generate", "--help"])
    assert exit_code == 0
    assert "KEY=VALUE" in " ".join(out.split())


# ------------------------------------------------------------------ ttv schema --options


def test_schema_options_lists_every_implementation(tmp_path):
    exit_code, out = _run(["schema", "--options"])
    assert exit_code == 0, out
    catalog = json.loads(out)
    assert list(catalog) == list(Registry().slots())
    for slot, entries in catalog.items():
        assert "stub" in entries, slot
        stub = entries["stub"]
        assert stub["declared"] and stub["options"] == [] and stub["package"] == "ttv-contracts"
        assert stub["schema"]["additionalProperties"] is False
    exit_code, out = _run(["schema", "--options", "--out", str(tmp_path)])
    assert exit_code == 0
    written = json.loads((tmp_path / "options" / "emotion" / "stub.json").read_text())
    assert written == catalog["emotion"]["stub"]


def test_catalog_and_page_show_types_defaults_and_descriptions():
    catalog = options_catalog(_registry())
    entry = catalog["emotion"]["mood"]
    assert entry["package"] == "tests-mood" and entry["declared"]
    assert [(r["name"], r["default"]) for r in entry["options"]] == [
        ("pace", "slow"),
        ("gain", 1.0),
    ]
    assert entry["schema"]["properties"]["gain"]["maximum"] == 2.0
    page = options_page(catalog)
    assert '| `pace` | `"slow" or "fast"` | `"slow"` |  | How fast moods change. |' in page
    assert "| `gain` | `float` | `1.0` | `>= 0.5, <= 2` | Mood gain. |" in page
    assert "### emotion `stub`" in page and "Takes no options." in page


def test_batch_checks_options_before_any_lesson(tmp_path, lesson_file):
    out = tmp_path / "batch"
    exit_code, said = _run(
        [
            "batch",
            str(lesson_file.parent),
            "-o",
            str(out),
            "--config",
            "stub",
            "--use",
            "emotion=stub:foo=1",
            "--quiet",
        ]
    )
    assert exit_code == 2, said
    assert "[TTV-E002]" in said and "foo" in said
    assert not out.exists()
