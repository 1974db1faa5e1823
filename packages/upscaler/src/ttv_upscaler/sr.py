"""``spandrel``: super-resolution models (Real-ESRGAN and others) from a local weights file.

Install with ``pip install 'ttv-upscaler[spandrel]'``. The model is loaded through spandrel's
``ModelLoader`` (architecture detected from the weights; ``.pth`` files go through its
restricted unpickler, ``.safetensors`` through safetensors), run tile by tile with an overlap
so memory stays bounded whatever the frame size, then the result is resized to fit the exact
output size and letterboxed, like ``lanczos``. torch and spandrel are imported only here, and
only when the backend is used.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from pydantic import Field, StrictBool, StrictFloat, StrictInt, field_validator
from ttv_contracts.errors import (
    E_EXTRA_MISSING,
    E_OUT_OF_MEMORY,
    E_WEIGHTS_MISSING,
    TTVError,
)
from ttv_contracts.v1 import ImplementationOptions, ModuleInfo, Needs, Upscaler

from ._geometry import Canvas, HexColor, hex_rgb, unsharp
from .errors import E_MODEL_FAILED, E_MODEL_UNSUPPORTED, PACKAGE
from .lanczos import __version__

_SUFFIXES = {".pth", ".pt", ".ckpt", ".safetensors"}


def tile_spans(length: int, tile: int) -> list[tuple[int, int]]:
    """Cover ``0..length`` with consecutive spans of at most ``tile``."""
    return [(start, min(start + tile, length)) for start in range(0, length, tile)]


class SpandrelUpscaler(Upscaler):
    """Super-resolution through spandrel, tiled, then fitted and letterboxed to the output size.

    Options: ``weights_path`` (required: a local ``.pth``/``.safetensors`` file of a model
    spandrel supports, e.g. RealESRGAN_x4plus or realesr-general-x4v3), ``tile`` (input
    pixels per tile side, default 256; 0 runs whole frames), ``tile_overlap`` (input pixels of
    context around each tile, default 16), ``device`` (``auto``, ``cpu``, ``cuda``...),
    ``half`` (fp16 on CUDA when the model supports it), ``background`` (letterbox colour),
    ``sharpen`` (unsharp amount after the final resize; default 0, models sharpen already).
    """

    info = ModuleInfo(
        slot="upscaler",
        name="spandrel",
        version=__version__,
        package=PACKAGE,
        needs=Needs(weights_path=True, extra="spandrel"),
        consumes="frame stream",
        produces="frame stream @ output size (aspect kept, letterboxed)",
        summary="Super-resolution models (Real-ESRGAN etc.) via spandrel, tiled; local weights.",
    )

    class Options(ImplementationOptions):
        weights_path: str | Path | None = Field(
            None,
            description="Required: a local .pth/.safetensors file of a model spandrel "
            "supports (e.g. RealESRGAN_x4plus); missing is TTV-E020.",
        )
        tile: StrictInt = Field(
            256, ge=0, le=8192, description="Input pixels per tile side; 0 runs whole frames."
        )
        tile_overlap: StrictInt = Field(
            16, ge=0, le=512, description="Input pixels of context around each tile."
        )
        device: str = Field(
            "auto",
            min_length=1,
            description="Torch device: auto (CUDA when available), cpu, cuda, cuda:1...",
        )
        half: StrictBool = Field(False, description="fp16 on CUDA when the model supports it.")
        background: HexColor = Field("#000000", description="Letterbox colour, #rrggbb.")
        sharpen: StrictFloat = Field(
            0.0,
            ge=0.0,
            le=3.0,
            description="Unsharp amount after the final resize (models sharpen already).",
        )

        @field_validator("tile")
        @classmethod
        def _tile(cls, value: int) -> int:
            if 0 < value < 8:
                raise ValueError("tile must be 0 or >= 8")
            return value

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        opts = self.opts
        self.tile: int = opts.tile
        self.tile_overlap: int = opts.tile_overlap
        self.sharpen: float = opts.sharpen
        self.background = hex_rgb(opts.background)
        self.half: bool = opts.half
        self.device_name: str = opts.device
        raw = opts.weights_path
        if raw is None or raw == "":
            raise TTVError(
                E_WEIGHTS_MISSING,
                "upscaler 'spandrel' needs weights_path: a local super-resolution model file",
                module=PACKAGE,
                hint="Set [upscaler.options] weights_path to e.g. RealESRGAN_x4plus.pth.",
            )
        path = Path(str(raw)).expanduser()
        if not path.is_file():
            raise TTVError(
                E_WEIGHTS_MISSING,
                f"upscaler weights not found or not a file: {path}",
                module=PACKAGE,
            )
        if path.suffix.lower() not in _SUFFIXES:
            raise TTVError(
                E_MODEL_UNSUPPORTED,
                f"{path.name}: weights must be one of {', '.join(sorted(_SUFFIXES))}",
                module=PACKAGE,
            )
        missing = [m for m in ("torch", "spandrel") if importlib.util.find_spec(m) is None]
        if missing:
            raise TTVError(
                E_EXTRA_MISSING,
                f"upscaler 'spandrel' needs {' and '.join(missing)}",
                module=PACKAGE,
                hint="Install it with: pip install 'ttv-upscaler[spandrel]'",
            )
        self.weights_path = path
        self._model: Any = None
        self._torch: Any = None
        self._dtype: Any = None

    # -- model -----------------------------------------------------------------------------
    def _load(self) -> Any:
        if self._model is not None:
            return self._model
        try:
            import spandrel
            import torch
        except ImportError as exc:  # find_spec passed but import failed (broken install)
            raise TTVError(
                E_EXTRA_MISSING, f"cannot import the spandrel extra: {exc}", module=PACKAGE
            ) from exc
        device = self.device_name
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        try:
            descriptor = spandrel.ModelLoader(device=device).load_from_file(self.weights_path)
        except spandrel.UnsupportedModelError as exc:
            raise TTVError(
                E_MODEL_UNSUPPORTED,
                f"{self.weights_path.name}: spandrel does not recognise the architecture",
                module=PACKAGE,
            ) from exc
        except Exception as exc:  # corrupt file, wrong format, unpickling refused...
            raise TTVError(
                E_MODEL_UNSUPPORTED,
                f"{self.weights_path.name}: cannot load weights ({type(exc).__name__}: {exc})",
                module=PACKAGE,
            ) from exc
        if not isinstance(descriptor, spandrel.ImageModelDescriptor):
            raise TTVError(
                E_MODEL_UNSUPPORTED,
                f"{self.weights_path.name}: {descriptor.architecture.name} is not a "
                "single-image model",
                module=PACKAGE,
            )
        if descriptor.input_channels != 3 or descriptor.output_channels != 3:
            raise TTVError(
                E_MODEL_UNSUPPORTED,
                f"{self.weights_path.name}: model maps {descriptor.input_channels} to "
                f"{descriptor.output_channels} channels; RGB (3 to 3) is needed",
                module=PACKAGE,
            )
        dtype = torch.float32
        if self.half and device.startswith("cuda") and descriptor.supports_half:
            dtype = torch.float16
        descriptor.to(dtype).eval()
        self._torch, self._dtype, self._device = torch, dtype, device
        self._model = descriptor
        self.note(f"spandrel model {descriptor.architecture.name} x{descriptor.scale} on {device}")
        return descriptor

    @property
    def scale(self) -> int:
        return int(self._load().scale)

    def super_resolve(self, frame: np.ndarray) -> np.ndarray:
        """``frame`` (uint8 RGB) through the model, tile by tile: uint8 RGB, ``scale`` x larger."""
        model = self._load()
        torch = self._torch
        s = int(model.scale)
        h, w = frame.shape[:2]
        tile = self.tile if self.tile > 0 else max(h, w)
        pad = self.tile_overlap
        out = np.empty((h * s, w * s, 3), np.uint8)
        try:
            with torch.inference_mode():
                for y0, y1 in tile_spans(h, tile):
                    for x0, x1 in tile_spans(w, tile):
                        # the tile plus context on every side, clamped to the frame
                        cy0, cy1 = max(0, y0 - pad), min(h, y1 + pad)
                        cx0, cx1 = max(0, x0 - pad), min(w, x1 + pad)
                        patch = np.ascontiguousarray(frame[cy0:cy1, cx0:cx1])
                        t = torch.from_numpy(patch).to(self._device).permute(2, 0, 1)
                        t = t.unsqueeze(0).to(self._dtype).div_(255.0)
                        y = model(t)[0].float().clamp_(0, 1).mul_(255.0).round_()
                        res = y.permute(1, 2, 0).to("cpu", torch.uint8).numpy()
                        oy, ox = (y0 - cy0) * s, (x0 - cx0) * s
                        out[y0 * s : y1 * s, x0 * s : x1 * s] = res[
                            oy : oy + (y1 - y0) * s, ox : ox + (x1 - x0) * s
                        ]
        except TTVError:
            raise
        except Exception as exc:
            oom = "out of memory" in str(exc).lower() or type(exc).__name__ == "OutOfMemoryError"
            if oom:
                raise TTVError(
                    E_OUT_OF_MEMORY,
                    f"super-resolution ran out of memory on a {tile}px tile",
                    module=PACKAGE,
                    hint="Lower the upscaler's tile option (e.g. 128).",
                ) from exc
            raise TTVError(
                E_MODEL_FAILED, f"model failed on a {w}x{h} frame: {exc}", module=PACKAGE
            ) from exc
        return out

    # -- slot ------------------------------------------------------------------------------
    def _upscale(
        self, frames: Iterator[np.ndarray], width: int, height: int
    ) -> Iterator[np.ndarray]:
        canvas: Canvas | None = None
        for frame in frames:
            if canvas is None:
                canvas = Canvas(frame.shape[1], frame.shape[0], width, height, self.background)
                if canvas.w <= frame.shape[1] and canvas.h <= frame.shape[0]:
                    self.note("output is not larger than the input: model skipped, area resize")
            sh, sw = frame.shape[:2]
            if (sw, sh) == (canvas.w, canvas.h):
                content = frame
            elif canvas.w <= sw and canvas.h <= sh:
                content = cv2.resize(frame, (canvas.w, canvas.h), interpolation=cv2.INTER_AREA)
            else:
                big = self.super_resolve(frame)
                bh, bw = big.shape[:2]
                if (bw, bh) == (canvas.w, canvas.h):
                    content = big
                elif bw >= canvas.w and bh >= canvas.h:
                    content = cv2.resize(big, (canvas.w, canvas.h), interpolation=cv2.INTER_AREA)
                else:  # model scale smaller than needed: finish with Lanczos
                    content = cv2.resize(
                        big, (canvas.w, canvas.h), interpolation=cv2.INTER_LANCZOS4
                    )
                content = unsharp(content, self.sharpen, 1.0)
            yield canvas.place(content)
