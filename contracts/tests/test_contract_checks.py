"""The base classes catch implementations that mislabel what they return (TTV-E012)."""

from __future__ import annotations

import numpy as np
import pytest
from ttv_contracts import stubs
from ttv_contracts.errors import TTVError
from ttv_contracts.testing.samples import sample_clip, sample_frames, sample_spec
from ttv_contracts.v1 import (
    AudioClip,
    Clip,
    Keyframe,
    PhonemeTiming,
    Region,
    TransitionSpec,
    VoiceSpec,
    WordTiming,
)


def _e012(call) -> TTVError:
    with pytest.raises(TTVError) as info:
        out = call()
        if hasattr(out, "__next__"):
            list(out)
    assert info.value.code == "TTV-E012", info.value
    return info.value


class _MislabelledVoice(stubs.StubVoice):
    """Speech made at 22,050 Hz, timed in its own clock, labelled as 24,000 Hz."""

    def _synthesize(self, text, spec):
        n = 22050  # one second of audio at the true rate
        samples = np.zeros(n, np.float32)
        words = (
            WordTiming(word="one", start_s=0.0, end_s=0.5),
            WordTiming(word="second", start_s=0.5, end_s=1.0),
        )
        return AudioClip(samples=samples, sample_rate=24000, words=words)


def test_voice_timings_past_the_audio_are_rejected():
    err = _e012(lambda: _MislabelledVoice().synthesize("one second", VoiceSpec()))
    assert "sample rate mislabelled" in err.message


def test_voice_timings_within_one_frame_are_accepted():
    class Rounded(stubs.StubVoice):
        def _synthesize(self, text, spec):
            words = (WordTiming(word="x", start_s=0.0, end_s=1.015),)  # rounding slack
            return AudioClip(samples=np.zeros(16000, np.float32), sample_rate=16000, words=words)

    assert Rounded().synthesize("x", VoiceSpec()).duration_s == 1.0


def test_voice_backwards_phoneme_is_rejected():
    class Backwards(stubs.StubVoice):
        def _synthesize(self, text, spec):
            ph = (PhonemeTiming(phoneme="a", start_s=0.5, end_s=0.2),)
            return AudioClip(samples=np.zeros(16000, np.float32), sample_rate=16000, phonemes=ph)

    _e012(lambda: Backwards().synthesize("a", VoiceSpec()))


def test_keyframe_region_outside_the_image_is_rejected():
    class Liar(stubs.StubKeyframe):
        def _render(self, spec):
            kf = super()._render(spec)
            return Keyframe(image=kf.image, regions=(Region(x=60, y=0, w=10, h=10),))

    _e012(lambda: Liar().render(sample_spec(width=64, height=48)))


def test_motion_region_moved_outside_is_rejected_but_carried_is_not():
    outside = Region(x=60, y=44, w=10, h=10)

    class Liar(stubs.StubMotion):
        def _animate(self, spec, keyframe):
            clip = super()._animate(spec, keyframe)
            return Clip(frames=clip.frames, fps=clip.fps, regions=(outside,))

    spec = sample_spec(num_frames=2)
    kf = Keyframe(image=sample_frames(1)[0])
    _e012(lambda: Liar().animate(spec, kf))
    # the same region carried unchanged from the keyframe is the keyframe's business
    carried = Keyframe(image=sample_frames(1)[0], regions=(outside,))
    assert Liar().animate(spec, carried).regions == (outside,)


def test_motion_wrong_fps_is_rejected():
    class Liar(stubs.StubMotion):
        def _animate(self, spec, keyframe):
            clip = super()._animate(spec, keyframe)
            return Clip(frames=clip.frames, fps=25)

    _e012(lambda: Liar().animate(sample_spec(fps=24), Keyframe(image=sample_frames(1)[0])))


def test_transition_changing_fps_is_rejected():
    class Liar(stubs.StubTransitions):
        def _blend(self, a, b, spec):
            a2, b2 = super()._blend(a, b, spec)
            return a2, Clip(frames=b2.frames, fps=b2.fps * 2)

    _e012(lambda: Liar().blend(sample_clip(4), sample_clip(4), TransitionSpec()))


def test_interpolator_that_stops_reading_is_rejected():
    class Liar(stubs.StubInterpolator):
        def _interpolate(self, frames, fps_in, fps_out):
            first = next(frames)
            yield first
            yield first

    err = _e012(lambda: Liar().interpolate(iter(sample_frames(10)), 12, 24))
    assert "left unread" in err.message


def test_interpolator_extra_frame_is_rejected():
    class Liar(stubs.StubInterpolator):
        def _interpolate(self, frames, fps_in, fps_out):
            out = list(super()._interpolate(frames, fps_in, fps_out))
            yield from [*out, out[-1]]

    _e012(lambda: Liar().interpolate(iter(sample_frames(5)), 12, 24))


def test_upscaler_dropping_or_adding_frames_is_rejected():
    class Dropper(stubs.StubUpscaler):
        def _upscale(self, frames, width, height):
            yield from list(super()._upscale(frames, width, height))[:-1]

    class Adder(stubs.StubUpscaler):
        def _upscale(self, frames, width, height):
            for f in super()._upscale(frames, width, height):
                yield f
                yield f

    _e012(lambda: Dropper().upscale(iter(sample_frames(3)), 128, 96))
    _e012(lambda: Adder().upscale(iter(sample_frames(3)), 128, 96))


def test_honest_upscaler_still_streams():
    out = stubs.StubUpscaler().upscale(iter(sample_frames(3)), 128, 96)
    assert len(list(out)) == 3


def test_extender_and_lipsync_regions_outside_are_rejected():
    outside = (Region(x=0, y=40, w=10, h=10),)

    class Ext(stubs.StubExtender):
        def _extend(self, clip, num_frames):
            out = super()._extend(clip, num_frames)
            return Clip(frames=out.frames, fps=out.fps, regions=outside)

    class Lip(stubs.StubLipSync):
        def _sync(self, clip, audio, characters):
            return Clip(frames=clip.frames, fps=clip.fps, regions=outside)

    _e012(lambda: Ext().extend(sample_clip(3), 5))
    audio = AudioClip(samples=np.zeros(1600, np.float32), sample_rate=16000)
    _e012(lambda: Lip().sync(sample_clip(3), audio))
