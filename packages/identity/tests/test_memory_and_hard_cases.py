"""Issue 14: scoped memory, conflict-aware reuse, titles, shared surnames and "they"."""

from __future__ import annotations

from pathlib import Path

import pytest
from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import Beat, Cast, Shot, StoryPlan
from ttv_identity import CorefIdentity, IdentityStore


def plan_of(*narrations: str) -> StoryPlan:
    return StoryPlan(
        title="t",
        kind="story",
        shots=tuple(
            Shot(index=i, narration=n, beat=Beat.SETUP, target_duration_s=2.0)
            for i, n in enumerate(narrations)
        ),
    )


def by_name(cast: Cast) -> dict[str, object]:
    return {c.name: c for c in cast.characters}


RAVI = (
    "Ravi was the old potter of the village.",
    "He had white hair, and every morning he shaped clay by the river.",
)
MEERA = (
    "Meera, the best potter in the valley, opened her workshop at dawn.",
    "She painted birds on every bowl she made.",
)
RAVI_AGAIN = ("Ravi carried his pots to the market.", "He sold three bowls and a lamp.")
MEERA_AGAIN = ("Meera taught the children to paint.", "She gave each of them a brush.")


@pytest.mark.parametrize("first", ["ravi", "meera"])
def test_two_potters_stay_two_people_and_each_is_reused(tmp_path: Path, first: str):
    # The reported bug: with Ravi in the store, Meera became `id: ravi`, aliases
    # "Meera, the old potter", descriptors "elderly man, white hair".
    store = str(tmp_path / "ids")
    order = [RAVI, MEERA] if first == "ravi" else [MEERA, RAVI]
    casts = [CorefIdentity(store_dir=store).resolve(plan_of(*story)) for story in order]
    found = {c.name: c for cast in casts for c in cast.characters}
    ravi, meera = found["Ravi"], found["Meera"]
    assert (ravi.id, meera.id) == ("ravi", "meera")
    assert ravi.seed != meera.seed
    assert meera.pronouns == "she" and ravi.pronouns == "he"
    assert "Meera" not in ravi.aliases and "Ravi" not in meera.aliases
    assert "elderly man" in ravi.descriptors and "elderly man" not in meera.descriptors
    assert "the old potter" not in meera.aliases
    # a later lesson that is truly about Ravi (or Meera) reuses identity, seed and look
    (ravi2,) = CorefIdentity(store_dir=store).resolve(plan_of(*RAVI_AGAIN)).characters
    assert (ravi2.id, ravi2.seed, ravi2.descriptors) == (ravi.id, ravi.seed, ravi.descriptors)
    meera2 = by_name(CorefIdentity(store_dir=store).resolve(plan_of(*MEERA_AGAIN)))["Meera"]
    assert (meera2.id, meera2.seed, meera2.descriptors) == (meera.id, meera.seed, meera.descriptors)
    assert len(IdentityStore(store).all()) == 2


def test_same_name_with_a_conflicting_description_is_a_new_person(tmp_path: Path):
    store = str(tmp_path / "ids")
    (old,) = CorefIdentity(store_dir=store).resolve(plan_of(*RAVI)).characters
    (boy,) = (
        CorefIdentity(store_dir=store)
        .resolve(plan_of("Ravi was a little boy.", "He loved to climb trees."))
        .characters
    )
    assert boy.id != old.id and boy.seed != old.seed
    assert "elderly man" not in boy.descriptors and "little boy" in boy.descriptors
    keys = sorted(s.key for s in IdentityStore(store).all())
    assert keys == ["name:ravi", "name:ravi#2"]
    # and the old potter is still found by the next lesson about him
    (again,) = CorefIdentity(store_dir=store).resolve(plan_of(*RAVI_AGAIN)).characters
    assert again.id == old.id


def test_gender_conflict_refuses_the_stored_identity(tmp_path: Path):
    store = str(tmp_path / "ids")
    CorefIdentity(store_dir=store).resolve(plan_of("Sam fixed the radio.", "He was proud."))
    (sam,) = (
        CorefIdentity(store_dir=store)
        .resolve(plan_of("Sam painted the fence.", "She used bright green paint."))
        .characters
    )
    assert sam.pronouns == "she" and sam.id != "sam"


def test_namespaces_never_see_each_other(tmp_path: Path):
    store = str(tmp_path / "ids")
    (a,) = CorefIdentity(store_dir=store, namespace="class-a").resolve(plan_of(*RAVI)).characters
    (b,) = (
        CorefIdentity(store_dir=store, namespace="class-b")
        .resolve(plan_of("Ravi went to town."))
        .characters
    )
    assert "old potter" in a.descriptors
    assert "old potter" not in b.descriptors  # class-b never saw class-a's Ravi
    (d,) = CorefIdentity(store_dir=store).resolve(plan_of("Ravi went to town.")).characters
    assert "old potter" not in d.descriptors  # nor does the default namespace
    assert (tmp_path / "ids" / "identities.sqlite3").exists()  # default: where it always was
    assert (tmp_path / "ids" / "namespaces" / "class-a" / "identities.sqlite3").exists()
    assert [s.key for s in IdentityStore(store, namespace="class-a").all()] == ["name:ravi"]
    (a2,) = (
        CorefIdentity(store_dir=store, namespace="class-a").resolve(plan_of(*RAVI_AGAIN)).characters
    )
    assert a2.descriptors == a.descriptors


@pytest.mark.parametrize("bad", ["", "Class A", "../x", "a" * 65, 3])
def test_bad_namespace_is_an_option_error(bad):
    with pytest.raises(TTVError) as info:
        CorefIdentity(namespace=bad)
    assert info.value.code == "TTV-E110"


def test_title_informs_gender_and_story_pronouns_decide_dr():
    people = by_name(
        CorefIdentity().resolve(
            plan_of("Mira met Dr. Rao at the clinic.", "He listened to her cough.")
        )
    )
    assert people["Dr. Rao"].pronouns == "he" and people["Dr. Rao"].shots == (0, 1)
    assert people["Mira"].pronouns == "she" and people["Mira"].shots == (0, 1)
    (rao,) = CorefIdentity().resolve(plan_of("Dr. Rao opened the clinic.")).characters
    assert rao.pronouns == "they"  # no evidence either way: not guessed
    (okafor,) = CorefIdentity().resolve(plan_of("Mrs. Okafor opened the door.")).characters
    assert okafor.pronouns == "she"
    (taylor,) = (
        CorefIdentity()
        .resolve(plan_of("Mx. Taylor runs the library.", "They choose a book every Monday."))
        .characters
    )
    assert taylor.pronouns == "they" and taylor.shots == (0, 1)


def test_shared_surname_is_two_people():
    cast = CorefIdentity().resolve(
        plan_of(
            "Mr. Rao and Mrs. Rao ran a tea shop.",
            "Mrs. Rao made the tea, and Mr. Rao washed the cups.",
            "She added ginger.",
            "He said it was the best tea in town.",
        )
    )
    people = by_name(cast)
    assert set(people) == {"Mr. Rao", "Mrs. Rao"}
    mr, mrs = people["Mr. Rao"], people["Mrs. Rao"]
    assert (mr.pronouns, mrs.pronouns) == ("he", "she")
    assert mr.seed != mrs.seed and mr.id != mrs.id
    assert mrs.shots == (0, 1, 2) and mr.shots == (0, 1, 3)


def test_shared_surname_in_the_store(tmp_path: Path):
    store = str(tmp_path / "ids")
    CorefIdentity(store_dir=store).resolve(plan_of("Mrs. Rao baked bread."))
    cast = CorefIdentity(store_dir=store).resolve(
        plan_of("Mr. Rao and Mrs. Rao walked to the market.")
    )
    ids = {c.name: c.id for c in cast.characters}
    assert ids == {"Mr. Rao": "mr-rao", "Mrs. Rao": "mrs-rao"}
    assert len(IdentityStore(store).all()) == 2


def test_singular_they():
    (sam,) = (
        CorefIdentity()
        .resolve(
            plan_of("Sam is a new student.", "They like drawing maps.", "Sam showed their map.")
        )
        .characters
    )
    assert sam.pronouns == "they" and sam.shots == (0, 1, 2)


def test_group_they_is_not_a_person_but_puts_its_members_in_the_shot():
    plan = plan_of("Ravi and Mira walked to the market.", "They bought rice.", "Mira smiled.")
    people = by_name(CorefIdentity().resolve(plan))
    assert people["Ravi"].pronouns == "he" and people["Mira"].pronouns == "she"
    assert people["Ravi"].shots == (0, 1) and people["Mira"].shots == (0, 1, 2)
    they = [m for m in CorefIdentity().mentions(plan) if m.text == "They"]
    assert len(they) == 1 and they[0].entity.startswith("group:")


def test_plural_noun_phrase_is_a_group():
    plan = plan_of(
        "The children lined up at the gate.",
        "Their teacher, Mr. Haddad, counted them twice.",
        "Then he led them into the museum.",
    )
    (haddad,) = CorefIdentity().resolve(plan).characters
    assert haddad.name == "Mr. Haddad" and haddad.shots == (1, 2)
    ents = {(m.shot, m.text): m.entity for m in CorefIdentity().mentions(plan)}
    group = ents[(0, "The children")]
    assert group.startswith("group:")
    assert ents[(1, "Their")] == ents[(1, "them")] == ents[(2, "them")] == group
    assert ents[(2, "he")] == ents[(1, "Mr. Haddad")]


def test_two_people_of_one_gender():
    plan = plan_of(
        "Ravi and Arjun were both potters.",
        "Arjun sold every lamp at the market.",
        "He gave Ravi half of his money.",
    )
    ents = {(m.shot, m.text): m.entity for m in CorefIdentity().mentions(plan)}
    assert ents[(2, "He")] == ents[(2, "his")] == ents[(1, "Arjun")]


def test_mentions_report_character_offsets():
    plan = plan_of("Ravi, the old potter, sat down.", "He smiled.")
    got = [(m.shot, m.start, m.end, m.kind) for m in CorefIdentity().mentions(plan)]
    assert got == [(0, 0, 4, "name"), (0, 6, 20, "role"), (1, 0, 2, "pronoun")]
    assert len({m.entity for m in CorefIdentity().mentions(plan)}) == 1


def _entities(*shots: str) -> dict[tuple[int, str], str]:
    return {(m.shot, m.text): m.entity for m in CorefIdentity().mentions(plan_of(*shots))}


def test_naming_and_apposition_patterns():
    e = _entities("He carved a puppet and named him Pinocchio.", "The puppet ran away.")
    assert e[(0, "a puppet")] == e[(0, "Pinocchio")] == e[(1, "The puppet")]
    e = _entities("Lina, a young woman from the coast, became the first pilot in her town.")
    assert e[(0, "Lina")] == e[(0, "the first pilot")] == e[(0, "her")]
    e = _entities("Baloo, the sleepy brown bear, taught him the law.")
    assert e[(0, "Baloo")] == e[(0, "the sleepy brown bear")]
    e = _entities("A stranger came.", "The stranger was called Omar.", "He stayed.")
    assert e[(0, "A stranger")] == e[(1, "Omar")] == e[(2, "He")]


def test_contrasting_roles_and_relative_clauses():
    e = _entities("The elder brother rowed, and the younger brother cast the net.")
    assert e[(0, "The elder brother")] != e[(0, "the younger brother")]
    e = _entities("Then Peter met Mr. McGregor, who ran after him with a rake.")
    assert e[(0, "him")] == e[(0, "Peter")]
    e = _entities("Aunt Mei had a niece called Lan.", "Aunt Mei let her choose the colours.")
    assert e[(1, "her")] == e[(0, "Lan")]


def test_a_bare_surname_finds_the_titled_person_in_the_store(tmp_path: Path):
    store = str(tmp_path / "ids")
    (mr,) = CorefIdentity(store_dir=store).resolve(plan_of("Mr. Rao fixed the roof.")).characters
    (rao,) = CorefIdentity(store_dir=store).resolve(plan_of("Rao fixed the gate.")).characters
    assert rao.id == mr.id
    (dr,) = CorefIdentity(store_dir=store).resolve(plan_of("Dr. Rao came in.")).characters
    assert dr.id != mr.id  # another title, another person, as within one story


@pytest.mark.parametrize("boy", ["Kofi", "Tunde"])  # a male name, and one the dictionary lacks
def test_a_clause_with_its_own_subject_leaves_the_sentence_subject_to_its_object(boy):
    """The kettle race lesson: "Lucía ran outside, Amara chased her" is Lucía, never the boy
    named in an earlier sentence; his gender comes from the "he" the story gives him (the
    vote once gave him "she", and a "woman" descriptor, from that "her")."""
    plan = plan_of(
        f"Amara, {boy} and Lucía were racing to see which kettle would boil first.",
        f"Suddenly the tall kettle whistled, and {boy} shouted that the water was boiling!",
        f"Lucía grabbed the notebook and ran outside, Amara chased her across the playground, "
        f"and {boy} sprinted after them, laughing so hard that he nearly slipped on the ice.",
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert people[boy].pronouns == "he" and "man" in people[boy].descriptors
    assert people["Lucía"].pronouns == people["Amara"].pronouns == "she"
    mentions = CorefIdentity().mentions(plan)
    ents = {(m.shot, m.text): m.entity for m in mentions}
    assert ents[(2, "her")] == ents[(2, "Lucía")]
    assert ents[(2, "he")] == ents[(2, boy)]
    # each mention carries the pronouns its person gets (what the evaluation scores)
    said = {m.entity: m.pronouns for m in mentions if not m.entity.startswith("group:")}
    assert said == {ents[(0, "Amara")]: "she", ents[(0, boy)]: "he", ents[(0, "Lucía")]: "she"}
    assert {m.pronouns for m in mentions if m.entity.startswith("group:")} <= {""}


def test_the_counted_plural_is_the_people_named_together():
    """ "Amara, Kofi and Lucía ... the three friends" is those three: the group's mentions
    link and its members are in its shot (the kettle race's last shot once showed only
    Amara). A count that does not fit, or an indefinite "three friends", is a group of its
    own and puts nobody in the shot."""

    def cast_and_groups(last: str) -> tuple[dict[str, object], dict[str, str]]:
        plan = plan_of(
            "Amara, Kofi and Lucía raced three kettles, and they wrote every guess down.",
            "Kofi shouted that the tall kettle was boiling.",
            last,
        )
        groups = {m.text: m.entity for m in CorefIdentity().mentions(plan) if m.kind != "name"}
        return by_name(CorefIdentity().resolve(plan)), groups

    people, groups = cast_and_groups("Later the three friends agreed that the small one won.")
    assert [people[n].shots for n in ("Amara", "Kofi", "Lucía")] == [(0, 2), (0, 1, 2), (0, 2)]
    assert groups["three friends"] == groups["they"]
    for last, surface in (
        ("Later the two friends agreed that the small one won.", "two friends"),
        ("Later three friends agreed that the small one won.", "three friends"),
    ):
        people, groups = cast_and_groups(last)
        assert [people[n].shots for n in ("Amara", "Kofi", "Lucía")] == [(0,), (0, 1), (0,)]
        assert groups[surface] != groups["they"]


def test_an_animal_is_described_as_the_animal_it_is():
    """A fable's crow was described as "crow, woman, dark brown hair, wearing a sky-blue
    coat", and drawn as a woman in a coat. An animal's descriptors are its noun phrase alone:
    no person word, no hair, no clothes."""
    people = by_name(
        CorefIdentity().resolve(
            plan_of(
                "A crow sat on a high branch with a piece of cheese in her beak.",
                "A hungry fox walked under the tree and looked up at her.",
                "Peter was a naughty little rabbit, and Mr. McGregor chased him.",
            )
        )
    )
    assert people["the crow"].descriptors == ("crow",)
    assert people["the hungry fox"].descriptors == ("hungry fox",)
    assert people["Peter"].descriptors == ("naughty little rabbit",)
    mcgregor = people["Mr. McGregor"].descriptors
    assert "man" in mcgregor and any(d.endswith(" hair") for d in mcgregor)  # a person still


def test_what_is_said_beside_a_name_gives_its_age():
    """ "Grandpa Joe" and "old Mr. Okafor" were drawn as men in their prime, and "his
    grandsons Leo and Sam" as grown men: a title's role, an age word before a name and a
    plural role before a list of names now reach the descriptors."""
    people = by_name(
        CorefIdentity().resolve(
            plan_of(
                "On Saturday, Grandpa Joe took his grandsons Leo and Sam to the market.",
                "Inside, old Mr. Okafor lit the lamp, and Grandma Rosa made tea.",
                "Joe gave each boy three coins, and Leo thanked him.",
            )
        )
    )
    assert "elderly man" in people["Grandpa Joe"].descriptors
    assert "elderly man" in people["Mr. Okafor"].descriptors
    assert "elderly woman" in people["Grandma Rosa"].descriptors
    for boy in ("Leo", "Sam"):
        assert people[boy].descriptors[:2] == ("grandson", "boy")
    # a role before a single name is the ordinary apposition; a list needs two names
    one = by_name(CorefIdentity().resolve(plan_of("Her friends Ana went home.")))
    assert "friend" not in " ".join(one["Ana"].descriptors)


CITY = (
    "Little Maya lost sight of her father in the crowd outside the train station.",
    "A kind baker named Mr. Haddad gave her a warm roll and called the police.",
    "Ten minutes later her father ran in, soaked, and hugged her so tightly that she dropped "
    "the roll.",
)


def test_a_title_settles_gender_against_the_pronouns_of_later_sentences():
    """Three "her"/"she" of the last shot outvoted "Mr." (lexical, 2 votes): Mr. Haddad
    became a woman and took Maya's place in the last shot, where she is hugged."""
    people = by_name(CorefIdentity().resolve(plan_of(*CITY)))
    assert people["Mr. Haddad"].pronouns == "he" and "man" in people["Mr. Haddad"].descriptors
    assert people["Mr. Haddad"].shots == (1,)
    assert people["Maya"].shots == (0, 1, 2)
    she = [m for m in CorefIdentity().mentions(plan_of(*CITY)) if m.shot == 2 and m.text == "she"]
    assert [m.entity for m in she] == ["name:maya"]


def test_little_before_a_name_is_a_child():
    people = by_name(CorefIdentity().resolve(plan_of(*CITY)))
    assert people["Maya"].descriptors[0] == "little girl"
    old = by_name(CorefIdentity().resolve(plan_of("The little old woman, Ada, baked bread.")))
    assert old["Ada"].descriptors[0].endswith("elderly woman")  # old is decided first
    assert "girl" not in " ".join(old["Ada"].descriptors)


def test_they_looks_back_three_sentences_across_shot_ends():
    """Sentence numbers skip one at each shot's end, so "three sentences back" reached only
    one real sentence across shots: "they" found nobody, and the astronomer was missing from
    the shot where they packed up together."""
    plan = plan_of(
        "Ana set up her telescope while her student Tom unpacked the star charts.",
        "She pointed at a bright red dot low in the sky.",
        "By morning they had counted forty meteors, and Tom wrote the total down.",
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert people["Ana"].shots == (0, 1, 2) and people["Tom"].shots == (0, 2)
    they = [m for m in CorefIdentity().mentions(plan) if m.text == "they"]
    assert len(they) == 1 and they[0].entity.startswith("group:")


def test_them_after_things_does_not_reach_back_for_people():
    """ "He had planted seeds there, and the leaking water had watered them": them = the
    seeds. Looking three sentences back for "them" found Ravi and Mira and put Mira into
    the potter's seed shot; an object "them" looks one sentence back, a subject "they" three."""
    plan = plan_of(
        "Ravi was an old potter who lived by the river with his granddaughter Mira.",
        "Mira noticed that the old potter never mended the pot.",
        "Flowers grew all the way to the door.",
        "He had planted seeds there, and the leaking water had watered them every day.",
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert 3 in people["Ravi"].shots and 3 not in people["Mira"].shots


def test_a_first_word_before_a_preposition_is_an_adverb_not_a_name():
    """ "Deep under the ground, rock melts into magma" made a character called Deep (a name
    in the gender dictionary), drawn standing on the volcano lesson's hillside."""
    cast = CorefIdentity().resolve(plan_of("Deep under the ground, rock melts into magma."))
    assert cast.characters == ()
    deep = by_name(CorefIdentity().resolve(plan_of("Deep walked to the river.", "He sat.")))
    assert deep["Deep"].shots == (0, 1)  # a name where a verb follows it


def test_a_first_word_before_ago_or_later_is_a_time_not_a_name():
    """ "Long ago, soldiers guarded the stone wall of the old castle" made a man called Long
    (a name in the gender dictionary), drawn on the castle's wall."""
    cast = CorefIdentity().resolve(plan_of("Long ago, soldiers guarded the stone wall."))
    assert cast.characters == ()
    years = by_name(CorefIdentity().resolve(plan_of("Years later, Tom came home.")))
    assert set(years) == {"Tom"}
    long_ = by_name(CorefIdentity().resolve(plan_of("Long walked to the river.", "He sat.")))
    assert long_["Long"].shots == (0, 1)  # a name where a verb follows it
    marie = by_name(CorefIdentity().resolve(plan_of("Marie later won a second prize.")))
    assert set(marie) == {"Marie"}  # a name, then an adverb of time


def test_arms_and_hands_are_a_persons_not_an_animals():
    """The lost puppy: "The puppy jumped into his arms and licked his face." The boy Sam, not
    the puppy, has the arms: he is in the shot (he had been left out of it). A possessive
    before a part only people have skips the animal; its tail is still its own."""
    plan = plan_of(
        "A boy named Sam rushed into the station.",
        "The puppy jumped into his arms and licked his face.",
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert 1 in people["Sam"].shots
    tail = plan_of("A boy named Sam watched the dog.", "The dog wagged his tail.")
    cast = CorefIdentity().resolve(tail)
    assert 1 not in by_name(cast)["Sam"].shots


HOPE_AND_RIVER = (
    "Hope and her friend River lived in a town called Summer.",
    "Every morning Hope walked to school along the river.",
    "River always waited for her at the bridge.",
    "Hope found him in the park, feeding the ducks.",
)


def test_a_name_after_a_role_noun_is_a_name_even_when_also_an_ordinary_word():
    """ "her friend River" with "along the river" elsewhere: River was no name (the story
    uses the word lowercase), so "the friend" was a nameless character and "him" went to
    the town, Summer, drawn as a man in three shots."""
    people = by_name(CorefIdentity().resolve(plan_of(*HOPE_AND_RIVER)))
    assert set(people) == {"Hope", "River"}
    assert people["River"].shots == (0, 2, 3) and people["River"].pronouns == "he"
    assert "friend" in people["River"].descriptors
    named = by_name(CorefIdentity().resolve(plan_of("A boy named River swam in the river.")))
    assert set(named) == {"River"}


def test_what_a_place_is_called_is_not_a_person():
    cast = CorefIdentity().resolve(plan_of("They sailed to an island called Tarrow."))
    assert cast.characters == ()
    # a known first name after "called", or a person noun before it, stays a person
    people = by_name(CorefIdentity().resolve(plan_of("Ravi, now called Raj, sold pots.")))
    assert "Ravi" in people
    zorg = by_name(CorefIdentity().resolve(plan_of("A stranger called Zorg knocked.")))
    assert "Zorg" in zorg
    # a person noun the role list lacked made Nefer a thing's name and the pyramid lesson
    # had nobody in it: only a known place or thing noun before "named" does that
    scribe = plan_of("A young scribe named Nefer counted every block.")
    assert "Nefer" in by_name(CorefIdentity().resolve(scribe))
    sculptor = plan_of("A sculptor named Tarek carved the stone.")
    assert "Tarek" in by_name(CorefIdentity().resolve(sculptor))


def test_a_bare_quotation_is_spoken_by_the_last_speaker():
    """ "Rest and drink water." after "'It is only a cold,' he said." left the doctor's
    office empty: nobody is named in it, but the doctor's line goes on."""
    plan = plan_of(
        "Dr. Mensah listened to Lena's chest and smiled.",
        '"It is only a cold," he said.',
        '"Rest and drink water."',
        '"Thank you," said Lena.',
        "The rain stopped.",
    )
    people = by_name(CorefIdentity().resolve(plan))
    # the conversation keeps both in the office (the one spoken to listens); "The rain
    # stopped" holds no quotation and no one
    assert people["Dr. Mensah"].shots == (0, 1, 2, 3)
    assert people["Lena"].shots == (0, 1, 2, 3)


def test_a_line_of_dialogue_keeps_the_one_spoken_to():
    """'"It is only a cold," he said.' after "Dr. Mensah listened to Lena's chest" showed the
    doctor alone: Lena, whom he speaks to, stays in the picture. Not when the speaker was not
    in the shot before (a new scene's first line), nor without a quotation."""
    people = by_name(CorefIdentity().resolve(plan_of(
        "Dr. Mensah listened to Lena's chest and smiled.",
        '"It is only a cold," he said.',
    )))  # fmt: skip
    assert people["Lena"].shots == (0, 1)
    other = by_name(CorefIdentity().resolve(plan_of(
        "Dr. Mensah listened to Lena's chest and smiled.",
        '"Time for lunch," said Tom.',
        "Tom ate an apple.",
    )))  # fmt: skip
    assert other["Lena"].shots == (0,) and other["Tom"].shots == (1, 2)


def test_a_kind_of_person_after_for_like_or_as_is_no_one_in_the_story():
    """ "He said it was one small step for a man." put "the man" beside Armstrong."""
    plan = plan_of(
        "Neil Armstrong stepped onto the grey dust.",
        "He said it was one small step for a man.",
        "As a boy, he had roared like a lion.",
    )
    assert set(by_name(CorefIdentity().resolve(plan))) == {"Neil Armstrong"}
    people = by_name(CorefIdentity().resolve(plan_of("A man waited for the bus.")))
    assert set(people) == {"the man"}


def _colour(ch) -> str:
    return next(d for d in ch.descriptors if d.startswith("wearing ")).split()[2]


def test_people_of_one_story_are_dressed_apart():
    """Ms. Rivera and Omar were both in plum (their names' seeded colour), and so were
    Grandma Lucia and Marco: two figures of one shot that read as one."""
    from ttv_identity.resolver import _CLOTH_GROUP

    alone = by_name(CorefIdentity().resolve(plan_of("Omar held up an apple.")))["Omar"]
    plan = plan_of(
        "Ms. Rivera filled a tank.",
        "Omar held up an apple.",
        "Priya, Ana, Tom and Lena watched.",
    )
    people = by_name(CorefIdentity().resolve(plan))
    colours = [_colour(people[n]) for n in ("Ms. Rivera", "Omar", "Priya", "Ana", "Tom", "Lena")]
    assert len({_CLOTH_GROUP[c] for c in colours}) == 6  # six groups, six people
    assert _colour(alone) == "plum" and colours[0] == "plum" and colours[1] != "plum"
    # the first to appear keeps the colour its name gives it in every lesson
    again = by_name(CorefIdentity().resolve(plan_of("Ms. Rivera smiled.")))["Ms. Rivera"]
    assert _colour(again) == colours[0]


def test_her_father_is_the_man_whose_daughter_she_is():
    """ "His daughter Rose ... gave it to her father" drew a second man, "the father", beside
    Rose instead of Farmer Jack."""
    plan = plan_of(
        "Farmer Jack walked to the barn.",
        "His daughter Rose fed the chickens in the yard.",
        "Rose picked a rose and gave it to her father.",
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert set(people) == {"Farmer Jack", "Rose"}
    assert people["Farmer Jack"].shots == (0, 1, 2)
    # with no tie said, "her father" is someone new
    alone = by_name(CorefIdentity().resolve(plan_of("Rose gave a flower to her father.")))
    assert set(alone) == {"Rose", "the father"}
    # a tie of the wrong gender does not fold ("her mother" is not Jack)
    mother = plan_of(
        "Farmer Jack walked to the barn.",
        "His daughter Rose fed the chickens.",
        "Rose gave a flower to her mother.",
    )
    assert set(by_name(CorefIdentity().resolve(mother))) == {"Farmer Jack", "Rose", "the mother"}


def test_family_words_used_as_names_are_people_of_their_gender():
    """ "asked Dad" made a "person" called Dad with they/them, and "Mum cracked three eggs"
    no one at all."""
    plan = plan_of(
        '"Who wants pancakes?" asked Dad.',
        "Mum cracked three eggs into a bowl.",
        "Grandma Lucia laughed.",
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert set(people) == {"Dad", "Mum", "Grandma Lucia"}
    assert (people["Dad"].pronouns, people["Dad"].descriptors[:2]) == ("he", ("father", "man"))
    assert (people["Mum"].pronouns, people["Mum"].descriptors[:2]) == ("she", ("mother", "woman"))


def test_a_city_one_travels_to_is_no_person():
    """ "she moved to Paris" made Paris a woman (a first name in the dictionary)."""
    plan = plan_of(
        "Marie Curie was born in Warsaw in 1867.",
        "As a young woman, she moved to Paris to study physics.",
    )
    assert set(by_name(CorefIdentity().resolve(plan))) == {"Marie Curie"}
    met = plan_of("Ana went to Paris.", "Paris smiled at Ana.")
    assert set(by_name(CorefIdentity().resolve(met))) == {"Ana", "Paris"}  # a person verb wins


def test_names_listed_after_a_plural_role_take_its_role_and_gender():
    plan = plan_of(
        "Two girls, Ama and Sofia, skipped with a long rope.",
        "A boy called Jun kicked a ball.",
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert people["Ama"].pronouns == "she" and people["Ama"].descriptors[0] == "girl"
    assert people["Sofia"].descriptors[0] == "girl"
    assert set(people) == {"Ama", "Sofia", "Jun"}  # Jun is a name, not the month


def test_what_something_is_is_no_new_person():
    """ "The dragon is my friend," she said: "the friend" was drawn as a second woman."""
    plan = plan_of("Elena laughed.", '"The dragon is my friend," she said.')
    people = by_name(CorefIdentity().resolve(plan))
    assert set(people) == {"Elena", "the dragon"} and people["Elena"].shots == (0, 1)
    # the speaker is not the dragon she names: "she" went to it, and it became a "she"
    assert people["the dragon"].pronouns == "they"
    there = by_name(CorefIdentity().resolve(plan_of("There was an old woman who sang.")))
    assert set(there) == {"the old woman"}


def test_a_named_narrator_is_in_every_shot_that_says_i():
    """ "My name is Sam, and I am nine years old": Sam was in the first shot only (a "man"),
    and "my grandmother" and "Grandmother" were two grandmothers."""
    plan = plan_of(
        "My name is Sam, and I am nine years old.",
        "I live in a small village by the sea with my grandmother.",
        "Every morning I feed our goats before school.",
        "Grandmother says the goats are smarter than me.",
        '"I am hungry," said Nadia.',
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert set(people) == {"Sam", "Grandmother", "Nadia"}
    assert people["Sam"].shots == (0, 1, 2, 3)  # not the quoted "I" of Nadia
    assert people["Sam"].descriptors[0] == "boy"  # nine years old
    assert people["Grandmother"].shots == (1, 3)
    old = by_name(CorefIdentity().resolve(plan_of("Ravi, who was seventy years old, sang.")))
    assert old["Ravi"].descriptors[0] == "elderly man"


def test_everyone_is_the_people_seen_so_far():
    """ "Everyone sat down at the table" was an empty kitchen."""
    plan = plan_of(
        '"Who wants pancakes?" asked Dad.',
        "Mia and her little brother Leo ran into the kitchen.",
        "Mum cracked three eggs into a bowl.",
        "Soon everyone sat down at the table.",
        '"Everyone loves pancakes," said Leo.',
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert {n for n, c in people.items() if 3 in c.shots} == {"Dad", "Mia", "Leo", "Mum"}
    assert {n for n, c in people.items() if 4 in c.shots} == {"Leo"}  # inside quotes: words


def test_someone_who_is_not_there_is_not_in_the_shot():
    """ "One day River was not there" drew River; "the fox was gone" drew the fox."""
    plan = plan_of(
        "River always waited for Hope at the bridge.",
        "One day River was not there.",
        "Ana saw a small fox.",
        "In the morning the fox was gone, but its tracks were in the mud.",
        "The fox was gone, and Ana looked for it.",
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert people["River"].shots == (0,)
    assert 3 not in people["the small fox"].shots
    assert 4 in people["Ana"].shots


def test_common_nouns_that_start_a_sentence_are_no_people():
    """ "Mist floated over the water" drew a woman called Mist, "Birds carried seeds" a
    person called Birds, and "Everyone sang" a person called Everyone."""
    plan = plan_of(
        "Before sunrise, Grandpa Joe and his grandson Eli rowed onto the lake.",
        "Mist floated over the still water.",
        "Birds carried seeds to the new island.",
        "Everyone sang as Noor's mum carried in a cake.",
        "Hope smiled at Eli.",  # a common noun the name dictionary knows, before a person verb
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert set(people) == {"Grandpa Joe", "Eli", "Noor", "the mum", "Hope"}
    assert people["Hope"].shots == (4,)


def test_a_title_after_a_verb_of_singing_or_reading_is_no_person():
    plan = plan_of(
        "Everyone sang Happy Birthday as Mum carried in the cake.",
        "Later, Leo read Treasure Island in bed.",
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert not {"Happy", "Happy Birthday", "Treasure", "Treasure Island"} & set(people)
    assert {"Mum", "Leo"} <= set(people)


def test_a_word_said_inside_quotation_marks_is_no_person():
    """'"Patience," whispered Grandpa Joe' drew a woman called Patience beside him."""
    plan = plan_of(
        "Eli held his fishing rod very still.",
        '"Patience," whispered Grandpa Joe.',
        '"Where is Mia?" asked Eli.',
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert "Patience" not in people
    assert people["Grandpa Joe"].shots == (1,)
    assert "Mia" in people  # a name that is no common noun is still someone talked about


def test_an_ordinal_birthday_gives_the_age():
    plan = plan_of(
        "Noor woke up early because it was her eighth birthday.",
        "Her grandfather Omar turned the music up.",
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert "girl" in people["Noor"].descriptors


def test_together_they_are_the_people_of_the_sentences_before():
    """ "Together they spread the map" after Tom and Mrs. Okafor, each named in a sentence
    of their own, was an empty library."""
    plan = plan_of(
        "Behind a dusty book, Tom found an old folded map.",
        "It showed the town as it was a hundred years ago.",
        '"Where did you find that?" asked Mrs. Okafor.',
        "Together they spread the map on a table under the lamp.",
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert 3 in people["Tom"].shots and 3 in people["Mrs. Okafor"].shots
    assert people["Tom"].pronouns == "he"  # a group, not a singular "they" for Tom


def test_the_clothes_a_story_states_are_the_clothes_drawn():
    """ "Mia wore a cream dress. Her brother Leo wore a dark blue coat." dressed Mia in plum
    and Leo in cream."""
    plan = plan_of(
        "Mia rode her white horse across the green meadow.",
        "Mia wore a cream dress.",
        "Her brother Leo wore a dark blue coat.",
        "An old woman in a white apron waved at them.",
        "Sam put on a red hat.",  # a hat does not colour a figure
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert "wearing a cream dress" in people["Mia"].descriptors
    assert "wearing a navy coat" in people["Leo"].descriptors
    assert "wearing a white apron" in people["the old woman"].descriptors
    assert not any("red" in d for d in people["Sam"].descriptors)


def test_the_hair_a_story_states_is_the_hair_drawn():
    """ "Ana, a girl with curly red hair" was drawn sandy blond, "Tom had short blond hair"
    chestnut brown: the random hair the identity slot gives those it knows nothing of. The
    colour goes last, where the keyframe slot reads it ("red curly hair" -> "curly red")."""
    plan = plan_of(
        "Ana, a girl with curly red hair, ran to the gate.",
        "Tom had short blond hair.",
        "Lina smiled. She had long, dark brown hair.",
        "Omar waved with his hat.",  # no hair said: the usual random one
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert "curly red hair" in people["Ana"].descriptors
    assert "short blond hair" in people["Tom"].descriptors
    assert "long dark brown hair" in people["Lina"].descriptors
    omar = [d for d in people["Omar"].descriptors if d.endswith(" hair")]
    assert len(omar) == 1
    from ttv_identity.resolver import HAIR

    assert omar[0].removesuffix(" hair") in HAIR


def test_a_stated_beard_is_in_the_descriptors():
    """ "An old man with a white beard sold honey" was drawn clean-shaven: the beard the
    story states is a descriptor (the keyframe slot draws it), its colour last."""
    plan = plan_of(
        "An old man with a long white beard sold honey.",
        "The fisherman had a bushy grey beard.",
        "Tom smiled.",
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert "long white beard" in people["the old man"].descriptors
    assert "bushy grey beard" in people["the fisherman"].descriptors
    assert not any("beard" in d for d in people["Tom"].descriptors)


def test_stated_clothes_keep_their_colour_and_the_others_keep_away_from_it():
    from ttv_identity.resolver import CLOTH_GROUPS, _dress_apart

    looks = [["wearing a plum coat"], ["wearing a plum dress"], ["wearing an indigo shawl"]]
    _dress_apart(looks, ["a", "b", "c"], frozenset({1}))
    assert looks[1] == ["wearing a plum dress"]  # stated: never moved
    purple = next(g for g in CLOTH_GROUPS if "plum" in g)
    assert looks[0][0].split()[2] not in purple and looks[2][0].split()[2] not in purple


def test_an_animal_is_in_the_shots_whose_it_points_to_it():
    """ "She wrapped it in her coat and carried it to the police station" left the puppy
    out of the shot, and the next shot with it cut back to the park."""
    plan = plan_of(
        "A small brown puppy shivered under a bench in the park.",
        "A police officer named Officer Diaz saw the puppy and knelt beside it.",
        "She wrapped it in her coat and carried it to the police station.",
        "It was raining hard.",  # the weather, not the puppy
        "Tom found an old map. It showed the town.",  # a thing named since: the map
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert people["the small brown puppy"].shots == (0, 1, 2)


def test_swans_eagles_calves_and_lambs_are_animals():
    plan = plan_of(
        "A white swan glided across the lake.",
        "High above, an eagle circled.",
        "The farmer fed the calf and the lamb.",
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert people["the white swan"].descriptors == ("white swan",)
    assert people["the eagle"].descriptors == ("eagle",)
    assert people["the calf"].descriptors == ("calf",)
    assert people["the lamb"].descriptors == ("lamb",)


def test_whose_homework_or_teacher_it_is_is_a_child():
    """ "Tom stayed late at the town library to finish his homework" drew Tom as a man."""
    plan = plan_of(
        "Tom stayed late at the town library to finish his homework.",
        "Mia's classmates waved at her.",
        "The teacher, Ms. Lee, marked the homework.",  # a role says grown-up
        "Ravi was seventy years old.",
        "He mended his toys for his grandson.",  # an age says more than toys
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert people["Tom"].descriptors[0] == "boy"
    assert people["Mia"].descriptors[0] == "girl"
    assert "woman" in people["Ms. Lee"].descriptors
    assert people["Ravi"].descriptors[0] == "elderly man"


def test_who_walks_with_their_mother_and_a_childs_friends_are_children():
    """ "Amara walked to the market with her mother" drew Amara as a woman, and an
    eight-year-old's best friend as a man."""
    plan = plan_of(
        "Amara walked to the market with her mother.",
        "Noor was eight years old.",
        "Her best friend Kenji came to the party.",
        "Mr. Rao visited his mother every Sunday.",  # a title says grown-up
        "Dr. Lin called her father.",  # and so does a role
        "Grandma Rosa remembered her mother.",  # old is old
        "Farmer Jack and his friend Tom mended the fence.",  # a grown-up's friend
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert people["Amara"].descriptors[0] == "girl"
    assert people["the mother"].descriptors[:2] == ("mother", "woman")
    assert people["Kenji"].descriptors[:2] == ("best friend", "boy")
    assert "man" in people["Mr. Rao"].descriptors
    assert "woman" in people["Dr. Lin"].descriptors
    assert "elderly woman" in people["Grandma Rosa"].descriptors
    assert people["Tom"].descriptors[:2] == ("friend", "man")


def test_a_named_pupil_among_the_students_is_a_child():
    """ "In the science class, the students planted bean seeds ... Lila measured her plant"
    drew Lila as a woman towering over the students."""
    plan = plan_of(
        "In the science class, the students planted bean seeds in small pots.",
        "Mr. Diaz told them to water the pots every morning.",
        "Lila measured her plant.",
        "Maria showed them how to draw the shoots.",  # she teaches: a grown-up
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert people["Lila"].descriptors[0] == "girl"
    assert "man" in people["Mr. Diaz"].descriptors
    assert people["Maria"].descriptors[0] == "woman"
    grown = plan_of("The students met at the museum.", "Lila read the signs.")  # no school
    assert by_name(CorefIdentity().resolve(grown))["Lila"].descriptors[0] == "woman"


def test_a_giant_wave_and_a_ruler_to_measure_with_are_things():
    """ "Lila measured her plant with a ruler" put a person called "the ruler" beside her,
    and "A giant wave crashed on the rocks" a giant."""
    plan = plan_of(
        "A giant wave crashed on the rocks.",
        "Lila measured her plant with a ruler.",
        "A runner bean grew up the pole.",
        "The ruler of the land was kind.",  # a person: rules a land
        "Later a giant lived in the castle.",  # a person: lives
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert people["the ruler"].shots == (3,)
    assert people["the giant"].shots == (4,)
    assert "the runner" not in people and set(people) == {"Lila", "the ruler", "the giant"}


def test_herons_giraffes_and_other_drawn_animals_are_animals():
    """ "A grey heron stood on one leg near the reeds" had no one in it."""
    plan = plan_of(
        "A grey heron stood on one leg near the reeds.",
        "At the zoo, a tall giraffe ate leaves and a zebra drank.",
    )
    people = by_name(CorefIdentity().resolve(plan))
    assert people["the grey heron"].descriptors == ("grey heron",)
    assert people["the tall giraffe"].descriptors == ("tall giraffe",)
    assert people["the zebra"].descriptors == ("zebra",)


def _skins(c) -> list[str]:
    return [d.removesuffix(" skin") for d in c.descriptors if d.endswith(" skin")]


def test_every_person_has_one_skin_tone_and_an_animal_none():
    """Faces were drawn in the clothes' colour (a purple face above a purple coat): a person
    now has a skin tone, a word of the contract's vocabulary (contracts 1.3), chosen with
    the rest of the look where the story says none, so the same name gets the same tone in
    every lesson; an animal has none."""
    from ttv_contracts.v1 import SKIN_TONES

    plan = plan_of(
        "Old Tomas had kept the lighthouse for forty years.",
        "A crow sat on a high branch.",
        "Lina waved from her boat.",
    )
    people = by_name(CorefIdentity().resolve(plan))
    for name in ("Tomas", "Lina"):
        (tone,) = _skins(people[name])
        assert tone in SKIN_TONES
        assert people[name].descriptors[-1] == f"{tone} skin"  # last: read by nothing else
    assert _skins(people["the crow"]) == []
    again = by_name(CorefIdentity().resolve(plan_of("Tomas and Lina met at the harbour.")))
    assert _skins(again["Tomas"]) == _skins(people["Tomas"])
    assert _skins(again["Lina"]) == _skins(people["Lina"])
    # the tones are spread, not one for everyone: 24 names give at least four of them
    names = "Ada Ben Cai Dev Eva Fay Gus Hal Ivy Jo Kai Lea Max Ned Oda Pia Raj Sol Tia Uma Vic Wen Xia Zoe"
    crowd = CorefIdentity().resolve(plan_of(*(f"{n} waved." for n in names.split())))
    assert len({t for c in crowd.characters for t in _skins(c)}) >= 4


@pytest.mark.parametrize(
    ("sentence", "name", "tone"),
    [
        ("Mia, a girl with pale, freckled skin, smiled.", "Mia", "fair"),
        ("Ravi had brown skin and a kind face.", "Ravi", "brown"),
        ("Kofi, a dark-skinned boy, ran to the gate.", "Kofi", "dark brown"),
        ("A tall, dark-skinned woman named Ada smiled.", "Ada", "dark brown"),
        ("Pale-skinned Lena laughed at the joke.", "Lena", "fair"),
        ("Omar had olive skin.", "Omar", "light brown"),
    ],
)
def test_the_skin_a_story_states_is_the_skin_drawn(sentence, name, tone):
    """What the story says of someone's skin wins over the chosen tone: "with pale skin", "had
    brown skin", "dark-skinned", as the nearest word of the vocabulary."""
    people = by_name(CorefIdentity().resolve(plan_of(sentence, "Someone else arrived.")))
    assert _skins(people[name]) == [tone]


def test_a_skin_word_for_someone_else_stays_theirs():
    """The skin of one person is not given to another of the same sentence."""
    plan = plan_of("Kofi, a dark-skinned boy, ran to Lena.", "Lena had pale skin.")
    people = by_name(CorefIdentity().resolve(plan))
    assert _skins(people["Kofi"]) == ["dark brown"]
    assert _skins(people["Lena"]) == ["fair"]


def test_the_skin_tone_leaves_hair_and_clothes_as_they_were():
    """The tone is drawn from the look's generator after the hair and the clothes, so that
    what those were before skin tones is what they still are (Tomas of the lighthouse)."""
    tomas = by_name(CorefIdentity().resolve(plan_of("Old Tomas had kept the lighthouse.")))
    assert tomas["Tomas"].descriptors[:3] == (
        "elderly man",
        "silver-grey hair",
        "wearing a cream coat",
    )


@pytest.mark.parametrize(
    ("sentence", "name", "first"),
    [
        # the apposition's role is linked: Kofi was drawn as a man
        ("Kofi, a dark-skinned boy, ran to the gate.", "Kofi", "boy"),
        ("A ten-year-old boy named Sam ran home.", "Sam", "ten-year-old boy"),
        ("The well-known potter, Ravi, made a pot.", "Ravi", "well-known potter"),
        # people with a hyphenated adjective and no name were nobody
        ("The red-haired sailor waved.", "the red-haired sailor", "sailor"),
        ("A grey-haired woman sold bread.", "the grey-haired woman", "elderly woman"),
        (
            "Mina met a kind-hearted old man.",
            "the kind-hearted old man",
            "kind-hearted elderly man",
        ),
    ],
)
def test_a_hyphenated_adjective_keeps_its_role(sentence, name, first):
    """A role noun phrase with an adjective written with hyphens ("a dark-skinned boy", "the
    red-haired sailor", "the well-known potter") is a mention of a person: its role is linked
    to the name beside it and an unnamed one is a character. The scan of the noun phrase
    stopped at the hyphen, so Kofi and Sam were drawn as men and the sailor not at all."""
    people = by_name(CorefIdentity().resolve(plan_of(sentence)))
    assert people[name].descriptors[0] == first


def test_a_hyphenated_hair_or_skin_adjective_is_the_look_drawn():
    """ "red-haired" and "dark-skinned" say the hair and the skin: they are those descriptors,
    not words of the role ("sailor", not "red-haired sailor" beside "black hair")."""
    people = by_name(
        CorefIdentity().resolve(
            plan_of("The red-haired sailor waved to Kofi, a dark-skinned boy.", "They smiled.")
        )
    )
    sailor, kofi = people["the red-haired sailor"], people["Kofi"]
    assert "red hair" in sailor.descriptors
    assert not any("haired" in d for d in sailor.descriptors)
    assert kofi.descriptors[0] == "boy"
    assert _skins(kofi) == ["dark brown"]


def test_a_stated_look_wins_over_a_stored_random_one(tmp_path: Path):
    """A stored identity kept the look drawn at random when a later lesson stated another:
    "Kofi ran" stored some hair and skin, and "Kofi had curly red hair. He had dark skin." still
    got them back. What a story states now replaces the stored descriptor of its kind, and
    is stored for the lessons after it; what it does not state stays as stored."""
    store = tmp_path / "store"

    def kofi(*story: str):
        return by_name(CorefIdentity(store_dir=store).resolve(plan_of(*story)))["Kofi"]

    first = kofi("Kofi ran to the river.", "He jumped in.")
    hair = next(d for d in first.descriptors if d.endswith(" hair"))
    assume = "curly red hair"
    assert hair != assume and _skins(first) != ["dark brown"]
    said = kofi("Kofi had curly red hair.", "He had dark skin.")
    assert assume in said.descriptors and _skins(said) == ["dark brown"]
    assert said.seed == first.seed  # the same person, not a second Kofi
    # the clothes were not stated: still the stored ones
    assert [d for d in said.descriptors if d.startswith("wearing ")] == [
        d for d in first.descriptors if d.startswith("wearing ")
    ]
    later = kofi("Kofi walked home.", "He was tired.")
    assert later.descriptors == said.descriptors
    assert len(IdentityStore(store).all()) == 1


def test_restated_puts_a_new_kind_of_look_in_its_place():
    """A stored list without a kind (a beard, or skin stored before contracts 1.3) gets the
    stated one where the descriptor order puts it: hair, clothes, beard, skin."""
    from ttv_identity.store import restated

    stored = ["elderly man", "white hair", "wearing a cream coat"]
    assert restated(stored, {"skin": "tan skin", "beard": "long white beard"}) == [
        "elderly man",
        "white hair",
        "wearing a cream coat",
        "long white beard",
        "tan skin",
    ]
    with_skin = [*stored, "tan skin"]
    assert restated(with_skin, {"beard": "beard"}) == [*stored, "beard", "tan skin"]
    assert restated(with_skin, {"hair": "grey hair"})[1] == "grey hair"
    assert restated(with_skin, {}) == with_skin


@pytest.mark.parametrize(
    ("sentence", "name", "look"),
    [
        ("Kofi had curly red hair and dark skin.", "Kofi", {"curly red hair", "dark brown skin"}),
        (
            "Ravi had dark skin and short black hair.",
            "Ravi",
            {"short black hair", "dark brown skin"},
        ),
        ("Tomas had kind eyes and a long white beard.", "Tomas", {"long white beard"}),
        ("Mia had a kind face, green eyes and red hair.", "Mia", {"red hair"}),
    ],
)
def test_each_feature_of_a_listed_description_is_read(sentence, name, look):
    """A description that lists features ("had curly red hair and dark skin", "a kind face,
    green eyes and red hair") gives each of them: only the first was read, so Kofi's skin and
    Mia's hair were drawn at random."""
    people = by_name(CorefIdentity().resolve(plan_of(sentence, "Someone else arrived.")))
    assert look <= set(people[name].descriptors)


def test_a_name_unknown_to_the_dictionary_that_has_a_look_is_a_person():
    """ "Ama had dark skin and short black hair" drew no one: a capitalised word the name
    dictionary does not know was a person only as the subject of a person's verb ("Ama
    smiled"). Having hair, skin, eyes or a beard makes it one too; "Paris had wide streets"
    gains nothing by this rule."""
    people = by_name(CorefIdentity().resolve(plan_of("Ama had dark skin and short black hair.")))
    assert {"short black hair", "dark brown skin"} <= set(people["Ama"].descriptors)
    assert "the dog" in by_name(CorefIdentity().resolve(plan_of("Ama had a dog. It barked.")))
