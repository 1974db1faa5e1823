"""ttv-voice passes the voice slot's conformance kit."""

from ttv_contracts.testing import kit
from ttv_voice import EspeakVoice


class TestEspeakConformance(kit.VoiceConformance):
    implementation_class = EspeakVoice
