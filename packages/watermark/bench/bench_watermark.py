"""Benchmark dct-qim against invisible-watermark (dwtDctSvd, rivaGan) in the same run.

Real photographs from scikit-image, made into short clips (a slow 1 px/frame pan by
default, or static), watermarked by each method, then attacked:

* ``crf23`` / ``crf28``: libx264 through PyAV (yuv420p, preset medium) and decoded again
* ``half``: 0.5x downscale (INTER_AREA), detection gets the small frames
* ``crop``: ~5% cut from the height and width with unequal margins, no resize
* ``none``: the marked frames as they are

Reported per method, size and attack: bit accuracy of the 64-bit payload per frame (32 bits
for rivaGan, its maximum), the share of clips whose payload is read exactly by voting over
all frames, PSNR, embed and detect frames per second, and ratios against dwtDctSvd.

    uv pip install -e packages/watermark[bench]
    python packages/watermark/bench/bench_watermark.py              # 1280x720 and 512x512
    python packages/watermark/bench/bench_watermark.py --riva 512   # add rivaGan at 512x512

A dct-qim frame whose Reed-Solomon decode fails on its own is scored on its raw systematic
bits (read with the clip's sync); imwatermark frames are scored on what they decode.
"""

from __future__ import annotations

import argparse
import io
import time
from collections import defaultdict

import av
import cv2
import numpy as np
from skimage import data
from ttv_contracts.v1 import WatermarkPayload
from ttv_watermark import DctQimWatermark, dctqim

PAYLOAD = WatermarkPayload(run_id="bench-run", content_digest="0123456789abcdef")
IMAGES = ("astronaut", "coffee", "chelsea", "rocket")
ATTACKS = ("none", "crf23", "crf28", "half", "crop")


def photo(name: str, w: int, h: int) -> np.ndarray:
    img = getattr(data, name)()
    if img.ndim == 2:
        img = np.stack([img] * 3, axis=-1)
    img = img[..., :3]
    ih, iw = img.shape[:2]
    # centre crop to the target aspect, then resize
    if iw / ih > w / h:
        cw = int(ih * w / h)
        img = img[:, (iw - cw) // 2 : (iw - cw) // 2 + cw]
    else:
        ch = int(iw * h / w)
        img = img[(ih - ch) // 2 : (ih - ch) // 2 + ch]
    interp = cv2.INTER_AREA if img.shape[0] > h else cv2.INTER_CUBIC
    return np.ascontiguousarray(cv2.resize(img, (w, h), interpolation=interp))


def clip(img: np.ndarray, n: int, motion: str) -> list[np.ndarray]:
    if motion == "static":
        return [img.copy() for _ in range(n)]
    # slow pan: shift by i px with edge replication (no wrap seam)
    out = []
    for i in range(n):
        m = np.float32([[1, 0, -i], [0, 1, 0]])
        out.append(
            cv2.warpAffine(img, m, (img.shape[1], img.shape[0]), borderMode=cv2.BORDER_REPLICATE)
        )
    return out


def h264(frames: list[np.ndarray], crf: int) -> list[np.ndarray]:
    h, w = frames[0].shape[:2]
    frames = [np.ascontiguousarray(f[: h - h % 2, : w - w % 2]) for f in frames]  # yuv420p
    buf = io.BytesIO()
    with av.open(buf, "w", format="mp4") as out:
        s = out.add_stream("libx264", rate=24)
        s.width, s.height = frames[0].shape[1], frames[0].shape[0]
        s.pix_fmt = "yuv420p"
        s.options = {"crf": str(crf), "preset": "medium"}
        for f in frames:
            for p in s.encode(av.VideoFrame.from_ndarray(f, format="rgb24")):
                out.mux(p)
        for p in s.encode():
            out.mux(p)
    buf.seek(0)
    with av.open(buf) as inp:
        return [fr.to_ndarray(format="rgb24") for fr in inp.decode(video=0)]


def attack(frames: list[np.ndarray], kind: str) -> list[np.ndarray]:
    h, w = frames[0].shape[:2]
    if kind == "none":
        return frames
    if kind == "crf23":
        return h264(frames, 23)
    if kind == "crf28":
        return h264(frames, 28)
    if kind == "half":
        return [cv2.resize(f, (w // 2, h // 2), interpolation=cv2.INTER_AREA) for f in frames]
    if kind == "crop":
        t, b, lft, r = int(0.03 * h), int(0.02 * h), int(0.028 * w), int(0.022 * w)
        return [np.ascontiguousarray(f[t : h - b, lft : w - r]) for f in frames]
    raise ValueError(kind)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 10 * np.log10(255.0**2 / max(mse, 1e-12))


def bits_of(data_: bytes) -> np.ndarray:
    return np.unpackbits(np.frombuffer(data_, np.uint8))


# ----------------------------------------------------------------- methods


class DctQim:
    name = "dct-qim"
    nbits = 64

    def __init__(self) -> None:
        self.wm = DctQimWatermark()
        self.truth = bits_of(PAYLOAD.to_bytes())

    def embed(self, frames):
        return list(self.wm.embed(iter(frames), PAYLOAD))

    def read(self, frames):
        """(per-frame bit accuracies, clip payload exact?)"""
        det = self.wm.detect(iter(frames))
        ok = det.payload_hex == PAYLOAD.hex()
        delta = self.wm._delta
        ys = [dctqim.luma(f) for f in frames]
        sync = dctqim.find_sync(ys[:3], delta)
        phase = None
        if det.payload_hex:
            agg = sum(dctqim.slot_votes(y, sync, delta)[0] for y in ys)
            got = dctqim.decode_slots(agg)
            phase = got[1] if got else None
        accs = []
        for y in ys:
            sv, _ = dctqim.slot_votes(y, sync, delta)
            got = dctqim.decode_slots(sv)
            if got is not None:
                accs.append(float(np.mean(bits_of(got[0]) == self.truth)))
            elif phase is not None:
                raw = dctqim.hard_bits(dctqim.bit_votes(sv, phase)) ^ dctqim._MASK
                accs.append(float(np.mean(raw[:64] == self.truth)))
            else:
                accs.append(0.5)  # nothing read: chance level
        return accs, ok

    def detect_timed(self, frames):
        t = time.perf_counter()
        self.wm.detect(iter(frames))
        return time.perf_counter() - t


class ImWatermark:
    def __init__(self, method: str) -> None:
        from imwatermark import WatermarkDecoder, WatermarkEncoder

        self.name = method
        self.method = method
        self.nbits = 32 if method == "rivaGan" else 64
        payload = PAYLOAD.to_bytes()[: self.nbits // 8]
        self.truth = bits_of(payload)
        if method == "rivaGan":
            WatermarkEncoder.loadModel()
        self.enc = WatermarkEncoder()
        self.enc.set_watermark("bytes", payload)
        self.dec = WatermarkDecoder("bytes", self.nbits)

    def embed(self, frames):
        out = []
        for f in frames:
            bgr = cv2.cvtColor(f, cv2.COLOR_RGB2BGR)
            out.append(cv2.cvtColor(self.enc.encode(bgr, self.method), cv2.COLOR_BGR2RGB))
        return out

    def _decode(self, f):
        try:
            got = self.dec.decode(cv2.cvtColor(f, cv2.COLOR_RGB2BGR), self.method)
            return bits_of(bytes(got)[: self.nbits // 8].ljust(self.nbits // 8, b"\0"))
        except Exception:
            return np.zeros(self.nbits, np.uint8) + 2  # unreadable: matches nothing

    def read(self, frames):
        decoded = [self._decode(f) for f in frames]
        accs = [float(np.mean(d == self.truth)) for d in decoded]
        votes = np.mean(np.stack([d == 1 for d in decoded]), axis=0)
        majority = (votes > 0.5).astype(np.uint8)
        return accs, bool(np.array_equal(majority, self.truth))

    def detect_timed(self, frames):
        t = time.perf_counter()
        for f in frames:
            self._decode(f)
        return time.perf_counter() - t


# ----------------------------------------------------------------- driver


def run(args) -> None:
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
    riva_sizes = (
        {tuple(int(v) for v in s.split("x")) for s in args.riva.split(",") if s}
        if args.riva
        else set()
    )
    results = []
    for size in sizes:
        methods = [DctQim(), ImWatermark("dwtDctSvd")]
        if size in riva_sizes or (len(size) == 1 and size[0] in {s[0] for s in riva_sizes}):
            try:
                methods.append(ImWatermark("rivaGan"))
            except Exception as exc:  # e.g. onnxruntime missing
                print(f"rivaGan unavailable: {type(exc).__name__}: {exc}")
        for m in methods:
            n_frames = args.riva_frames if m.name == "rivaGan" else args.frames
            images = IMAGES[: args.riva_images] if m.name == "rivaGan" else IMAGES[: args.images]
            acc = defaultdict(list)
            clips_ok = defaultdict(int)
            ps, t_embed, t_detect, n_emb, n_det = [], 0.0, 0.0, 0, 0
            for name in images:
                src = clip(photo(name, *size), n_frames, args.motion)
                t = time.perf_counter()
                marked = m.embed(src)
                t_embed += time.perf_counter() - t
                n_emb += len(src)
                ps += [psnr(a, b) for a, b in zip(src, marked, strict=True)]
                t_detect += m.detect_timed(marked)
                n_det += len(marked)
                for kind in ATTACKS:
                    accs, ok = m.read(attack(marked, kind))
                    acc[kind] += accs
                    clips_ok[kind] += int(ok)
            row = {
                "size": f"{size[0]}x{size[1]}",
                "method": m.name,
                "bits": m.nbits,
                "clips": len(images),
                "psnr": float(np.mean(ps)),
                "psnr_min": float(np.min(ps)),
                "embed_fps": n_emb / t_embed,
                "detect_fps": n_det / t_detect,
            }
            for kind in ATTACKS:
                row[f"acc_{kind}"] = float(np.mean(acc[kind]))
                row[f"ok_{kind}"] = clips_ok[kind]
            results.append(row)
            print(f"done {row['size']} {m.name}", flush=True)
    report(results, args)


def report(results, args) -> None:
    print()
    print(
        f"motion={args.motion}, frames/clip={args.frames} (rivaGan {args.riva_frames}); "
        "acc = mean per-frame bit accuracy; ok = clips whose payload was read exactly by voting"
    )
    head = f"{'size':>9} {'method':>10} {'bits':>4} {'PSNR':>6} {'min':>5} {'emb fps':>8} {'det fps':>8}"
    for kind in ATTACKS:
        head += f" {kind + ' acc/ok':>13}"
    print(head)
    for r in results:
        line = (
            f"{r['size']:>9} {r['method']:>10} {r['bits']:>4} {r['psnr']:6.2f} {r['psnr_min']:5.1f} "
            f"{r['embed_fps']:8.2f} {r['detect_fps']:8.2f}"
        )
        for kind in ATTACKS:
            line += f" {r[f'acc_{kind}']:7.1%} {r[f'ok_{kind}']}/{r['clips']:<3}"
        print(line)
    print()
    print("ratios against dwtDctSvd at the same size (measured in this run):")
    by = {(r["size"], r["method"]): r for r in results}
    for r in results:
        base = by.get((r["size"], "dwtDctSvd"))
        if base is None or r["method"] == "dwtDctSvd":
            continue
        print(
            f"  {r['size']} {r['method']}: embed {r['embed_fps'] / base['embed_fps']:.1f}x, "
            f"detect {r['detect_fps'] / base['detect_fps']:.1f}x, "
            f"PSNR {r['psnr'] - base['psnr']:+.2f} dB, accuracy "
            + ", ".join(f"{k} {r[f'acc_{k}'] - base[f'acc_{k}']:+.1%}" for k in ATTACKS)
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1280x720,512x512")
    ap.add_argument("--frames", type=int, default=6)
    ap.add_argument("--images", type=int, default=len(IMAGES))
    ap.add_argument("--motion", choices=("pan", "static"), default="pan")
    ap.add_argument("--riva", default="", help="sizes for rivaGan, e.g. 512x512 ('' = skip)")
    ap.add_argument("--riva-frames", type=int, default=2)
    ap.add_argument("--riva-images", type=int, default=1)
    run(ap.parse_args())


if __name__ == "__main__":
    main()
