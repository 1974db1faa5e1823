"""Voice real-time factor: seconds of audio made per wall-clock second, eSpeak NG vs the stub.

    python packages/voice/bench/bench_voice.py [--repeat N]

Both are measured in the same run on the same narration (the sample lessons' text), so the
ratio holds on any machine. The stub makes a tone, not speech: it is the floor cost of
producing an AudioClip of that length, not a competitor.
"""

from __future__ import annotations

import argparse
import platform
import time

from ttv_contracts.stubs import StubVoice
from ttv_contracts.testing.samples import sample_lessons
from ttv_contracts.v1 import VoiceSpec
from ttv_voice import EspeakVoice


def sentences() -> list[str]:
    text = " ".join(
        (lesson.text or " ".join(s.text for s in lesson.scenes or ()))
        for lesson in sample_lessons()
    )
    return [s.strip() + "." for s in text.split(".") if s.strip()]


def measure(impl, texts: list[str], repeat: int) -> tuple[float, float]:
    audio_s = 0.0
    start = time.perf_counter()
    for _ in range(repeat):
        for t in texts:
            audio_s += impl.synthesize(t, VoiceSpec(gender="female", speaker_seed=3)).duration_s
    return audio_s, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    texts = sentences()
    espeak, stub = EspeakVoice(), StubVoice()
    espeak.synthesize("Warm up.", VoiceSpec())  # first call pays for loading the data
    e_audio, e_wall = measure(espeak, texts, args.repeat)
    s_audio, s_wall = measure(stub, texts, args.repeat)
    e_rtf, s_rtf = e_audio / e_wall, s_audio / s_wall
    per_call_ms = 1000 * e_wall / (len(texts) * args.repeat)
    print(
        f"machine: {platform.machine()} {platform.processor() or ''} python {platform.python_version()}"
    )
    print(f"utterances: {len(texts)} x {args.repeat}")
    print(
        f"espeak: {e_audio:.1f} s of speech in {e_wall:.2f} s -> {e_rtf:.1f}x real time "
        f"({per_call_ms:.1f} ms per utterance, library session included)"
    )
    print(f"stub:   {s_audio:.1f} s of tone   in {s_wall:.3f} s -> {s_rtf:.1f}x real time")
    print(f"ratio espeak/stub real-time factor: {e_rtf / s_rtf:.3f}")


if __name__ == "__main__":
    main()
