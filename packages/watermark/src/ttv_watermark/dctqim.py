"""The invisible mark: quantisation index modulation (QIM) of block-DCT luma coefficients.

Layout (all sizes at the *work resolution*, a canonical copy of the frame's luma whose height
is ``WORK_HEIGHT`` pixels, so the grid is defined relative to the frame size):

* the work image is cut into 8x8 blocks; in every block ``len(COEFFS)`` low/mid-frequency DCT
  coefficients each carry one bit of the 128-bit codeword by QIM with step ``delta``;
* the codeword is ``RS(16, 8)`` over the 8-byte payload (Reed-Solomon, 8 parity bytes:
  corrects any 4 wrong bytes), XOR-whitened with a fixed pseudo-random mask;
* codeword bits are laid out in a tile of ``TILE_W`` x ``TILE_H`` blocks (64 blocks x 2
  coefficients = 128 bits) by a fixed permutation, and the tile repeats over the whole frame,
  so every bit is carried ~25 times in a 16:9 work frame (426x240), and a crop keeps whole
  tiles.

Why these choices (measured with ``bench/``): the two lowest AC coefficients of 8x8 blocks at
240 lines (24x24 px at 720p) survive x264 at CRF 28 on panning content, where higher
frequencies are lost to motion-compensated prediction; the DC term made visible blocks and
read worse. Reed-Solomon over bytes suits the errors that remain (whole regions of a frame
fail together, and the permutation spreads a region over many bytes' bits evenly).

Embedding adds the coefficient changes as a smooth luma delta upsampled to the frame size
(equally to R, G and B, which changes luma only). Detection resizes the (possibly cropped or
downscaled) frame back to the work scale, finds the block alignment and the crop scale by
maximising the QIM lattice energy, finds the tile phase by vote agreement, then soft-votes
every copy of every bit over every frame and decodes the Reed-Solomon code.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from reedsolo import ReedSolomonError, RSCodec

WORK_HEIGHT = 240
BLOCK = 8
#: (row, col) DCT frequencies that carry bits: low/mid, survive H.264 and 0.5x downscale.
COEFFS: tuple[tuple[int, int], ...] = ((0, 1), (1, 0))
TILE_W, TILE_H = 8, 8
PAYLOAD_BYTES = 8
PARITY_BYTES = 8
CODE_BITS = (PAYLOAD_BYTES + PARITY_BYTES) * 8
assert TILE_W * TILE_H * len(COEFFS) == CODE_BITS
#: Crop fractions tried by detection (fraction of the original height that was cut away):
#: a coarse pass in 1% steps, then the neighbours of the best one in 0.5% steps.
CROP_COARSE: tuple[float, ...] = tuple(round(0.01 * i, 3) for i in range(0, 13))
CROP_FINE_STEP = 0.005
#: Keep the key material of the layout fixed: changing it breaks detection of old videos.
_LAYOUT_SEED = 0x77A7E1


def _dct_matrix(n: int = BLOCK) -> np.ndarray:
    k = np.arange(n)[:, None]
    x = np.arange(n)[None, :]
    m = np.sqrt(2.0 / n) * np.cos(np.pi * (2 * x + 1) * k / (2 * n))
    m[0] /= np.sqrt(2.0)
    return m


_D = _dct_matrix()
#: Basis images of the carrier coefficients, shape (K, 8, 8); orthonormal.
BASES = np.stack([np.outer(_D[u], _D[v]) for u, v in COEFFS]).astype(np.float32)
_BASES_T = np.ascontiguousarray(BASES.reshape(len(COEFFS), -1).T)
_BASES_F = np.ascontiguousarray(BASES.reshape(len(COEFFS), -1))

_rng = np.random.default_rng(_LAYOUT_SEED)
#: Tile slot (ty, tx, k) -> codeword bit index.
_PERM = _rng.permutation(CODE_BITS).reshape(TILE_H, TILE_W, len(COEFFS))
#: Whitening mask applied to codeword bits (so a constant payload is not a flat pattern).
_MASK = _rng.integers(0, 2, CODE_BITS).astype(np.uint8)

_RS = RSCodec(PARITY_BYTES)


def encode_bits(payload: bytes) -> np.ndarray:
    """8-byte payload -> 128 whitened codeword bits (uint8 0/1)."""
    if len(payload) != PAYLOAD_BYTES:
        raise ValueError(f"payload must be {PAYLOAD_BYTES} bytes, got {len(payload)}")
    code = bytes(_RS.encode(payload))
    bits = np.unpackbits(np.frombuffer(code, np.uint8))
    return bits ^ _MASK


def decode_bits(bits: np.ndarray) -> tuple[bytes, int] | None:
    """128 hard bits -> (payload, corrected byte errors), or None if uncorrectable."""
    code = np.packbits((bits.astype(np.uint8) & 1) ^ _MASK).tobytes()
    try:
        msg, _full, errata = _RS.decode(code)
    except ReedSolomonError:
        return None
    return bytes(msg), len(errata)


def work_size(width: int, height: int) -> tuple[int, int]:
    """Work-resolution (w, h) for a frame: height WORK_HEIGHT, same aspect, whole blocks."""
    wh = WORK_HEIGHT
    ww = max(BLOCK * TILE_W, round(width * wh / height / BLOCK) * BLOCK)
    return ww, wh


def luma(frame: np.ndarray) -> np.ndarray:
    """BT.601 luma as float32 (what H.264 in yuv420p carries at full resolution)."""
    return cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY).astype(np.float32)


def _blocks(img: np.ndarray) -> np.ndarray:
    """(H, W) with H, W multiples of 8 -> (H/8, W/8, 8, 8) view."""
    h, w = img.shape
    return img.reshape(h // BLOCK, BLOCK, w // BLOCK, BLOCK).swapaxes(1, 2)


def _coeffs(img: np.ndarray) -> np.ndarray:
    """Carrier coefficients of every block: (by, bx, K)."""
    b = _blocks(img)
    by, bx = b.shape[:2]
    flat = np.ascontiguousarray(b).reshape(by * bx, BLOCK * BLOCK)
    # one matrix-vector product per coefficient: much faster than a skinny BLAS matmul
    return np.stack([flat @ _BASES_T[:, k] for k in range(len(COEFFS))], axis=-1).reshape(
        by, bx, len(COEFFS)
    )


def _tile_index(by: int, bx: int, phase: tuple[int, int] = (0, 0)) -> np.ndarray:
    """Codeword bit index of every (block row, block col, coefficient): (by, bx, K)."""
    ys = (np.arange(by) + phase[0]) % TILE_H
    xs = (np.arange(bx) + phase[1]) % TILE_W
    return _PERM[ys[:, None], xs[None, :]]


@dataclass(frozen=True)
class Embedder:
    """Embeds one codeword into frames; cached per frame size (the stream is one size)."""

    bits: np.ndarray
    delta: float = 58.0

    def embed(self, frame: np.ndarray) -> np.ndarray:
        h, w = frame.shape[:2]
        ww, wh = work_size(w, h)
        y = luma(frame)
        yw = cv2.resize(y, (ww, wh), interpolation=cv2.INTER_AREA)
        c = _coeffs(yw)
        want = self.bits[_tile_index(c.shape[0], c.shape[1])].astype(np.float32)
        step = np.float32(self.delta)
        offset = want * (step / 2)
        target = np.round((c - offset) / step) * step + offset
        dc = (target - c).astype(np.float32)
        by, bx = dc.shape[:2]
        # coefficient changes -> spatial delta per block (orthonormal basis)
        flat = dc.reshape(by * bx, -1)
        dblk = flat[:, 0:1] * _BASES_F[0]
        for k in range(1, len(COEFFS)):
            dblk += flat[:, k : k + 1] * _BASES_F[k]
        dblk = dblk.reshape(by, bx, BLOCK, BLOCK)
        dwork = dblk.swapaxes(1, 2).reshape(wh, ww)
        dfull = cv2.resize(dwork, (w, h), interpolation=cv2.INTER_LINEAR)
        # The same change on R, G and B is a luma-only change. Split it into its positive and
        # negative parts as uint8 so two saturating uint8 operations apply it.
        pos = cv2.cvtColor(cv2.convertScaleAbs(np.maximum(dfull, 0)), cv2.COLOR_GRAY2RGB)
        neg = cv2.cvtColor(cv2.convertScaleAbs(np.minimum(dfull, 0)), cv2.COLOR_GRAY2RGB)
        return cv2.subtract(cv2.add(frame, pos), neg)


@dataclass
class Sync:
    """Where the grid sits in an attacked frame: crop fraction, pixel offset, tile phase."""

    crop: float
    dy: int
    dx: int
    phase: tuple[int, int] = (0, 0)
    energy: float = 0.0


def _rescale(y: np.ndarray, crop: float) -> np.ndarray:
    """Resize a luma image to work scale, assuming ``crop`` of the original height was cut."""
    h, w = y.shape
    orig_h = h / (1.0 - crop)
    s = WORK_HEIGHT / orig_h
    nh, nw = max(BLOCK, round(h * s)), max(BLOCK, round(w * s))
    interp = cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR
    return cv2.resize(y, (nw, nh), interpolation=interp)


def _dense_coeffs(yw: np.ndarray) -> np.ndarray:
    """Carrier coefficients of the 8x8 block starting at every pixel: (K, H-7, W-7)."""
    out = []
    for basis in BASES:
        full = cv2.filter2D(yw, cv2.CV_32F, basis, anchor=(0, 0), borderType=cv2.BORDER_CONSTANT)
        out.append(full[: yw.shape[0] - BLOCK + 1, : yw.shape[1] - BLOCK + 1])
    return np.stack(out)


def _grid(dense: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Coefficients of whole blocks on the grid starting at (dy, dx): (by, bx, K)."""
    _, h, w = dense.shape
    by = (h - 1 - dy) // BLOCK + 1
    bx = (w - 1 - dx) // BLOCK + 1
    g = dense[:, dy : dy + by * BLOCK : BLOCK, dx : dx + bx * BLOCK : BLOCK]
    return np.moveaxis(g, 0, -1)


def _soft(c: np.ndarray, delta: float) -> np.ndarray:
    """QIM soft decision: +1 ~ bit 0 lattice, -1 ~ bit 1 lattice."""
    return np.cos((2 * np.pi / delta) * c)


def _energy(c: np.ndarray, delta: float) -> float:
    """Mean lattice energy: ~1 on a marked grid, ~0 on unmarked content or a wrong grid."""
    return float(np.mean(np.cos((4 * np.pi / delta) * c))) if c.size else 0.0


def _best_alignment(denses: list[np.ndarray], delta: float) -> tuple[int, int, float]:
    best = (0, 0, -2.0)
    for dy in range(BLOCK):
        for dx in range(BLOCK):
            e = float(np.mean([_energy(_grid(d, dy, dx), delta) for d in denses]))
            if e > best[2]:
                best = (dy, dx, e)
    return best


def find_sync(lumas: list[np.ndarray], delta: float) -> Sync:
    """Find the crop scale (coarse-to-fine, on the first frame) and the pixel alignment (on
    all given frames) that maximise the QIM lattice energy. The tile phase is found later,
    by trying every phase in the Reed-Solomon decoder."""
    first = lumas[0]
    scores: dict[float, float] = {}

    def score(crop: float) -> float:
        if crop not in scores:
            scores[crop] = _best_alignment([_dense_coeffs(_rescale(first, crop))], delta)[2]
        return scores[crop]

    best = max(CROP_COARSE, key=score)
    for crop in (best - CROP_FINE_STEP, best + CROP_FINE_STEP):
        if 0.0 <= crop < 0.5:
            score(round(crop, 4))
    crop = max(scores, key=lambda c: scores[c])
    dy, dx, energy = _best_alignment([_dense_coeffs(_rescale(y, crop)) for y in lumas], delta)
    return Sync(crop, dy, dx, energy=energy)


def slot_votes(y: np.ndarray, sync: Sync, delta: float) -> tuple[np.ndarray, float]:
    """Soft votes per tile slot of one frame, shape (2, TILE_H, TILE_W, K) = (sum, sum |.|),
    and the frame's lattice energy (how much of the mark survived in it)."""
    yw = _rescale(y, sync.crop)[sync.dy :, sync.dx :]
    by, bx = yw.shape[0] // BLOCK, yw.shape[1] // BLOCK
    out = np.zeros((2, TILE_H, TILE_W, len(COEFFS)), np.float64)
    if by == 0 or bx == 0:
        return out, 0.0
    c = _coeffs(np.ascontiguousarray(yw[: by * BLOCK, : bx * BLOCK]))
    s = _soft(c, delta)
    ys = np.arange(by) % TILE_H
    xs = np.arange(bx) % TILE_W
    slot = (ys[:, None] * TILE_W + xs[None, :]).ravel()
    n = TILE_H * TILE_W
    for k in range(len(COEFFS)):
        sk = s[:, :, k].ravel()
        out[0, :, :, k] = np.bincount(slot, weights=sk, minlength=n).reshape(TILE_H, TILE_W)
        out[1, :, :, k] = np.bincount(slot, weights=np.abs(sk), minlength=n).reshape(TILE_H, TILE_W)
    return out, _energy(c, delta)


def bit_votes(slots: np.ndarray, phase: tuple[int, int], perm: np.ndarray = _PERM) -> np.ndarray:
    """Slot votes -> codeword-bit votes for a tile phase: shape (2, CODE_BITS). ``perm``
    maps tile slots to code bits; its first two axes are the tile's height and width (the
    pss mark passes its own)."""
    tile_h, tile_w = perm.shape[:2]
    ys = (np.arange(tile_h) + phase[0]) % tile_h
    xs = (np.arange(tile_w) + phase[1]) % tile_w
    idx = perm[ys[:, None], xs[None, :]].ravel()
    out = np.zeros((2, CODE_BITS), np.float64)
    out[:, idx] = slots.reshape(2, -1)
    return out


def hard_bits(votes: np.ndarray) -> np.ndarray:
    return (votes[0] < 0).astype(np.uint8)


def agreement(votes: np.ndarray) -> float:
    acc, mag = votes
    return float(np.sum(np.abs(acc)) / max(float(np.sum(mag)), 1e-9))


def decode_slots(
    slots: np.ndarray, perm: np.ndarray = _PERM
) -> tuple[bytes, tuple[int, int], np.ndarray] | None:
    """Try every tile phase; return (payload, phase, bit votes) of the best RS decode."""
    best = None
    for py in range(perm.shape[0]):
        for px in range(perm.shape[1]):
            votes = bit_votes(slots, (py, px), perm)
            got = decode_bits(hard_bits(votes))
            if got is None:
                continue
            key = (got[1], -agreement(votes))
            if best is None or key < best[0]:
                best = (key, got[0], (py, px), votes)
    if best is None:
        return None
    return best[1], best[2], best[3]
