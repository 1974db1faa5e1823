"""Reading a lesson file into a :class:`~ttv_contracts.v1.Lesson`, with coded errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
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
        '[{"setting": ..., "text": ...}]}, a .txt file of plain text, or a .md Markdown file '
        "(first # heading as title).",
    )


def describe_validation(exc: ValidationError) -> str:
    """First few pydantic errors as one readable line."""
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err.get("loc", ())) or "lesson"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


#: Block tokens whose text is not narrated: code is not read aloud, raw HTML and tables are
#: layout, not prose.
_SKIPPED_BLOCKS = ("fence", "code_block", "html_block", "table_open")


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


def _inline_text(token: Token) -> str:
    """The words of an inline token: emphasis, links and inline code reduced to their text;
    images and inline HTML dropped."""
    out: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return re.sub(r"\s+", " ", "".join(out)).strip()


def markdown_lesson(raw: str, stem: str) -> dict[str, str]:
    """A Markdown lesson as ``{"title", "text"}`` (parsed with markdown-it-py, CommonMark).

    A YAML front matter block's ``title:`` is the title, else the first top-level heading
    when it comes before any prose, else the file name; front matter is never narrated.
    Headings end a paragraph and are not narrated: they name a section, they are not a
    sentence of it. Paragraphs stay paragraphs, each list item becomes a ``- `` line
    of a list paragraph (the planner reads one sentence per item), and emphasis, links and
    inline code keep only their words. Code blocks, raw HTML, tables and images are not read
    aloud.
    """
    title: str | None = None
    # YAML front matter (Jekyll, Hugo, Obsidian): "---", key: value lines, "---"; its title
    # names the lesson, and none of it is narrated (it was read out as a paragraph)
    front = _FRONT_MATTER.match(raw)
    if front:
        raw = raw[front.end() :]
        found = re.search(r"^title:[ \t]*(.+?)[ \t]*$", front.group(1), re.M)
        title = found.group(1).strip("'\"") if found else None
    tokens = MarkdownIt("commonmark").enable("table").parse(raw)
    paragraphs: list[str] = []
    items: list[str] = []
    depth_skip: str | None = None
    in_heading = ""
    list_depth = 0
    for token in tokens:
        if depth_skip is not None:  # inside a table: skip to its end
            if token.type == depth_skip:
                depth_skip = None
            continue
        if token.type in _SKIPPED_BLOCKS:
            if token.type == "table_open":
                depth_skip = "table_close"
            continue
        if token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
            if list_depth == 0 and items:
                paragraphs.append("\n".join(f"- {it}" for it in items))
                items = []
        elif token.type == "heading_open":
            in_heading = token.tag
        elif token.type == "heading_close":
            in_heading = ""
        elif token.type == "inline":
            text = _inline_text(token)
            if not text:
                continue
            if in_heading:
                if in_heading == "h1" and title is None and not paragraphs and not items:
                    title = text
            elif list_depth:
                items.append(text)
            else:
                paragraphs.append(text)
    return {"title": title or stem.replace("_", " ").title(), "text": "\n\n".join(paragraphs)}


_TITLE_LINE = re.compile(r"\A[ \t]*([^\n]{1,80}?)[ \t]*\r?\n[ \t]*\r?\n(?=\s*\S)")


def text_lesson(raw: str, stem: str) -> dict[str, str]:
    """A plain-text lesson as ``{"title", "text"}``: a short first line standing alone (at
    most eight words, no closing punctuation, a blank line after it) is the title, as in
    most text files; otherwise the file name is, and every line is narrated."""
    first = _TITLE_LINE.match(raw)
    if first:
        line = first.group(1).strip()
        if len(line.split()) <= 8 and line[-1] not in ".!?…:;,\"”'":
            return {"title": line, "text": raw[first.end() :]}
    return {"title": stem.replace("_", " ").title(), "text": raw}


def parse_lesson(data: object, path: Path) -> Lesson:
    if not isinstance(data, dict):
        raise _fail(path, f"expected a JSON object, got {type(data).__name__}")
    try:
        return Lesson.model_validate(data)
    except ValidationError as exc:
        raise _fail(path, describe_validation(exc)) from None


def load_lesson(path: str | Path) -> Lesson:
    """Load a lesson from JSON (title + text or scenes), plain text (.txt, see
    :func:`text_lesson`) or Markdown (.md, see :func:`markdown_lesson`)."""
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
        raw = path.read_text(encoding="utf-8-sig")  # a BOM (Notepad) is not text
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(path, f"it is not readable UTF-8 text ({exc})") from None
    if path.suffix.lower() == ".md":
        return parse_lesson(markdown_lesson(raw, path.stem), path)
    if path.suffix.lower() == ".txt":
        return parse_lesson(text_lesson(raw, path.stem), path)
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise _fail(
            path, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    return parse_lesson(data, path)
