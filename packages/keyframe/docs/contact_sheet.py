"""Contact sheet of animatic backdrops: look at what the renderer makes.

    uv run --all-packages python packages/keyframe/docs/contact_sheet.py \
        [--video runs/<run>/video.mp4] [-o packages/keyframe/docs/backdrops.png]

Row 1..n: keyframes rendered directly from hand-written specs (storm at night at sea with a
boat, the lamp room at night, a sunny workshop, a snowy mountain at dawn, ...), each labelled
with the attributes it was given. With ``--video``, a last block shows one frame from the
middle of each subtitle cue of that video (``subtitles.srt`` next to it), decoded with PyAV:
the keyframes as they reach the viewer after motion, transitions and encoding.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from ttv_contracts.v1 import CharacterRef, ShotSpec
from ttv_keyframe import AnimaticKeyframe

W, H = 320, 180
TOMAS = CharacterRef(id="tomas", name="Tomas", descriptors=("old keeper",), seed=3)
LINA = CharacterRef(id="lina", name="Lina", descriptors=("young captain",), seed=4)

CASES: list[tuple[str, dict]] = [
    ("sunny day outdoors (reference)", dict(setting="a green meadow on a sunny day")),
    (
        "storm, night, sea, boat",
        dict(
            setting="a small fishing boat in a storm at night",
            time_of_day="night",
            weather="storm",
            indoor_outdoor="outdoor",
            objects=("boat",),
            characters=(LINA,),
        ),
    ),
    (
        "lamp room, indoor, night",
        dict(
            setting="the lamp room at the top of the lighthouse",
            time_of_day="night",
            weather="storm",
            indoor_outdoor="indoor",
            objects=("lamp",),
            characters=(TOMAS,),
        ),
    ),
    (
        "sunny workshop (indoor, day)",
        dict(
            setting="a potter's workshop on a sunny morning",
            time_of_day="day",
            indoor_outdoor="indoor",
            objects=("bench", "pot", "wheel", "tool"),
            characters=(TOMAS,),
        ),
    ),
    (
        "snowy mountain, dawn",
        dict(
            setting="a snowy mountain at dawn",
            time_of_day="dawn",
            weather="snow",
            indoor_outdoor="outdoor",
            objects=("mountain", "tree"),
        ),
    ),
    ("lighthouse, dusk (inferred)", dict(setting="a lighthouse on a rocky island at dusk")),
    (
        "harbour, sunrise (inferred)",
        dict(setting="the island harbour at sunrise", objects=("boat",)),
    ),
    (
        "rain, day, river, house",
        dict(setting="a village by the river", weather="rain", objects=("house", "river", "tree")),
    ),
    (
        "fog, day, sea",
        dict(setting="the sea shore", weather="fog", time_of_day="day", objects=("sea",)),
    ),
    (
        "cloudy, dusk, hills",
        dict(setting="the hills", weather="cloudy", time_of_day="dusk"),
    ),
    (
        "library, night (table, book, lamp)",
        dict(
            setting="the library",
            time_of_day="night",
            indoor_outdoor="indoor",
            objects=("table", "book", "lamp"),
            characters=(LINA,),
        ),
    ),
    (
        "garden: path, flowers, house, pot",
        dict(setting="the path to the house", objects=("flower", "path", "house", "pot")),
    ),
    (
        "school kitchen, winter morning (inferred)",
        dict(setting="a busy school kitchen on a winter morning", objects=("kettle", "table")),
    ),
    (
        "forest at night in the rain",
        dict(setting="the forest", time_of_day="night", weather="rain", objects=("tree",)),
    ),
    (
        "classroom, day (table, book)",
        dict(setting="a quiet classroom after the bell", objects=("book", "table")),
    ),
    (
        "windy day, sun, trees",
        dict(setting="a windy hill", weather="wind", time_of_day="day", objects=("tree", "sun")),
    ),
    (
        "the Moon, night (lander, flag)",
        dict(setting="moon", time_of_day="night", objects=("lander", "flag"), characters=(TOMAS,)),
    ),
    (
        "space station, outside",
        dict(setting="international space station", indoor_outdoor="outdoor", characters=(LINA,)),
    ),
    (
        "space station, inside",
        dict(setting="international space station", indoor_outdoor="indoor", characters=(LINA,)),
    ),
    ("sandy cave (inferred)", dict(setting="a sandy cave", characters=(TOMAS, LINA))),
    ("school bus (inferred)", dict(setting="a school bus", characters=(LINA,))),
    ("plane (inferred)", dict(setting="a plane over the sea", characters=(TOMAS,))),
    ("pyramid, desert sand", dict(setting="the great pyramid near the Nile", characters=(TOMAS,))),
    ("campfire, night (inferred)", dict(setting="the campfire at night", characters=(TOMAS, LINA))),
    (
        "inside the tent, night",
        dict(
            setting="inside the tent",
            time_of_day="night",
            indoor_outdoor="indoor",
            characters=(LINA,),
        ),
    ),
    ("under the sea (coral reef)", dict(setting="a coral reef", characters=(LINA,))),
    (
        "cows in a farmyard, dusk",
        dict(setting="a farmyard at dusk where the cows were waiting", characters=(TOMAS,)),
    ),
    (
        "railway station, night",
        dict(setting="the railway station at night", characters=(TOMAS, LINA)),
    ),
]


def case_spec(i: int, fields: dict) -> ShotSpec:
    base = dict(
        shot_index=i,
        prompt=fields.get("setting", "a scene"),
        caption="This caption must not appear in the keyframe.",
        width=W,
        height=H,
        fps=24,
        num_frames=24,
        seed=1000 + i,
        palette=("#5a7fa8", "#d8c89a", "#6d7a4a"),
    )
    fields = {k: v for k, v in fields.items() if k in ShotSpec.model_fields}
    return ShotSpec(**{**base, **fields})


def video_frames(path: Path) -> list[tuple[str, np.ndarray]]:
    import av

    srt = path.parent / "subtitles.srt"
    stamps: list[tuple[float, str]] = []
    if srt.is_file():
        blocks = srt.read_text(encoding="utf-8").strip().split("\n\n")
        for b in blocks:
            lines = b.splitlines()
            m = re.findall(r"(\d+):(\d+):(\d+),(\d+)", lines[1]) if len(lines) > 1 else []
            if len(m) == 2:
                t0, t1 = (
                    int(a) * 3600 + int(b_) * 60 + int(c) + int(d) / 1000 for a, b_, c, d in m
                )
                stamps.append(((t0 + t1) / 2, " ".join(lines[2:])[:48]))
    out: list[tuple[str, np.ndarray]] = []
    with av.open(str(path)) as box:
        frames = [(f.time, f.to_ndarray(format="rgb24")) for f in box.decode(video=0)]
    if not stamps:
        n = len(frames)
        stamps = [(frames[int(n * (k + 0.5) / 8)][0], f"frame {k}") for k in range(8)]
    for t, label in stamps:
        best = min(frames, key=lambda fr: abs(fr[0] - t))
        out.append((f"{t:5.1f}s {label}", best[1]))
    return out


def sheet(tiles: list[tuple[str, np.ndarray]], cols: int = 4, tw: int = W) -> Image.Image:
    font = ImageFont.load_default(size=13)
    th = tw * 9 // 16
    label_h = 18
    rows = (len(tiles) + cols - 1) // cols
    img = Image.new("RGB", (cols * (tw + 6) + 6, rows * (th + label_h + 6) + 6), (24, 24, 28))
    d = ImageDraw.Draw(img)
    for k, (label, arr) in enumerate(tiles):
        x = 6 + (k % cols) * (tw + 6)
        y = 6 + (k // cols) * (th + label_h + 6)
        img.paste(Image.fromarray(arr).resize((tw, th), Image.Resampling.LANCZOS), (x, y))
        d.text((x + 2, y + th + 2), label, font=font, fill=(230, 230, 220))
    return img


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--video", type=Path)
    ap.add_argument("-o", "--out", type=Path, default=Path(__file__).with_name("backdrops.png"))
    args = ap.parse_args()
    impl = AnimaticKeyframe()
    tiles = [(label, impl.render(case_spec(i, f)).image) for i, (label, f) in enumerate(CASES)]
    if args.video:
        tiles += [(f"video {label}", arr) for label, arr in video_frames(args.video)]
    sheet(tiles).save(args.out, optimize=True)
    print(f"wrote {args.out} ({len(tiles)} tiles)")


if __name__ == "__main__":
    main()
