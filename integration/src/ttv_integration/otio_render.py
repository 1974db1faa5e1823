"""Render an edited OpenTimelineIO timeline (``ttv render TIMELINE.otio -o OUT.mp4``).

The timeline must be one TTV wrote (``ttv`` metadata, :data:`.otio_export.METADATA_VERSION`),
possibly edited in an editor or in Python. What an edit may do, on the video track
``TTV video`` (the first video track):

* **reorder** clips, **remove** clips, or use a shot twice;
* **trim** a clip: change its ``source_range`` within its shot (head and/or tail). Output
  frames are snapped to the timeline's frames (``timeline_fps``);
* **change transitions**: remove one (a hard cut), add one between two clips, or change its
  offsets (``in_offset + out_offset`` is its length) or its kind
  (``metadata["ttv"]["kind"]``: ``dissolve``, ``fade``, ``wipe_left`` ...; an OTIO
  ``SMPTE_Dissolve`` without it is a dissolve);
* **replace a shot's narration**: set ``clip.metadata["ttv"]["narration"]`` to the new line.

Each clip is identified by ``clip.metadata["ttv"]["shot"]`` (or, when an editor dropped the
metadata, by which original shot's output frames its source range starts in). The audio
track and the markers are outputs: narration and subtitles follow the video clips.

The render runs in a new run folder whose cache is seeded (hard links) from the timeline's
source run, so every shot the edit leaves alone is reused and only changed narration (new
voice, new length, new frames) and the cuts around edits are recomputed.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ttv_contracts.errors import (
    E_TIMELINE_FOREIGN,
    E_TIMELINE_INVALID,
    E_TIMELINE_UNREADABLE,
    TTVError,
)
from ttv_contracts.v1 import Lesson, TransitionKind, TransitionSpec

from .otio_export import METADATA_VERSION, timeline_frame
from .stages.sequence import SequenceShot, TimelineEdit

_MODULE = "ttv-integration"


@dataclass(frozen=True)
class EditedTimeline:
    """What an edited timeline asks for: the lesson, the cut, the source run's config and
    folder (whose cache it reuses)."""

    lesson: Lesson
    edit: TimelineEdit
    config: dict[str, Any]
    source_run: Path | None
    metadata: dict[str, Any]


def _invalid(message: str, hint: str | None = None) -> TTVError:
    return TTVError(E_TIMELINE_INVALID, message, module=_MODULE, hint=hint)


def read_timeline(path: str | Path):
    """The OTIO timeline in ``path`` (any format an installed adapter reads)."""
    import opentimelineio as otio

    path = Path(path)
    if not path.is_file():
        raise TTVError(E_TIMELINE_UNREADABLE, f"{path} is not a file", module=_MODULE)
    try:
        tl = otio.adapters.read_from_file(str(path))
    except Exception as exc:
        raise TTVError(
            E_TIMELINE_UNREADABLE,
            f"{path} is not a timeline OpenTimelineIO can read: {exc}",
            module=_MODULE,
            hint="Give the .otio file TTV wrote next to the video (or an edited copy).",
        ) from None
    if not isinstance(tl, otio.schema.Timeline):
        raise TTVError(
            E_TIMELINE_UNREADABLE,
            f"{path} holds a {type(tl).__name__}, not a timeline",
            module=_MODULE,
        )
    return tl


def ttv_metadata(tl) -> dict[str, Any]:
    """The timeline's ``ttv`` metadata, checked for its version."""
    meta = tl.metadata.get("ttv") if hasattr(tl.metadata, "get") else None
    if meta is None:
        raise TTVError(
            E_TIMELINE_FOREIGN,
            f"timeline {tl.name!r} has no TTV metadata: it was not made by ttv",
            module=_MODULE,
            hint="Render a timeline TTV exported (timeline.otio in a run folder, OUT.otio "
            "next to a video), edited in place.",
        )
    meta = _plain(meta)
    version = meta.get("version")
    if version != METADATA_VERSION or "lesson" not in meta:
        raise TTVError(
            E_TIMELINE_FOREIGN,
            f"timeline {tl.name!r} has TTV metadata version {version!r}; this ttv reads "
            f"version {METADATA_VERSION}",
            module=_MODULE,
            hint="Export the timeline again with this version of ttv.",
        )
    return meta


def _plain(value: Any) -> Any:
    """OTIO's AnyDictionary / AnyVector as plain Python."""
    if hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple) or type(value).__name__ == "AnyVector":
        return [_plain(v) for v in value]
    return value


def _frames(t, rate: int) -> int:
    value = t.rescaled_to(rate).value
    if abs(value - round(value)) > 1e-6:
        raise _invalid(f"time {t} is not a whole frame at {rate} fps")
    return round(value)


def _shot_of(clip, meta: dict, index: int, fps: int) -> dict:
    """The clip's ``ttv`` metadata; when an editor dropped it, the exported clip whose
    output frames hold the clip's first frame."""
    cm = _plain(clip.metadata.get("ttv")) if hasattr(clip.metadata, "get") else None
    if cm and "shot" in cm:
        return cm
    if clip.source_range is not None:
        start = _frames(clip.source_range.start_time, fps)
        for exported in meta.get("clips", []):
            a, b = exported.get("span") or (-1, -1)
            if a <= start < b:
                return exported
    raise _invalid(
        f"clip {index + 1} ({clip.name!r}) has no TTV shot metadata and its range matches no shot",
        hint="Keep clip.metadata['ttv'] when editing, or cut from TTV's own clips.",
    )


def _transition(tr, meta: dict, fps_in: int, fps_out: int) -> TransitionSpec:
    tm = _plain(tr.metadata.get("ttv")) if hasattr(tr.metadata, "get") else None
    tm = tm or {}
    in_off = _frames(tr.in_offset, fps_out)
    out_off = _frames(tr.out_offset, fps_out)
    if in_off < 0 or out_off < 0:
        raise _invalid(f"transition {tr.name!r} has a negative offset")
    spec = dict(tm.get("spec") or {})
    kind = tm.get("kind") or spec.get("kind")
    if kind is None:
        kind = "dissolve" if tr.transition_type == "SMPTE_Dissolve" else (tr.name or "dissolve")
    try:
        kind = TransitionKind(str(kind))
    except ValueError:
        raise _invalid(
            f"transition {tr.name!r}: unknown kind {kind!r}",
            hint="Kinds: " + ", ".join(k.value for k in TransitionKind) + ".",
        ) from None
    if tm.get("offsets") == [in_off, out_off] and "duration_frames" in spec:
        duration = int(spec["duration_frames"])
    else:  # offsets changed in an editor: back to timeline frames
        duration = round((in_off + out_off) * fps_in / fps_out)
    spec.update(kind=kind.value, duration_frames=duration if kind != TransitionKind.CUT else 0)
    return TransitionSpec.model_validate(spec)


def edit_from_timeline(tl) -> EditedTimeline:
    """The lesson and the cut an (edited) TTV timeline asks for; coded errors otherwise."""
    import opentimelineio as otio

    meta = ttv_metadata(tl)
    try:
        lesson = Lesson.model_validate(meta["lesson"])
    except Exception as exc:
        raise TTVError(
            E_TIMELINE_FOREIGN, f"the timeline's lesson is invalid: {exc}", module=_MODULE
        ) from None
    fin, fout = int(meta["timeline_fps"]), int(meta["fps"])
    plan = {int(p["index"]): p["narration"] for p in meta.get("plan", [])}
    videos = [t for t in tl.tracks if t.kind == otio.schema.TrackKind.Video]
    if not videos:
        raise _invalid("the timeline has no video track")
    track = videos[0]
    shots: list[SequenceShot] = []
    pending: TransitionSpec | None = None
    for item in track:
        if isinstance(item, otio.schema.Transition):
            if not shots:
                raise _invalid("the timeline starts with a transition")
            pending = _transition(item, meta, fin, fout)
            continue
        if not isinstance(item, otio.schema.Clip):
            raise _invalid(
                f"the video track holds a {type(item).__name__} ({item.name!r}); TTV renders "
                "clips and transitions only",
                hint="Close gaps and flatten nested tracks before rendering.",
            )
        pos = len(shots)
        cm = _shot_of(item, meta, pos, fout)
        source = int(cm["shot"])
        if source not in plan:
            raise _invalid(f"clip {pos + 1} names shot {source}, which the lesson does not have")
        narration = str(cm.get("narration") or plan[source]).strip()
        if not narration:
            raise _invalid(f"clip {pos + 1} (shot {source}) has empty narration")
        trim_in, trim_out = int(cm.get("trim_in", 0)), int(cm.get("trim_out", 0))
        span = cm.get("span")
        rng = item.source_range
        if rng is not None and span:
            a = _frames(rng.start_time, fout)
            b = a + _frames(rng.duration, fout)
            if b <= a:
                raise _invalid(f"clip {pos + 1} (shot {source}) is empty")
            first = int(cm["timeline_start"]) - trim_in  # where the whole shot would start
            last = int(cm["timeline_start"]) + int(cm["timeline_frames"]) + trim_out
            if a != span[0]:
                trim_in = timeline_frame(a, fin, fout) - first
            if b != span[1]:
                trim_out = last - timeline_frame(b, fin, fout)
            if trim_in < 0 or trim_out < 0:
                raise _invalid(
                    f"clip {pos + 1} (shot {source}) reaches past its shot's frames",
                    hint="A clip can be trimmed within its shot, not extended beyond it.",
                )
        cut = None
        if pos > 0:
            cut = pending or TransitionSpec(kind=TransitionKind.CUT, duration_frames=0)
        pending = None
        shots.append(
            SequenceShot(
                source=source, narration=narration, trim_in=trim_in, trim_out=trim_out, cut=cut
            )
        )
    if not shots:
        raise _invalid("the video track has no clips")
    source_run = meta.get("run_dir")
    return EditedTimeline(
        lesson=lesson,
        edit=TimelineEdit(shots=tuple(shots)),
        config=dict(meta.get("config") or {}),
        source_run=Path(source_run) if source_run else None,
        metadata=meta,
    )


def seed_cache(source_run: Path | None, run_dir: Path) -> int:
    """Hard-link (or copy) the source run's cache into ``run_dir``; returns files linked.
    Cache files are written once, atomically, and never changed in place, so sharing them
    is safe; a missing source just means everything is recomputed."""
    if source_run is None:
        return 0
    src = Path(source_run) / "cache"
    if not src.is_dir() or src.resolve() == (run_dir / "cache").resolve():
        return 0
    n = 0
    for path in src.rglob("*"):
        if not path.is_file() or path.name.startswith("."):
            continue
        dest = run_dir / "cache" / path.relative_to(src)
        if dest.exists():
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, dest)
        except OSError:
            shutil.copy2(path, dest)
        n += 1
    return n
