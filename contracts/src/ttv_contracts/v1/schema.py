"""JSON Schemas of the v1 models, so pipelines in other languages can integrate."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from . import models
from .slots import ModuleInfo

SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    cls.__name__: cls
    for cls in (
        models.Lesson,
        models.StoryPlan,
        models.Cast,
        models.SceneBook,
        models.EmotionTrack,
        models.ShotSpec,
        models.Keyframe,
        models.Clip,
        models.TransitionSpec,
        models.VoiceSpec,
        models.AudioClip,
        models.SubtitleCue,
        models.WatermarkPayload,
        models.WatermarkDetection,
        models.ProvenanceManifest,
        models.ProvenanceRecord,
        models.VerificationReport,
        models.RouteRequest,
        models.RouteDecision,
        models.RouteOutcome,
        models.StageRecord,
        models.RunReport,
        ModuleInfo,
    )
}


#: Where the documentation site is served; the site publishes each schema at
#: ``schemas/v1/<Model>.json`` under it, so every ``$id`` resolves to its own file.
SITE_URL = "https://ttv-pipeline.github.io/ttv/"


def schema_id(path: str) -> str:
    """The URL the site serves ``path`` (relative to the site's root) at."""
    return SITE_URL + path.lstrip("/")


def schemas() -> dict[str, dict]:
    """Model name -> JSON Schema (draft 2020-12, as pydantic writes it). The version is the
    contract major in the path (``schemas/v1/``); a breaking change publishes ``v2``."""
    out = {}
    for name, cls in SCHEMA_MODELS.items():
        schema = cls.model_json_schema(mode="serialization")
        schema["$id"] = schema_id(f"schemas/v1/{name}.json")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        out[name] = schema
    return out


def export_schemas(directory: Path) -> list[Path]:
    """Write one ``<Model>.json`` per model into ``directory``; returns the paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, schema in schemas().items():
        path = directory / f"{name}.json"
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
