"""OpenTimelineIO out and in (issue 16): every example lesson exports a frame-exact timeline
that validates against the published metadata schema and round-trips through FCP 7 XML and
CMX 3600 EDL; an edited timeline (reordered, trimmed, a transition added, one narration
replaced) renders to a signed MP4 that recomputes only the changed shot."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import av
import opentimelineio as otio
import pytest
from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import output_frame_count
from ttv_integration import api
from ttv_integration.otio_export import (
    METADATA_SCHEMA_ID,
    SCHEMA_FILE,
    TimelineMeta,
    metadata_schema,
    out_frame,
    sha256_file,
    split_span,
    timeline_frame,
    write,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "lessons").glob("*.json"))
SMALL = {
    "width": 128,
    "height": 72,
    "timeline_width": 64,
    "timeline_height": 36,
    "fps": 24,
    "timeline_fps": 12,
}
AAC_FRAME = 1024  # the MP4's AAC stream rounds up to whole frames (encoder padding)
#: The real signer (Ed25519) when ttv-watermark is installed (the workspace, CI's e2e), else
#: the stub's (the integration's own test environment holds no module package).
SIGNER = {"watermark": "dct-qim"} if importlib.util.find_spec("ttv_watermark") else None


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, dict]:
    """Each example lesson rendered once (stub profile, tiny frames)."""
    base = tmp_path_factory.mktemp("otio")
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TTV_CONFIG_DIR", str(base / "user-config"))
        for lesson in EXAMPLES:
            folder = base / lesson.stem
            folder.mkdir()
            video = folder / f"{lesson.stem}.mp4"
            report = api.generate(
                lesson,
                video,
                "stub",
                runs_root=folder / "runs",
                store_dir=str(base / "stores"),
                **SMALL,
            )
            out[lesson.stem] = {"video": video, "report": report, "folder": folder}
    return out


def _video_frames(path: Path) -> int:
    with av.open(str(path)) as c:
        return sum(1 for _ in c.decode(video=0))


def _audio_samples(path: Path) -> int:
    with av.open(str(path)) as c:
        return sum(f.samples for f in c.decode(c.streams.audio[0]))


def _items(tl) -> list:
    return list(tl.video_tracks()[0])


def _clips(tl) -> list:
    return [i for i in _items(tl) if isinstance(i, otio.schema.Clip)]


def _ranges(clips) -> list[tuple[int, int]]:
    return [
        (round(c.source_range.start_time.value), round(c.source_range.duration.value))
        for c in clips
    ]


def test_boundary_rules():
    # r = 2: every timeline boundary b maps to 2b and back.
    assert [out_frame(b, 12, 24, 10**6) for b in range(5)] == [0, 2, 4, 6, 8]
    assert all(timeline_frame(out_frame(b, 12, 24, 10**6), 12, 24) == b for b in range(50))
    # r = 5/2 (12 -> 30): output k sits at k * 12 / 30; shot [s, s+n) -> [ceil(2.5 s), ...)
    assert [out_frame(b, 12, 30, 10**6) for b in range(4)] == [0, 3, 5, 8]
    assert all(timeline_frame(out_frame(b, 12, 30, 10**6), 12, 30) == b for b in range(50))
    # the last boundary is clamped to the stream's floor(n * r) frames
    assert out_frame(3, 12, 30, output_frame_count(3, 12, 30)) == 7
    assert split_span(7, 100, 100) == (4, 3) and split_span(7, 2, 100) == (2, 3)


def test_metadata_schema_is_generated_and_published_with_a_resolvable_id():
    assert json.loads(SCHEMA_FILE.read_text()) == metadata_schema(), (
        "regenerate ttv_integration/schemas/otio-v1.json from otio_export.metadata_schema()"
    )
    from ttv_contracts.v1.schema import SITE_URL, schemas

    assert METADATA_SCHEMA_ID == SITE_URL + "schemas/otio/v1.json"
    ids = {s["$id"] for s in schemas().values()} | {METADATA_SCHEMA_ID}
    assert all(i.startswith(SITE_URL) for i in ids)
    # the site's own URL, where the site configures one, is the one the $ids use
    mkdocs = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    configured = re.search(r"^site_url:\s*(\S+)", mkdocs, flags=re.M)
    if configured:
        assert configured.group(1).rstrip("/") + "/" == SITE_URL
    site = pytest.importorskip("ttv_ownership.site")
    pages = site.Site(ROOT).schema_pages()  # every $id is a file the site serves
    assert {SITE_URL + p for p in pages if p.endswith(".json")} >= ids


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_example_lessons_export_frame_exact_otio(exported, name):
    run = exported[name]
    video, report = run["video"], run["report"]
    tl = otio.adapters.read_from_file(str(video.with_suffix(".otio")))
    meta = tl.metadata["ttv"]
    TimelineMeta.model_validate(dict(meta))  # the published schema
    if importlib.util.find_spec("jsonschema"):  # the JSON file too, where jsonschema is here
        import jsonschema

        jsonschema.validate(
            json.loads(otio.adapters.write_to_string(tl))["metadata"]["ttv"], metadata_schema()
        )
    assert meta["lesson"]["title"] == report.lesson_title and meta["version"] == 1
    assert {"voice", "lipsync", "sign", "watermark"} <= set(meta["stages"])
    provenance = video.parent / "runs"
    record = json.loads(next(provenance.rglob("provenance.json")).read_text())
    assert meta["provenance"]["file_sha256"] == record["file_sha256"]
    # media references point at the delivered MP4
    clips = _clips(tl)
    assert {c.media_reference.target_url for c in tl.find_clips()} == {video.resolve().as_uri()}
    assert len(clips) == report.num_shots and [c.name for c in clips] == [
        f"shot-{m['shot']:03d}" for m in meta["clips"]
    ]
    # frame-exact: video clips tile the MP4's frames, narration clips its samples
    frames = _video_frames(video)
    assert sum(d for _, d in _ranges(clips)) == frames == meta["frames"]
    starts = [s for s, _ in _ranges(clips)]
    assert starts == [0, *[s + d for s, d in _ranges(clips)][:-1]]  # back to back
    cfg = SMALL
    total_in = round(report.duration_s * cfg["timeline_fps"])
    assert frames == output_frame_count(total_in, cfg["timeline_fps"], cfg["fps"])
    audio = [c for c in tl.audio_tracks()[0]]
    assert len(audio) == len(clips)
    samples = sum(round(c.source_range.duration.value) for c in audio)
    assert samples == meta["samples"] == total_in * 48000 // cfg["timeline_fps"]
    assert 0 <= _audio_samples(video) - samples < AAC_FRAME
    # transitions: an in-place blend of d frames splits ceil(d/2) | floor(d/2) over the cut
    items = _items(tl)
    for k, item in enumerate(items):
        if isinstance(item, otio.schema.Transition):
            a, b = items[k - 1], items[k + 1]
            h_a, h_b = item.metadata["ttv"]["split"]
            spec = item.metadata["ttv"]["spec"]
            assert (h_a, h_b) == split_span(spec["duration_frames"], 10**6, 10**6)
            assert 0 < item.in_offset.value <= a.source_range.duration.value
            assert 0 <= item.out_offset.value <= b.source_range.duration.value
    # subtitles: one marker per cue, in order
    cues = (video.with_suffix(".srt")).read_text().split("\n\n")
    assert len(tl.video_tracks()[0].markers) == len([c for c in cues if c.strip()])


@pytest.mark.parametrize("suffix", [".xml", ".edl"])
@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_interchange_round_trip(exported, name, suffix, tmp_path):
    video = exported[name]["video"]
    tl = otio.adapters.read_from_file(str(video.with_suffix(".otio")))
    path = write(tl, tmp_path / f"{name}{suffix}")
    back = otio.adapters.read_from_file(str(path))
    src, got = _clips(tl), _clips(back)
    assert len(got) == len(src)
    assert [c.name for c in got] == [c.name for c in src]
    expected = _ranges(src)
    if suffix == ".edl":
        # CMX 3600 cannot centre a dissolve on the cut: the EDL starts it at the cut, so
        # reading back moves each cut earlier by the transition's in_offset (A ends
        # in_offset sooner, B starts as much earlier); durations and total length stay.
        shift = _in_offsets(tl)
        expected = [
            (s - shift[k], d + shift[k] - shift[k + 1]) for k, (s, d) in enumerate(expected)
        ]
    assert _ranges(got) == expected
    kinds = [
        (type(i).__name__, round(i.in_offset.value), round(i.out_offset.value))
        for i in _items(tl)
        if isinstance(i, otio.schema.Transition)
    ]
    kinds_back = [
        (type(i).__name__, round(i.in_offset.value), round(i.out_offset.value))
        for i in _items(back)
        if isinstance(i, otio.schema.Transition)
    ]
    if suffix == ".xml":  # FCP 7 XML keeps transitions with their offsets
        assert kinds_back == kinds
    else:  # an EDL keeps each dissolve and its length (all of it after the cut)
        assert [(t, i + o) for t, i, o in kinds_back] == [(t, i + o) for t, i, o in kinds]
    # the picture's length is unchanged
    assert back.video_tracks()[0].duration() == tl.video_tracks()[0].duration()


def _in_offsets(tl) -> list[int]:
    """Per clip, the in_offset of the transition just before it (0 if none), plus a 0."""
    out, before = [], 0
    for item in _items(tl):
        if isinstance(item, otio.schema.Transition):
            before = round(item.in_offset.value)
        else:
            out.append(before)
            before = 0
    return [*out, 0]


def _edit(src: Path, dest: Path) -> dict:
    """Swap the first two clips, trim the third, drop the fourth, add a fade before the last
    and replace the last clip's narration; returns what was done."""
    tl = otio.adapters.read_from_file(str(src))
    video = tl.video_tracks()[0]
    clips = [c.deepcopy() for c in _clips(tl)]
    assert len(clips) >= 4
    clips[0], clips[1] = clips[1], clips[0]
    r = clips[2].source_range
    fps = r.start_time.rate
    clips[2].source_range = otio.opentime.TimeRange(
        r.start_time + otio.opentime.RationalTime(4, fps),
        r.duration - otio.opentime.RationalTime(8, fps),
    )
    clips[-1].metadata["ttv"]["narration"] = "A brand new line, spoken over the last shot."
    dropped = clips.pop(3)
    removed = dropped.metadata["ttv"]["shot"]
    track = otio.schema.Track(name=video.name, kind=video.kind)
    for k, clip in enumerate(clips):
        if k == len(clips) - 1:
            track.append(
                otio.schema.Transition(
                    name="fade",
                    transition_type=otio.schema.TransitionTypes.Custom,
                    in_offset=otio.opentime.RationalTime(4, fps),
                    out_offset=otio.opentime.RationalTime(2, fps),
                    metadata={"ttv": {"kind": "fade"}},
                )
            )
        track.append(clip)
    index = list(tl.tracks).index(video)
    tl.tracks.remove(video)
    tl.tracks.insert(index, track)
    otio.adapters.write_to_file(tl, str(dest))
    return {
        "order": [c.metadata["ttv"]["shot"] for c in clips],
        "n": len(clips),
        "removed": removed,
    }


def _notes(report, stage: str) -> tuple:
    rec = next(s for s in report.stages if s.stage == stage)
    return rec.status, rec.notes


def test_edited_timeline_renders_and_recomputes_only_the_changed_shot(exported, tmp_path):
    run = exported["water_cycle"]
    video = run["video"]
    done = _edit(video.with_suffix(".otio"), tmp_path / "edited.otio")
    n = done["n"]
    out = tmp_path / "edited.mp4"
    report = api.render_timeline(tmp_path / "edited.otio", out, use=SIGNER)
    assert report.status == "ok", [(s.stage, s.fallbacks) for s in report.stages if s.fallbacks]
    # cache hits: only the shot with the new line is voiced and drawn again
    for stage in ("voice", "keyframe", "motion", "extender", "lipsync"):
        assert _notes(report, stage)[1][-1] == f"reused {n - 1}, computed 1", stage
    for stage in ("narrative", "identity", "scene", "emotion"):
        assert _notes(report, stage)[0] == "reused"
    # the new timeline follows the edit: order, trim, transition, narration
    tl = otio.adapters.read_from_file(str(out.with_suffix(".otio")))
    meta = [c.metadata["ttv"] for c in _clips(tl)]
    assert [m["shot"] for m in meta] == done["order"] and done["removed"] not in done["order"]
    # 4 output frames off the head and 4 off the tail: 2 + 2 timeline frames (24 / 12 fps)
    assert (meta[2]["trim_in"], meta[2]["trim_out"]) == (2, 2)
    assert meta[-1]["narration"].startswith("A brand new line")
    transitions = [i for i in _items(tl) if isinstance(i, otio.schema.Transition)]
    assert [t.metadata["ttv"]["spec"]["kind"] for t in transitions] == ["fade"]
    assert transitions[0].metadata["ttv"]["spec"]["duration_frames"] == 3
    # the MP4 is valid and frame-exact against its timeline, subtitles follow the edit
    frames = _video_frames(out)
    assert frames == sum(d for _, d in _ranges(_clips(tl))) == tl.metadata["ttv"]["frames"]
    samples = tl.metadata["ttv"]["samples"]
    assert 0 <= _audio_samples(out) - samples < AAC_FRAME
    srt = out.with_suffix(".srt").read_text().split("\n\n")
    texts = [block.strip().split("\n", 2)[2] for block in srt if block.strip()]
    assert texts == [m["narration"] for m in meta]
    original = otio.adapters.read_from_file(str(video.with_suffix(".otio")))
    by_shot = {m["shot"]: m for m in (c.metadata["ttv"] for c in _clips(original))}
    assert texts[0] == by_shot[done["order"][0]]["narration"]
    # signed and verifiable (Ed25519 where ttv-watermark is installed; the stub signer in
    # the integration's own test environment); provenance names the modules
    from ttv_integration.config import load_config
    from ttv_integration.verify import verify_video

    run_dir = Path(tl.metadata["ttv"]["run_dir"])
    record = json.loads((run_dir / "provenance.json").read_text())
    modules = record["manifest"]["modules"]
    assert modules["voice"].startswith("stub@")
    assert tl.metadata["ttv"]["provenance"]["key_id"] == record["key_id"]
    if SIGNER:
        check = verify_video(out, load_config(profile="stub", use=SIGNER, overrides=SMALL))
        assert check.signature_valid and check.file_digest_match, check.reasons
        assert record["algorithm"] == "Ed25519" and modules["watermark"].startswith("dct-qim@")
    else:  # the stub signs nothing, but its record still names this very file
        assert record["file_sha256"] == sha256_file(out)


def test_unedited_timeline_renders_the_same_cut_from_the_cache(exported, tmp_path):
    video = exported["short"]["video"]
    report = api.render_timeline(video.with_suffix(".otio"), tmp_path / "again.mp4")
    assert _notes(report, "lipsync")[0] == "reused" and _notes(report, "voice")[0] == "reused"
    assert _video_frames(tmp_path / "again.mp4") == _video_frames(video)


def _foreign(tmp_path: Path) -> Path:
    tl = otio.schema.Timeline(name="from another tool")
    track = otio.schema.Track(kind=otio.schema.TrackKind.Video)
    track.append(
        otio.schema.Clip(
            name="a",
            source_range=otio.opentime.TimeRange(
                otio.opentime.RationalTime(0, 24), otio.opentime.RationalTime(24, 24)
            ),
        )
    )
    tl.tracks.append(track)
    path = tmp_path / "foreign.otio"
    otio.adapters.write_to_file(tl, str(path))
    return path


def _with_gap(src: Path, tmp_path: Path) -> Path:
    tl = otio.adapters.read_from_file(str(src))
    tl.video_tracks()[0].insert(1, otio.schema.Gap(duration=otio.opentime.RationalTime(5, 24)))
    path = tmp_path / "gap.otio"
    otio.adapters.write_to_file(tl, str(path))
    return path


def _past_its_shot(src: Path, tmp_path: Path) -> Path:
    tl = otio.adapters.read_from_file(str(src))
    clip = _clips(tl)[0]
    r = clip.source_range
    clip.source_range = otio.opentime.TimeRange(
        r.start_time, r.duration + otio.opentime.RationalTime(48, r.duration.rate)
    )
    path = tmp_path / "long.otio"
    otio.adapters.write_to_file(tl, str(path))
    return path


def test_bad_and_foreign_timelines_give_coded_errors_and_exit_2(exported, tmp_path):
    from ttv_integration.cli import app
    from typer.testing import CliRunner

    src = exported["water_cycle"]["video"].with_suffix(".otio")
    garbage = tmp_path / "garbage.otio"
    garbage.write_text("{ not json")
    cases = {
        "TTV-E080": garbage,
        "TTV-E081": _foreign(tmp_path),
        "TTV-E082": _with_gap(src, tmp_path),
    }
    for code, path in cases.items():
        with pytest.raises(TTVError) as info:
            api.read_edit(path)
        assert info.value.code == code
        result = CliRunner().invoke(app, ["render", str(path), "-o", str(tmp_path / "x.mp4")])
        assert result.exit_code == 2 and code in result.output, (code, result.output)
    with pytest.raises(TTVError) as info:
        api.render_timeline(_past_its_shot(src, tmp_path), tmp_path / "y.mp4")
    assert info.value.code == "TTV-E082"
    result = CliRunner().invoke(app, ["timeline", "convert", str(src), str(tmp_path / "t.txt")])
    assert result.exit_code == 2 and "TTV-E083" in result.output


def test_cli_generate_writes_otio_where_asked(tmp_path, lesson_file, small_overrides):
    from ttv_integration.cli import app
    from typer.testing import CliRunner

    cfg = tmp_path / "small.toml"
    cfg.write_text(
        'profile = "stub"\n'
        + "".join(f"{k} = {v!r}\n" for k, v in small_overrides.items()).replace("'", '"')
    )
    args = ["generate", str(lesson_file), "-o", str(tmp_path / "m.mp4"), "--config", str(cfg)]
    args += ["--run-dir", str(tmp_path / "run"), "--otio", str(tmp_path / "cut.xml"), "-q"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    back = otio.adapters.read_from_file(str(tmp_path / "cut.xml"))
    assert len(_clips(back)) >= 1 and (tmp_path / "run" / "timeline.otio").is_file()
    assert not (tmp_path / "m.otio").exists()  # --otio replaces the default path


def test_batch_timelines_are_copied_to_the_otio_folder(exported, tmp_path):
    from ttv_integration.otio_export import copy_timelines

    videos = tmp_path / "videos"
    videos.mkdir()
    for name in ("short", "water_cycle"):
        src = exported[name]["video"].with_suffix(".otio")
        (videos / src.name).write_bytes(src.read_bytes())
    copied = copy_timelines(videos, tmp_path / "otio")
    assert [p.name for p in copied] == ["short.otio", "water_cycle.otio"]
    tl = otio.adapters.read_from_file(str(copied[0]))
    assert tl.metadata["ttv"]["version"] == 1


@pytest.mark.parametrize("fps", [25, 30])
def test_frame_exact_at_a_fractional_rate(tmp_path, lesson_file, fps):
    """r = fps / timeline_fps not a whole number: clip ranges still tile the MP4 exactly."""
    small = {**SMALL, "fps": fps, "store_dir": str(tmp_path / "stores")}
    video = tmp_path / "m.mp4"
    api.generate(lesson_file, video, "stub", run_dir=tmp_path / "run", **small)
    tl = otio.adapters.read_from_file(str(video.with_suffix(".otio")))
    clips = _clips(tl)
    ranges = _ranges(clips)
    assert [s for s, _ in ranges] == [0, *[s + d for s, d in ranges][:-1]]
    assert sum(d for _, d in ranges) == _video_frames(video) == tl.metadata["ttv"]["frames"]
    for clip in clips:  # each shot's range is ceil(s * r) .. ceil((s + n) * r)
        m = clip.metadata["ttv"]
        s, n = m["timeline_start"], m["timeline_frames"]
        total_out = tl.metadata["ttv"]["frames"]
        assert list(m["span"]) == [-(-s * fps // 12), min(-(-(s + n) * fps // 12), total_out)]
    assert any(isinstance(i, otio.schema.Transition) for i in _items(tl))
    # an unchanged timeline maps back to the same cut (no spurious trims)
    edit = api.read_edit(video.with_suffix(".otio")).edit
    assert all(s.trim_in == 0 and s.trim_out == 0 for s in edit.shots)


def test_ttv_schema_prints_versioned_schemas_with_site_ids():
    from ttv_contracts.v1.schema import SITE_URL
    from ttv_integration.cli import app
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["schema", "--otio"])
    assert result.exit_code == 0 and json.loads(result.output) == metadata_schema()
    result = CliRunner().invoke(app, ["schema"])
    ids = [s["$id"] for s in json.loads(result.output).values()]
    assert ids and all(i.startswith(SITE_URL + "schemas/v1/") for i in ids)
