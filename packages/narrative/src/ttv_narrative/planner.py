"""Sentence-segmenter narrative planner.

Pipeline, per lesson:

1. *Blocks*: explicit scenes stay scenes; free text is split into paragraphs at blank
   lines, and a paragraph whose lines start with list markers becomes one block per item.
2. *Sentences*: each block is segmented by pysbd (rules-based, ships its abbreviation and
   punctuation rules; handles "Dr.", "e.g.", "3.14", quotes, and 。！？ in supported
   languages). Long blocks are fed in windows so cost stays linear in the lesson length.
3. *Shots*: sentences longer than ``max_words`` are split at clause punctuation (then at
   word count); fragments shorter than ``min_words`` are merged into a neighbour in the
   same block. Shots never cross a scene boundary.
4. *Beats*: a story (past-tense narration about people) gets setup / rising / climax /
   resolution; an expository lesson gets explanation / example / recap.
5. *Duration*: words / ``words_per_second`` + ``pad_s`` (the same formula as
   ``ttv_contracts.stubs.estimate_duration`` with the default options); text without
   spaces (CJK) counts one word per ``cjk_chars_per_word`` characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, model_validator
from ttv_contracts import version_of
from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import (
    Beat,
    ImplementationOptions,
    Lesson,
    ModuleInfo,
    NarrativePlanner,
    Shot,
    StoryPlan,
)
from ttv_contracts.v1.models import MAX_SHOTS

from .errors import E_NARRATIVE_OPTION, E_TOO_MANY_SHOTS, PACKAGE

VERSION = version_of("ttv-narrative")  # pyproject.toml is the one source


class NarrativeOptions(ImplementationOptions):
    """Options of ``segmenter``."""

    min_words: int = Field(4, ge=1, description="Fewest words in a shot (shorter ones merge).")
    max_words: int = Field(
        30,
        ge=1,
        le=400,
        description="Most words in a shot (longer ones split); above 400 a shot would pass "
        "the 600 s cap.",
    )
    words_per_second: float = Field(
        2.6, ge=0.5, le=10, description="Speaking rate used to estimate a shot's duration."
    )
    pad_s: float = Field(0.4, ge=0, le=5, description="Pause added to every shot's duration.")
    kind: Literal["auto", "story", "lesson"] = Field(
        "auto", description="Beat structure: story or lesson beats; auto guesses from the text."
    )
    cjk_chars_per_word: float = Field(
        2.0, gt=0, description="Characters counted as one word in Chinese, Japanese and Korean."
    )

    @model_validator(mode="after")
    def _order(self) -> NarrativeOptions:
        if self.min_words > self.max_words:
            raise ValueError("need min_words <= max_words")
        return self


# pysbd is fed at most this many characters at once (its cost grows faster than linear).
WINDOW_CHARS = 1000
MAX_DURATION_S = 600.0

_LIST_ITEM = re.compile(r"^\s*(?:[-*•·‣◦▪–—]|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)])\s+")
_CLAUSE = re.compile(r"(?<=[;:,，、；：—–])\s*")
_WORD = re.compile(r"\w+", re.UNICODE)


def _is_cjk(ch: str) -> bool:
    name = unicodedata.name(ch, "")
    return name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL"))


def count_words(text: str, cjk_chars_per_word: float = 2.0) -> float:
    """Whitespace words, plus one word per ``cjk_chars_per_word`` CJK characters."""
    words = 0
    cjk = 0
    for token in text.split():
        n = sum(1 for ch in token if _is_cjk(ch))
        cjk += n
        if n < len(token) and any(ch.isalnum() for ch in token if not _is_cjk(ch)):
            words += 1
    return words + cjk / cjk_chars_per_word


def estimate_seconds(
    text: str, words_per_second: float = 2.6, pad_s: float = 0.4, cjk_chars_per_word: float = 2.0
) -> float:
    """Target duration of one shot's narration (capped at the contract's 600 s)."""
    words = max(1.0, count_words(text, cjk_chars_per_word))
    return round(min(MAX_DURATION_S, words / words_per_second + pad_s), 3)


_CLOSERS = set(".!?;:。！？…\"'”’»)")


def _join(a: str, b: str) -> str:
    """Join two narration pieces; no space between CJK text."""
    if (
        a
        and b
        and (_is_cjk(a[-1]) or a[-1] in "。！？、，；：」』")
        and (_is_cjk(b[0]) or b[0] in "「『")
    ):
        return a + b
    return f"{a} {b}"


@dataclass
class _Piece:
    scene_index: int
    setting: str | None
    block: int
    text: str


# Cue phrases for beats. These are discourse markers (how a text announces an example or a
# summary), not a content lexicon.
_EXAMPLE_CUES = re.compile(
    r"\b(for example|for instance|e\.g\.|such as|imagine|suppose|consider|say you|"
    r"let's say|as an example|picture this|like when|think of)\b",
    re.IGNORECASE,
)
_RECAP_CUES = re.compile(
    r"\b(in summary|to sum up|to summari[sz]e|in short|in conclusion|to conclude|overall|"
    r"remember|recap|the key (idea|point)|so,? (now )?we|that is why|this is why)\b",
    re.IGNORECASE,
)
_STORY_OPENERS = re.compile(
    r"\b(once upon a time|one (day|morning|evening|night)|long ago|there (was|lived)|"
    r"years ago)\b",
    re.IGNORECASE,
)
_PAST = re.compile(
    r"\b(was|were|had|did|said|went|came|saw|found|took|told|made|knew|thought|felt|"
    r"left|ran|gave|got|looked|asked|smiled|laughed|walked|lived|\w{3,}ed)\b",
    re.IGNORECASE,
)
_THIRD_PERSON = re.compile(r"\b(he|she|him|her|his|hers)\b", re.IGNORECASE)
_PRESENT = re.compile(
    r"\b(is|are|can|will|you|we|this|these|means|called|because|each|every|when)\b",
    re.IGNORECASE,
)
_TENSION = re.compile(
    r"\b(suddenly|but|until|then|finally|at last|shouted|screamed|crash\w*|broke|"
    r"cracked|fell|storm|danger|afraid|scream\w*|never)\b|!",
    re.IGNORECASE,
)


class SentenceNarrative(NarrativePlanner):
    """Shots on sentence boundaries (pysbd), merged and split to shot size, with beats."""

    info = ModuleInfo(
        slot="narrative",
        name="segmenter",
        version=VERSION,
        package=PACKAGE,
        consumes="Lesson",
        produces="StoryPlan",
        summary=(
            "Rules-based sentence segmentation (pysbd), scene-aware shot sizing, "
            "story or lesson beats, duration from narration length."
        ),
    )

    Options = NarrativeOptions
    option_error = E_NARRATIVE_OPTION.code

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        opts = self.opts
        self.min_words: int = opts.min_words
        self.max_words: int = opts.max_words
        self.words_per_second: float = opts.words_per_second
        self.pad_s: float = opts.pad_s
        self.cjk_chars_per_word: float = opts.cjk_chars_per_word
        self.kind: str = opts.kind
        self._segmenters: dict[str, Any] = {}

    # ------------------------------------------------------------------ segmentation

    def _segmenter(self, language: str) -> Any:
        import pysbd
        from pysbd.languages import LANGUAGE_CODES

        lang = (language or "en").lower().replace("_", "-").split("-")[0]
        if lang not in LANGUAGE_CODES:
            self.note(f"pysbd has no rules for language {language!r}; using English rules")
            lang = "en"
        seg = self._segmenters.get(lang)
        if seg is None:
            seg = self._segmenters[lang] = pysbd.Segmenter(language=lang, clean=False)
        return seg

    def sentences(self, text: str, language: str = "en") -> list[str]:
        """Sentences of ``text`` (stripped, non-empty), segmented in bounded windows."""
        seg = self._segmenter(language)
        out: list[str] = []
        pos = 0
        n = len(text)
        while pos < n:
            window = WINDOW_CHARS
            while True:
                chunk = text[pos : pos + window]
                parts = seg.segment(chunk)
                at_end = pos + window >= n
                if at_end or len(parts) > 1 or window >= 16 * WINDOW_CHARS:
                    break
                window *= 2  # one very long sentence: widen until it ends
            # the last part may be cut by the window edge: keep it for the next window
            keep = parts if at_end or len(parts) <= 1 else parts[:-1]
            consumed = sum(len(p) for p in keep) or len(chunk)
            out.extend(p.strip() for p in keep if p.strip())
            pos += consumed
        return out

    # ------------------------------------------------------------------ shot sizing

    def _words(self, text: str) -> float:
        return count_words(text, self.cjk_chars_per_word)

    def _split_long(self, sentence: str) -> list[str]:
        if self._words(sentence) <= self.max_words:
            return [sentence]
        # 1) at clause punctuation, packing clauses up to max_words
        clauses = [c for c in _CLAUSE.split(sentence) if c.strip()]
        if len(clauses) > 1:
            return self._pack(clauses)
        # 2) at word count (or at characters for text without spaces)
        tokens = sentence.split()
        if len(tokens) > 1:
            return self._pack(tokens, joiner=" ", force=True)
        step = max(1, int(self.max_words * self.cjk_chars_per_word))
        return [sentence[i : i + step] for i in range(0, len(sentence), step)]

    def _pack(self, parts: list[str], joiner: str = " ", force: bool = False) -> list[str]:
        out: list[str] = []
        cur: list[str] = []
        for part in parts:
            part = part.strip()
            trial = joiner.join([*cur, part])
            if cur and self._words(trial) > self.max_words:
                out.append(joiner.join(cur))
                cur = [part]
            else:
                cur.append(part)
        if cur:
            out.append(joiner.join(cur))
        if not force:
            # a single clause may still be too long: split it by words
            result: list[str] = []
            for piece in out:
                result.extend(self._split_long(piece) if len(piece.split()) > 1 else [piece])
            return result
        return out

    def _merge_short(self, pieces: list[_Piece]) -> list[_Piece]:
        merged: list[_Piece] = []
        for piece in pieces:
            prev = merged[-1] if merged else None
            if (
                prev is not None
                and prev.block == piece.block
                and (
                    self._words(prev.text) < self.min_words
                    or self._words(piece.text) < self.min_words
                )
                and self._words(prev.text) + self._words(piece.text) <= self.max_words
            ):
                prev.text = _join(prev.text, piece.text)
            else:
                merged.append(piece)
        return merged

    # ------------------------------------------------------------------ blocks

    @staticmethod
    def _blocks(text: str) -> list[list[str]]:
        """Paragraphs; a list paragraph yields its items as separate sentences-to-be."""
        blocks: list[list[str]] = []
        for para in re.split(r"\n\s*\n", text):
            lines = [ln.strip() for ln in para.splitlines() if ln.strip()]
            if not lines:
                continue
            if sum(bool(_LIST_ITEM.match(ln)) for ln in lines) >= max(2, len(lines) // 2):
                items: list[str] = []
                item: list[str] = []
                for ln in lines:
                    if _LIST_ITEM.match(ln) and item:
                        items.append(" ".join(item))
                        item = []
                    item.append(_LIST_ITEM.sub("", ln, count=1) if _LIST_ITEM.match(ln) else ln)
                if item:
                    items.append(" ".join(item))
                # an item without closing punctuation is read as its own short sentence
                blocks.append([it if it[-1] in _CLOSERS else it + "." for it in items])
            else:
                blocks.append([" ".join(lines)])  # hard-wrapped prose
        return blocks

    def _pieces(self, lesson: Lesson) -> list[_Piece]:
        sources: list[tuple[int, str | None, str]]
        if lesson.scenes:
            sources = [(i, sc.setting.strip(), sc.text) for i, sc in enumerate(lesson.scenes)]
        else:
            sources = [(0, None, lesson.text or "")]
        pieces: list[_Piece] = []
        block_id = 0
        for scene_index, setting, text in sources:
            for block in self._blocks(text):
                block_pieces = []
                sentences = [s for part in block for s in self.sentences(part, lesson.language)]
                for sentence in sentences:
                    for part in self._split_long(sentence):
                        if part.strip():
                            block_pieces.append(
                                _Piece(scene_index, setting, block_id, part.strip())
                            )
                pieces.extend(self._merge_short(block_pieces))
                block_id += 1
        return pieces

    def _fit_limit(self, pieces: list[_Piece]) -> list[_Piece]:
        """Merge neighbours in the same scene until the plan fits MAX_SHOTS."""
        while len(pieces) > MAX_SHOTS:
            merged: list[_Piece] = []
            i = 0
            while i < len(pieces):
                a = pieces[i]
                b = pieces[i + 1] if i + 1 < len(pieces) else None
                if b is not None and b.scene_index == a.scene_index:
                    merged.append(_Piece(a.scene_index, a.setting, a.block, _join(a.text, b.text)))
                    i += 2
                else:
                    merged.append(a)
                    i += 1
            if len(merged) == len(pieces):
                raise TTVError(
                    E_TOO_MANY_SHOTS,
                    f"lesson has {len(pieces)} scenes; a plan holds at most {MAX_SHOTS} shots",
                    hint="Combine scenes or split the lesson into parts.",
                )
            pieces = merged
        return pieces

    # ------------------------------------------------------------------ beats

    def story_score(self, texts: Iterable[str]) -> float:
        """> 0 for past-tense narration about people, < 0 for present-tense exposition."""
        joined = " ".join(texts)
        words = max(1, len(_WORD.findall(joined)))
        story = len(_PAST.findall(joined)) + len(_THIRD_PERSON.findall(joined))
        story += 5 * len(_STORY_OPENERS.findall(joined))
        expo = len(_PRESENT.findall(joined))
        return (story - expo) / words

    def _beats(self, texts: list[str], kind: str) -> list[Beat]:
        n = len(texts)
        if kind == "lesson":
            beats = []
            for i, t in enumerate(texts):
                if _EXAMPLE_CUES.search(t):
                    beats.append(Beat.EXAMPLE)
                elif n >= 3 and (i == n - 1 or (i >= (2 * n) // 3 and _RECAP_CUES.search(t))):
                    beats.append(Beat.RECAP)
                else:
                    beats.append(Beat.EXPLANATION)
            return beats
        if n == 1:
            return [Beat.SETUP]
        if n == 2:
            return [Beat.SETUP, Beat.RESOLUTION]
        setup_end = max(1, round(n * 0.2))  # shots [0, setup_end) are setup
        res_start = min(n - 1, max(setup_end + 1, n - max(1, round(n * 0.15))))
        # climax: the most tense shot in the back half before the resolution
        lo = max(setup_end, n // 2 - 1)
        window = range(lo, res_start) if lo < res_start else range(setup_end, res_start)
        tension = [(len(_TENSION.findall(texts[i])), i) for i in window]
        climax = max(tension, key=lambda t: (t[0], t[1]))[1] if tension else res_start - 1
        beats = []
        for i in range(n):
            if i < setup_end:
                beats.append(Beat.SETUP)
            elif i < climax:
                beats.append(Beat.RISING)
            elif i == climax:
                beats.append(Beat.CLIMAX)
            else:
                beats.append(Beat.RESOLUTION)
        return beats

    # ------------------------------------------------------------------ plan

    def _plan(self, lesson: Lesson) -> StoryPlan:
        pieces = self._fit_limit(self._pieces(lesson))
        if not pieces:
            # A lesson made only of punctuation or symbols: narrate it as one shot.
            text = (lesson.text or "").strip() or lesson.title
            pieces = [_Piece(0, None, 0, text)]
        texts = [p.text for p in pieces]
        if self.kind == "auto":
            kind = "story" if self.story_score(texts) > 0.05 else "lesson"
        else:
            kind = self.kind
        beats = self._beats(texts, kind)
        shots = tuple(
            Shot(
                index=i,
                narration=p.text,
                beat=beats[i],
                scene_index=p.scene_index,
                setting=p.setting,
                target_duration_s=estimate_seconds(
                    p.text, self.words_per_second, self.pad_s, self.cjk_chars_per_word
                ),
            )
            for i, p in enumerate(pieces)
        )
        return StoryPlan(title=lesson.title, language=lesson.language, kind=kind, shots=shots)
