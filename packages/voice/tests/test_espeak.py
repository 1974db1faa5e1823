"""Hard cases for the eSpeak NG voice: real speech, timings, voices, hostile text, errors."""

from __future__ import annotations

import subprocess
import sys
import threading

import numpy as np
import pytest
from ttv_contracts.errors import TTVError
from ttv_contracts.stubs import StubVoice
from ttv_contracts.v1 import AudioClip, VoiceSpec
from ttv_voice import EspeakVoice, resolve_voice
from ttv_voice.espeak import FEMALE_VARIANTS, MALE_VARIANTS

SENTENCE = "Ravi was an old potter. He lived by the river with his granddaughter Mira."


@pytest.fixture(scope="module")
def voice() -> EspeakVoice:
    return EspeakVoice()


def frame_rms(audio: AudioClip, ms: int = 20) -> np.ndarray:
    n = audio.sample_rate * ms // 1000
    usable = audio.samples[: audio.samples.size // n * n]
    return np.sqrt((usable.reshape(-1, n) ** 2).mean(axis=1))


def test_real_speech_has_energy_and_pauses(voice: EspeakVoice) -> None:
    audio = voice.synthesize(SENTENCE, VoiceSpec())
    assert audio.sample_rate == 22050
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    assert float(np.abs(audio.samples).max()) <= 1.0
    rms = frame_rms(audio)
    assert rms.max() > 0.05, "speech should be clearly audible"
    # Speech alternates voiced sound and near-silence (sentence pause, stops), unlike a tone.
    assert (rms < 0.1 * rms.max()).mean() > 0.05
    assert (rms > 0.3 * rms.max()).mean() > 0.2
    # The stub's tone is one steady level: the envelopes are nothing alike.
    stub = StubVoice().synthesize(SENTENCE, VoiceSpec())
    assert frame_rms(stub).std() < 0.01 < rms.std()


def test_longer_text_gives_longer_audio(voice: EspeakVoice) -> None:
    durations = [
        voice.synthesize(" ".join(["word"] * n) + ".", VoiceSpec()).duration_s for n in (1, 5, 20)
    ]
    assert durations[0] < durations[1] < durations[2]


def test_word_timings_follow_the_text_inside_the_audio(voice: EspeakVoice) -> None:
    audio = voice.synthesize(SENTENCE, VoiceSpec())
    words = [w.word for w in audio.words]
    assert words == [w.strip(".") for w in SENTENCE.split()]
    last_end = 0.0
    for w in audio.words:
        assert last_end <= w.start_s <= w.end_s <= audio.duration_s
        last_end = w.end_s
    # "potter." ends a sentence: a pause follows before "He".
    potter, he = audio.words[4], audio.words[5]
    assert he.start_s - potter.end_s > 0.1
    # Word spans really hold sound.
    sr = audio.sample_rate
    for w in audio.words:
        seg = audio.samples[int(w.start_s * sr) : int(w.end_s * sr)]
        assert seg.size and float(np.sqrt((seg**2).mean())) > 0.01, w


def test_phoneme_timings_are_ipa_inside_word_spans(voice: EspeakVoice) -> None:
    audio = voice.synthesize("Hello world.", VoiceSpec())
    assert audio.phonemes, "eSpeak's phoneme events must come through"
    last_end = 0.0
    for p in audio.phonemes:
        assert p.phoneme
        assert last_end <= p.start_s < p.end_s <= audio.duration_s
        last_end = p.end_s
    joined = "".join(p.phoneme for p in audio.phonemes)
    assert "h" in joined and "w" in joined and "l" in joined
    hello = audio.words[0]
    inside = [p for p in audio.phonemes if hello.start_s <= p.start_s < hello.end_s]
    assert len(inside) >= 3


def test_deterministic_across_instances_and_voice_changes(voice: EspeakVoice) -> None:
    spec = VoiceSpec(gender="female", speaker_seed=2)
    first = voice.synthesize("The tide goes out.", spec)
    # Speaking with other global settings in between must not leak into the next call.
    EspeakVoice(volume=150).synthesize("Loud and fast.", VoiceSpec(rate_wpm=400, pitch=90))
    again = EspeakVoice().synthesize("The tide goes out.", spec)
    assert np.array_equal(first.samples, again.samples)
    assert first.words == again.words and first.phonemes == again.phonemes


def test_voice_mapping_is_a_pure_function_of_the_spec() -> None:
    assert resolve_voice(VoiceSpec()) == "en"
    assert resolve_voice(VoiceSpec(gender="male", speaker_seed=0)) == "en+m1"
    assert resolve_voice(VoiceSpec(gender="male", speaker_seed=8)) == "en+m2"
    assert resolve_voice(VoiceSpec(gender="female", speaker_seed=4)) == "en+f5"
    assert resolve_voice(VoiceSpec(language="pt_BR", gender="female")) == "pt-br+f1"
    assert resolve_voice(VoiceSpec(voice="en-us+m3", gender="female")) == "en-us+m3"
    assert resolve_voice(VoiceSpec(), default_voice="en-gb") == "en-gb"
    for seed in range(40):
        male = resolve_voice(VoiceSpec(gender="male", speaker_seed=seed)).split("+")[1]
        female = resolve_voice(VoiceSpec(gender="female", speaker_seed=seed)).split("+")[1]
        assert male in MALE_VARIANTS and female in FEMALE_VARIANTS


def test_a_character_keeps_its_voice_and_characters_differ(voice: EspeakVoice) -> None:
    # The integration derives one VoiceSpec per character; the same spec in two shots speaks
    # with the same voice, and another character's spec with another.
    ravi = VoiceSpec(gender="male", speaker_seed=11)
    mira = VoiceSpec(gender="female", speaker_seed=11)
    shot1 = voice.synthesize("Water.", ravi)
    shot2 = voice.synthesize("Water.", ravi)
    other = voice.synthesize("Water.", mira)
    assert np.array_equal(shot1.samples, shot2.samples)
    assert not np.array_equal(
        shot1.samples[: other.samples.size], other.samples[: shot1.samples.size]
    )


def test_rate_and_pitch_come_from_the_spec(voice: EspeakVoice) -> None:
    slow = voice.synthesize(SENTENCE, VoiceSpec(rate_wpm=120))
    fast = voice.synthesize(SENTENCE, VoiceSpec(rate_wpm=300))
    assert fast.duration_s < 0.7 * slow.duration_s
    low = voice.synthesize("Hello.", VoiceSpec(pitch=10))
    high = voice.synthesize("Hello.", VoiceSpec(pitch=90))
    assert not np.array_equal(low.samples[:2000], high.samples[:2000])


def test_rate_below_engine_minimum_is_clamped_and_noted() -> None:
    v = EspeakVoice()
    audio = v.synthesize("Slowly.", VoiceSpec(rate_wpm=60))
    assert audio.duration_s > 0
    notes = v.drain_notes()
    assert any("clamped" in n for n in notes)


@pytest.mark.parametrize(
    "text",
    [
        "He said \"hello\" and 'goodbye'.",
        "Run `rm -rf /` now.",
        "Then $(touch {marker}) happened; echo pwned > {marker}",
        "A && B || C ; D | E > F < G",
        "<speak><prosody rate='x-fast'>tag soup</prosody></speak>",
        "[[h@l'oU]] is not phoneme input here.",
        "Super" + "cali" * 80 + "fragilistic.",
        "Ünïcödé, 日本語, emoji 🎉, Arabic العربية, combining e\u0301.",
        "Tab\tand newline\nand NUL\0 and bell\a and escape \x1b[31mred.",
        "%s %n %x {} {0} \\x00 \\n",
    ],
)
def test_hostile_text_is_spoken_never_executed(voice: EspeakVoice, text: str, tmp_path) -> None:
    marker = tmp_path / "pwned"
    text = text.replace("{marker}", str(marker))
    audio = voice.synthesize(text, VoiceSpec())
    assert not marker.exists()
    assert audio.duration_s > 0.3
    assert float(np.abs(audio.samples).max()) > 0.05
    for w in audio.words:
        assert 0 <= w.start_s <= w.end_s <= audio.duration_s


def test_markup_is_read_as_text_not_interpreted(voice: EspeakVoice) -> None:
    audio = voice.synthesize("<speak>plain</speak>", VoiceSpec())
    assert "speak" in [w.word for w in audio.words]


def test_nul_byte_does_not_truncate_the_text(voice: EspeakVoice) -> None:
    audio = voice.synthesize("first\0second third", VoiceSpec())
    assert [w.word for w in audio.words] == ["first", "second", "third"]


def test_other_languages(voice: EspeakVoice) -> None:
    fr = voice.synthesize("Bonjour tout le monde.", VoiceSpec(language="fr"))
    de = voice.synthesize("Guten Tag.", VoiceSpec(language="de", gender="female"))
    assert fr.words and de.words and fr.duration_s > 0.3 and de.duration_s > 0.3


@pytest.mark.parametrize(
    "spec",
    [
        VoiceSpec(language="xx"),
        VoiceSpec(voice="en+nosuchvariant"),
        VoiceSpec(voice="../../etc/passwd"),
        VoiceSpec(voice="nosuchvoice"),
    ],
)
def test_unknown_voice_or_language_is_e301(voice: EspeakVoice, spec: VoiceSpec) -> None:
    with pytest.raises(TTVError) as info:
        voice.synthesize("Hello.", spec)
    assert info.value.code == "TTV-E301"
    assert "ttv-voice/REPAIR.md#ttv-e301" in str(info.value)


@pytest.mark.parametrize(
    "options",
    [
        {"speed": 2},
        {"rate_scale": 10},
        {"volume": "loud"},
        {"voice": "$(x)"},
        {"word_gap_ms": True},
    ],
)
def test_bad_options_are_config_errors(options: dict) -> None:
    with pytest.raises(TTVError) as info:
        EspeakVoice(**options)
    assert info.value.code == "TTV-E002"


def test_options_change_the_output(voice: EspeakVoice) -> None:
    base = voice.synthesize(SENTENCE, VoiceSpec())
    slower = EspeakVoice(rate_scale=0.6).synthesize(SENTENCE, VoiceSpec())
    gaps = EspeakVoice(word_gap_ms=200).synthesize(SENTENCE, VoiceSpec())
    quiet = EspeakVoice(volume=30).synthesize(SENTENCE, VoiceSpec())
    assert slower.duration_s > base.duration_s * 1.3
    assert gaps.duration_s > base.duration_s + 1.0
    assert np.abs(quiet.samples).max() < np.abs(base.samples).max()
    assert EspeakVoice(voice="en-us").voice_for(VoiceSpec(gender="female")) == "en-us"


def test_concurrent_calls_are_serialised_and_correct(voice: EspeakVoice) -> None:
    texts = [f"Shot number {i} speaks." for i in range(6)]
    serial = [voice.synthesize(t, VoiceSpec()).samples for t in texts]
    results: dict[int, np.ndarray] = {}

    def work(i: int) -> None:
        results[i] = EspeakVoice().synthesize(texts[i], VoiceSpec()).samples

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, expected in enumerate(serial):
        assert np.array_equal(results[i], expected)


def test_import_does_no_work_and_sessions_close_the_library() -> None:
    code = (
        "import ttv_voice\n"
        "from ttv_contracts.v1 import VoiceSpec\n"
        "maps = lambda: open('/proc/self/maps').read()\n"
        "v = ttv_voice.EspeakVoice()\n"
        "assert 'libespeak-ng' not in maps(), 'library loaded before first use'\n"
        "a = v.synthesize('Hello.', VoiceSpec())\n"
        "assert 'libespeak-ng' not in maps(), 'library left open after the utterance'\n"
        "assert not v.drain_notes()\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_library_held_by_other_code_is_noted() -> None:
    # If another package keeps libespeak-ng open, eSpeak's static state is not fresh: the
    # voice still speaks, and says so in the stage record.
    import ctypes

    from ttv_voice import _espeak

    lib_path, _ = _espeak.locate()
    held = ctypes.CDLL(lib_path)
    try:
        v = EspeakVoice()
        audio = v.synthesize("Still speaking.", VoiceSpec())
        assert audio.duration_s > 0.3
        assert any("not fresh" in n for n in v.drain_notes())
    finally:
        import _ctypes

        handle = held._handle
        del held
        _ctypes.dlclose(handle)
