"""A small ctypes binding to the eSpeak NG library shipped by the ``espeakng-loader`` wheel.

Why a session per utterance
---------------------------
eSpeak NG keeps process-global state (one voice, one callback, and static synthesis state
such as the pitch-flutter phase and the automatic gain in ``wavegen.c``) that carries from
one utterance into the next and is not reset by ``espeak_Terminate``/``espeak_Initialize``.
The same text spoken twice in one process therefore differs by a few samples. To make
speech reproducible, every utterance runs in a fresh *session*: the library is opened
(``dlopen``), initialised with ``AUDIO_OUTPUT_SYNCHRONOUS``, used, terminated and closed
(``dlclose``), so its static data starts from the same values each time. Its random
generators (eSpeak's own and libc's ``rand``, used for breath noise) are seeded per session.
A session costs about 10 ms on a laptop-class core.

All use goes through :data:`LOCK`; nothing is loaded at import. Text reaches the engine as
UTF-8 bytes through ``espeak_Synth``: nothing is passed to a shell, and the SSML and
``[[phoneme]]`` input modes are off, so markup is read out as text.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

# speak_lib.h constants (eSpeak NG 1.52)
AUDIO_OUTPUT_SYNCHRONOUS = 2
INITIALIZE_PHONEME_EVENTS = 0x0001
INITIALIZE_PHONEME_IPA = 0x0002
INITIALIZE_DONT_EXIT = 0x8000
CHARS_UTF8 = 1
POS_CHARACTER = 1
ENDPAUSE = 0x1000

EVENT_LIST_TERMINATED = 0
EVENT_WORD = 1
EVENT_SENTENCE = 2
EVENT_END = 5
EVENT_PHONEME = 7

PARAM_RATE = 1
PARAM_VOLUME = 2
PARAM_PITCH = 3
PARAM_RANGE = 4
PARAM_PUNCTUATION = 5
PARAM_CAPITALS = 6
PARAM_WORDGAP = 7

EE_OK = 0


class _EventId(ctypes.Union):
    _fields_ = [
        ("number", ctypes.c_int),
        ("name", ctypes.c_char_p),
        ("string", ctypes.c_char * 8),
    ]


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


class EspeakUnavailable(RuntimeError):
    """The library or its data could not be loaded or initialised."""


class VoiceNotFound(ValueError):
    """eSpeak NG has no such voice, language or variant."""


@dataclass
class Event:
    kind: int  # EVENT_WORD, EVENT_PHONEME, EVENT_SENTENCE, EVENT_END
    ms: int  # audio position in milliseconds
    text_position: int = 0  # 1-based character position (word events)
    length: int = 0  # characters in the word (word events)
    phoneme: str = ""  # IPA phoneme (phoneme events); "" is a pause


@dataclass
class Synthesis:
    pcm: bytes  # int16 little-endian mono
    sample_rate: int
    events: list[Event] = field(default_factory=list)
    shared_library: bool = False  # another user held the library open: state not fresh


@dataclass(frozen=True)
class Params:
    voice: str  # eSpeak voice name, optionally with a variant: "en-us+f3"
    rate: int
    pitch: int
    volume: int = 100
    pitch_range: int = 50
    word_gap: int = 0  # units of 10 ms
    seed: int = 1


def locate() -> tuple[str, str]:
    """(library path, data path) from the espeakng-loader wheel."""
    try:
        import espeakng_loader
    except ImportError as exc:  # pragma: no cover - it is a hard dependency
        raise EspeakUnavailable("the espeakng-loader package is not installed") from exc
    try:
        lib_path = espeakng_loader.get_library_path()
        data_path = espeakng_loader.get_data_path()
    except RuntimeError as exc:
        raise EspeakUnavailable(str(exc)) from exc
    if not Path(lib_path).is_file():
        raise EspeakUnavailable(f"eSpeak NG library not found at {lib_path}")
    return lib_path, data_path


def _is_mapped(lib_path: str) -> bool:
    """Whether the library is already loaded in this process (Linux only; else False)."""
    if not sys.platform.startswith("linux"):
        return False
    names = {lib_path, os.path.realpath(lib_path)}
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as fh:
            return any(any(n in line for n in names) for line in fh)
    except OSError:
        return False


def _declare(lib: ctypes.CDLL) -> None:
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_SetSynthCallback.argtypes = [_CALLBACK]
    lib.espeak_SetSynthCallback.restype = None
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetVoiceByName.restype = ctypes.c_int
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_SetParameter.restype = ctypes.c_int
    lib.espeak_Synth.argtypes = [
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_uint,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.POINTER(ctypes.c_uint),
        ctypes.c_void_p,
    ]
    lib.espeak_Synth.restype = ctypes.c_int
    lib.espeak_Synchronize.argtypes = []
    lib.espeak_Synchronize.restype = ctypes.c_int
    lib.espeak_Terminate.argtypes = []
    lib.espeak_Terminate.restype = ctypes.c_int
    lib.espeak_ng_SetRandSeed.argtypes = [ctypes.c_long]
    lib.espeak_ng_SetRandSeed.restype = None


class _Collector:
    """Receives audio and events from the synth callback (same thread, synchronous mode)."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.events: list[Event] = []
        self.callback = _CALLBACK(self._on_audio)

    def _on_audio(self, wav, numsamples, events) -> int:  # type: ignore[no-untyped-def]
        if numsamples > 0 and wav:
            self.chunks.append(ctypes.string_at(wav, numsamples * 2))
        i = 0
        while True:
            ev = events[i]
            if ev.type == EVENT_LIST_TERMINATED:
                break
            if ev.type in (EVENT_WORD, EVENT_SENTENCE, EVENT_END):
                self.events.append(Event(ev.type, ev.audio_position, ev.text_position, ev.length))
            elif ev.type == EVENT_PHONEME:
                raw = bytes(ev.id.string).split(b"\0", 1)[0]
                self.events.append(
                    Event(EVENT_PHONEME, ev.audio_position, phoneme=raw.decode("utf-8", "replace"))
                )
            i += 1
        return 0


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None) if sys.platform != "win32" else ctypes.CDLL("msvcrt")
    except OSError:  # pragma: no cover
        return None


@contextmanager
def _session(collector: _Collector) -> Iterator[tuple[ctypes.CDLL, int, bool]]:
    """A freshly loaded, initialised library; closed again on exit (caller holds LOCK)."""
    lib_path, data_path = locate()
    shared = _is_mapped(lib_path)
    try:
        lib = ctypes.CDLL(lib_path)
    except OSError as exc:
        raise EspeakUnavailable(f"cannot load {lib_path}: {exc}") from exc
    handle = lib._handle
    try:
        _declare(lib)
        options = INITIALIZE_PHONEME_EVENTS | INITIALIZE_PHONEME_IPA | INITIALIZE_DONT_EXIT
        rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(), options)
        if rate <= 0:
            raise EspeakUnavailable(
                f"espeak_Initialize failed (returned {rate}) with data at {data_path}"
            )
        try:
            lib.espeak_SetSynthCallback(collector.callback)
            yield lib, int(rate), shared
        finally:
            lib.espeak_Terminate()
    finally:
        del lib
        if sys.platform != "win32":
            import _ctypes

            _ctypes.dlclose(handle)


def variant_exists(name: str) -> bool:
    _, data_path = locate()
    return (Path(data_path) / "voices" / "!v" / name).is_file()


def synthesize(text: str, params: Params) -> Synthesis:
    """Speak ``text`` with ``params`` in a fresh session; caller must hold :data:`LOCK`."""
    base, _, variant = params.voice.partition("+")
    if variant and not variant_exists(variant):
        raise VoiceNotFound(f"eSpeak NG has no voice variant {variant!r}")
    collector = _Collector()
    with _session(collector) as (lib, rate, shared):
        if lib.espeak_SetVoiceByName(base.encode("utf-8")) != EE_OK:
            raise VoiceNotFound(f"eSpeak NG has no voice or language {base!r}")
        if variant and lib.espeak_SetVoiceByName(params.voice.encode("utf-8")) != EE_OK:
            raise VoiceNotFound(f"eSpeak NG cannot load voice {params.voice!r}")
        for key, value in (
            (PARAM_RATE, params.rate),
            (PARAM_PITCH, params.pitch),
            (PARAM_VOLUME, params.volume),
            (PARAM_RANGE, params.pitch_range),
            (PARAM_WORDGAP, params.word_gap),
            (PARAM_PUNCTUATION, 0),
            (PARAM_CAPITALS, 0),
        ):
            lib.espeak_SetParameter(key, int(value), 0)
        # Breath noise draws from eSpeak's generator and from libc's rand(): seed both.
        lib.espeak_ng_SetRandSeed(params.seed)
        libc = _libc()
        if libc is not None:
            libc.srand(ctypes.c_uint(params.seed))
        data = text.encode("utf-8") + b"\0"
        buf = ctypes.create_string_buffer(data, len(data))
        err = lib.espeak_Synth(
            buf, len(data), 0, POS_CHARACTER, 0, CHARS_UTF8 | ENDPAUSE, None, None
        )
        if err == EE_OK:
            err = lib.espeak_Synchronize()
        if err != EE_OK:
            raise RuntimeError(f"espeak_Synth failed with status {err}")
    return Synthesis(b"".join(collector.chunks), rate, collector.events, shared)


#: Serialises every use of the library (its state is process-global).
LOCK = threading.Lock()
