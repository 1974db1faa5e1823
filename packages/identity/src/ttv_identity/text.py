"""Tokens, sentences and the closed word classes the coreference rules use.

The word classes here are grammar (pronouns, determiners, titles, role nouns and their
lexical gender), not a list of names: name genders come from gender-guesser's dictionary.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

# Words (keeping "don't" whole), a possessive "'s" as its own token, numbers, punctuation.
TOKEN = re.compile(
    r"[^\W\d_]+(?:['’](?![sS]\b)[^\W\d_]+)*|['’][sS]\b|\d+(?:[.,]\d+)*|[^\w\s]", re.UNICODE
)
POSSESSIVE = {"'s", "’s"}
SENTENCE_END = {".", "!", "?", "。", "！", "？", "…"}

MALE_PRONOUNS = {"he", "him", "his", "himself"}
FEMALE_PRONOUNS = {"she", "her", "hers", "herself"}
PLURAL_PRONOUNS = {"they", "them", "their", "theirs", "themselves", "themself"}
SUBJECT_PRONOUNS = {"he", "she"}
OBJECT_PRONOUNS = {"him", "her"}
REFLEXIVE_PRONOUNS = {"himself", "herself"}

DETERMINERS = {"the", "a", "an", "his", "her", "their", "my", "our", "your", "its", "this", "that"}
INDEFINITE = {"a", "an"}

# Titles and the gender they state (None: not gendered).
TITLES: dict[str, str | None] = {
    "mr": "he",
    "mrs": "she",
    "ms": "she",
    "miss": "she",
    "mister": "he",
    "madam": "she",
    "sir": "he",
    "lady": "she",
    "lord": "he",
    "king": "he",
    "queen": "she",
    "prince": "he",
    "princess": "she",
    "uncle": "he",
    "aunt": "she",
    "auntie": "she",
    "grandma": "she",
    "grandpa": "he",
    "granny": "she",
    "mx": "they",
    "dr": None,
    "doctor": None,
    "professor": None,
    "prof": None,
    "captain": None,
    "capt": None,
    "teacher": None,
    "coach": None,
    "officer": None,
    "nurse": None,
    "judge": None,
    "saint": None,
    "st": None,
}

# Titles that are written as the same title ("Dr." is "Doctor").
TITLE_CANON = {
    "dr": "doctor",
    "prof": "professor",
    "capt": "captain",
    "mister": "mr",
    "st": "saint",
}
# Abbreviations whose full stop does not end a sentence ("Dr. Rao said").
ABBREVIATIONS = {"mr", "mrs", "ms", "mx", "dr", "prof", "st", "capt", "jr", "sr"}

# Role nouns: words that name a person by role, relation or age, with lexical gender.
ROLE_NOUNS: dict[str, str | None] = {
    # gendered
    "man": "he",
    "boy": "he",
    "king": "he",
    "prince": "he",
    "father": "he",
    "dad": "he",
    "grandfather": "he",
    "grandpa": "he",
    "brother": "he",
    "son": "he",
    "grandson": "he",
    "uncle": "he",
    "nephew": "he",
    "husband": "he",
    "gentleman": "he",
    "monk": "he",
    "fisherman": "he",
    "woman": "she",
    "girl": "she",
    "queen": "she",
    "princess": "she",
    "mother": "she",
    "mom": "she",
    "mum": "she",
    "grandmother": "she",
    "grandma": "she",
    "sister": "she",
    "daughter": "she",
    "granddaughter": "she",
    "aunt": "she",
    "niece": "she",
    "wife": "she",
    "lady": "she",
    "nun": "she",
    "widow": "she",
    # not gendered
    "child": None,
    "kid": None,
    "baby": None,
    "person": None,
    "stranger": None,
    "friend": None,
    "neighbour": None,
    "neighbor": None,
    "teacher": None,
    "student": None,
    "pupil": None,
    "doctor": None,
    "nurse": None,
    "farmer": None,
    "potter": None,
    "weaver": None,
    "baker": None,
    "cook": None,
    "chef": None,
    "merchant": None,
    "trader": None,
    "shopkeeper": None,
    "captain": None,
    "sailor": None,
    "soldier": None,
    "guard": None,
    "hunter": None,
    "shepherd": None,
    "scientist": None,
    "engineer": None,
    "artist": None,
    "painter": None,
    "musician": None,
    "singer": None,
    "dancer": None,
    "writer": None,
    "poet": None,
    "traveller": None,
    "traveler": None,
    "villager": None,
    "carpenter": None,
    "blacksmith": None,
    "smith": None,
    "tailor": None,
    "miner": None,
    "pilot": None,
    "driver": None,
    "servant": None,
    "thief": None,
    "judge": None,
    "priest": None,
    "healer": None,
    "explorer": None,
    "inventor": None,
    "grandparent": None,
    "parent": None,
    "cousin": None,
    "twin": None,
    "elder": None,
    "teenager": None,
    "youth": None,
    "orphan": None,
    "beggar": None,
    "ruler": None,
    "leader": None,
    "chief": None,
    "boss": None,
    "worker": None,
    "gardener": None,
    "mechanic": None,
    "fisher": None,
    "owner": None,
    "professor": None,
    "keeper": None,
    "woodcutter": None,
    "minister": None,
    "messenger": None,
    "goatherd": None,
    "biologist": None,
    "carver": None,
    "cobbler": None,
    "shoemaker": None,
    "miller": None,
    "patient": None,
    "customer": None,
    "coach": None,
    "giant": None,
    "dwarf": None,
    "elf": None,
    "fairy": None,
    "wizard": "he",
    "witch": "she",
    "emperor": "he",
    "empress": "she",
    "duke": "he",
    "duchess": "she",
    "knight": None,
    "mermaid": "she",
    "swindler": None,
    "puppet": None,
    "scarecrow": None,
    "pharaoh": "he",
    "scribe": None,
    "astronaut": None,
    "hiker": None,
    "builder": None,
    "diver": None,
    "swimmer": None,
    "runner": None,
    "player": None,
    "pirate": None,
    "sheriff": None,
    "detective": None,
    "author": None,
    "climber": None,
    "visitor": None,
    "guest": None,
    "ranger": None,
    "passenger": None,
    "classmate": None,
    "teammate": None,
    "scholar": None,
}
#: Family words used as a name ("asked Dad", "Mum cracked three eggs"): the person the
#: family calls so, with the role's gender (a word list).
KIN_NAMES: dict[str, str] = {
    **dict.fromkeys(("dad", "daddy", "papa", "pa", "pop"), "father"),
    **dict.fromkeys(("mum", "mummy", "mom", "mommy", "mama", "ma"), "mother"),
    **dict.fromkeys(("grandma", "granny", "nana", "nan", "gran", "grandmother"), "grandmother"),
    **dict.fromkeys(("grandpa", "grandad", "granddad", "gramps", "grandfather"), "grandfather"),
}
#: Verbs of going after which "to X" or "from X" is a place ("moved to Paris").
TRAVEL_VERBS = set(
    """moved move moves went go goes travelled traveled travel flew fly sailed sail returned
    return came come drove walked ran journeyed emigrated migrated fled escaped rode
    hurried headed""".split()  # noqa: SIM905
)
#: Nouns of places and things (a word list): what one of them is "called" or "named" is the
#: name of a place or a thing, not a person ("a town called Summer", "a ship named Zephyr").
THING_NOUNS = set(
    """town village city island country kingdom land planet world star ship boat train car
    river mountain lake sea ocean forest wood farm school house street road place castle
    valley hill cave desert galaxy book song game restaurant shop inn hotel tavern bakery
    market station spaceship rocket boat company team club newspaper""".split()  # noqa: SIM905
)
# Animals that act in children's stories ("the fox praised her feathers"): characters too.
ANIMAL_NOUNS = set(
    """fox crow hare tortoise turtle lion lioness mouse wolf rabbit dog puppy cat kitten ant
    grasshopper monkey crocodile elephant bear panther tiger leopard spider duck duckling
    goose hen rooster frog toad owl bird robin sparrow donkey horse goat pig piglet squirrel
    deer camel bee butterfly snake python parrot peacock jackal dragon unicorn eagle swan calf
    lamb heron stork dolphin giraffe zebra panda kangaroo goldfish serpent""".split()  # noqa: SIM905
)
ROLE_NOUNS.update({a: None for a in ANIMAL_NOUNS})
ROLE_NOUNS.update({"lioness": "she", "hen": "she", "rooster": "he"})

_IRREGULAR_PLURALS = {
    "man": "men",
    "woman": "women",
    "child": "children",
    "person": "people",
    "mouse": "mice",
    "goose": "geese",
    "fisherman": "fishermen",
    "gentleman": "gentlemen",
    "dwarf": "dwarfs",
}


def _plural(noun: str) -> str:
    if noun in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[noun]
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith("fe"):
        return noun[:-2] + "ves"
    if noun.endswith("lf") or noun == "thief":
        return noun[:-1] + "ves"
    return noun + "s"


# Plural person nouns ("the children", "three students") name groups, never one character.
PLURAL_NOUNS = {_plural(n): n for n in ROLE_NOUNS} | {
    "people": "person",
    "folk": "person",
    "family": "family",
    "twins": "twin",
    "parents": "parent",
}
# Words that open a plural noun phrase besides the determiners.
PLURAL_DETERMINERS = set(
    """two three four five six seven eight nine ten eleven twelve both all some many several
    these those""".split()  # noqa: SIM905
)

# Words that are capitalised at a sentence start but never names.
_CLOSED = """a an the he she it they we you i me him her his hers its their them us our your my
this that these those there here then when while where why how what who whom which but and or
nor so yet if once one two three after before every each some all any no not in on at by for
with from into onto over under up down out of to as than because although though since until
suddenly finally later soon now today tomorrow yesterday meanwhile still also even just only
yes oh ah well please thank thanks mr mrs ms dr st""".split()  # noqa: SIM905
CLOSED_CLASS = set(_CLOSED)
CALENDAR_WORDS = {
    w.lower()
    for w in [*calendar.day_name, *calendar.month_name, *calendar.day_abbr, *calendar.month_abbr]
    if w
}

# Verbs that take a person as subject: "X said" makes X a person.
PERSON_VERBS = set(
    """said says asked asks replied smiled smiles laughed laughs cried cries shouted whispered
    thought thinks felt feels knew wanted wants decided looked told answered nodded sighed wept
    sang sings lived lives loved loves walked walks ran runs worked works hoped wondered
    grinned frowned called greeted picked carried gave took found saw met learned taught
    listened agreed promised shook sat stood heard went came woke climbed begged wept
    boasted followed helped visited borrowed lent built fixed rode waited counted saved
    collected measured planted caught played showed shows explained teaches drew wrote
    painted waved hugged""".split()  # noqa: SIM905
)
# Prepositions that put a following name in a place ("in Paris"); "at"/"to"/"from" are
# left out because people follow them as often ("waved at Alex", "gave it to Mira").
LOCATIVE = {"in", "near", "into", "across", "through", "inside", "toward", "towards", "around"}
# A sentence's first word right before one of these is an adverb, not a name, when it is
# not capitalised elsewhere ("Deep under the ground", "Far across the sea", "High above").
ADVERBIAL_PREPOSITIONS = {
    *("under", "below", "beneath", "above", "over", "across", "beyond", "inside", "within"),
    *("behind", "among", "along", "through", "into", "down", "up", "out", "away"),
}
#: Body parts only people have: a possessive before one ("his arms", "her lap") is a
#: person's, never an animal's (an animal has paws, a tail, a snout).
HUMAN_BODY_PARTS = {
    *("arm", "arms", "hand", "hands", "lap", "finger", "fingers", "palm", "palms"),
    *("shoulder", "shoulders", "thumb", "thumbs", "fist", "fists", "knee", "knees"),
}
#: A sentence's first word from the first set followed by one from the second is a time
#: phrase, not a name: "Long ago", "Years later", "Long since" (but "Marie later won").
TIME_PHRASE_STARTS = {
    *("long", "years", "months", "weeks", "days", "hours", "minutes", "moments", "seconds"),
    *("decades", "centuries", "ages", "much", "shortly", "soon", "not"),
}
TIME_PHRASE_ENDS = {"ago", "later", "afterwards", "afterward", "since", "earlier", "after"}
# Titles that also name a role, so "Dr. Lee" is later "the doctor".
TITLE_ROLES = {
    "dr": "doctor",
    "doctor": "doctor",
    "professor": "professor",
    "prof": "professor",
    "captain": "captain",
    "capt": "captain",
    "king": "king",
    "queen": "queen",
    "prince": "prince",
    "princess": "princess",
    "teacher": "teacher",
    "coach": "coach",
    "officer": "officer",
    "nurse": "nurse",
    "judge": "judge",
    "uncle": "uncle",
    "aunt": "aunt",
    "grandma": "grandma",
    "grandpa": "grandpa",
}
# Role nouns that only say sex or age; the descriptor adds them from the pronouns instead.
PLAIN_PERSON_NOUNS = {
    "man",
    "woman",
    "boy",
    "girl",
    "child",
    "kid",
    "baby",
    "person",
    "lady",
    "gentleman",
}
APPOSITION_VERBS = {"was", "is", "became", "becomes", "remained"}
RENAME_VERBS = {"called", "named", "renamed", "known"}

# Verbs after which "her" is an object, not a possessive ("let her choose").
CAUSATIVE_VERBS = {"let", "lets", "make", "makes", "made", "help", "helps", "helped", "watch",
                   "watched", "saw", "see", "heard", "hear", "bid", "bade"}  # fmt: skip
# Adjectives that tell two holders of one role apart ("the elder son", "the younger son").
CONTRASTIVE = {"elder", "older", "eldest", "younger", "youngest", "first", "second", "third",
               "other", "another"}  # fmt: skip
AGE_OLD = {"old", "elderly", "aged", "ancient", "grey-haired", "white-haired"}
AGE_YOUNG = {"young", "little", "small", "tiny", "teenage"}
# Of these, the ones that make a person a child ("little Maya"; "young Tom" may be grown up).
CHILD_ADJECTIVES = {"little", "tiny"}
CHILD_ROLES = {
    "boy",
    "girl",
    "child",
    "kid",
    "baby",
    "son",
    "daughter",
    "grandson",
    "granddaughter",
    "nephew",
    "niece",
    "teenager",
    "youth",
    "orphan",
    "pupil",
}
OLD_ROLES = {"grandfather", "grandmother", "grandpa", "grandma", "elder", "widow"}


@dataclass(frozen=True)
class Token:
    text: str
    lower: str
    shot: int
    sent: int  # global sentence number
    pos: int  # global token number
    sent_start: bool
    start: int = 0  # character offsets in the shot's narration
    end: int = 0

    @property
    def is_cap(self) -> bool:
        return self.text[:1].isupper() and self.text.replace("'", "").replace("’", "").isalpha()


def tokenize(shots: list[str]) -> list[Token]:
    """All tokens of the story with shot, sentence and sentence-start flags."""
    out: list[Token] = []
    sent = 0
    pos = 0
    for shot_index, text in enumerate(shots):
        start = True
        for m in TOKEN.finditer(text):
            word = m.group(0)
            if word in ('"', "“", "”", "'", "‘", "’", "(", "«", "»"):
                # quotes and brackets do not end the sentence-start position
                out.append(Token(word, word, shot_index, sent, pos, False, m.start(), m.end()))
                pos += 1
                continue
            out.append(Token(word, word.lower(), shot_index, sent, pos, start, m.start(), m.end()))
            pos += 1
            start = False
            if word in SENTENCE_END and not (
                word == "." and len(out) > 1 and out[-2].lower in ABBREVIATIONS
            ):
                sent += 1
                start = True
        sent += 1  # a shot boundary always ends a sentence
    return out
