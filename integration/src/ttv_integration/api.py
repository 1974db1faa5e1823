"""The one-call Python API: ``import ttv`` (re-exported by the top-level ``ttv`` module).

>>> import ttv
>>> report = ttv.generate("lesson.json", "out.mp4", config="stub", width=128, height=72)
>>> report.status
'ok'

Every function raises :class:`ttv_contracts.errors.TTVError` (a stable code, the module, a
repair pointer) for what the CLI reports with a code; the CLI's ``ttv generate`` and
``ttv render`` are thin wrappers over :func:`generate` and :func:`render_timeline`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ttv_contracts.v1 import Lesson, RunReport

from .config import PipelineConfig

__all__ = [
    "Lesson",
    "PipelineConfig",
    "RunReport",
    "generate",
    "load_config",
    "load_lesson",
    "read_edit",
    "render_timeline",
]

LessonLike = Lesson | Mapping[str, Any] | str | Path
ConfigLike = PipelineConfig | str | Path | None


def load_lesson(lesson: LessonLike) -> Lesson:
    """A lesson from a file (``.json``, ``.txt``, ``.md``), a dict such as
    ``{"title": ..., "text": ...}`` or ``{"title": ..., "scenes": [...]}``, or a
    :class:`~ttv_contracts.v1.Lesson` (returned as is). Invalid input raises TTV-E001."""
    from .lesson import load_lesson as _from_file
    from .lesson import parse_lesson

    if isinstance(lesson, Lesson):
        return lesson
    if isinstance(lesson, Mapping):
        return parse_lesson(dict(lesson), Path("<dict>"))
    return _from_file(lesson)


def load_config(
    config: ConfigLike = "default",
    *,
    use: Mapping[str, str] | None = None,
    **overrides: Any,
) -> PipelineConfig:
    """A pipeline config: a profile name (``"default"``, ``"stub"``, ``"diffusers"``), a TOML
    file, or a :class:`PipelineConfig`; ``use`` pins implementations
    (``{"emotion": "stub"}``, or with options ``{"interpolator": "flow:preset=medium"}``, the
    ``--use`` form) and keyword overrides set top-level fields (``width=128``,
    ``strict=True``...). Invalid settings raise TTV-E002, unknown implementations TTV-E003
    and options the implementation rejects TTV-E002 when the run starts."""
    from .config import load_config as _load

    if isinstance(config, PipelineConfig):
        if not use and not overrides:
            return config
        from .config import use_slot

        data = config.model_dump(mode="json")
        for slot, name in (use or {}).items():
            data["slots"][slot] = use_slot(data["slots"].get(slot, {}), name, f"use {slot}")
        data.update(overrides)
        try:
            return PipelineConfig.model_validate(data)
        except Exception as exc:
            from ttv_contracts.errors import E_CONFIG_INVALID, TTVError

            raise TTVError(E_CONFIG_INVALID, str(exc), module="ttv-integration") from None
    return _load(
        config if config is not None else "default", use=dict(use or {}), overrides=overrides
    )


def generate(
    lesson: LessonLike,
    output: str | Path,
    config: ConfigLike = "default",
    *,
    use: Mapping[str, str] | None = None,
    run_dir: str | Path | None = None,
    runs_root: str | Path = "runs",
    resume: bool = False,
    otio: str | Path | None = None,
    progress: Any = None,
    **overrides: Any,
) -> RunReport:
    """Render ``lesson`` into a narrated, subtitled, watermarked, signed MP4 at ``output``.

    Also written: ``output`` with ``.srt`` (subtitles), ``.otio`` (the OpenTimelineIO
    timeline; ``otio`` picks another path or format: ``.otio``, ``.xml`` for Final Cut Pro 7,
    ``.edl`` for CMX 3600) and ``.mp4.chapters.vtt``; the run folder (``run_dir``, else a new
    one under ``runs_root``) keeps the cache, ``report.json`` and ``provenance.json``.
    ``resume=True`` continues ``run_dir``. Returns the run report: ``status`` is ``"ok"`` or
    ``"degraded"`` (a fallback was used); a failed run raises TTVError.
    """
    from .chain import check_slot_options
    from .otio_export import check_format
    from .runner import Pipeline

    check_format(otio)
    cfg = load_config(config, use=use, **overrides)
    check_slot_options(cfg)
    the_lesson = load_lesson(lesson)
    pipeline = Pipeline(cfg, progress=progress)
    return pipeline.run(
        the_lesson, output, run_dir=run_dir, runs_root=runs_root, resume=resume, otio=otio
    )


def read_edit(timeline: str | Path):
    """What an edited TTV timeline asks for (lesson, cut, source run): see
    :mod:`ttv_integration.otio_render`. Raises TTV-E080..E082 for bad or foreign timelines."""
    from .otio_render import edit_from_timeline, read_timeline

    return edit_from_timeline(read_timeline(timeline))


def render_timeline(
    timeline: str | Path,
    output: str | Path,
    config: ConfigLike = None,
    *,
    use: Mapping[str, str] | None = None,
    run_dir: str | Path | None = None,
    runs_root: str | Path | None = None,
    otio: str | Path | None = None,
    progress: Any = None,
    **overrides: Any,
) -> RunReport:
    """Render an edited TTV timeline (``.otio``) to ``output``: shots reordered, trimmed or
    removed, transitions changed, a clip's narration replaced
    (``clip.metadata["ttv"]["narration"]``). ``config`` defaults to the config the timeline
    was made with. The new run folder (``run_dir``, else a new one under ``runs_root``,
    default: beside the timeline's source run) starts with the source run's cache, so only
    what the edit changed is computed; the report's stages show the cache hits.
    """
    from .chain import check_slot_options
    from .otio_export import check_format
    from .otio_render import seed_cache
    from .rundir import new_run_id
    from .runner import Pipeline, check_output

    check_format(otio)
    edited = read_edit(timeline)
    if config is None:
        cfg = PipelineConfig.model_validate(edited.config) if edited.config else None
        cfg = load_config(cfg or "default", use=use, **overrides)
    else:
        cfg = load_config(config, use=use, **overrides)
    check_slot_options(cfg)
    output = Path(output)
    check_output(output)
    if run_dir is None:
        root = Path(runs_root) if runs_root is not None else None
        if root is None:
            src = edited.source_run
            root = src.parent if src is not None and src.parent.is_dir() else Path("runs")
        run_dir = root / new_run_id(f"{edited.lesson.title} edit")
    run_dir = Path(run_dir)
    (run_dir / "cache").mkdir(parents=True, exist_ok=True)
    seed_cache(edited.source_run, run_dir)
    pipeline = Pipeline(cfg, progress=progress)
    return pipeline.run(edited.lesson, output, run_dir=run_dir, edit=edited.edit, otio=otio)


def report_json(report: RunReport) -> str:
    """The report as indented JSON (what ``report.json`` holds)."""
    return json.dumps(report.model_dump(mode="json"), indent=2)
