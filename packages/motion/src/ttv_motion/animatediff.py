"""The ``animatediff`` motion generator: AnimateDiff through diffusers, from local weights.

Needs ``ttv-motion[diffusers]``; ``torch`` and ``diffusers`` are imported on first use only.

What it does, honestly:

- ``mode = "video2video"`` (default): image-to-video from the keyframe. diffusers has no
  AnimateDiff pipeline that conditions on a single image, so the keyframe is first moved
  with this package's ``camera`` generator (the shot's own directives) into an init video,
  which ``AnimateDiffVideoToVideoPipeline`` re-noises (``strength``) and denoises with the
  motion adapter. Low strength keeps the keyframe's composition; high strength lets the
  model invent more.
- ``mode = "text2video"``: ``AnimateDiffPipeline`` from the prompt alone (the keyframe is
  ignored, apart from its regions).

Weights: ``weights_path`` is a Stable Diffusion 1.5-family folder in diffusers format and
``adapter_path`` a ``MotionAdapter`` folder (``save_pretrained`` layout). Loading runs with
``local_files_only=True``; nothing is downloaded.

Length: AnimateDiff makes short clips (``max_frames``, 16 by default, the length motion
modules are trained on). The clip may therefore be shorter than ``spec.num_frames``; the
extender brings it to the shot's length. It is always at ``spec.fps`` and exactly the spec
size (generated at multiples of 8 within ``min_side``..``max_side``, then resized).
Regions and per-frame tracks (contracts 1.2) are those of the camera init path (AnimateDiff
may move faces a little); ``text2video`` carries the unions only, no tracks.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
from ttv_contracts.errors import E_EXTRA_MISSING, E_OUT_OF_MEMORY, E_WEIGHTS_MISSING, TTVError
from ttv_contracts.v1 import Clip, Keyframe, ModuleInfo, MotionGenerator, Needs, ShotSpec

from . import __version__
from ._options import as_float, as_int, bad_value, reject_unknown
from .camera import CameraMotion, fit_to
from .errors import E_GENERATION_FAILED, E_PIPELINE_LOAD, PACKAGE

NAME = "animatediff"
MODES = ("video2video", "text2video")
DEVICES = ("auto", "cpu", "cuda", "mps")
DTYPES = ("auto", "float32", "float16", "bfloat16")


def generation_size(
    width: int, height: int, min_side: int, max_side: int, multiple: int = 8
) -> tuple[int, int]:
    """The spec's aspect ratio scaled into ``min_side``..``max_side``, multiples of 8."""
    scale = 1.0
    if min(width, height) < min_side:
        scale = min_side / min(width, height)
    if max(width, height) * scale > max_side:
        scale = max_side / max(width, height)

    def snap(v: float) -> int:
        return max(multiple, round(v / multiple) * multiple)

    return snap(width * scale), snap(height * scale)


def _folder(option: str, raw: Any, what: str) -> Path:
    if raw is None or not isinstance(raw, str | Path) or not str(raw).strip():
        raise TTVError(
            E_WEIGHTS_MISSING, f"motion 'animatediff' needs {option}: {what}", module=PACKAGE
        )
    path = Path(raw).expanduser()
    if not path.exists():
        raise TTVError(
            E_WEIGHTS_MISSING,
            f"motion 'animatediff' {option} {str(path)!r} does not exist",
            module=PACKAGE,
        )
    return path


class AnimateDiffMotion(MotionGenerator):
    """AnimateDiff (diffusers) with a MotionAdapter; image-to-video via video-to-video."""

    info = ModuleInfo(
        slot="motion",
        name=NAME,
        version=__version__,
        package=PACKAGE,
        needs=Needs(gpu=False, weights_path=True, extra="diffusers", min_memory_gb=6.0),
        consumes="ShotSpec (prompt, seed, directives, fps, size) + Keyframe",
        produces="Clip: up to max_frames AnimateDiff frames at spec.fps and size",
        summary=(
            "AnimateDiff through diffusers from local SD + MotionAdapter weights; the "
            "keyframe, camera-moved, is the init video (video-to-video). GPU advised."
        ),
    )

    OPTIONS = frozenset(
        {
            "weights_path",
            "adapter_path",
            "mode",
            "strength",
            "steps",
            "guidance_scale",
            "max_frames",
            "min_side",
            "max_side",
            "device",
            "dtype",
            "camera",
        }
    )

    def __init__(self, **options: Any) -> None:
        reject_unknown(NAME, options, set(self.OPTIONS))
        super().__init__(**options)
        self.weights_path = _folder(
            "weights_path",
            options.get("weights_path"),
            "a Stable Diffusion folder (diffusers format)",
        )
        self.adapter_path = _folder(
            "adapter_path", options.get("adapter_path"), "a MotionAdapter folder (diffusers format)"
        )
        self.mode = options.get("mode", "video2video")
        if self.mode not in MODES:
            raise bad_value(NAME, "mode", self.mode, " or ".join(MODES))
        self.strength = as_float(NAME, "strength", options.get("strength", 0.6), 0.05, 1.0)
        self.steps = as_int(NAME, "steps", options.get("steps", 25), 1, 500)
        self.guidance_scale = as_float(
            NAME, "guidance_scale", options.get("guidance_scale", 7.5), 0.0, 50.0
        )
        self.max_frames = as_int(NAME, "max_frames", options.get("max_frames", 16), 1, 64)
        self.min_side = as_int(NAME, "min_side", options.get("min_side", 256), 8, 4096)
        self.max_side = as_int(NAME, "max_side", options.get("max_side", 512), 8, 4096)
        if self.min_side > self.max_side:
            raise bad_value(NAME, "min_side", self.min_side, f"<= max_side ({self.max_side})")
        self.device = options.get("device", "auto")
        if self.device not in DEVICES:
            raise bad_value(NAME, "device", self.device, f"one of {', '.join(DEVICES)}")
        self.dtype = options.get("dtype", "auto")
        if self.dtype not in DTYPES:
            raise bad_value(NAME, "dtype", self.dtype, f"one of {', '.join(DTYPES)}")
        camera = options.get("camera", {})
        if not isinstance(camera, dict):
            raise bad_value(NAME, "camera", camera, "a table of camera options")
        self.camera = CameraMotion(**camera)  # builds the init video; validates its options
        self._pipe: Any = None
        self._torch: Any = None

    # ------------------------------------------------------------------ loading

    def _load(self) -> Any:
        if self._pipe is not None:
            return self._pipe
        if (
            importlib.util.find_spec("torch") is None
            or importlib.util.find_spec("diffusers") is None
        ):
            raise TTVError(
                E_EXTRA_MISSING,
                "motion 'animatediff' needs torch and diffusers: pip install 'ttv-motion[diffusers]'",
                module=PACKAGE,
            )
        try:
            import torch
            from diffusers import (
                AnimateDiffPipeline,
                AnimateDiffVideoToVideoPipeline,
                MotionAdapter,
            )
        except ImportError as exc:
            raise TTVError(
                E_EXTRA_MISSING,
                f"motion 'animatediff' could not import its extra ({exc}); "
                "pip install 'ttv-motion[diffusers]'",
                module=PACKAGE,
            ) from exc
        device = self._device(torch)
        dtype = (
            torch.float16
            if self.dtype == "auto" and device == "cuda"
            else (torch.float32 if self.dtype == "auto" else getattr(torch, self.dtype))
        )
        extra = {} if dtype == torch.float32 else {"torch_dtype": dtype}
        cls = AnimateDiffVideoToVideoPipeline if self.mode == "video2video" else AnimateDiffPipeline
        for folder, what in (
            (self.weights_path, "weights_path"),
            (self.adapter_path, "adapter_path"),
        ):
            if not folder.is_dir():
                raise TTVError(
                    E_PIPELINE_LOAD, f"{what} {str(folder)!r} must be a folder", module=PACKAGE
                )
        try:
            adapter = MotionAdapter.from_pretrained(
                self.adapter_path, local_files_only=True, **extra
            )
            pipe = cls.from_pretrained(
                self.weights_path, motion_adapter=adapter, local_files_only=True, **extra
            )
        except Exception as exc:
            raise TTVError(
                E_PIPELINE_LOAD,
                f"could not load AnimateDiff from {str(self.weights_path)!r} with adapter "
                f"{str(self.adapter_path)!r}: {exc}",
                module=PACKAGE,
            ) from exc
        pipe = pipe.to(device)
        pipe.set_progress_bar_config(disable=True)
        self._pipe, self._torch = pipe, torch
        return pipe

    def _device(self, torch: Any) -> str:
        if self.device != "auto":
            return self.device
        if torch.cuda.is_available():
            return "cuda"
        mps = getattr(torch.backends, "mps", None)
        return "mps" if mps is not None and mps.is_available() else "cpu"

    # ------------------------------------------------------------------ animate

    def _animate(self, spec: ShotSpec, keyframe: Keyframe) -> Clip:
        pipe = self._load()
        torch = self._torch
        from PIL import Image

        n = min(spec.num_frames, self.max_frames)
        if n < spec.num_frames:
            self.note(
                f"AnimateDiff made {n} of {spec.num_frames} frames; the extender fills the rest"
            )
        gw, gh = generation_size(spec.width, spec.height, self.min_side, self.max_side)
        # The init video is the camera move the shot asks for, over n frames, at spec size.
        image, regions = self.camera.fitted(keyframe, spec.width, spec.height)
        short = spec.model_copy(update={"num_frames": n})
        init, regions, tracks = self.camera.render(image, regions, self.camera.path_for(short), n)
        for message in self.camera.drain_notes():
            self.note(message)
        kwargs: dict[str, Any] = {
            "prompt": spec.prompt,
            "negative_prompt": spec.negative_prompt or None,
            "width": gw,
            "height": gh,
            "num_inference_steps": self.steps,
            "guidance_scale": self.guidance_scale,
            "generator": torch.Generator(device="cpu").manual_seed(spec.seed),
            "output_type": "np",
        }
        if self.mode == "video2video":
            kwargs["video"] = [Image.fromarray(fit_to(f, gw, gh)[0]) for f in init]
            kwargs["strength"] = self.strength
        else:
            kwargs["num_frames"] = n
        try:
            out = pipe(**kwargs)
        except torch.cuda.OutOfMemoryError as exc:
            raise TTVError(
                E_OUT_OF_MEMORY,
                f"AnimateDiff ran out of GPU memory for {n} frames at {gw}x{gh}: lower "
                "max_frames or max_side, or use float16",
                module=PACKAGE,
            ) from exc
        except Exception as exc:
            raise TTVError(
                E_GENERATION_FAILED, f"AnimateDiff generation failed: {exc}", module=PACKAGE
            ) from exc
        video = np.asarray(out.frames)
        if video.ndim == 5:
            video = video[0]
        if (
            video.ndim != 4
            or video.shape[-1] != 3
            or video.shape[0] < 1
            or not np.all(np.isfinite(video))
        ):
            raise TTVError(
                E_GENERATION_FAILED,
                f"AnimateDiff returned unusable frames (shape {video.shape})",
                module=PACKAGE,
            )
        video = np.clip(video * 255.0 + 0.5, 0, 255).astype(np.uint8)
        frames = np.stack([fit_to(f, spec.width, spec.height)[0] for f in video])
        if self.mode != "video2video" or len(tracks) != len(frames):
            tracks = ()  # text2video ignores the keyframe: its faces are not where the init's are
        return Clip(frames=frames, fps=spec.fps, regions=regions, tracks=tracks)
