"""Typed implementation options (contracts 1.3): validation in the base class, coded errors."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import Field, model_validator
from ttv_contracts.errors import E_INVALID_INPUT, TTVError
from ttv_contracts.stubs import StubEmotion
from ttv_contracts.testing import sample_plan
from ttv_contracts.v1 import (
    EmotionTrack,
    ImplementationOptions,
    NoOptions,
    UndeclaredOptions,
    declares_options,
    describe_options,
    options_schema,
)


class DemoOptions(ImplementationOptions):
    preset: Literal["fast", "medium"] = Field("fast", description="Speed preset.")
    scale: float = Field(1.0, ge=0.25, le=4.0, description="Scale factor.")
    steps: int = Field(3, ge=1, description="Steps.")
    lo: int = Field(0, ge=0, description="Lower bound.")
    hi: int = Field(10, ge=0, description="Upper bound.")
    label: str | None = Field(None, description="Optional label.")

    @model_validator(mode="after")
    def _order(self) -> DemoOptions:
        if self.lo > self.hi:
            raise ValueError("need lo <= hi")
        return self


class Demo(StubEmotion):
    Options = DemoOptions


class DemoOwnCode(Demo):
    # a package names its own registered code; any registered one shows the mechanism
    option_error = E_INVALID_INPUT.code


class Legacy(StubEmotion):
    """Written before 1.3: no model declared."""

    Options = UndeclaredOptions


def test_defaults_and_typed_access() -> None:
    impl = Demo()
    assert impl.opts == DemoOptions()
    assert impl.opts.preset == "fast" and impl.opts.scale == 1.0
    assert dict(impl.options) == {}
    impl = Demo(preset="medium", scale=2)
    assert impl.opts.scale == 2.0 and isinstance(impl.opts.scale, float)
    assert dict(impl.options) == {"preset": "medium", "scale": 2}
    with pytest.raises(Exception, match="frozen"):
        impl.opts.scale = 3.0  # type: ignore[misc]


def test_unknown_option_is_e002_with_known_names() -> None:
    with pytest.raises(TTVError) as info:
        Demo(preset="fast", sclae=2)
    err = info.value
    assert err.code == "TTV-E002"
    assert "unknown option(s) for emotion 'stub': sclae" in err.message
    assert "Known options: hi, label, lo, preset, scale, steps." in str(err)
    assert "python -m ttv_contracts.repair TTV-E002" in str(err)
    assert "pydantic" not in str(err).lower() and "Traceback" not in str(err)


@pytest.mark.parametrize(
    ("options", "text"),
    [
        ({"scale": 9}, "option scale=9: Input should be less than or equal to 4"),
        ({"scale": "big"}, "option scale='big'"),
        ({"preset": "slow"}, "option preset='slow': Input should be 'fast' or 'medium'"),
        ({"steps": 1.5}, "option steps=1.5"),
        ({"lo": 5, "hi": 1}, "need lo <= hi"),
    ],
)
def test_bad_values_are_coded(options: dict, text: str) -> None:
    with pytest.raises(TTVError) as info:
        Demo(**options)
    assert info.value.code == "TTV-E002"
    assert text in info.value.message
    assert "ttv schema options" in str(info.value)
    # a package may name its own code for bad values; unknown keys stay TTV-E002
    with pytest.raises(TTVError) as own:
        DemoOwnCode(**options)
    assert own.value.code == E_INVALID_INPUT.code
    with pytest.raises(TTVError) as unknown:
        DemoOwnCode(nope=1)
    assert unknown.value.code == "TTV-E002"


def test_no_options_rejects_every_key() -> None:
    assert StubEmotion.Options is NoOptions
    assert StubEmotion().opts == NoOptions()
    with pytest.raises(TTVError) as info:
        StubEmotion(anything=1)
    assert info.value.code == "TTV-E002"
    assert "Known options: none." in str(info.value)


def test_undeclared_model_accepts_anything() -> None:
    impl = Legacy(whatever=1, other="x")
    assert impl.opts.whatever == 1  # type: ignore[attr-defined]
    assert dict(impl.options) == {"whatever": 1, "other": "x"}
    assert not declares_options(Legacy)
    assert declares_options(Demo) and declares_options(StubEmotion)
    assert describe_options(Legacy) == []
    assert options_schema(Legacy)["additionalProperties"] is True
    assert isinstance(impl.analyze(sample_plan()), EmotionTrack)


def test_describe_and_schema() -> None:
    rows = {r["name"]: r for r in describe_options(Demo)}
    assert list(rows) == ["preset", "scale", "steps", "lo", "hi", "label"]
    assert rows["preset"]["type"] == '"fast" | "medium"'
    assert rows["preset"]["default"] == "fast"
    assert rows["scale"] == {
        "name": "scale",
        "type": "float",
        "default": 1.0,
        "required": False,
        "constraints": ">= 0.25, <= 4",
        "description": "Scale factor.",
    }
    assert rows["label"]["type"] == "str | null"
    schema = options_schema(Demo)
    assert schema["additionalProperties"] is False
    assert schema["properties"]["scale"]["maximum"] == 4.0


def test_store_dir_given_by_the_pipeline_is_not_unknown() -> None:
    """The pipeline passes ``store_dir`` to every class with ``needs.store``; one whose model
    does not declare it (a stub subclass written before 1.3) keeps working."""
    from ttv_contracts.v1 import ModuleInfo, Needs

    class Stored(StubEmotion):
        info = ModuleInfo(slot="emotion", name="stored", needs=Needs(store=True))

    impl = Stored(store_dir="/tmp/x")
    assert impl.options["store_dir"] == "/tmp/x" and impl.opts == NoOptions()
    with pytest.raises(TTVError) as info:
        StubEmotion(store_dir="/tmp/x")  # needs no store: an unknown option like any other
    assert info.value.code == "TTV-E002"
