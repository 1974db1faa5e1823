"""Property tests: any printable text is spoken with well-formed timings, or refused cleanly."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import VoiceSpec
from ttv_voice import EspeakVoice

VOICE = EspeakVoice()

texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FFFF),
    min_size=1,
    max_size=60,
).filter(lambda t: t.strip())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=texts,
    seed=st.integers(0, 2**32 - 1),
    gender=st.sampled_from(["male", "female", "neutral"]),
)
def test_any_text_gives_valid_audio_and_timings(text: str, seed: int, gender: str) -> None:
    spec = VoiceSpec(speaker_seed=seed, gender=gender)
    try:
        audio = VOICE.synthesize(text, spec)
    except TTVError as err:  # the only acceptable failure: nothing to say at all
        assert err.code == "TTV-E302"
        return
    assert audio.samples.dtype == np.float32 and audio.samples.size > 0
    assert float(np.abs(audio.samples).max()) <= 1.0
    last = 0.0
    for w in audio.words:
        assert w.word and w.word in text
        assert last <= w.start_s <= w.end_s <= audio.duration_s + 1e-6
        last = w.end_s
    last = 0.0
    for p in audio.phonemes:
        assert last <= p.start_s < p.end_s <= audio.duration_s + 1e-6
        last = p.end_s
