"""The AnimateDiff backend on tiny random components built offline (no hub access).

Skipped unless the ``diffusers`` extra is installed (nox session installs
``ttv-motion[diffusers]``). The pipeline runs its real code path: ``MotionAdapter`` and
``AnimateDiff(VideoToVideo)Pipeline.from_pretrained`` from local folders, seeded sampling,
decoding, resize to the spec size.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from ttv_contracts.errors import TTVError
from ttv_contracts.testing import MotionConformance, sample_spec
from ttv_contracts.v1 import CameraMove, Keyframe, MotionDirectives, Region
from ttv_motion import AnimateDiffMotion

FAST = {"steps": 2, "min_side": 16, "max_side": 32, "guidance_scale": 1.0, "max_frames": 4}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    pytest.importorskip("diffusers")
    pytest.importorskip("transformers")
    import torch

    # Tiny models gain nothing from threads; on shared 2-core CI runners, OpenMP spinning
    # between two threads made each call ~10x slower.
    torch.set_num_threads(1)
    from ttv_contracts.testing.tiny_sd import save_tiny_adapter, save_tiny_sd

    root = tmp_path_factory.mktemp("animatediff")
    # the MotionAdapter's channels must match the UNet's
    return {
        "weights_path": str(save_tiny_sd(root, block_out_channels=(8, 8))),
        "adapter_path": str(save_tiny_adapter(root, block_out_channels=(8, 8))),
    }


def test_importing_the_package_does_not_import_torch():
    code = "import sys, ttv_motion; print('torch' in sys.modules, 'diffusers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_missing_paths_are_e020(tmp_path):
    with pytest.raises(TTVError) as err:
        AnimateDiffMotion(adapter_path=str(tmp_path))
    assert err.value.code == "TTV-E020"
    with pytest.raises(TTVError) as err:
        AnimateDiffMotion(weights_path=str(tmp_path), adapter_path=str(tmp_path / "nope"))
    assert err.value.code == "TTV-E020"


def test_extra_missing_is_reported(tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "diffusers" else real(name, *a),
    )
    impl = AnimateDiffMotion(weights_path=str(tmp_path), adapter_path=str(tmp_path))
    spec = sample_spec()
    with pytest.raises(TTVError) as err:
        impl.animate(spec, Keyframe(image=np.zeros((48, 64, 3), np.uint8)))
    assert err.value.code == "TTV-E022"


@pytest.mark.parametrize(
    "opts", [{"mode": "img2img"}, {"strength": 0}, {"max_frames": 0}, {"camera": {"speed": -1}}]
)
def test_bad_options(tmp_path, opts):
    with pytest.raises(TTVError) as err:
        AnimateDiffMotion(weights_path=str(tmp_path), adapter_path=str(tmp_path), **opts)
    assert err.value.code in {"TTV-E210"}


class TestAnimateDiffConformance(MotionConformance):
    implementation_class = AnimateDiffMotion

    @pytest.fixture(autouse=True)
    def _paths(self, tiny):
        self.paths = tiny

    def make_implementation(self, tmp_path):
        return AnimateDiffMotion(**self.paths, **FAST)

    @pytest.mark.xfail(
        reason="the tiny random-weight UNet repaints the frames, so the drawn face marker the "
        "kit looks for is not where any camera put it; AnimateDiff's tracks are the camera's "
        "own (video2video), which test_camera.py checks against the picture",
        strict=False,
    )
    @pytest.mark.parametrize(
        "camera", [CameraMove.PAN_RIGHT, CameraMove.TILT_UP, CameraMove.ZOOM_IN]
    )
    def test_regions_follow_the_face_in_every_frame(self, impl, camera) -> None:
        super().test_regions_follow_the_face_in_every_frame(impl, camera)


@pytest.mark.parametrize("mode", ["video2video", "text2video"])
def test_runs_end_to_end_at_spec_fps_and_size(tiny, mode):
    impl = AnimateDiffMotion(**tiny, **FAST, mode=mode)
    spec = sample_spec(width=45, height=27, num_frames=20, fps=8).model_copy(
        update={"directives": MotionDirectives(camera="pan_right", motion_scale=0.8)}
    )
    kf = Keyframe(
        image=np.random.default_rng(0).integers(0, 256, (27, 45, 3), dtype=np.uint8),
        regions=(Region(x=10, y=5, w=6, h=6, label="ravi"),),
    )
    clip = impl.animate(spec, kf)
    assert clip.fps == 8 and clip.size == (45, 27)
    assert clip.num_frames == 4  # max_frames: shorter than the shot, the extender fills it
    assert any("4 of 20" in n for n in impl.drain_notes())
    assert clip.frames.std() > 0
    assert [r.label for r in clip.regions] == ["ravi"]


def test_keyframe_conditions_video2video(tiny):
    """Video-to-video starts from the keyframe: a different keyframe, same seed and
    prompt, gives a different clip."""
    impl = AnimateDiffMotion(**tiny, **FAST, strength=0.5)
    spec = sample_spec(width=32, height=32, num_frames=4)
    dark = Keyframe(image=np.full((32, 32, 3), 20, np.uint8))
    light = Keyframe(image=np.full((32, 32, 3), 235, np.uint8))
    a, b = impl.animate(spec, dark).frames, impl.animate(spec, light).frames
    assert a.mean() < b.mean()


def test_seed_changes_text2video(tiny):
    impl = AnimateDiffMotion(**tiny, **FAST, mode="text2video")
    kf = Keyframe(image=np.zeros((32, 32, 3), np.uint8))
    spec = sample_spec(width=32, height=32, num_frames=4, seed=1)
    a = impl.animate(spec, kf).frames
    b = impl.animate(spec.model_copy(update={"seed": 2}), kf).frames
    assert not np.array_equal(a, b)


def test_not_a_pipeline_folder_is_e211(tmp_path, tiny):
    impl = AnimateDiffMotion(weights_path=str(tmp_path), adapter_path=tiny["adapter_path"], **FAST)
    with pytest.raises(TTVError) as err:
        impl.animate(sample_spec(), Keyframe(image=np.zeros((48, 64, 3), np.uint8)))
    assert err.value.code == "TTV-E211"
