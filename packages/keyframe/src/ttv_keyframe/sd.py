"""The ``diffusers`` keyframe renderer: Stable Diffusion text-to-image from local weights.

Needs the ``ttv-keyframe[diffusers]`` extra. ``torch`` and ``diffusers`` are imported only
when the first frame is rendered (never at import, never in ``__init__``), so the package's
default install and its entry-point discovery stay light.

Weights come from ``weights_path``: a folder written by ``StableDiffusionPipeline
.save_pretrained`` (``model_index.json`` plus component folders). Nothing is downloaded:
loading runs with ``local_files_only=True``. LoRA adapters (``loras``) are loaded from local
files or folders with diffusers' ``load_lora_weights`` (needs peft).

Size: SD works on multiples of 8 pixels, and each checkpoint has a native resolution, so the
image is generated at the spec's aspect ratio scaled into ``min_side``..``max_side`` and
rounded to multiples of 8, then resized (OpenCV, area or cubic) to the exact spec size.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, StrictBool, StrictFloat, StrictInt, model_validator
from ttv_contracts.errors import (
    E_EXTRA_MISSING,
    E_OUT_OF_MEMORY,
    E_WEIGHTS_MISSING,
    TTVError,
)
from ttv_contracts.v1 import (
    ImplementationOptions,
    Keyframe,
    KeyframeRenderer,
    ModuleInfo,
    Needs,
    Region,
    ShotSpec,
)

from . import __version__
from .errors import E_GENERATION_FAILED, E_LORA_LOAD, E_OPTION_INVALID, E_PIPELINE_LOAD, PACKAGE

NAME = "diffusers"


def generation_size(
    width: int, height: int, min_side: int, max_side: int, multiple: int = 8
) -> tuple[int, int]:
    """(w, h) to generate at: the spec's aspect ratio, shorter side >= ``min_side`` unless
    that pushes the longer side past ``max_side``, both rounded to ``multiple``."""
    scale = 1.0
    if min(width, height) < min_side:
        scale = min_side / min(width, height)
    if max(width, height) * scale > max_side:
        scale = max_side / max(width, height)

    def snap(v: float) -> int:
        return max(multiple, round(v / multiple) * multiple)

    return snap(width * scale), snap(height * scale)


def resize_exact(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Resize an RGB uint8 image to exactly ``width`` x ``height`` (area down, cubic up)."""
    import cv2

    h, w = image.shape[:2]
    if (w, h) == (width, height):
        return image
    interp = cv2.INTER_AREA if width * height < w * h else cv2.INTER_CUBIC
    return cv2.resize(image, (width, height), interpolation=interp)


def label_faces(
    boxes: Sequence[tuple[int, int, int, int]], character_ids: Sequence[str]
) -> tuple[Region, ...]:
    """Detected face boxes -> regions. Faces are matched to characters left to right (a
    heuristic: SD does not tell where it drew whom); extra faces are left unlabelled."""
    ordered = sorted(boxes, key=lambda b: (b[0], b[1]))
    regions = []
    for i, (x, y, w, h) in enumerate(ordered):
        label = character_ids[i] if i < len(character_ids) else ""
        regions.append(Region(x=int(x), y=int(y), w=int(w), h=int(h), label=label, kind="face"))
    return tuple(regions)


def detect_faces(image: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Frontal faces with OpenCV's bundled Haar cascade (no download)."""
    import cv2

    if not hasattr(cv2, "CascadeClassifier") or not hasattr(cv2, "data"):
        return []  # OpenCV builds without the Haar cascade module (e.g. OpenCV 5)
    path = Path(cv2.data.haarcascades) / "haarcascade_frontalface_default.xml"
    if not path.is_file():
        return []
    cascade = cv2.CascadeClassifier(str(path))
    if cascade.empty():
        return []
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    side = min(gray.shape)
    min_size = max(16, side // 12)
    if side < min_size:
        return []
    found = cascade.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5, minSize=(min_size,) * 2)
    return [tuple(int(v) for v in box) for box in (found if len(found) else [])]


class LoraRef(ImplementationOptions):
    """One LoRA adapter with its weight (a TOML table ``{path = "...", weight = 0.8}``)."""

    path: str | Path = Field(description="A LoRA adapter file (.safetensors).")
    weight: StrictFloat = Field(1.0, ge=-4.0, le=4.0, description="Adapter weight.")


class DiffusersKeyframeOptions(ImplementationOptions):
    """Options of keyframe ``diffusers``."""

    weights_path: str | Path | None = Field(
        None,
        description="Required: a local Stable Diffusion folder (diffusers format, with "
        "model_index.json); missing is TTV-E020.",
    )
    loras: tuple[str | Path | LoraRef, ...] = Field(
        (), description="LoRA adapters: paths, or {path, weight} tables."
    )
    steps: StrictInt = Field(25, ge=1, le=500, description="Denoising steps.")
    guidance_scale: StrictFloat = Field(
        7.0, ge=0.0, le=50.0, description="Classifier-free guidance scale."
    )
    device: Literal["auto", "cpu", "cuda", "mps"] = Field(
        "auto", description="Torch device; auto picks CUDA, then MPS, then the CPU."
    )
    dtype: Literal["auto", "float32", "float16", "bfloat16"] = Field(
        "auto", description="Torch dtype; auto is float16 on CUDA, float32 elsewhere."
    )
    min_side: StrictInt = Field(
        384, ge=8, le=4096, description="Short side generated at least (then resized)."
    )
    max_side: StrictInt = Field(
        1024, ge=8, le=4096, description="Long side generated at most (then resized)."
    )
    prompt_suffix: str = Field("", description="Text appended to every prompt.")
    detect_faces: StrictBool = Field(
        True, description="Find faces with OpenCV's Haar cascade to report face regions."
    )

    @model_validator(mode="after")
    def _sides(self) -> DiffusersKeyframeOptions:
        if self.min_side > self.max_side:
            raise ValueError(f"min_side ({self.min_side}) must be <= max_side ({self.max_side})")
        return self


_WEATHER_PHRASE = {
    "clear": "clear sky",
    "cloudy": "overcast, cloudy sky",
    "rain": "rain, wet, rain streaks",
    "storm": "stormy sky, heavy rain, lightning, rough sea",
    "snow": "snowing, snow-covered",
    "fog": "thick fog, misty",
    "wind": "windy, wind-swept",
}
_TIME_PHRASE = {
    "dawn": "at dawn, sunrise light",
    "day": "daytime, daylight",
    "dusk": "at dusk, sunset light",
    "night": "at night, dark, moonlight",
}


def build_prompt(spec: ShotSpec, suffix: str = "") -> str:
    """The spec's prompt with its scene attributes (time of day, weather, inside or out, key
    objects; contracts 1.1) as short phrases after the prompt's first clause (the setting),
    skipping words the prompt already has, then ``suffix``. CLIP reads 77 tokens, so the
    attributes go early, not after the narration. ``unknown`` attributes add nothing."""
    head, _, tail = spec.prompt.partition(", ")
    parts = [head]
    have = spec.prompt.lower()
    time = getattr(spec, "time_of_day", "unknown")
    weather = getattr(spec, "weather", "unknown")
    inout = getattr(spec, "indoor_outdoor", "unknown")
    if time in _TIME_PHRASE and time not in have:
        parts.append(_TIME_PHRASE[time])
    if weather in _WEATHER_PHRASE and weather not in have:
        parts.append(_WEATHER_PHRASE[weather])
    if inout == "indoor":
        parts.append("interior, indoors")
    elif inout == "outdoor":
        parts.append("outdoors")
    objects = [o for o in getattr(spec, "objects", ()) if o and o.lower() not in have]
    if objects:
        parts.append(", ".join(objects[:6]))
    if tail:
        parts.append(tail)
    if suffix:
        parts.append(suffix)
    return ", ".join(parts)


class DiffusersKeyframe(KeyframeRenderer):
    """Stable Diffusion text-to-image (diffusers ``StableDiffusionPipeline``), local weights."""

    info = ModuleInfo(
        slot="keyframe",
        name=NAME,
        version=__version__,
        package=PACKAGE,
        needs=Needs(gpu=False, weights_path=True, extra="diffusers", min_memory_gb=4.0),
        consumes="ShotSpec (prompt, scene attributes, negative prompt, seed, size)",
        produces="Keyframe: Stable Diffusion image at the spec size (+ detected faces)",
        summary=(
            "Stable Diffusion text-to-image through diffusers, from a local weights folder "
            "with optional LoRA adapters; a GPU is strongly advised."
        ),
    )

    Options = DiffusersKeyframeOptions
    option_error = E_OPTION_INVALID.code

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        opts = self.opts
        raw = opts.weights_path
        if raw is None or not str(raw).strip():
            raise TTVError(
                E_WEIGHTS_MISSING,
                "keyframe 'diffusers' needs weights_path: a local Stable Diffusion folder "
                "(diffusers format, with model_index.json)",
                module=PACKAGE,
            )
        self.weights_path = Path(raw).expanduser()
        if not self.weights_path.exists():
            raise TTVError(
                E_WEIGHTS_MISSING,
                f"keyframe 'diffusers' weights_path {str(self.weights_path)!r} does not exist",
                module=PACKAGE,
            )
        self.loras: tuple[tuple[Path, float], ...] = tuple(
            (Path(item.path).expanduser(), item.weight)
            if isinstance(item, LoraRef)
            else (Path(item).expanduser(), 1.0)
            for item in opts.loras
        )
        for path, _ in self.loras:
            if not path.exists():
                raise TTVError(
                    E_WEIGHTS_MISSING, f"LoRA adapter {str(path)!r} does not exist", module=PACKAGE
                )
        self.steps: int = opts.steps
        self.guidance_scale: float = opts.guidance_scale
        self.device: str = opts.device
        self.dtype: str = opts.dtype
        self.min_side: int = opts.min_side
        self.max_side: int = opts.max_side
        self.prompt_suffix: str = opts.prompt_suffix
        self.detect_faces: bool = opts.detect_faces
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
                "keyframe 'diffusers' needs torch and diffusers: pip install 'ttv-keyframe[diffusers]'",
                module=PACKAGE,
            )
        try:
            import torch
            from diffusers import StableDiffusionPipeline
        except ImportError as exc:
            raise TTVError(
                E_EXTRA_MISSING,
                f"keyframe 'diffusers' could not import its extra ({exc}); "
                "pip install 'ttv-keyframe[diffusers]'",
                module=PACKAGE,
            ) from exc
        if not (self.weights_path / "model_index.json").is_file():
            raise TTVError(
                E_PIPELINE_LOAD,
                f"{str(self.weights_path)!r} is not a diffusers pipeline folder "
                "(no model_index.json); single-file checkpoints must be converted first",
                module=PACKAGE,
            )
        device = self._device(torch)
        dtype = self._dtype(torch, device)
        try:
            # float32 is the default; only name another dtype (the keyword was renamed
            # from torch_dtype to dtype in recent diffusers, both still accepted).
            extra = {} if dtype == torch.float32 else {"torch_dtype": dtype}
            pipe = StableDiffusionPipeline.from_pretrained(
                self.weights_path,
                **extra,
                local_files_only=True,
                safety_checker=None,
                requires_safety_checker=False,
            )
        except Exception as exc:  # diffusers raises OSError, ValueError, EnvironmentError...
            raise TTVError(
                E_PIPELINE_LOAD,
                f"could not load Stable Diffusion from {str(self.weights_path)!r}: {exc}",
                module=PACKAGE,
            ) from exc
        if self.loras:
            names = []
            for i, (path, _) in enumerate(self.loras):
                name = f"lora{i}"
                try:
                    if path.is_file():
                        pipe.load_lora_weights(
                            str(path.parent), weight_name=path.name, adapter_name=name
                        )
                    else:
                        pipe.load_lora_weights(str(path), adapter_name=name)
                except Exception as exc:
                    raise TTVError(
                        E_LORA_LOAD, f"could not load LoRA {str(path)!r}: {exc}", module=PACKAGE
                    ) from exc
                names.append(name)
            pipe.set_adapters(names, adapter_weights=[w for _, w in self.loras])
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
        if mps is not None and mps.is_available():
            return "mps"
        return "cpu"

    def _dtype(self, torch: Any, device: str) -> Any:
        if self.dtype == "auto":
            return torch.float16 if device == "cuda" else torch.float32
        return getattr(torch, self.dtype)

    # ------------------------------------------------------------------ render

    def _render(self, spec: ShotSpec) -> Keyframe:
        pipe = self._load()
        torch = self._torch
        gw, gh = generation_size(spec.width, spec.height, self.min_side, self.max_side)
        prompt = build_prompt(spec, self.prompt_suffix)
        generator = torch.Generator(device="cpu").manual_seed(spec.seed)
        try:
            out = pipe(
                prompt=prompt,
                negative_prompt=spec.negative_prompt or None,
                width=gw,
                height=gh,
                num_inference_steps=self.steps,
                guidance_scale=self.guidance_scale,
                generator=generator,
                output_type="np",
            )
        except torch.cuda.OutOfMemoryError as exc:
            raise TTVError(
                E_OUT_OF_MEMORY,
                f"Stable Diffusion ran out of GPU memory at {gw}x{gh}: lower max_side or use float16",
                module=PACKAGE,
            ) from exc
        except Exception as exc:
            raise TTVError(
                E_GENERATION_FAILED, f"Stable Diffusion generation failed: {exc}", module=PACKAGE
            ) from exc
        images = np.asarray(out.images)
        if images.ndim != 4 or images.shape[-1] != 3 or not np.all(np.isfinite(images)):
            raise TTVError(
                E_GENERATION_FAILED,
                f"Stable Diffusion returned an unusable image (shape {images.shape}, "
                "non-finite values or wrong channels)",
                module=PACKAGE,
            )
        image = np.clip(images[0] * 255.0 + 0.5, 0, 255).astype(np.uint8)
        image = np.ascontiguousarray(resize_exact(image, spec.width, spec.height))
        regions: tuple[Region, ...] = ()
        if self.detect_faces:
            regions = label_faces(detect_faces(image), [c.id for c in spec.characters])
            if spec.characters and not regions:
                self.note("no face detected in the generated keyframe: no regions for lip-sync")
        return Keyframe(image=image, regions=regions)
