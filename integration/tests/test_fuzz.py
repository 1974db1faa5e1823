"""Property-based: malformed, huge and adversarial lessons and configs never raise anything
but a coded TTVError."""

from __future__ import annotations

import json
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import Lesson
from ttv_integration.config import load_config, parse_use
from ttv_integration.lesson import load_lesson

json_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=50)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
adversarial_text = st.sampled_from(
    [
        "",
        " ",
        "\x00\x01",
        "$(rm -rf /)",
        "`reboot`",
        "'; DROP TABLE shots; --",
        "../../etc/passwd",
        "<script>alert(1)</script>",
        "\u202e\u200b\ufeff",
        "a" * 100_000,
        "。！？" * 50,
        "{{ x }}",
    ]
) | st.text(max_size=300)
lesson_like = st.fixed_dictionaries(
    {},
    optional={
        "title": adversarial_text | json_scalars,
        "text": adversarial_text | json_scalars,
        "scenes": st.lists(
            st.fixed_dictionaries(
                {}, optional={"setting": adversarial_text, "text": adversarial_text}
            ),
            max_size=3,
        )
        | json_scalars,
        "language": adversarial_text,
    },
)

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(data=json_values | lesson_like)
def test_any_json_is_a_lesson_or_a_coded_error(tmp_path, data):
    path = tmp_path / "l.json"
    path.write_text(json.dumps(data))
    try:
        lesson = load_lesson(path)
    except TTVError as err:
        assert err.code == "TTV-E001" and "REPAIR.md#ttv-e001" in str(err)
    else:
        assert isinstance(lesson, Lesson)


@SETTINGS
@given(raw=st.binary(max_size=300))
def test_any_bytes_are_a_lesson_or_a_coded_error(tmp_path, raw):
    path = tmp_path / "l.json"
    path.write_bytes(raw)
    try:
        load_lesson(path)
    except TTVError as err:
        assert err.code == "TTV-E001"


toml_keys = st.sampled_from(
    [
        "width",
        "height",
        "fps",
        "timeline_fps",
        "seed",
        "crf",
        "profile",
        "stage_timeout_s",
        "nonsense",
        "slots",
        "timeline_width",
    ]
)
toml_values = (
    st.integers(-(10**9), 10**9)
    | st.text(string.printable, max_size=20)
    | st.booleans()
    | st.floats(allow_nan=False, allow_infinity=False)
)


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    return json.dumps(v)


@SETTINGS
@given(items=st.dictionaries(toml_keys, toml_values, max_size=5), junk=st.text(max_size=40))
def test_any_config_is_valid_or_a_coded_error(tmp_path, items, junk):
    path = tmp_path / "c.toml"
    body = "".join(f"{k} = {_toml_value(v)}\n" for k, v in items.items())
    path.write_text(body + (junk if len(junk) % 3 == 0 else ""))
    try:
        cfg = load_config(path)
    except TTVError as err:
        assert err.code in {"TTV-E002", "TTV-E003"}
    else:
        assert cfg.width % 2 == 0 and 1 <= cfg.fps <= 60


@SETTINGS
@given(items=st.lists(st.text(max_size=30), max_size=4))
def test_any_use_flags_are_parsed_or_a_coded_error(items):
    try:
        parsed = parse_use(items)
    except TTVError as err:
        assert err.code == "TTV-E003"
    else:
        assert all(v for v in parsed.values())
