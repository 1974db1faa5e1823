"""Tiny, randomly initialised super-resolution networks of architectures spandrel supports.

Built with the architectures' own classes (as shipped inside spandrel) and saved as plain
state dicts, so the backend's real loading path (spandrel's ModelLoader and architecture
detection) is what the tests exercise. Nothing is downloaded.
"""

from __future__ import annotations

from pathlib import Path


def save_compact(
    path: Path, *, scale: int = 2, num_feat: int = 8, num_conv: int = 2, seed: int = 0
) -> Path:
    """Real-ESRGAN's SRVGGNetCompact (the realesr-general-x4v3 family), tiny."""
    import torch
    from spandrel.architectures.Compact import Compact

    torch.manual_seed(seed)
    net = Compact(num_in_ch=3, num_out_ch=3, num_feat=num_feat, num_conv=num_conv, upscale=scale)
    torch.save(net.state_dict(), path)
    return path


def save_rrdb(
    path: Path, *, scale: int = 4, num_filters: int = 8, num_blocks: int = 1, seed: int = 0
) -> Path:
    """Real-ESRGAN's RRDBNet (the RealESRGAN_x4plus family), tiny."""
    import torch
    from spandrel.architectures.ESRGAN import ESRGAN

    torch.manual_seed(seed)
    net = ESRGAN(in_nc=3, out_nc=3, num_filters=num_filters, num_blocks=num_blocks, scale=scale)
    torch.save(net.state_dict(), path)
    return path
