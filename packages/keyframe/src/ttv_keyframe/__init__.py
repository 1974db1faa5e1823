"""TTV keyframe slot: ShotSpec -> Keyframe.

Implementations (entry points in group ``ttv.keyframe``):

- ``animatic`` (:class:`AnimaticKeyframe`): storyboard frame drawn on the CPU; the default.
- ``diffusers`` (:class:`DiffusersKeyframe`): Stable Diffusion from a local weights folder;
  needs ``ttv-keyframe[diffusers]``. Importing this package never imports torch.
"""

from ttv_contracts import version_of

__version__ = version_of("ttv-keyframe")  # pyproject.toml is the one source

from .animatic import AnimaticKeyframe
from .sd import DiffusersKeyframe

__all__ = ["AnimaticKeyframe", "DiffusersKeyframe", "__version__"]
