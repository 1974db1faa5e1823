"""``espeak``: offline speech with eSpeak NG (the library shipped by ``espeakng-loader``).

Voice choice is a pure function of the :class:`~ttv_contracts.v1.VoiceSpec` (see
:func:`resolve_voice`), so a character whose spec is derived from the Cast sounds the same in
every shot. Word timings come from eSpeak's word events and phoneme timings (IPA) from its
phoneme events; both are in the engine's own audio clock, so they line up with the samples.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import numpy as np
from pydantic import Field, StrictBool, StrictFloat, StrictInt, field_validator
from ttv_contracts import version_of
from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import (
    AudioClip,
    ImplementationOptions,
    ModuleInfo,
    Needs,
    PhonemeTiming,
    VoiceSpec,
    VoiceSynthesizer,
    WordTiming,
)

from . import _espeak
from .errors import E_ENGINE_UNAVAILABLE, E_SYNTH_FAILED, E_VOICE_UNKNOWN
from .normalize import Normalized, normalize

__version__ = version_of("ttv-voice")  # pyproject.toml is the one source
PACKAGE = "ttv-voice"

#: eSpeak NG's own voice variants, by gender. Order is part of the voice mapping: changing
#: it changes which variant a speaker seed picks (a MIGRATION.md-worthy change).
MALE_VARIANTS = ("m1", "m2", "m3", "m4", "m5", "m6", "m7")
FEMALE_VARIANTS = ("f1", "f2", "f3", "f4", "f5")
#: Neutral speakers: the language's plain voice first, then every male and female variant.
NEUTRAL_VARIANTS = ("", *MALE_VARIANTS, *FEMALE_VARIANTS)

RATE_MIN, RATE_MAX = 80, 450  # eSpeak NG's accepted words-per-minute range
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_/.-]{0,63}$")
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")


class EspeakOptions(ImplementationOptions):
    """Options of ``espeak``."""

    voice: str | None = Field(
        None,
        description="eSpeak voice used when the spec names none, e.g. en-gb or en-us+f2; "
        "null: chosen from the spec's language and speaker.",
    )
    rate_scale: StrictFloat = Field(
        1.0, ge=0.25, le=4.0, description="Multiplies every spec's rate_wpm."
    )
    volume: StrictInt = Field(100, ge=0, le=200, description="eSpeak amplitude.")
    word_gap_ms: StrictInt = Field(
        0, ge=0, le=1000, description="Extra pause between words (rounded to 10 ms)."
    )
    pitch_range: StrictInt = Field(
        50, ge=0, le=100, description="Intonation range, 0 (monotone) to 100."
    )
    normalize: StrictBool = Field(
        True,
        description="Rewrite numbers, units, arrows, abbreviations, quotes and brackets into "
        "words before synthesis (English voices).",
    )

    @field_validator("voice")
    @classmethod
    def _voice_name(cls, value: str | None) -> str | None:
        if value is not None and not _NAME.match(value.split("+")[0]):
            raise ValueError("not a voice name")
        return value


def _variant_for(spec: VoiceSpec) -> str:
    pool = {
        "male": MALE_VARIANTS,
        "female": FEMALE_VARIANTS,
    }.get(spec.gender, NEUTRAL_VARIANTS)
    return pool[spec.speaker_seed % len(pool)]


def resolve_voice(spec: VoiceSpec, default_voice: str | None = None) -> str:
    """The eSpeak voice name for ``spec``: deterministic, independent of the shot.

    * ``spec.voice`` (or the ``voice`` option) names an eSpeak voice, optionally with a
      variant (``en-us+f3``); it is used as given.
    * Otherwise the language (``en``, ``en-us``, ``pt-br``...) picks the voice and the gender
      and ``speaker_seed`` pick a variant: male ``m1..m7``, female ``f1..f5``, neutral the plain
      voice or any variant.
    """
    name = spec.voice or default_voice
    if name:
        return name
    variant = _variant_for(spec)
    base = spec.language.strip().lower().replace("_", "-")
    return f"{base}+{variant}" if variant else base


class EspeakVoice(VoiceSynthesizer):
    """Real offline speech with eSpeak NG, with word and phoneme timings."""

    info = ModuleInfo(
        slot="voice",
        name="espeak",
        version=__version__,
        package=PACKAGE,
        needs=Needs(),
        consumes="narration text + VoiceSpec",
        produces="AudioClip (22050 Hz speech, word + IPA phoneme timings)",
        summary="eSpeak NG speech synthesis through its C library (espeakng-loader wheel).",
    )

    Options = EspeakOptions

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        opts = self.opts
        self.voice: str | None = opts.voice
        self.rate_scale: float = opts.rate_scale
        self.volume: int = opts.volume
        self.word_gap_ms: int = opts.word_gap_ms
        self.pitch_range: int = opts.pitch_range
        self.normalize: bool = opts.normalize

    # -- voices --------------------------------------------------------------------------
    def _check_name(self, name: str) -> None:
        base, _, variant = name.partition("+")
        if not _NAME.match(base) or (variant and not _NAME.match(variant)) or ".." in name:
            raise TTVError(
                E_VOICE_UNKNOWN, f"{name!r} is not a valid eSpeak voice name", module=PACKAGE
            )

    def voice_for(self, spec: VoiceSpec) -> str:
        """The eSpeak voice this instance speaks ``spec`` with."""
        return resolve_voice(spec, self.voice)

    # -- synthesis -------------------------------------------------------------------------
    def _synthesize(self, text: str, spec: VoiceSpec) -> AudioClip:
        name = self.voice_for(spec)
        wpm = round(spec.rate_wpm * self.rate_scale)
        rate = min(RATE_MAX, max(RATE_MIN, wpm))
        if rate != wpm:
            self.note(f"speaking rate {wpm} wpm clamped to eSpeak's {RATE_MIN}..{RATE_MAX}: {rate}")
        params = _espeak.Params(
            voice=name,
            rate=rate,
            pitch=spec.pitch,
            volume=self.volume,
            pitch_range=self.pitch_range,
            word_gap=max(0, round(self.word_gap_ms / 10)),  # eSpeak counts units of 10 ms
            seed=1 + spec.speaker_seed % (2**31 - 1),
        )
        # eSpeak stops reading at a NUL byte; other control characters are read as spaces.
        clean = text.replace("\0", " ")
        # What is *said* ("seventy to ninety percent" for "70–90%"); word timings are mapped
        # back to the original words, which the subtitles show.
        norm = self.spoken(clean, spec)
        self._check_name(name)
        try:
            with _espeak.LOCK:
                result = _espeak.synthesize(norm.text, params)
        except _espeak.VoiceNotFound as exc:
            raise TTVError(
                E_VOICE_UNKNOWN,
                str(exc),
                module=PACKAGE,
                hint="Use a language code or voice eSpeak NG ships (en, en-us, fr, de, pt-br...) "
                "and a variant m1-m7 or f1-f5.",
            ) from exc
        except _espeak.EspeakUnavailable as exc:
            raise TTVError(E_ENGINE_UNAVAILABLE, str(exc), module=PACKAGE) from exc
        except RuntimeError as exc:
            raise TTVError(E_SYNTH_FAILED, str(exc), module=PACKAGE) from exc
        if result.shared_library:
            self.note(
                "eSpeak NG library was already loaded by other code in this process: "
                "its state was not fresh, so output may differ by a few samples between runs"
            )
        sr = result.sample_rate
        pcm = np.frombuffer(result.pcm, dtype="<i2")
        if pcm.size == 0:
            raise TTVError(
                E_SYNTH_FAILED, "eSpeak NG produced no audio for the text", module=PACKAGE
            )
        samples = (pcm.astype(np.float32) / 32768.0).clip(-1.0, 1.0)
        words, phonemes = timings(norm.text, result.events, samples.size / sr, norm)
        return AudioClip(samples=samples, sample_rate=sr, words=words, phonemes=phonemes)

    def spoken(self, text: str, spec: VoiceSpec | None = None) -> Normalized:
        """What eSpeak is given to say for ``text`` (see :mod:`ttv_voice.normalize`)."""
        if not self.normalize:
            return Normalized(text, text, ())
        spec = spec or VoiceSpec()
        named = spec.voice or self.voice
        language = named.split("+")[0] if named else spec.language
        return normalize(text, language)


def timings(
    text: str,
    events: list[_espeak.Event],
    duration_s: float,
    norm: Normalized | None = None,
) -> tuple[tuple[WordTiming, ...], tuple[PhonemeTiming, ...]]:
    """Word and phoneme timings from eSpeak's event stream (in stream order).

    A phoneme lasts until the next phoneme or clause-end event; eSpeak reports pauses as
    phoneme events with an empty name, which end the phoneme before and are not returned.
    The phonemes that follow a word event belong to that word: the word starts at its first
    phoneme (its word event if it has none) and ends where its last spoken phoneme ends, so
    words never overlap and always lie inside the audio.

    With ``norm`` (the normalisation that produced ``text``), each word event is mapped back
    to the original text: a rewritten span ("70–90%" spoken as four words) is reported as one
    word with the original spelling, lasting from its first spoken word to its last.
    """
    # (time, phoneme name, "" for a pause, None for a clause boundary; word index)
    marks: list[tuple[float, str | None, int]] = []
    words_text: list[str] = []
    word_event_t: list[float] = []
    seen_pos: set[int] = set()
    word_spans: list[tuple[int, int]] = []
    current = -1
    for ev in events:
        t = min(max(ev.ms / 1000.0, 0.0), duration_s)
        if ev.kind == _espeak.EVENT_PHONEME:
            marks.append((t, ev.phoneme, current))
        elif ev.kind in (_espeak.EVENT_END, _espeak.EVENT_SENTENCE):
            marks.append((t, None, current))
        elif ev.kind == _espeak.EVENT_WORD:
            if ev.text_position in seen_pos:
                continue  # eSpeak repeats a word event for some scripts (e.g. CJK runs)
            seen_pos.add(ev.text_position)
            start = max(0, ev.text_position - 1)
            end = start + max(ev.length, 0)
            word = text[start:end].strip()
            if word and norm is not None and norm.segments:
                lo, hi = norm.source_span(start, end)
                if word_spans and lo < word_spans[-1][1] and hi > word_spans[-1][0]:
                    # another spoken word of the same original word: "ninety" of "70–90%"
                    a, b = word_spans[-1]
                    word_spans[-1] = (min(a, lo), max(b, hi))
                    words_text[-1] = norm.source[word_spans[-1][0] : word_spans[-1][1]].strip()
                    current = len(words_text) - 1
                    continue
                word = norm.source[lo:hi].strip() or word
                word_spans.append((lo, hi))
            if word:
                words_text.append(word)
                word_event_t.append(t)
                current = len(words_text) - 1
            else:
                current = -1
    marks.append((duration_s, None, -1))

    phonemes: list[PhonemeTiming] = []
    spans: dict[int, list[float]] = {}
    last = 0.0
    for (t0, name, owner), (t1, _, _) in itertools.pairwise(marks):
        t0 = max(t0, last)  # event times are monotonic; guard anyway
        t1 = max(t1, t0)
        last = t0
        if name and t1 > t0:
            phonemes.append(PhonemeTiming(phoneme=name, start_s=round(t0, 4), end_s=round(t1, 4)))
            if owner >= 0:
                span = spans.setdefault(owner, [t0, t1])
                span[1] = t1

    words: list[WordTiming] = []
    prev_end = 0.0
    for i, word in enumerate(words_text):
        t0, t1 = spans.get(i, (word_event_t[i], word_event_t[i]))
        t0 = min(max(t0, prev_end), duration_s)
        t1 = min(max(t1, t0), duration_s)
        words.append(WordTiming(word=word, start_s=round(t0, 4), end_s=round(t1, 4)))
        prev_end = t1
    return tuple(words), tuple(phonemes)
