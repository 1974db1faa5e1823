"""A run as an OpenTimelineIO timeline, and conversions to editors' formats.

The timeline (``timeline.otio`` in the run folder, ``OUT.otio`` next to the delivered MP4)
holds, frame-exact against the MP4:

* a video track ``TTV video``: one clip per shot of the cut, named ``shot-NNN`` after the
  story plan's shot, whose media reference is the MP4 and whose source range is the shot's
  output frames. A shot covering timeline frames ``[s, s + n)`` (``timeline_fps``) covers
  output frames ``[ceil(s * r), ceil((s + n) * r))`` with ``r = fps / timeline_fps`` (output
  frame ``k`` sits at timeline position ``k / r``), clamped to the MP4's
  ``floor(total * r)`` frames, so the clips' durations sum to the MP4's frame count;
* every blended cut as an OTIO transition; the blend of ``d`` timeline frames rewrites the
  last ``ceil(d / 2)`` frames of A and the first ``floor(d / 2)`` of B in place (the
  transitions slot's rule), so ``in_offset`` / ``out_offset`` are those spans in output frames
  and no clip changes length;
* an audio track ``TTV narration``: one clip per shot, in samples at ``audio_rate``; a shot's
  audio is ``[s * rate // timeline_fps, (s + n) * rate // timeline_fps)``, so the clips sum to
  the MP4's samples;
* one marker per subtitle cue on the video track;
* metadata under the ``ttv`` key (schema :data:`METADATA_SCHEMA_ID`, version
  :data:`METADATA_VERSION`): the lesson, the story plan's narration, the cast, the
  implementation of each stage, the modules in the video, the provenance digest, the config
  and the run folder; each clip's ``ttv`` metadata names its shot, its narration and its trims.

``ttv render TIMELINE.otio`` (:mod:`.otio_render`) reads this metadata back.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

import opentimelineio as otio
from pydantic import BaseModel, ConfigDict, Field
from ttv_contracts.v1.schema import schema_id

METADATA_VERSION = 1
#: The schema of the ``ttv`` metadata: published by the site build at ``schemas/otio/v1.json``
#: (like the v1 JSON schemas), shipped in this package as ``schemas/otio-v1.json``.
METADATA_SCHEMA_PATH = "schemas/otio/v1.json"
METADATA_SCHEMA_ID = schema_id(METADATA_SCHEMA_PATH)
SCHEMA_FILE = Path(__file__).parent / "schemas" / "otio-v1.json"


class _Meta(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlanShotMeta(_Meta):
    index: int = Field(ge=0)
    narration: str
    scene_index: int = Field(ge=0)


class CastMeta(_Meta):
    id: str
    name: str
    pronouns: str
    seed: int


class ProvenanceMeta(_Meta):
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of provenance.json")
    file_sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="the MP4's SHA-256")
    report_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    payload_hex: str
    key_id: str = ""


class ClipMeta(_Meta):
    """``clip.metadata["ttv"]`` of a video clip. Edit ``narration`` to replace the line."""

    shot: int = Field(ge=0, description="the story plan's shot this clip shows")
    position: int = Field(ge=0, description="its place in the exported cut")
    narration: str = Field(min_length=1, description="the line spoken over it")
    timeline_start: int = Field(ge=0, description="first timeline frame (timeline_fps)")
    timeline_frames: int = Field(ge=1)
    trim_in: int = Field(ge=0, description="timeline frames cut from the shot's head")
    trim_out: int = Field(ge=0, description="timeline frames cut from the shot's tail")
    source_frames: int = Field(ge=1, description="the whole shot's timeline frames")
    span: tuple[int, int] = Field(description="output frames [start, end) in the MP4")


class TransitionMeta(_Meta):
    """``transition.metadata["ttv"]``: the blend and how it splits over the cut."""

    spec: dict[str, Any] = Field(description="a v1 TransitionSpec (kind, duration_frames...)")
    split: tuple[int, int] = Field(description="timeline frames of A's tail and B's head")
    offsets: tuple[int, int] = Field(description="in/out offsets (output frames) as exported")


class TimelineMeta(_Meta):
    """``timeline.metadata["ttv"]`` of a timeline TTV wrote."""

    schema_: str = Field(alias="schema", description="this schema's $id")
    version: Literal[1] = Field(description="metadata version; another is TTV-E081")
    lesson: dict[str, Any] = Field(description="the v1 Lesson")
    lesson_digest: str
    plan: list[PlanShotMeta]
    cast: list[CastMeta]
    stages: dict[str, str] = Field(description="stage -> implementation@version")
    modules: dict[str, str] = Field(description="slot -> implementation@version in the video")
    provenance: ProvenanceMeta
    config: dict[str, Any] = Field(description="the pipeline config (ttv render reuses it)")
    run_dir: str
    run_id: str
    timeline_fps: int = Field(ge=1)
    fps: int = Field(ge=1)
    audio_rate: int = Field(ge=1)
    frames: int = Field(ge=0, description="the MP4's video frames")
    samples: int = Field(ge=0, description="the MP4's audio samples")
    clips: list[ClipMeta]


def metadata_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the ``ttv`` metadata, with its clips and transitions."""
    schema = TimelineMeta.model_json_schema(by_alias=True)
    schema["$defs"]["TransitionMeta"] = TransitionMeta.model_json_schema()
    schema["$id"] = METADATA_SCHEMA_ID
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"TTV OpenTimelineIO metadata, version {METADATA_VERSION}"
    return schema


#: Editors' formats ``ttv timeline convert`` writes, by file suffix: (adapter, description).
FORMATS: dict[str, tuple[str, str]] = {
    ".otio": ("otio_json", "OpenTimelineIO JSON"),
    ".xml": ("fcp_xml", "Final Cut Pro 7 XML (otio-fcp-adapter)"),
    ".edl": ("cmx_3600", "CMX 3600 EDL (otio-cmx3600-adapter)"),
}

#: OTIO transition types for TTV's transition kinds (editors know the SMPTE dissolve).
_OTIO_TYPE = {"dissolve": otio.schema.TransitionTypes.SMPTE_Dissolve}


def out_frame(b: int, fps_in: int, fps_out: int, total_out: int) -> int:
    """The first output frame at or after timeline frame boundary ``b``: ``ceil(b * r)``,
    clamped to the stream's ``total_out`` frames."""
    return min(-(-b * fps_out // fps_in), total_out)


def timeline_frame(a: int, fps_in: int, fps_out: int) -> int:
    """The inverse of :func:`out_frame`: the first timeline boundary whose output frame is at
    or after output boundary ``a`` (exact for every boundary ``out_frame`` gives when
    ``fps_out >= fps_in``)."""
    return 0 if a <= 0 else ((a - 1) * fps_in) // fps_out + 1


def split_span(duration: int, len_a: int, len_b: int) -> tuple[int, int]:
    """Frames a ``duration``-frame in-place blend rewrites in A's tail and B's head."""
    return min(-(-duration // 2), len_a), min(duration // 2, len_b)


def _rt(value: int, rate: int) -> otio.opentime.RationalTime:
    return otio.opentime.RationalTime(value, rate)


def _range(start: int, duration: int, rate: int) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(_rt(start, rate), _rt(duration, rate))


def clip_name(source: int) -> str:
    return f"shot-{source:03d}"


def build_timeline(
    *,
    lesson,
    plan,
    cast,
    sequence,
    timeline,
    cut_specs,
    cues,
    config,
    video_url: str,
    stages: dict[str, str],
    modules: dict[str, str],
    provenance: dict[str, Any],
    run_dir: str,
    run_id: str,
) -> otio.schema.Timeline:
    """The run as an OTIO timeline (see the module docstring for the layout)."""
    fin, fout, rate = config.timeline_fps, config.fps, config.audio_rate
    total_in = sum(t.num_frames for t in timeline)
    total_out = (total_in * fout) // fin
    total_samples = total_in * rate // fin
    tl = otio.schema.Timeline(name=lesson.title)
    tl.global_start_time = _rt(0, fout)
    video = otio.schema.Track(name="TTV video", kind=otio.schema.TrackKind.Video)
    audio = otio.schema.Track(name="TTV narration", kind=otio.schema.TrackKind.Audio)

    def media(rate_: int, length: int) -> otio.schema.ExternalReference:
        return otio.schema.ExternalReference(
            target_url=video_url, available_range=_range(0, length, rate_)
        )

    for pos, (t, entry) in enumerate(zip(timeline, sequence, strict=True)):
        if pos > 0:
            spec = cut_specs[pos - 1]
            if spec.duration_frames > 0 and spec.kind.value != "cut":
                h_a, h_b = split_span(
                    spec.duration_frames, timeline[pos - 1].num_frames, t.num_frames
                )
                e = t.start_frame
                in_off = out_frame(e, fin, fout, total_out) - out_frame(
                    e - h_a, fin, fout, total_out
                )
                out_off = out_frame(e + h_b, fin, fout, total_out) - out_frame(
                    e, fin, fout, total_out
                )
                video.append(
                    otio.schema.Transition(
                        name=spec.kind.value,
                        transition_type=_OTIO_TYPE.get(
                            spec.kind.value, otio.schema.TransitionTypes.Custom
                        ),
                        in_offset=_rt(in_off, fout),
                        out_offset=_rt(out_off, fout),
                        metadata={
                            "ttv": {
                                "spec": spec.model_dump(mode="json"),
                                "split": [h_a, h_b],
                                "offsets": [in_off, out_off],
                            }
                        },
                    )
                )
        s, n = t.start_frame, t.num_frames
        o0, o1 = out_frame(s, fin, fout, total_out), out_frame(s + n, fin, fout, total_out)
        a0, a1 = s * rate // fin, (s + n) * rate // fin
        trim_out = t.source_frames - t.trim_in - n
        meta = {
            "ttv": {
                "shot": entry.source,
                "position": pos,
                "narration": entry.narration,
                "timeline_start": s,
                "timeline_frames": n,
                "trim_in": t.trim_in,
                "trim_out": trim_out,
                "source_frames": t.source_frames,
                "span": [o0, o1],
            }
        }
        video.append(
            otio.schema.Clip(
                name=clip_name(entry.source),
                media_reference=media(fout, total_out),
                source_range=_range(o0, o1 - o0, fout),
                metadata=meta,
            )
        )
        audio.append(
            otio.schema.Clip(
                name=clip_name(entry.source),
                media_reference=media(rate, total_samples),
                source_range=_range(a0, a1 - a0, rate),
                metadata={"ttv": {"shot": entry.source, "position": pos, "samples": [a0, a1]}},
            )
        )
    for cue in cues:
        start = min(round(cue.start_s * fout), total_out)
        end = min(max(start + 1, round(cue.end_s * fout)), max(total_out, start + 1))
        video.markers.append(
            otio.schema.Marker(
                name=cue.text[:200],
                marked_range=_range(start, end - start, fout),
                color=otio.schema.MarkerColor.YELLOW,
                metadata={"ttv": {"cue": cue.model_dump(mode="json")}},
            )
        )
    tl.tracks.append(video)
    tl.tracks.append(audio)
    tl.metadata["ttv"] = {
        "clips": [dict(c.metadata["ttv"]) for c in video.find_clips()],
        "schema": METADATA_SCHEMA_ID,
        "version": METADATA_VERSION,
        "lesson": lesson.model_dump(mode="json"),
        "lesson_digest": lesson.digest(),
        "plan": [
            {"index": s.index, "narration": s.narration, "scene_index": s.scene_index}
            for s in plan.shots
        ],
        "cast": [
            {"id": c.id, "name": c.name, "pronouns": c.pronouns, "seed": c.seed}
            for c in cast.characters
        ],
        "stages": dict(stages),
        "modules": dict(sorted(modules.items())),
        "provenance": dict(provenance),
        "config": json.loads(json.dumps(config.model_dump(mode="json"))),
        "run_dir": run_dir,
        "run_id": run_id,
        "timeline_fps": fin,
        "fps": fout,
        "audio_rate": rate,
        "frames": total_out,
        "samples": total_samples,
    }
    TimelineMeta.model_validate(tl.metadata["ttv"])  # the published schema, checked
    return tl


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def retarget(tl: otio.schema.Timeline, video: Path) -> otio.schema.Timeline:
    """Point every media reference at ``video`` (a delivered copy of the run's MP4)."""
    url = video.resolve().as_uri()
    for clip in tl.find_clips():
        ref = clip.media_reference
        if isinstance(ref, otio.schema.ExternalReference):
            ref.target_url = url
    return tl


def for_editor(tl: otio.schema.Timeline, adapter: str) -> otio.schema.Timeline:
    """``tl`` as ``adapter`` can write it (a copy where the format needs changes). CMX 3600 holds one video track and
    frame-based times only, so the EDL carries the picture (clips, dissolves, markers as
    locators); FCP 7 XML keeps the narration track with its ranges in video frames."""
    if adapter == "otio_json":
        return tl  # OTIO's own format holds everything: nothing to change, nothing to copy
    copy = tl.deepcopy()
    if adapter == "cmx_3600":
        for track in list(copy.tracks):
            if track.kind != otio.schema.TrackKind.Video:
                copy.tracks.remove(track)
    elif adapter == "fcp_xml":
        fps = tl.metadata["ttv"]["fps"]
        for track in copy.tracks:
            if track.kind != otio.schema.TrackKind.Audio:
                continue
            for clip in track.find_clips():
                r = clip.source_range
                s = r.start_time.rescaled_to(fps).round()
                e = r.end_time_exclusive().rescaled_to(fps).round()
                clip.source_range = otio.opentime.TimeRange(s, e - s)
                ref = clip.media_reference
                ar = ref.available_range
                ref.available_range = otio.opentime.TimeRange(
                    _rt(0, fps), ar.duration.rescaled_to(fps).round()
                )
    return copy


def write(tl: otio.schema.Timeline, path: Path) -> Path:
    """Write ``tl`` in the format ``path``'s suffix names (:data:`FORMATS`)."""
    from ttv_contracts.errors import E_TIMELINE_EXPORT, TTVError

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise TTVError(
            E_TIMELINE_EXPORT,
            f"{path}: unknown timeline format {suffix or '(none)'}",
            module="ttv-integration",
            hint="Use one of " + ", ".join(f"{s} ({d})" for s, (_, d) in FORMATS.items()) + ".",
        )
    adapter = FORMATS[suffix][0]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.partial")
        otio.adapters.write_to_file(for_editor(tl, adapter), str(tmp), adapter_name=adapter)
        tmp.replace(path)
    except Exception as exc:
        raise TTVError(
            E_TIMELINE_EXPORT,
            f"cannot write {path} ({FORMATS[suffix][1]}): {exc}",
            module="ttv-integration",
        ) from None
    return path


def check_format(path: str | Path | None) -> None:
    """Refuse (TTV-E083) a timeline path whose suffix names no format TTV writes."""
    from ttv_contracts.errors import E_TIMELINE_EXPORT, TTVError

    if path is None or Path(path).suffix.lower() in FORMATS:
        return
    raise TTVError(
        E_TIMELINE_EXPORT,
        f"{path}: unknown timeline format {Path(path).suffix or '(none)'}",
        module="ttv-integration",
        hint="Use one of " + ", ".join(f"{s} ({d})" for s, (_, d) in FORMATS.items()) + ".",
    )


def copy_timelines(videos: Path, dest: Path) -> list[Path]:
    """Each ``videos/<lesson>.otio`` (a batch's) as ``dest/<lesson>.otio``, media unchanged."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for src in sorted(Path(videos).glob("*.otio")):
        target = dest / src.name
        target.write_bytes(src.read_bytes())
        out.append(target)
    return out


def convert(source: str | Path, dest: str | Path) -> Path:
    """Convert a TTV timeline to the format ``dest``'s suffix names (.otio, .xml, .edl)."""
    from .otio_render import read_timeline

    return write(read_timeline(source), Path(dest))
