"""The narration's resampling to the video's audio rate (voices speak at 16-24 kHz, the MP4
carries 48 kHz): no spectral images above the voice's band, no delay, exact lengths."""

from __future__ import annotations

import numpy as np
import pytest
from ttv_contracts.v1 import AudioClip
from ttv_integration.stages.render import fit_audio, resample


def _tones(rate: int, seconds: float) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (0.3 * np.sin(2 * np.pi * 3000 * t) + 0.2 * np.sin(2 * np.pi * 700 * t)).astype(
        np.float32
    )


@pytest.mark.parametrize("rate_in", [16000, 22050, 24000])
def test_upsampling_adds_no_images_above_the_voice_band(rate_in):
    """Energy above the source's Nyquist frequency is an artefact (an image of the voice);
    linear interpolation leaves it at -24 dB (16 kHz) to -33 dB (22.05 kHz) of the signal."""
    out = resample(_tones(rate_in, 2.0), rate_in, 48000)
    power = np.abs(np.fft.rfft(out * np.hanning(out.size))) ** 2
    freqs = np.fft.rfftfreq(out.size, 1 / 48000)
    images = power[freqs > rate_in / 2 + 200].sum() / power.sum()
    assert 10 * np.log10(images) < -80
    # and the tones themselves are kept: 3 kHz is the strongest bin, at its amplitude
    assert abs(freqs[np.argmax(power)] - 3000) < 5
    steady = out[4800:-4800]
    assert np.sqrt(np.mean(steady**2)) == pytest.approx(np.sqrt(0.3**2 / 2 + 0.2**2 / 2), rel=0.01)


@pytest.mark.parametrize("rate_in", [16000, 22050])
def test_resampling_keeps_time(rate_in):
    """A click lands on the same instant at the new rate (lip-sync depends on it), and the
    length scales with the rates."""
    click = np.zeros(rate_in, np.float32)
    click[rate_in // 3] = 1.0
    out = resample(click, rate_in, 48000)
    assert abs(out.size - 48000) <= 1
    assert abs(int(np.argmax(out)) - round(rate_in // 3 * 48000 / rate_in)) <= 1


def test_fit_audio_pads_trims_and_passes_through():
    samples = _tones(16000, 1.0)
    clip = AudioClip(samples=samples, sample_rate=16000)
    padded = fit_audio(clip, 48000, 60000)
    assert padded.shape == (60000,) and padded.dtype == np.float32
    assert not padded[48100:].any()  # silence after the voice
    assert fit_audio(clip, 48000, 1000).shape == (1000,)
    same = AudioClip(samples=samples, sample_rate=48000)
    assert np.array_equal(fit_audio(same, 48000, samples.size), samples)  # no resampling
