"""Pipeline configuration: one implementation (and options) per slot, output format, seed.

Profiles: ``default`` (CPU, no downloads: the preferred implementation of each slot when
installed, else the next installed one, else the stub), ``stub`` (every slot stubbed) and
``diffusers`` (model-backed slots, weights from a local path). A TOML file overrides the
profile; ``--use slot=name`` overrides the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from ttv_contracts.errors import E_CONFIG_INVALID, E_UNKNOWN_IMPL, TTVError
from ttv_contracts.v1 import SLOTS

from .lesson import describe_validation

AUTO = "auto"

#: The default profile's preferred implementation per slot (CPU, no downloads). A name that is
#: not installed falls back to another installed CPU implementation, then the stub.
DEFAULT_PREFERENCES: dict[str, tuple[str, ...]] = {
    "narrative": ("segmenter",),
    "identity": ("coref",),
    "scene": ("graph",),
    "emotion": ("lexicon",),
    "keyframe": ("animatic",),
    "motion": ("camera",),
    "transitions": ("classic",),
    "extender": ("slowmo",),
    "interpolator": ("flow",),
    "voice": ("espeak",),
    "lipsync": ("viseme",),
    "upscaler": ("lanczos",),
    "watermark": ("dct-qim",),
    "router": ("bandit",),
}

#: Model-backed implementations used by the ``diffusers`` profile.
DIFFUSERS_PREFERENCES: dict[str, tuple[str, ...]] = {
    "keyframe": ("diffusers",),
    "motion": ("animatediff",),
    "upscaler": ("spandrel",),
}


class SlotConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    use: str = AUTO
    prefer: tuple[str, ...] = ()
    fallbacks: tuple[str, ...] | None = None  # None: every other installed CPU implementation
    options: dict[str, Any] = {}
    timeout_s: float | None = Field(default=None, gt=0, le=86_400)
    explicit: bool = False  # set when the user named the implementation (file or --use)


class PipelineConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    profile: Literal["default", "stub", "diffusers"] = "default"
    width: int = Field(default=1280, ge=64, le=3840)
    height: int = Field(default=720, ge=64, le=2160)
    fps: int = Field(default=24, ge=1, le=60)
    timeline_width: int = Field(default=640, ge=32, le=3840)
    timeline_height: int = Field(default=360, ge=32, le=2160)
    timeline_fps: int = Field(default=12, ge=1, le=60)
    seed: int = Field(default=0, ge=0, lt=2**32)
    crf: int = Field(default=23, ge=0, le=51)
    audio_rate: int = Field(default=48000, ge=8000, le=96000)
    shot_pad_s: float = Field(default=0.4, ge=0.0, le=10.0)
    stage_timeout_s: float = Field(default=300.0, gt=0, le=86_400)
    route_primary: bool = False
    store_dir: str | None = None
    namespace: str = Field(default="default", pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")
    strict: bool = False
    cache_memory_mb: int = Field(default=512, ge=0, le=1_000_000)
    cache_budget_mb: int = Field(default=2048, ge=0, le=10_000_000)
    cache_intermediate: bool = False  # also keep motion and extender clips on disk
    # compositor: text drawn at output resolution after upscaling (captions follow the cues)
    burn_captions: bool = True  # False: subtitle track only
    burn_labels: bool = True  # setting label and name tags
    title_safe: float = Field(default=0.1, ge=0.0, le=0.25)  # inset of each side for text
    slots: dict[str, SlotConfig] = {}

    @model_validator(mode="after")
    def _check(self) -> PipelineConfig:
        for name in ("width", "height", "timeline_width", "timeline_height"):
            if getattr(self, name) % 2:
                raise ValueError(f"{name} must be even (H.264 4:2:0 needs even sizes)")
        unknown = set(self.slots) - set(SLOTS)
        if unknown:
            raise ValueError(f"unknown slot(s) {sorted(unknown)}; slots: {', '.join(SLOTS)}")
        return self

    def slot(self, name: str) -> SlotConfig:
        return self.slots.get(name, SlotConfig())

    def stores(self) -> Path:
        base = self.store_dir or os.environ.get("TTV_STORE_DIR") or ".ttv/stores"
        return Path(base)

    def store_path(self, slot: str) -> Path:
        """Where a slot's persistent store lives: one folder per project namespace, so two
        series (or two projects) never share identities, scenes or router history."""
        return self.stores() / self.namespace / slot

    def digest(self) -> str:
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()


def profile_slots(profile: str) -> dict[str, SlotConfig]:
    if profile == "stub":
        return {slot: SlotConfig(use="stub") for slot in SLOTS}
    prefs = dict(DEFAULT_PREFERENCES)
    if profile == "diffusers":
        weights = os.environ.get("TTV_WEIGHTS_DIR")
        out = {slot: SlotConfig(prefer=prefs.get(slot, ())) for slot in SLOTS}
        for slot, names in DIFFUSERS_PREFERENCES.items():
            options = {"weights_path": str(Path(weights) / slot)} if weights else {}
            out[slot] = SlotConfig(use=names[0], options=options, explicit=True)
        return out
    return {slot: SlotConfig(prefer=prefs.get(slot, ())) for slot in SLOTS}


def _invalid(why: str, source: str) -> TTVError:
    return TTVError(
        E_CONFIG_INVALID, f"Config {source} is invalid: {why}", module="ttv-integration"
    )


#: The ``--use`` form: ``SLOT=IMPLEMENTATION[:KEY=VALUE[,KEY=VALUE...]]``.
USE_FORM = "SLOT=IMPLEMENTATION[:KEY=VALUE,...]"


def _bad_use(message: str) -> TTVError:
    return TTVError(
        E_UNKNOWN_IMPL,
        message,
        module="ttv-integration",
        hint=f"The form is {USE_FORM}, e.g. interpolator=flow:preset=medium,flow_scale=0.5.",
    )


def _split_top(text: str) -> list[str]:
    """Split on commas outside quotes and brackets (so ``fade_color=[0,0,0]`` stays whole)."""
    parts, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote and text[i - 1] != "\\":
                quote = ""
        elif ch == '"':
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _option_value(raw: str) -> Any:
    """A JSON value when ``raw`` parses as one (``2``, ``0.5``, ``true``, ``null``,
    ``"text"``, ``[0, 0, 0]``), else the text itself (``medium``, ``/models/sd15``)."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def parse_impl_options(text: str, where: str = "--use") -> dict[str, Any]:
    """``"preset=medium,flow_scale=0.5"`` -> ``{"preset": "medium", "flow_scale": 0.5}``.

    Values are JSON when they parse, else plain strings; a dotted key sets a nested option
    (``camera.speed=0.2`` -> ``{"camera": {"speed": 0.2}}``)."""
    out: dict[str, Any] = {}
    if not text.strip():
        return out
    for item in _split_top(text):
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise _bad_use(f"{where}: option {item.strip()!r} is not KEY=VALUE")
        path = key.split(".")
        if not all(p.isidentifier() for p in path):
            raise _bad_use(f"{where}: option name {key!r} is not a name")
        node = out
        for part in path[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise _bad_use(f"{where}: option {key!r} conflicts with {part}={child!r}")
            node = child
        if path[-1] in node:
            raise _bad_use(f"{where}: option {key!r} is given twice")
        node[path[-1]] = _option_value(raw.strip())
    return out


def split_use(value: str, where: str = "--use") -> tuple[str, dict[str, Any]]:
    """``"flow:preset=medium"`` -> ``("flow", {"preset": "medium"})``; ``"flow"`` ->
    ``("flow", {})``. Implementation names never hold a colon."""
    name, _, options = value.partition(":")
    name = name.strip()
    if not name:
        raise _bad_use(f"{where}: no implementation name in {value!r}")
    return name, parse_impl_options(options, where)


def parse_use(items: list[str]) -> dict[str, str]:
    """``["emotion=stub", "interpolator=flow:preset=medium"]`` -> ``{"emotion": "stub",
    "interpolator": "flow:preset=medium"}``, with coded errors (the options part is checked
    here and split off by :func:`load_config`)."""
    out: dict[str, str] = {}
    for item in items:
        slot, sep, name = item.partition("=")
        slot, name = slot.strip(), name.strip()
        if not sep or not slot or not name:
            raise _bad_use(f"--use expects {USE_FORM}, got {item!r}")
        if slot not in SLOTS:
            raise TTVError(
                E_UNKNOWN_IMPL,
                f"--use names unknown slot '{slot}'. Slots: {', '.join(SLOTS)}.",
                module="ttv-integration",
            )
        split_use(name, f"--use {slot}")  # syntax errors now, before anything runs
        out[slot] = name
    return out


def use_slot(table: dict[str, Any], value: str, where: str = "--use") -> dict[str, Any]:
    """A slot table (as in ``[slots.<slot>]``) after ``--use`` names ``value``
    (``name[:options]``): the options given are laid over the table's when it already names
    that implementation (or ``auto``); options written for another implementation are
    dropped."""
    name, options = split_use(value, where)
    keep = (table.get("options") or {}) if table.get("use", AUTO) in (name, AUTO) else {}
    return {**table, "use": name, "explicit": True, "options": {**keep, **options}}


def load_config(
    path: str | Path | None = None,
    *,
    profile: str | None = None,
    use: dict[str, str] | None = None,
    overrides: dict[str, Any] | None = None,
) -> PipelineConfig:
    """Build a config: profile defaults, then the TOML file, then ``use`` and ``overrides``.

    The TOML file may hold top-level keys of :class:`PipelineConfig` (``profile``, ``width``...)
    and ``[slots.<slot>]`` tables with ``use``, ``fallbacks``, ``options``, ``timeout_s``.
    """
    data: dict[str, Any] = {}
    source = str(path) if path else "(built-in)"
    if path is not None:
        p = Path(path)
        if p.suffix == "" and not p.exists() and str(path) in ("default", "stub", "diffusers"):
            profile = str(path)
        else:
            try:
                data = tomllib.loads(p.read_text(encoding="utf-8"))
            except OSError as exc:
                raise _invalid(f"cannot read it ({exc.strerror or exc})", source) from None
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise _invalid(f"not valid TOML ({exc})", source) from None
    chosen = profile or data.get("profile", "default")
    if chosen not in ("default", "stub", "diffusers"):
        raise _invalid(f"unknown profile {chosen!r} (default, stub, diffusers)", source)
    slots = {k: v.model_dump() for k, v in profile_slots(chosen).items()}
    file_slots = data.pop("slots", {}) or {}
    if not isinstance(file_slots, dict):
        raise _invalid("[slots] must be a table", source)
    for slot, table in file_slots.items():
        if not isinstance(table, dict):
            raise _invalid(f"[slots.{slot}] must be a table", source)
        merged = {**slots.get(slot, {}), **table}
        if "use" in table:
            merged["explicit"] = table["use"] != AUTO
        slots[slot] = merged
    for slot, name in (use or {}).items():
        slots[slot] = use_slot(slots.get(slot, {}), name, f"--use {slot}")
    data.update(overrides or {})
    data["profile"] = chosen
    data["slots"] = slots
    try:
        return PipelineConfig.model_validate(data)
    except ValidationError as exc:
        raise _invalid(describe_validation(exc), source) from None


def config_json(config: PipelineConfig) -> str:
    return json.dumps(config.model_dump(mode="json"), indent=2, sort_keys=True)
