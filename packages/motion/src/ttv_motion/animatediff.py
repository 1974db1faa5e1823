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
from typing import Any, Literal

import numpy as np
from pydantic import Field, StrictFloat, StrictInt, model_validator
from ttv_contracts.errors import E_EXTRA_MISSING, E_OUT_OF_MEMORY, E_WEIGHTS_MISSING, TTVError
from ttv_contracts.v1 import (
    Clip,
    ImplementationOptions,
    Keyframe,
    ModuleInfo,
    MotionGenerator,
    Needs,
    ShotSpec,
)

from . import __version__
from .camera import CameraMotion, CameraOptions, fit_to
from .errors import E_GENERATION_FAILED, E_OPTION_INVALID, E_PIPELINE_LOAD, PACKAGE

NAME = "animatediff"


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


class AnimateDiffOptions(ImplementationOptions):
    """Options of motion ``animatediff``."""

    weights_path: str | Path | None = Field(
        None,
        description="Required: a local Stable Diffusion folder (diffusers format, SD 1.5 "
        "family); missing is TTV-E020.",
    )
    adapter_path: str | Path | None = Field(
        None,
        description="Required: a local MotionAdapter folder (diffusers format); missing is "
        "TTV-E020.",
    )
    mode: Literal["video2video", "text2video"] = Field(
        "video2video",
        description="video2video moves the keyframe with the camera generator and denoises "
        "it; text2video generates from the prompt only.",
    )
    strength: StrictFloat = Field(
        0.6, ge=0.05, le=1.0, description="How far video2video departs from the init video."
    )
    steps: StrictInt = Field(25, ge=1, le=500, description="Denoising steps.")
    guidance_scale: StrictFloat = Field(
        7.5, ge=0.0, le=50.0, description="Classifier-free guidance scale."
    )
    max_frames: StrictInt = Field(
        16, ge=1, le=64, description="Frames generated at most; the extender fits the shot."
    )
    min_side: StrictInt = Field(
        256, ge=8, le=4096, description="Short side generated at least (then resized)."
    )
    max_side: StrictInt = Field(
        512, ge=8, le=4096, description="Long side generated at most (then resized)."
    )
    device: Literal["auto", "cpu", "cuda", "mps"] = Field(
        "auto", description="Torch device; auto picks CUDA, then MPS, then the CPU."
    )
    dtype: Literal["auto", "float32", "float16", "bfloat16"] = Field(
        "auto", description="Torch dtype; auto is float16 on CUDA, float32 elsewhere."
    )
    camera: CameraOptions = Field(
        default_factory=CameraOptions,
        description="Options of the camera generator that makes the video2video init video.",
    )

    @model_validator(mode="after")
    def _sides(self) -> AnimateDiffOptions:
        if self.min_side > self.max_side:
            raise ValueError(f"min_side ({self.min_side}) must be <= max_side ({self.max_side})")
        return self


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

    Options = AnimateDiffOptions
    option_error = E_OPTION_INVALID.code

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        opts = self.opts
        self.weights_path = _folder(
            "weights_path", opts.weights_path, "a Stable Diffusion folder (diffusers format)"
        )
        self.adapter_path = _folder(
            "adapter_path", opts.adapter_path, "a MotionAdapter folder (diffusers format)"
        )
        self.mode: str = opts.mode
        self.strength: float = opts.strength
        self.steps: int = opts.steps
        self.guidance_scale: float = opts.guidance_scale
        self.max_frames: int = opts.max_frames
        self.min_side: int = opts.min_side
        self.max_side: int = opts.max_side
        self.device: str = opts.device
        self.dtype: str = opts.dtype
        # builds the init video; its options were validated as part of this model
        self.camera = CameraMotion(**opts.camera.model_dump(exclude_unset=True))
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
