"""The run cache's frame codecs: exact round trips, and the codec chosen by content (held
shots as Zstandard frame differences, camera moves as lossless H.264)."""

from __future__ import annotations

import numpy as np
import pytest
from ttv_contracts.v1 import Clip
from ttv_integration.artifacts import (
    SPARSE_DELTA,
    ClipArtifact,
    FramePatch,
    PatchArtifact,
    decode_frames,
    encode_frames,
)

rng = np.random.default_rng(7)


def _held(n: int = 12, h: int = 36, w: int = 64) -> np.ndarray:
    """A held shot: one textured frame, with a small 'mouth' that changes every frame."""
    frames = np.repeat(rng.integers(0, 256, (1, h, w, 3), dtype=np.uint8), n, axis=0)
    frames[:, 20:23, 30:36] = rng.integers(0, 256, (n, 3, 6, 3), dtype=np.uint8)
    return frames


def _pan(n: int = 12, h: int = 36, w: int = 64) -> np.ndarray:
    """A camera move: a wide textured strip slides 2 px a frame."""
    strip = rng.integers(0, 256, (h, w + 2 * n, 3), dtype=np.uint8)
    return np.stack([strip[:, 2 * i : 2 * i + w] for i in range(n)])


def test_held_shot_is_stored_as_frame_differences_exactly():
    frames = _held()
    data = encode_frames(frames)
    assert data[:4] == b"ZSD1"
    assert len(data) < frames.nbytes / 8
    out = decode_frames(data, frames.shape)
    assert out.dtype == np.uint8 and np.array_equal(out, frames)


def test_repeated_frames_cost_a_flag_and_moved_ones_round_trip():
    """A still (a keyframe held for the shot) stores its first frame only; a clip where
    only some frames move (a mouth that opens and closes) keeps exactly those."""
    still = np.repeat(rng.integers(0, 256, (1, 36, 64, 3), dtype=np.uint8), 40, axis=0)
    one = encode_frames(still[:1])
    data = encode_frames(still)
    assert data[:4] == b"ZSD1" and len(data) - len(one) <= 8  # 39 more frames: 5 flag bytes
    assert np.array_equal(decode_frames(data, still.shape), still)
    mouth = still.copy()
    mouth[5:9, 20:24, 30:36] = 17  # opens at frame 5, closes at frame 9
    mouth[30, 0, 0] ^= 1  # one byte flips for one frame
    # frame bytes a multiple of 8 (compared as words), and not (34 x 62 x 3 = 6324)
    for clip in (mouth, np.ascontiguousarray(mouth[:, :34, :62])):
        data = encode_frames(clip)
        assert data[:4] == b"ZSD1"
        assert np.array_equal(decode_frames(data, clip.shape), clip), clip.shape


def test_caches_written_with_every_difference_still_decode():
    """``ZSD0`` (every frame's difference stored) from caches written before ``ZSD1``."""
    import zstandard

    frames = _held()
    deltas = frames.copy()
    deltas[1:] = frames[1:] - frames[:-1]
    data = b"ZSD0" + zstandard.ZstdCompressor(level=1).compress(deltas.data)
    assert np.array_equal(decode_frames(data, frames.shape), frames)


def test_a_frame_count_that_disagrees_is_refused():
    frames = _held()
    with pytest.raises(ValueError):
        decode_frames(encode_frames(frames), (len(frames) + 1, *frames.shape[1:]))


def test_camera_move_is_stored_as_lossless_h264_exactly():
    frames = _pan()
    deltas = np.count_nonzero(frames[1:] != frames[:-1]) / frames[1:].size
    assert deltas > SPARSE_DELTA
    data = encode_frames(frames)
    assert data[:4] == b"\x1a\x45\xdf\xa3"  # Matroska
    assert np.array_equal(decode_frames(data, frames.shape), frames)


def test_wrapping_differences_round_trip():
    """Differences wrap modulo 256 (255 -> 0 -> 255): the decoder's cumulative sum too."""
    frames = _held(n=6)
    frames[1::2, 0:2, 0:2] = 255
    frames[0::2, 0:2, 0:2] = 0
    assert np.array_equal(decode_frames(encode_frames(frames), frames.shape), frames)


def test_odd_sizes_and_empty_clips_round_trip():
    for frames in (_held(h=35, w=63), _held(n=1), np.zeros((0, 36, 64, 3), np.uint8)):
        assert np.array_equal(decode_frames(encode_frames(frames), frames.shape), frames)


def test_truncated_difference_data_is_refused():
    frames = _held()
    data = encode_frames(frames)
    with pytest.raises(Exception):  # noqa: B017 - zstandard's or our own error; never wrong frames
        decode_frames(data[: len(data) // 2], frames.shape)


def test_clip_and_patch_artifacts_round_trip():
    clip = Clip(frames=_held(), fps=12)
    art = ClipArtifact()
    data, header = art.encode(clip)
    again = art.decode(data, header)
    assert np.array_equal(again.frames, clip.frames) and again.fps == 12
    blended = clip.frames.copy()
    blended[-3:] //= 2
    patch = FramePatch.between(clip, Clip(frames=blended, fps=12))
    assert patch.indices == (9, 10, 11)
    pa = PatchArtifact()
    back = pa.decode(*pa.encode(patch))
    assert np.array_equal(back.apply(clip).frames, blended)


def test_patch_finds_changed_frames_across_comparison_blocks():
    """``between`` compares in blocks of about 8 MB: changes in the first, a middle and the
    last block are all found, and nothing else."""
    frames = np.zeros((120, 180, 320, 3), np.uint8)  # 48 frames a block
    new = frames.copy()
    for i in (0, 50, 119):
        new[i, 90, 160, 1] = 1
    patch = FramePatch.between(Clip(frames=frames, fps=12), Clip(frames=new, fps=12))
    assert patch.indices == (0, 50, 119)
    same = FramePatch.between(Clip(frames=frames, fps=12), Clip(frames=frames, fps=12))
    assert same.indices == ()


def test_keyframe_artifact_keeps_the_background():
    """A cached keyframe keeps its background (contracts 1.3): a resumed run's camera move
    reveals the same backdrop as the first run's."""
    from ttv_contracts.v1 import Keyframe, Region
    from ttv_integration.artifacts import KeyframeArtifact

    image = rng.integers(0, 256, (36, 64, 3), dtype=np.uint8)
    regions = (Region(x=4, y=5, w=10, h=10, label="ana"),)
    art = KeyframeArtifact()
    for kf in (
        Keyframe(image=image, regions=regions),
        Keyframe(image=image, regions=regions, background=image // 2),
    ):
        back = art.decode(*art.encode(kf))
        assert np.array_equal(back.image, kf.image) and back.regions == kf.regions
        if kf.background is None:
            assert back.background is None
        else:
            assert np.array_equal(back.background, kf.background)
        assert art.nbytes(kf) == image.nbytes * (1 if kf.background is None else 2)


def _speech_like(n: int = 48000) -> np.ndarray:
    """16-bit samples as float32 (what eSpeak gives): voiced words with breath noise,
    and pauses between them."""
    noise = np.random.default_rng(3)
    t = np.arange(n) / 22050
    wave = 0.4 * np.sin(2 * np.pi * 140 * t) * np.sin(2 * np.pi * 3 * t) ** 2
    wave += 0.005 * noise.standard_normal(n)
    wave[(np.arange(n) // 4000) % 3 == 2] = 0.0  # a pause after every two words
    return (np.clip(np.rint(wave * 32767), -32768, 32767) / 32768).astype(np.float32)


@pytest.mark.parametrize(
    "samples",
    [
        np.zeros(0, np.float32),
        np.array([0.0, -0.0, 1.0, -1.0, 1e-38, -3e-45], np.float32),
        rng.uniform(-1, 1, 5001).astype(np.float32),
    ],
    ids=["empty", "edge-values", "random"],
)
def test_audio_round_trips_bit_for_bit(samples):
    from ttv_contracts.v1 import AudioClip
    from ttv_integration.artifacts import AUDIO_MAGIC, AudioArtifact

    art = AudioArtifact()
    data, header = art.encode(AudioClip(samples=samples, sample_rate=22050))
    assert data[:4] == AUDIO_MAGIC
    back = art.decode(data, header)
    assert back.sample_rate == 22050
    assert back.samples.dtype == np.float32 and back.samples.flags.writeable
    assert back.samples.tobytes() == samples.tobytes()  # -0.0 and denormals included


def test_speech_audio_is_stored_in_under_half_its_raw_size():
    """Regrouping the bytes by significance lets Zstandard drop the zero low bytes of
    16-bit speech (0.37 of the raw size on 56 s of eSpeak narration); the old entry, a
    plain ``.npz``, kept all of it."""
    from ttv_contracts.v1 import AudioClip
    from ttv_integration.artifacts import AudioArtifact

    speech = _speech_like()
    data, _ = AudioArtifact().encode(AudioClip(samples=speech, sample_rate=22050))
    assert len(data) < 0.5 * speech.nbytes, len(data) / speech.nbytes


def test_audio_cached_as_npz_before_still_decodes():
    import io

    from ttv_integration.artifacts import AudioArtifact

    speech = _speech_like(1000)
    buf = io.BytesIO()
    np.savez(buf, samples=speech)
    header = {"sample_rate": 22050}
    back = AudioArtifact().decode(buf.getvalue(), header)
    assert back.samples.tobytes() == speech.tobytes()


def test_a_truncated_audio_entry_is_refused():
    from ttv_contracts.v1 import AudioClip
    from ttv_integration.artifacts import AudioArtifact

    art = AudioArtifact()
    data, header = art.encode(AudioClip(samples=_speech_like(1000), sample_rate=22050))
    bad = data[:4] + (2000).to_bytes(8, "little") + data[12:]
    with pytest.raises(ValueError):
        art.decode(bad, header)
