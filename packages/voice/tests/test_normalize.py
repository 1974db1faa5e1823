"""Text normalisation: what eSpeak is told to say for symbols, numbers and abbreviations.

Every case is checked twice: the normalised text, and real synthesis. Synthesis is
deterministic (one fresh eSpeak session per utterance), so "70–90%" must give exactly the
samples of "seventy to ninety percent", while the reported words keep the original spelling.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import VoiceSpec
from ttv_voice import EspeakVoice
from ttv_voice.normalize import normalize, say_number

CASES = [
    # arrows: "to" between quantities, "becomes" otherwise
    ("Ice → water.", "Ice becomes water."),
    ("Caterpillar -> butterfly.", "Caterpillar becomes butterfly."),
    ("It rose from 10 → 20 degrees.", "It rose from ten to twenty degrees."),
    ("9:00 → 10:30", "nine o'clock to ten thirty"),
    # ranges and percentages
    ("About 70–90% of it.", "About seventy to ninety percent of it."),
    ("70-90 %", "seventy to ninety percent"),
    ("Walk 5–10 km.", "Walk five to ten kilometres."),
    ("From 1990–2000 it grew.", "From nineteen ninety to two thousand it grew."),
    ("Only 45% passed.", "Only forty five percent passed."),
    ("A 2.5% rise.", "A two point five percent rise."),
    # units
    ("Water boils at 100°C.", "Water boils at one hundred degrees Celsius."),
    ("It is 25 °C today.", "It is twenty five degrees Celsius today."),
    ("Set it to 350°F.", "Set it to three hundred and fifty degrees Fahrenheit."),
    ("A 90° angle.", "A ninety degrees angle."),
    ("It weighs 1 kg.", "It weighs one kilogram."),
    ("It weighs 3.5 kg.", "It weighs three point five kilograms."),
    ("Sound travels 343 m/s.", "Sound travels three hundred and forty three metres per second."),
    ("Drive at 50 km/h.", "Drive at fifty kilometres per hour."),
    ("A 2 m wall and 1 km road.", "A two metres wall and one kilometre road."),
    ("Add 250 ml of milk.", "Add two hundred and fifty millilitres of milk."),
    ("The room is 20 m² in size.", "The room is twenty square metres in size."),
    ("Rest for 30s.", "Rest for thirty seconds."),
    # abbreviations and titles
    ("Solids, i.e. ice, melt.", "Solids, that is ice, melt."),
    ("Fruit, e.g. apples.", "Fruit, for example apples."),
    ("Apples, pears, etc. Then tea.", "Apples, pears, et cetera. Then tea."),
    ("Apples, pears, etc. are fruit.", "Apples, pears, et cetera are fruit."),
    ("Cats vs. dogs.", "Cats versus dogs."),
    ("Dr. Patel arrived.", "Doctor Patel arrived."),
    ("Mrs. Jones and Mr. Brown.", "Missus Jones and Mister Brown."),
    ("Ms. Lee met Prof. Adams.", "Miz Lee met Professor Adams."),
    ("St. Ives is on Baker St. today.", "Saint Ives is on Baker Street today."),
    ("Climb Mt. Fuji.", "Climb Mount Fuji."),
    ("See room No. 5.", "See room number five."),
    # numbers
    ("On the 21st and 3rd.", "On the twenty first and third."),
    ("In 1969 people landed.", "In nineteen sixty nine people landed."),
    ("There were 2000 people.", "There were two thousand people."),
    ("It had 1,200 pages.", "It had one thousand two hundred pages."),
    ("Pi is 3.14.", "Pi is three point one four."),
    ("It fell to -5 degrees.", "It fell to minus five degrees."),
    ("Meet at 9:30 or 9:05.", "Meet at nine thirty or nine oh five."),
    ("It costs $5.50.", "It costs five dollars fifty cents."),
    ("It costs £1.", "It costs one pound."),
    ("They spent $2 million.", "They spent two million dollars."),
    ("In the 1990s.", "In the nineteen nineties."),
    # symbols
    ("Salt & pepper.", "Salt and pepper."),
    ("2 + 2 = 4", "two plus two equals four"),
    ("3 × 4", "three times four"),
    ("It is ~5 m away.", "It is about five metres away."),
    # quotes and brackets
    ("He said “hello” softly.", "He said hello softly."),
    ('She said "yes".', "She said yes."),
    ("I don’t know.", "I don't know."),
    ("Plants (like ferns) grow.", "Plants , like ferns, grow."),
    ("Water [a liquid] flows.", "Water , a liquid, flows."),
]


@pytest.fixture(scope="module")
def voice() -> EspeakVoice:
    return EspeakVoice()


@pytest.mark.parametrize(("text", "spoken"), CASES, ids=[c[0] for c in CASES])
def test_normalised_text(text: str, spoken: str) -> None:
    assert normalize(text).text == spoken


def test_plain_text_is_unchanged() -> None:
    text = "Ravi was an old potter. He lived by the river with Mira."
    norm = normalize(text)
    assert norm.text == text
    assert norm.source_span(0, 4) == (0, 4)


def test_numbers_in_words() -> None:
    assert say_number("1,200") == "one thousand two hundred"
    assert say_number("3.05") == "three point zero five"
    assert say_number("-12") == "minus twelve"


def test_other_languages_only_lose_quotes_and_brackets() -> None:
    assert normalize("Il fait 25 °C (environ).", "fr").text == "Il fait 25 °C , environ ."
    assert normalize("70–90% → i.e.", "de").text == "70–90% → i.e."


def test_spoken_spans_map_back_to_the_original() -> None:
    norm = normalize("About 70–90% of it.")
    start = norm.text.index("ninety")
    assert norm.source_span(start, start + 6) == (6, 12)  # all of "70–90%"
    of = norm.text.index(" of ") + 1
    assert norm.source[slice(*norm.source_span(of, of + 2))] == "of"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Ice → water.", "Ice becomes water."),
        ("About 70–90% of it.", "About seventy to ninety percent of it."),
        ("Water boils at 100°C.", "Water boils at one hundred degrees Celsius."),
        ("Solids, i.e. ice, melt.", "Solids, that is ice, melt."),
        ("Dr. Patel and Mrs. Jones.", "Doctor Patel and Missus Jones."),
        ("Apples, e.g. reds, etc. Then tea.", "Apples, for example reds, et cetera. Then tea."),
        ("Walk 5–10 km at 5 m/s.", "Walk five to ten kilometres at five metres per second."),
        ('He said "yes" (softly).', "He said yes , softly ."),
    ],
)
def test_synthesis_speaks_the_normalised_text(voice: EspeakVoice, text: str, spoken: str) -> None:
    said = voice.synthesize(text, VoiceSpec())
    expected = voice.synthesize(spoken, VoiceSpec())
    assert np.array_equal(said.samples, expected.samples)
    assert [p.phoneme for p in said.phonemes] == [p.phoneme for p in expected.phonemes]
    last = 0.0
    for w in said.words:  # words are the original spelling, in order, inside the audio
        assert w.word in text
        assert last <= w.start_s <= w.end_s <= said.duration_s
        last = w.end_s


def test_word_timings_report_original_words(voice: EspeakVoice) -> None:
    audio = voice.synthesize("About 70–90% of the water, i.e. most.", VoiceSpec())
    words = [w.word for w in audio.words]
    assert "70–90%" in words and "i.e." in words
    assert "seventy" not in words and "ninety" not in words
    rng = audio.words[words.index("70–90%")]
    # four spoken words ("seventy to ninety percent") take longer than one short word
    assert rng.end_s - rng.start_s > 2 * (audio.words[0].end_s - audio.words[0].start_s)
    titled = voice.synthesize("Dr. Smith went home.", VoiceSpec())
    assert [w.word for w in titled.words] == ["Dr.", "Smith", "went", "home"]


def test_normalisation_can_be_switched_off(voice: EspeakVoice) -> None:
    raw = EspeakVoice(normalize=False)
    assert raw.spoken("70–90%").text == "70–90%"
    assert not np.array_equal(
        raw.synthesize("Ice → water.", VoiceSpec()).samples,
        voice.synthesize("Ice → water.", VoiceSpec()).samples,
    )
    with pytest.raises(TTVError):
        EspeakVoice(normalize="yes")


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("0123456789 .,-–%°C→kmg/$£()\"“”iezDr'")), max_size=30)
)
def test_normalise_never_fails_and_maps_inside_the_source(text: str) -> None:
    norm = normalize(text)
    pos = 0
    for seg in norm.segments:  # segments tile the source and the spoken text in order
        assert seg.src_start == pos and seg.src_end >= seg.src_start
        pos = seg.src_end
    assert pos == len(text) or not norm.segments
    for i in range(0, len(norm.text), 3):
        lo, hi = norm.source_span(i, i + 3)
        assert 0 <= lo <= hi <= len(text)
