"""Tiny, randomly initialised diffusers models built offline (no hub access), for tests.

Real diffusers/transformers classes with a few channels each, the way diffusers' own tests
do; the tokenizer is a CLIPTokenizer over an in-memory byte-level vocabulary with no merges.
Shared by the keyframe (Stable Diffusion, LoRA) and motion (AnimateDiff) tests.

torch, diffusers, transformers (and peft for the LoRA) are imported inside each function:
``ttv-contracts`` does not depend on them, and importing this module imports none of them.
Call these only from tests that already did ``pytest.importorskip("diffusers")``; the
packages' ``diffusers`` extras bring the libraries (``nox -s tests-extras``)::

    from ttv_contracts.testing.tiny_sd import save_tiny_sd

    weights = save_tiny_sd(tmp_path)  # a folder StableDiffusionPipeline.from_pretrained reads
"""

from __future__ import annotations

import json
from pathlib import Path


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2/CLIP's reversible byte -> printable-unicode table."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs), strict=True))


def tiny_tokenizer(folder: Path):
    """A CLIPTokenizer over a byte-level vocabulary written to ``folder``; (tokenizer, size)."""
    from transformers import CLIPTokenizer

    vocab: dict[str, int] = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    for ch in _bytes_to_unicode().values():
        vocab.setdefault(ch, len(vocab))
        vocab.setdefault(ch + "</w>", len(vocab))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps(vocab))
    (folder / "merges.txt").write_text("#version: 0.2\n")  # no merges: byte-level tokens
    return CLIPTokenizer(
        str(folder / "vocab.json"), str(folder / "merges.txt"), model_max_length=77
    ), len(vocab)


def tiny_components(folder: Path, block_out_channels=(4, 8)) -> dict:
    """unet, vae, text_encoder, tokenizer, scheduler of a tiny SD 1.x pipeline (seeded)."""
    import torch
    from diffusers import AutoencoderKL, DDIMScheduler, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    torch.manual_seed(0)
    tokenizer, vocab_size = tiny_tokenizer(folder / "tokenizer-src")
    unet = UNet2DConditionModel(
        block_out_channels=block_out_channels,
        layers_per_block=1,
        sample_size=8,
        in_channels=4,
        out_channels=4,
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=8,
        norm_num_groups=2,
        attention_head_dim=2,
    )
    vae = AutoencoderKL(
        block_out_channels=(4, 8),
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 2,
        up_block_types=("UpDecoderBlock2D",) * 2,
        latent_channels=4,
        norm_num_groups=2,
        sample_size=16,
    )
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            bos_token_id=0,
            eos_token_id=1,
            pad_token_id=1,
            hidden_size=8,
            intermediate_size=16,
            num_attention_heads=2,
            num_hidden_layers=2,
            vocab_size=vocab_size,
            layer_norm_eps=1e-5,
            max_position_embeddings=77,
            projection_dim=8,
        )
    )
    scheduler = DDIMScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        clip_sample=False,
        set_alpha_to_one=False,
        steps_offset=1,
    )
    return {
        "unet": unet,
        "vae": vae,
        "text_encoder": text_encoder,
        "tokenizer": tokenizer,
        "scheduler": scheduler,
    }


def save_tiny_sd(folder: Path, block_out_channels=(4, 8)) -> Path:
    """A tiny StableDiffusionPipeline saved with save_pretrained; returns its folder.
    ``block_out_channels``: the UNet's (an AnimateDiff MotionAdapter must match them)."""
    from diffusers import StableDiffusionPipeline

    parts = tiny_components(folder, block_out_channels)
    pipe = StableDiffusionPipeline(
        **parts, safety_checker=None, feature_extractor=None, requires_safety_checker=False
    )
    out = folder / "sd-tiny"
    pipe.save_pretrained(out)
    return out


def save_tiny_lora(folder: Path) -> Path:
    """A random (non-zero) LoRA for the tiny UNet, saved in diffusers' LoRA format."""
    import torch
    from diffusers import StableDiffusionPipeline
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    torch.manual_seed(1)
    unet = tiny_components(folder / "lora-base")["unet"]
    unet.add_adapter(
        LoraConfig(
            r=2,
            lora_alpha=2,
            target_modules=["to_q", "to_k", "to_v", "to_out.0"],
            init_lora_weights=False,  # random B: the adapter visibly changes the output
        )
    )
    out = folder / "lora"
    StableDiffusionPipeline.save_lora_weights(
        save_directory=out,
        unet_lora_layers=get_peft_model_state_dict(unet),
        safe_serialization=True,
    )
    return out


def save_tiny_adapter(folder: Path, block_out_channels=(8, 8)) -> Path:
    """A tiny MotionAdapter matching the tiny UNet's channels, saved with save_pretrained."""
    import torch
    from diffusers import MotionAdapter

    torch.manual_seed(2)
    adapter = MotionAdapter(
        block_out_channels=block_out_channels,
        motion_layers_per_block=1,
        motion_norm_num_groups=2,
        motion_num_attention_heads=2,
        motion_max_seq_length=32,
    )
    out = folder / "adapter-tiny"
    adapter.save_pretrained(out)
    return out
