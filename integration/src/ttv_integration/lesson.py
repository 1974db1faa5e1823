"""Reading a lesson file into a :class:`~ttv_contracts.v1.Lesson`, with coded errors."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError
from ttv_contracts.errors import E_LESSON_INVALID, TTVError
from ttv_contracts.v1 import Lesson

MAX_LESSON_BYTES = 4 * 1024 * 1024


def _fail(path: Path, why: str) -> TTVError:
    return TTVError(
        E_LESSON_INVALID,
        f"Lesson {path} cannot be used: {why}",
        module="ttv-integration",
        hint='A lesson is JSON: {"title": ..., "text": ...} or {"title": ..., "scenes": '
        '[{"setting": ..., "text": ...}]}, or a .txt/.md file of plain text.',
    )


def describe_validation(exc: ValidationError) -> str:
    """First few pydantic errors as one readable line."""
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err.get("loc", ())) or "lesson"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


def parse_lesson(data: object, path: Path) -> Lesson:
    if not isinstance(data, dict):
        raise _fail(path, f"expected a JSON object, got {type(data).__name__}")
    try:
        return Lesson.model_validate(data)
    except ValidationError as exc:
        raise _fail(path, describe_validation(exc)) from None


def load_lesson(path: str | Path) -> Lesson:
    """Load a lesson from JSON (title + text or scenes) or plain text (.txt, .md)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _fail(path, f"cannot read it ({exc.strerror or exc})") from None
    if not path.is_file():
        raise _fail(path, "it is not a file")
    if size > MAX_LESSON_BYTES:
        raise _fail(path, f"it is {size} bytes; the limit is {MAX_LESSON_BYTES}")
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(path, f"it is not readable UTF-8 text ({exc})") from None
    if path.suffix.lower() in {".txt", ".md"}:
        return parse_lesson({"title": path.stem.replace("_", " ").title(), "text": raw}, path)
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise _fail(
            path, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    return parse_lesson(data, path)
