"""The diffusers (Stable Diffusion) backend on a tiny random pipeline built offline.

Skipped unless the ``diffusers`` extra is installed (nox session installs
``ttv-keyframe[diffusers]``). Everything else in this file is the backend's real code path:
``from_pretrained`` from a local folder, LoRA loading, seeded generation, exact resize.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from ttv_contracts.errors import TTVError
from ttv_contracts.testing import KeyframeConformance, sample_spec
from ttv_keyframe import DiffusersKeyframe
from ttv_keyframe.sd import generation_size, label_faces

FAST = {"steps": 2, "min_side": 16, "max_side": 48, "guidance_scale": 1.0}


def test_importing_the_package_does_not_import_torch():
    code = "import sys, ttv_keyframe; print('torch' in sys.modules, 'diffusers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_missing_weights_path():
    with pytest.raises(TTVError) as err:
        DiffusersKeyframe()
    assert err.value.code == "TTV-E020"
    with pytest.raises(TTVError) as err:
        DiffusersKeyframe(weights_path="/nonexistent/sd15")
    assert err.value.code == "TTV-E020"


def test_extra_missing_is_reported(tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "diffusers" else real(name, *a),
    )
    impl = DiffusersKeyframe(weights_path=str(tmp_path))
    with pytest.raises(TTVError) as err:
        impl.render(sample_spec())
    assert err.value.code == "TTV-E022"


def test_generation_size_rounds_to_multiples_of_8():
    assert generation_size(640, 360, 384, 1024) == (680, 384)
    assert generation_size(33, 17, 16, 64) == (32, 16)
    assert generation_size(4096, 16, 16, 1024) == (1024, 8)
    for w, h in [(17, 40), (1280, 720), (16, 16), (333, 4001)]:
        gw, gh = generation_size(w, h, 256, 1024)
        assert gw % 8 == 0 and gh % 8 == 0 and max(gw, gh) <= 1024


def test_faces_are_labelled_left_to_right():
    regions = label_faces([(50, 5, 10, 10), (5, 8, 12, 12), (90, 1, 9, 9)], ["ravi", "mira"])
    assert [(r.x, r.label) for r in regions] == [(5, "ravi"), (50, "mira"), (90, "")]


# ------------------------------------------------------------------ tiny pipeline


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    pytest.importorskip("diffusers")
    pytest.importorskip("transformers")
    import torch

    # Tiny models gain nothing from threads; on shared 2-core CI runners, OpenMP spinning
    # between two threads made each call ~10x slower.
    torch.set_num_threads(1)
    from ttv_contracts.testing.tiny_sd import save_tiny_lora, save_tiny_sd

    root = tmp_path_factory.mktemp("sd")
    weights = save_tiny_sd(root)
    lora = save_tiny_lora(root) if _has("peft") else None
    return weights, lora


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


class TestDiffusersConformance(KeyframeConformance):
    implementation_class = DiffusersKeyframe

    @pytest.fixture(autouse=True)
    def _weights(self, tiny):
        self.weights = tiny[0]

    def make_implementation(self, tmp_path):
        return DiffusersKeyframe(weights_path=str(self.weights), **FAST)


def test_renders_exact_size_deterministically(tiny):
    impl = DiffusersKeyframe(weights_path=str(tiny[0]), **FAST)
    spec = sample_spec(width=45, height=23, seed=5)
    a = impl.render(spec)
    b = DiffusersKeyframe(weights_path=str(tiny[0]), **FAST).render(spec)
    c = impl.render(spec.model_copy(update={"seed": 6}))
    assert a.image.shape == (23, 45, 3)
    assert np.array_equal(a.image, b.image)
    assert not np.array_equal(a.image, c.image)
    assert a.image.std() > 0  # a real decoded image, not a constant fill


def test_prompt_changes_the_image(tiny):
    impl = DiffusersKeyframe(weights_path=str(tiny[0]), **FAST)
    spec = sample_spec(width=32, height=32)
    other = spec.model_copy(update={"prompt": "a completely different prompt"})
    assert not np.array_equal(impl.render(spec).image, impl.render(other).image)


def test_scene_attributes_reach_the_prompt(tiny):
    """Weather and time of day are put into the prompt (build_prompt), so they change the
    image even when the prompt text is the same."""
    impl = DiffusersKeyframe(weights_path=str(tiny[0]), **FAST)
    spec = sample_spec(width=32, height=32)
    stormy = spec.model_copy(update={"weather": "storm", "time_of_day": "night"})
    assert not np.array_equal(impl.render(spec).image, impl.render(stormy).image)


def test_lora_is_loaded_and_changes_the_output(tiny):
    weights, lora = tiny
    if lora is None:
        pytest.skip("peft not installed")
    spec = sample_spec(width=32, height=32)
    plain = DiffusersKeyframe(weights_path=str(weights), **FAST).render(spec).image
    impl = DiffusersKeyframe(
        weights_path=str(weights), loras=[{"path": str(lora), "weight": 1.0}], **FAST
    )
    styled = impl.render(spec).image
    assert styled.shape == plain.shape
    assert not np.array_equal(plain, styled)
    assert impl._pipe.get_active_adapters() == ["lora0"]


def test_folder_without_pipeline_is_e202(tmp_path, tiny):
    with pytest.raises(TTVError) as err:
        DiffusersKeyframe(weights_path=str(tmp_path), **FAST).render(sample_spec())
    assert err.value.code == "TTV-E202"


def test_broken_lora_is_e203(tmp_path, tiny):
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"not a safetensors file")
    impl = DiffusersKeyframe(weights_path=str(tiny[0]), loras=[str(bad)], **FAST)
    with pytest.raises(TTVError) as err:
        impl.render(sample_spec())
    assert err.value.code == "TTV-E203"


@pytest.mark.parametrize(
    "opts",
    [
        {"steps": 0},
        {"device": "tpu"},
        {"dtype": "int8"},
        {"min_side": 900, "max_side": 512},
        {"loras": "one.safetensors"},
    ],
)
def test_bad_options(tmp_path, opts):
    with pytest.raises(TTVError) as err:
        DiffusersKeyframe(weights_path=str(tmp_path), **opts)
    assert err.value.code == "TTV-E200"
