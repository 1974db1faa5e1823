import json
import re

import numpy as np
import pytest
from pydantic import ValidationError
from ttv_contracts.errors import TTVError, catalog
from ttv_contracts.v1 import Clip, Lesson, StoryPlan, WatermarkPayload
from ttv_contracts.v1.schema import export_schemas, schemas


def test_lesson_needs_exactly_one_body():
    with pytest.raises(ValidationError):
        Lesson(title="x")
    with pytest.raises(ValidationError):
        Lesson(title="x", scenes=())
    with pytest.raises(ValidationError):
        Lesson(title="x", text="  ")
    assert Lesson(title="x", text="y").text == "y"


def test_models_are_frozen():
    lesson = Lesson(title="x", text="y")
    with pytest.raises(ValidationError):
        lesson.title = "z"


@pytest.mark.parametrize(
    "frames",
    [
        np.zeros((2, 4, 4, 3), np.float32),
        np.zeros((2, 4, 4), np.uint8),
        np.zeros((2, 0, 4, 3), np.uint8),
        [[0]],
    ],
)
def test_clip_rejects_bad_frames(frames):
    with pytest.raises(ValidationError):
        Clip(frames=frames, fps=12)


def test_clip_json_describes_arrays():
    clip = Clip(frames=np.zeros((2, 4, 6, 3), np.uint8), fps=12)
    dumped = json.loads(clip.model_dump_json())
    assert dumped["frames"] == {"dtype": "uint8", "shape": [2, 4, 6, 3]}


def test_shot_indices_must_be_ordered():
    shot = {"index": 1, "narration": "a", "beat": "setup", "target_duration_s": 1.0}
    with pytest.raises(ValidationError):
        StoryPlan(title="t", shots=(shot,))


def test_payload_is_eight_bytes():
    p = WatermarkPayload(run_id="run-1", content_digest="deadbeef" * 8)
    assert len(p.to_bytes()) == 8 and p.hex().endswith("deadbeef")


def test_error_renders_code_and_repair():
    err = TTVError("TTV-E001", "lesson.json is not JSON")
    assert "[TTV-E001]" in str(err) and "REPAIR.md#ttv-e001" in str(err)
    assert all(code.startswith("TTV-E") for code in catalog())


def test_schemas_export(tmp_path):
    paths = export_schemas(tmp_path)
    assert {p.stem for p in paths} == set(schemas())
    lesson = json.loads((tmp_path / "Lesson.json").read_text())
    assert "title" in lesson["properties"]


def test_season_is_optional_and_checked():
    """contracts 1.3: SceneContext.season and ShotSpec.season default to unknown (a 1.0
    producer still validates) and take only the four seasons."""
    from ttv_contracts.testing import sample_spec
    from ttv_contracts.v1 import SceneContext

    ctx = SceneContext(shot_index=0, location_id="a", setting="a field", palette=("#102030",))
    assert ctx.season == "unknown" and sample_spec().season == "unknown"
    assert ctx.model_copy(update={"season": "winter"}).season == "winter"
    with pytest.raises(ValidationError):
        SceneContext(
            shot_index=0, location_id="a", setting="a field", palette=("#102030",), season="wet"
        )


def test_keyframe_background_is_optional_and_the_images_size():
    """contracts 1.3: Keyframe.background, the picture without its figures."""
    from ttv_contracts.v1 import Keyframe

    image = np.zeros((8, 12, 3), np.uint8)
    assert Keyframe(image=image).background is None
    assert Keyframe(image=image, background=image.copy()).background.shape == (8, 12, 3)
    with pytest.raises(ValidationError, match="same picture"):
        Keyframe(image=image, background=np.zeros((8, 10, 3), np.uint8))


def test_keyframe_ground_is_a_fraction_of_the_height():
    from ttv_contracts.v1 import Keyframe

    image = np.zeros((8, 12, 3), np.uint8)
    assert Keyframe(image=image).ground is None
    assert Keyframe(image=image, ground=0.7).ground == 0.7
    for bad in (0.0, 1.0, 1.5, -0.1):
        with pytest.raises(ValidationError):
            Keyframe(image=image, ground=bad)


def test_slugify_folds_accents_and_keeps_other_scripts_apart():
    """ "Lucía" was "luc-a" and "Łódź" "d"; every Cyrillic, Greek or Chinese name was "x",
    so two such characters shared an id until a "-2" told them apart."""
    from ttv_contracts.v1.models import slugify

    assert slugify("Lucía") == "lucia" and slugify("Łódź") == "lodz"
    assert slugify("São Paulo") == "sao-paulo" and slugify("Straße") == "strasse"
    moscow, athens = slugify("Москва"), slugify("Αθήνα")
    assert moscow != athens and moscow.startswith("u-") and slugify("Москва") == moscow
    assert re.fullmatch(r"[a-z0-9][a-z0-9_-]*", moscow)
    assert slugify("") == "x" and slugify("Ravi the Potter") == "ravi-the-potter"
