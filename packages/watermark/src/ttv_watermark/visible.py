"""Optional visible mark: a text label blended into a corner of every frame (OpenCV)."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

POSITIONS = ("top-left", "top-right", "bottom-left", "bottom-right", "center")


@dataclass(frozen=True)
class VisibleMark:
    text: str
    position: str = "bottom-right"
    opacity: float = 0.6
    scale: float = 0.04  # text height as a fraction of the frame height

    def apply(self, frame: np.ndarray) -> np.ndarray:
        h, w = frame.shape[:2]
        font = cv2.FONT_HERSHEY_SIMPLEX
        px = max(6.0, self.scale * h)
        font_scale = px / 22.0  # Hershey simplex caps are ~22 px at scale 1
        thick = max(1, round(px / 12))
        (tw, th), base = cv2.getTextSize(self.text, font, font_scale, thick)
        margin = max(2, int(0.02 * min(h, w)))
        x = {"left": margin, "right": w - tw - margin}.get(
            self.position.split("-")[-1], (w - tw) // 2
        )
        y = {"top": margin + th, "bottom": h - margin - base}.get(
            self.position.split("-")[0], (h + th) // 2
        )
        # Blend only the text's bounding box (cheap per frame); clip it to the frame.
        x0, y0 = max(0, x - 1), max(0, y - th - 1)
        x1, y1 = min(w, x + tw + 1), min(h, y + base + 1)
        if x1 <= x0 or y1 <= y0:
            return frame
        out = frame.copy()
        roi = out[y0:y1, x0:x1]
        mask = np.zeros(roi.shape[:2], np.uint8)
        cv2.putText(mask, self.text, (x - x0, y - y0), font, font_scale, 255, thick, cv2.LINE_AA)
        shadow = cv2.GaussianBlur(mask, (0, 0), max(0.8, thick / 2))
        a = (mask.astype(np.float32) / 255.0 * self.opacity)[:, :, None]
        s = (shadow.astype(np.float32) / 255.0 * self.opacity * 0.5)[:, :, None]
        blended = roi.astype(np.float32) * (1 - s)  # soft dark halo keeps text legible
        blended = blended * (1 - a) + 255.0 * a
        out[y0:y1, x0:x1] = np.clip(blended + 0.5, 0, 255).astype(np.uint8)
        return out
