"""Mouth shapes over time: from phoneme timings (visemes) or from the audio envelope.

A *viseme* here is ``(open, width)``: how far the jaw opens (0 closed .. 1 wide open) and
how wide the lips are relative to rest (below 1 rounded, above 1 spread). eSpeak NG's IPA
phonemes and CMU/ARPAbet symbols are both understood.
"""

from __future__ import annotations

import numpy as np
from ttv_contracts.v1 import AudioClip, PhonemeTiming

Viseme = tuple[float, float]

REST: Viseme = (0.0, 1.0)

# IPA vowels, by the first vowel letter of the phoneme (stress and length marks removed).
_IPA_VOWELS: dict[str, Viseme] = {
    **dict.fromkeys("aɑæɐɒäɶ", (1.0, 1.0)),
    "ʌ": (0.75, 1.0),
    **dict.fromkeys("eɛəɜɘɚɝøœɞ", (0.6, 1.05)),
    **dict.fromkeys("oɔɤ", (0.65, 0.7)),
    **dict.fromkeys("iɪɨɯ", (0.3, 1.15)),
    **dict.fromkeys("uʊyʉʏ", (0.3, 0.6)),
}
_IPA_CONSONANTS: dict[str, Viseme] = {
    **dict.fromkeys("pbmɓʙ", (0.0, 1.0)),  # lips closed
    **dict.fromkeys("fvɱ", (0.1, 1.0)),  # lower lip to teeth
    **dict.fromkeys("wʍɥ", (0.2, 0.55)),  # rounded
    **dict.fromkeys("ɹrɾɻʁ", (0.3, 0.8)),
    **dict.fromkeys("lɫɬʎ", (0.35, 1.0)),
    **dict.fromkeys("θð", (0.25, 1.0)),
    **dict.fromkeys("tdnszɗ", (0.2, 1.0)),
    **dict.fromkeys("ʃʒɕʑ", (0.25, 0.75)),
    **dict.fromkeys("kgŋɡxhɣχʔ", (0.35, 1.0)),
    **dict.fromkeys("jç", (0.25, 1.1)),
}
_ARPABET: dict[str, Viseme] = {
    **dict.fromkeys(("AA", "AE", "AH", "AW", "AY"), (1.0, 1.0)),
    **dict.fromkeys(("EH", "ER", "EY"), (0.6, 1.05)),
    **dict.fromkeys(("AO", "OW", "OY"), (0.65, 0.7)),
    **dict.fromkeys(("IH", "IY"), (0.3, 1.15)),
    **dict.fromkeys(("UH", "UW"), (0.3, 0.6)),
    **dict.fromkeys(("P", "B", "M"), (0.0, 1.0)),
    **dict.fromkeys(("F", "V"), (0.1, 1.0)),
    "W": (0.2, 0.55),
    "R": (0.3, 0.8),
    "L": (0.35, 1.0),
    **dict.fromkeys(("TH", "DH"), (0.25, 1.0)),
    **dict.fromkeys(("SH", "ZH", "CH", "JH"), (0.25, 0.75)),
    "Y": (0.25, 1.1),
}
_DEFAULT_CONSONANT: Viseme = (0.25, 1.0)
_MARKS = "ˈˌːˑ̃̆ʰʲʷ̩̯-_ '\""


def viseme_for(phoneme: str) -> Viseme:
    """The mouth shape for one phoneme (IPA or ARPAbet); pauses give the rest shape."""
    arpa = phoneme.strip().rstrip("012").upper()
    if arpa in _ARPABET and phoneme.strip()[:1].isupper():
        return _ARPABET[arpa]
    core = "".join(ch for ch in phoneme if ch not in _MARKS)
    if not core:
        return REST
    for ch in core:
        if ch in _IPA_VOWELS:
            return _IPA_VOWELS[ch]
    for ch in core:
        if ch in _IPA_CONSONANTS:
            return _IPA_CONSONANTS[ch]
    return _DEFAULT_CONSONANT


def _frame_windows(n_frames: int, fps: int) -> np.ndarray:
    starts = np.arange(n_frames, dtype=np.float64) / fps
    return np.stack([starts, starts + 1.0 / fps], axis=1)


def track_from_phonemes(phonemes: tuple[PhonemeTiming, ...], n_frames: int, fps: int) -> np.ndarray:
    """``(n_frames, 2)`` of (open, width): overlap-weighted visemes in each frame's window.

    Time not covered by any phoneme counts as closed, so pauses close the mouth.
    """
    track = np.zeros((n_frames, 2), np.float64)
    track[:, 1] = 1.0
    if n_frames == 0 or not phonemes:
        return track
    windows = _frame_windows(n_frames, fps)
    span = 1.0 / fps
    shapes = [(p.start_s, p.end_s, viseme_for(p.phoneme)) for p in phonemes if p.end_s > p.start_s]
    for i, (w0, w1) in enumerate(windows):
        open_sum = 0.0
        width_sum = 0.0
        covered = 0.0
        for s, e, (op, wd) in shapes:
            overlap = min(e, w1) - max(s, w0)
            if overlap > 0:
                open_sum += op * overlap
                width_sum += wd * overlap
                covered += overlap
        track[i, 0] = open_sum / span
        track[i, 1] = width_sum / covered if covered > 0 else 1.0
    return track


def rms_envelope(audio: AudioClip, n_frames: int, fps: int) -> np.ndarray:
    """RMS of the samples in each frame's window (0 past the end of the audio)."""
    sr = audio.sample_rate
    samples = audio.samples
    env = np.zeros(n_frames, np.float64)
    for i in range(n_frames):
        a = round(i * sr / fps)
        b = round((i + 1) * sr / fps)
        seg = samples[a:b]
        if seg.size:
            env[i] = float(np.sqrt(np.mean(seg.astype(np.float64) ** 2)))
    return env


def track_from_envelope(
    audio: AudioClip, n_frames: int, fps: int, silence_rms: float
) -> np.ndarray:
    """``(n_frames, 2)`` of (open, width) from loudness: silent frames stay closed.

    Loudness above ``silence_rms`` opens the mouth in proportion, reaching fully open at the
    clip's 90th-percentile voiced loudness (so quiet narration still moves the mouth).
    """
    env = rms_envelope(audio, n_frames, fps)
    track = np.zeros((n_frames, 2), np.float64)
    track[:, 1] = 1.0
    voiced = env[env > silence_rms]
    if voiced.size == 0:
        return track
    ref = max(float(np.percentile(voiced, 90)), 2.0 * silence_rms)
    track[:, 0] = np.clip((env - silence_rms) / (ref - silence_rms), 0.0, 1.0)
    return track


def smooth(track: np.ndarray) -> np.ndarray:
    """A light [1, 2, 1]/4 filter over time on the opening, so the jaw does not flicker.

    A frame that was closed and whose neighbours are closed stays exactly closed.
    """
    if track.shape[0] < 3:
        return track
    out = track.copy()
    padded = np.pad(track[:, 0], 1, mode="edge")
    out[:, 0] = 0.25 * padded[:-2] + 0.5 * padded[1:-1] + 0.25 * padded[2:]
    return out
