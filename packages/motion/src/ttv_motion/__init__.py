"""TTV motion slot: ShotSpec + Keyframe -> Clip.

Implementations (entry points in group ``ttv.motion``):

- ``camera`` (:class:`CameraMotion`): pan, tilt, zoom, dolly and parallax moves on the
  keyframe with OpenCV; the CPU default.
- ``animatediff`` (:class:`AnimateDiffMotion`): AnimateDiff through diffusers from local
  weights; needs ``ttv-motion[diffusers]``. Importing this package never imports torch.
"""

from ttv_contracts import version_of

__version__ = version_of("ttv-motion")  # pyproject.toml is the one source

from .animatediff import AnimateDiffMotion
from .camera import CameraMotion, CameraPath

__all__ = ["AnimateDiffMotion", "CameraMotion", "CameraPath", "__version__"]
