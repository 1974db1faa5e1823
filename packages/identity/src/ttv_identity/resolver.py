"""Rule-based, whole-story coreference: StoryPlan -> Cast.

1. *Mentions*: named people (capitalised runs, with titles such as "Dr." or "Queen"),
   and role nouns after a determiner ("the old potter", "a young girl", "his granddaughter").
2. *Links*: apposition and copula ("Ravi was an old potter", "Ravi, the old potter,",
   "a potter named Ravi", "his granddaughter Mira") and renaming ("Ravi, now called Raj",
   "Ravi changed his name to Raj") join mentions; equal names join; a definite role
   ("the potter") joins the latest identity that has that role.
3. *Gender over the whole story*: lexical gender (girl, king, Mrs) and every pronoun whose
   antecedent is unambiguous vote; the majority decides once for the whole story, so a
   character never flips mid-story. Without story evidence the first-name dictionary of
   gender-guesser decides; without either the identity is "they".
4. *Pronouns* are then resolved left to right to the first candidate of matching gender
   (own clause's subject, sentence subject, then nearest; then earlier sentences), which
   adds the pronoun's shot to that identity. Plural pronouns go to a group (a plural noun
   phrase, people joined by "and", or the people of the sentence) or, for a person the
   story never calls he or she, to that person (singular "they").
5. *Look and seed*: descriptors from the story (role, age) plus hair, clothing and skin tone
   (``"<tone> skin"``, a word of ``ttv_contracts.v1.SKIN_TONES``) stated by the story or else
   drawn from a generator seeded by the identity's key; the seed is a hash of the key, so the same
   character gets the same seed in every run and lesson. With ``store_dir`` the identity is
   stored (per ``namespace``), and a later lesson reuses its id, seed and descriptors unless
   its name, pronouns or stated age conflict.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field
from ttv_contracts import v1 as _contracts_v1
from ttv_contracts import version_of
from ttv_contracts.v1 import (
    Cast,
    Character,
    IdentityResolver,
    ImplementationOptions,
    ModuleInfo,
    Needs,
    StoryPlan,
)
from ttv_contracts.v1.models import slugify

from .errors import E_IDENTITY_OPTION, PACKAGE
from .store import (
    DEFAULT_NAMESPACE,
    LOOK_KINDS,
    NAMESPACE,
    IdentityStore,
    StoredIdentity,
    age_of,
    look_kind,
)
from .text import (
    ADVERBIAL_PREPOSITIONS,
    AGE_OLD,
    AGE_YOUNG,
    ANIMAL_NOUNS,
    APPOSITION_VERBS,
    CALENDAR_WORDS,
    CAUSATIVE_VERBS,
    CHILD_ADJECTIVES,
    CHILD_ROLES,
    CLOSED_CLASS,
    CONTRASTIVE,
    DETERMINERS,
    FEMALE_PRONOUNS,
    HUMAN_BODY_PARTS,
    INDEFINITE,
    KIN_NAMES,
    LOCATIVE,
    MALE_PRONOUNS,
    OBJECT_PRONOUNS,
    OLD_ROLES,
    PERSON_VERBS,
    PLAIN_PERSON_NOUNS,
    PLURAL_DETERMINERS,
    PLURAL_NOUNS,
    PLURAL_PRONOUNS,
    POSSESSIVE,
    REFLEXIVE_PRONOUNS,
    RENAME_VERBS,
    ROLE_NOUNS,
    SUBJECT_PRONOUNS,
    THING_NOUNS,
    TIME_PHRASE_ENDS,
    TIME_PHRASE_STARTS,
    TITLE_CANON,
    TITLE_ROLES,
    TITLES,
    TRAVEL_VERBS,
    Token,
    tokenize,
)

VERSION = version_of("ttv-identity")  # pyproject.toml is the one source


class IdentityOptions(ImplementationOptions):
    """Options of ``coref``."""

    store_dir: str | Path | None = Field(
        None,
        description="Folder of the SQLite identity store (the pipeline gives one per "
        "namespace); null keeps identities for this run only.",
    )
    lock_timeout_s: float = Field(
        30.0, gt=0, description="Seconds to wait for a store another process holds."
    )
    namespace: str = Field(
        DEFAULT_NAMESPACE,
        pattern=NAMESPACE.pattern,
        description="Project or series whose identities are shared: 1-64 characters of "
        "a-z, 0-9, '.', '-' or '_', starting with a letter or digit.",
    )


CLAUSE_BREAKS = {
    ",",
    ";",
    ":",
    "and",
    "but",
    "or",
    "so",
    "because",
    "while",
    "when",
    "then",
    "until",
    "who",
    "which",
    "after",
    "before",
    "although",
    "though",
    '"',
    "“",
    "”",
}

HAIR = ("black", "dark brown", "chestnut brown", "auburn", "sandy blond", "curly black")
HAIR_OLD = ("silver-grey", "white", "salt-and-pepper", "thinning grey")
CLOTH_COLOURS = (
    "indigo",
    "rust-red",
    "mustard-yellow",
    "olive-green",
    "sky-blue",
    "plum",
    "charcoal",
    "cream",
    "teal",
    "terracotta",
)
GARMENTS = ("tunic", "jacket", "shawl", "coat", "shirt", "scarf")
#: Colour words a story may dress someone in ("Mia wore a cream dress"), with "dark"/"light"
#: forms, as the descriptor writes them (the words the keyframe slot draws)
STATED_COLOURS = frozenset(
    {"red", "scarlet", "crimson", "maroon", "orange", "yellow", "gold", "golden", "green",
     "blue", "navy", "purple", "violet", "pink", "brown", "white", "black", "grey", "gray",
     "cream", "indigo", "plum", "teal", "charcoal", "terracotta"}
)  # fmt: skip
_DARK_LIGHT = {("dark", "blue"): "navy", ("light", "blue"): "sky-blue",
               ("pale", "blue"): "sky-blue", ("dark", "red"): "maroon",
               ("dark", "green"): "olive-green", ("dark", "grey"): "charcoal",
               ("dark", "gray"): "charcoal", ("pale", "yellow"): "cream"}  # fmt: skip
#: What covers the body (a hat or shoes do not colour a figure)
BODY_GARMENTS = frozenset(
    {"dress", "coat", "jacket", "shirt", "sweater", "jumper", "cloak", "robe", "tunic",
     "skirt", "apron", "uniform", "suit", "gown", "hoodie", "raincoat", "t-shirt", "vest",
     "shawl", "cape", "overalls", "blouse", "cardigan", "kimono", "sari", "poncho", "parka",
     "pinafore", "frock", "smock"}
)  # fmt: skip
_WEAR_VERBS = frozenset({"wore", "wears", "wearing", "dressed", "had", "put"})


def _stated_clothes(toks: list[Token], at: int) -> str | None:
    """The colour and garment a story dresses someone in, read from the words right after
    the token ``at`` (a mention's end or a pronoun): "wore a cream dress", "was wearing her
    dark blue coat", "dressed in a red cloak", "in a green jacket" ("colour garment")."""
    k = at
    while k < len(toks) and toks[k].lower in {"was", "is", "were", "always", "often", "still"}:
        k += 1
    if k >= len(toks):
        return None
    if toks[k].lower in _WEAR_VERBS:
        k += 1
        if k < len(toks) and toks[k].lower in {"in", "on"}:
            k += 1
    elif toks[k].lower != "in":
        return None
    else:
        k += 1
    if k < len(toks) and toks[k].lower in {"a", "an", "the", "her", "his", "their", "my"}:
        k += 1
    words = [t.lower for t in toks[k : k + 4]]
    for n, w in enumerate(words):
        if w in BODY_GARMENTS:
            at = next((j for j in range(n - 1, -1, -1) if words[j] in STATED_COLOURS), None)
            if at is None:
                return None
            before = words[at - 1] if at else ""
            return f"{_DARK_LIGHT.get((before, words[at]), words[at])} {w}"
        if not w.isalpha() and "-" not in w:
            return None
    return None


#: Hair colours a story may state (the words the keyframe slot draws), and words that may
#: stand between "with" and them ("with long, curly red hair").
HAIR_COLOURS = frozenset(
    {"white", "silver", "grey", "gray", "blond", "blonde", "golden", "fair", "ginger", "red",
     "auburn", "brown", "dark", "black"}
)  # fmt: skip
_HAIR_STYLES = frozenset(
    {"long", "short", "curly", "straight", "wavy", "messy", "thick", "thin", "shiny", "frizzy",
     "spiky", "neat", "tangled", "braided", "light", "jet", "bright", "soft", ","}
)  # fmt: skip
_BEARD_STYLES = _HAIR_STYLES | {"bushy", "scruffy", "pointed", "grizzled", "big", "little"}


def _stated_growth(
    toks: list[Token], at: int, noun: str, styles: frozenset[str], most: int
) -> list[str] | None:
    """The words a story puts before ``noun`` ("hair", "beard") for someone, read right after
    the token ``at`` (a mention's end or a pronoun): "with curly red hair", "had a bushy grey
    beard", "with her long black hair". Up to ``most`` style or colour words, styles first
    and the colour last (where the keyframe slot reads it); None where ``noun`` does not
    follow."""
    k = at
    while k < len(toks) and toks[k].lower in {"was", "is", "always", "still", "also"}:
        k += 1
    if k >= len(toks) or toks[k].lower not in {"with", "had", "has"}:
        return None
    k += 1
    for _ in range(4):  # a list of features: "with curly red hair and dark skin"
        if k < len(toks) and toks[k].lower in {"a", "her", "his", "their", "its"}:
            k += 1
        start, words = k, []
        while k < len(toks) and len(words) < most and toks[k].lower in HAIR_COLOURS | styles:
            if toks[k].text != ",":
                words.append(toks[k].lower)
            k += 1
        if k < len(toks) and toks[k].lower == noun:
            return [w for w in words if w not in HAIR_COLOURS] + [
                w for w in words if w in HAIR_COLOURS
            ]
        # another feature first ("had kind eyes and a long beard"): step over it
        k = next((q for q in range(start, min(start + 4, len(toks)))
                  if toks[q].lower in _FEATURES), None)  # fmt: skip
        if k is None or not all(toks[q].text.isalpha() for q in range(start, k)):
            return None
        k += 1
        comma = k < len(toks) and toks[k].text == ","
        k += comma
        if k < len(toks) and toks[k].lower == "and":
            k += 1
        elif not comma:
            return None
    return None


#: What a description lists beside hair, beard and skin ("with kind eyes and a long beard")
_FEATURES = frozenset({"hair", "beard", "skin", "eyes", "face", "smile", "nose", "moustache",
                       "mustache", "freckles", "cheeks", "hands", "voice"})  # fmt: skip


def _stated_hair(toks: list[Token], at: int) -> str | None:
    """The hair a story gives someone ("curly red", "short blond"): a colour must be said."""
    words = _stated_growth(toks, at, "hair", _HAIR_STYLES, 4)
    return " ".join(words) if words and set(words) & HAIR_COLOURS else None


#: The skin tone words a descriptor may use (contracts 1.3; none with 1.2, and then no skin
#: descriptor is written)
SKIN_TONES: tuple[str, ...] = getattr(_contracts_v1, "SKIN_TONES", ())
#: Skin words a story may say ("with dark skin", "a fair-skinned boy"), as the tone words of
#: ``ttv_contracts.v1.SKIN_TONES`` they stand for.
SKIN_SAID = {
    "pale": "fair", "fair": "fair", "light": "light", "olive": "light brown", "tan": "tan",
    "tanned": "tan", "brown": "brown", "dark": "dark brown", "black": "deep brown",
    "deep": "deep brown",
}  # fmt: skip
_SKIN_STYLES = frozenset({"smooth", "soft", "warm", "freckled", "weathered", "wrinkled", ","})


def _stated_skin(toks: list[Token], at: int) -> str | None:
    """The skin tone a story gives someone, read right after the token ``at`` ("with dark
    skin", "had pale, freckled skin"), as a :data:`SKIN_TONES` word; None where none is said."""
    words = _stated_growth(toks, at, "skin", _SKIN_STYLES | frozenset(SKIN_SAID), 3)
    said = [w for w in words or () if w in SKIN_SAID]
    return SKIN_SAID[said[-1]] if said else None


def _skinned(toks: list[Token], c: Cluster) -> str | None:
    """The skin tone a "-skinned" adjective gives one of the person's mentions, in its own
    noun phrase ("dark-skinned Kofi", "the dark-skinned sailor"), in an apposition after it
    ("Kofi, a dark-skinned boy,") or before a name it introduces ("a tall, dark-skinned woman
    named Ada"); None where none does."""
    for m in c.mentions:
        spans = [(m.start - 3, m.end)]
        if m.end < len(toks) and toks[m.end].text == ",":
            stop = next((k for k in range(m.end + 1, min(len(toks), m.end + 9))
                         if toks[k].text in {",", ".", ";"}), m.end + 9)  # fmt: skip
            spans.append((m.end + 1, stop))
        if m.start > 0 and toks[m.start - 1].lower in {"named", "called"}:
            spans.append((m.start - 9, m.start - 1))
        for lo, hi in spans:
            for k in range(max(2, lo + 2), min(hi, len(toks))):
                if (
                    toks[k].lower == "skinned"
                    and toks[k - 1].text == "-"
                    and toks[k - 2].lower in SKIN_SAID
                    and toks[k - 2].sent == toks[m.start].sent
                ):
                    return SKIN_SAID[toks[k - 2].lower]
    return None


def _haired(c: Cluster) -> str | None:
    """The hair colour a "-haired" adjective of one of the person's role mentions states
    ("the red-haired sailor", "a grey-haired woman"); None where none does."""
    for m in c.mentions:
        for adj in m.adjectives:
            colour, _, rest = adj.partition("-")
            if rest == "haired" and colour in HAIR_COLOURS:
                return colour
    return None


#: Adjectives that a person's own descriptors already say (skin, hair): left out of the role
#: descriptor ("dark-skinned boy" is the descriptors "boy" and "dark brown skin")
_SAID_APART = ("-skinned", "-haired")


def _glued_hyphen(toks: list[Token], k: int) -> bool:
    """Token ``k`` is a hyphen written inside a word, between the token before it and a
    word after it ("dark-skinned", "ten-year-old", "Mary-Jane", "a man-cub")."""
    return (
        0 < k < len(toks) - 1
        and toks[k].text == "-"
        and toks[k].start == toks[k - 1].end
        and toks[k + 1].start == toks[k].end
        and toks[k + 1].text.isalpha()
    )


def _joined(span: list[Token]) -> tuple[str, ...]:
    """The lower-case words of ``span``, a word written with hyphens as one ("dark-skinned")."""
    words: list[str] = []
    glue = False
    for k, t in enumerate(span):
        if t.text == "-" and 0 < k < len(span) - 1 and t.start == span[k - 1].end:
            glue = True
            continue
        if glue and words:
            words[-1] += "-" + t.lower
        else:
            words.append(t.lower)
        glue = False
    return tuple(words)


def _stated_beard(toks: list[Token], at: int) -> str | None:
    """The beard a story gives someone ("long white beard", or just "beard")."""
    words = _stated_growth(toks, at, "beard", _BEARD_STYLES, 3)
    return None if words is None else " ".join([*words, "beard"])


#: Clothing colours that read alike in a picture: two people of one story are dressed from
#: different groups while there are groups left ("plum" and "indigo" are both purple).
CLOTH_GROUPS = (
    ("indigo", "plum"),
    ("sky-blue", "teal"),
    ("rust-red", "terracotta"),
    ("mustard-yellow", "cream"),
    ("olive-green",),
    ("charcoal",),
)
_CLOTH_GROUP = {colour: n for n, group in enumerate(CLOTH_GROUPS) for colour in group}


def _dress_apart(
    looks: list[list[str]], keys: list[str], fixed: frozenset[int] = frozenset()
) -> None:
    """Give the people of one story clothes of different colours, in order of appearance.

    Each look's colour comes from its key alone (the same name, the same clothes in every
    lesson); two of one story could draw the same colour (Ms. Rivera and Omar both in plum,
    Grandma Lucia and Marco too) and read as one. The first keeps its colour; a later one
    whose colour group is taken moves to the first colour, in an order seeded by its key, of a
    free group (or at least a free colour). Works on the ``wearing a <colour> <garment>``
    descriptor; looks without one (animals) are left alone, and so are the ``fixed`` looks
    (clothes the story states), whose colours the others keep away from."""
    wearing = [next((k for k, d in enumerate(look) if d.startswith("wearing ")), None)
               for look in looks]  # fmt: skip
    taken: list[str] = [
        looks[n][at].split()[2] for n in sorted(fixed) if (at := wearing[n]) is not None
    ]
    for n, (look, key, at) in enumerate(zip(looks, keys, wearing, strict=True)):
        if at is None or n in fixed:
            continue
        words = look[at].split()
        colour, garment = words[2], words[-1]
        groups = {_CLOTH_GROUP[c] for c in taken if c in _CLOTH_GROUP}
        if colour in taken or _CLOTH_GROUP.get(colour) in groups:
            order = random.Random(stable_seed(key + "|cloth")).sample(
                CLOTH_COLOURS, len(CLOTH_COLOURS)
            )
            colour = next(
                (c for c in order if _CLOTH_GROUP[c] not in groups),
                next((c for c in order if c not in taken), colour),
            )
            article = "an" if colour[0] in "aeiou" else "a"
            look[at] = f"wearing {article} {colour} {garment}"
        taken.append(colour)


@lru_cache(maxsize=1)
def common_nouns() -> frozenset[str]:
    """Lower-case words that Brill's lexicon (shipped with TextBlob: Brown corpus and Penn
    Treebank) tags first as common nouns: "mist", "birds", "everyone", "patience". A word
    the first-name dictionary knows ("hope", "grace") stays a possible name."""
    from importlib.resources import files

    out: set[str] = set()
    text = (files("textblob") / "en" / "en-lexicon.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        word, _, tags = line.partition(" ")
        if word.islower() and tags.split()[:1] in (["NN"], ["NNS"]):
            out.add(word)
    return frozenset(out)


@lru_cache(maxsize=1)
def _name_detector() -> Any:
    import gender_guesser.detector as gd

    return gd.Detector(case_sensitive=False)


def dictionary_gender(first_name: str) -> str:
    """'he', 'she' or 'they' from gender-guesser's first-name dictionary."""
    g = _name_detector().get_gender(first_name)
    return {"male": "he", "mostly_male": "he", "female": "she", "mostly_female": "she"}.get(
        g, "they"
    )


_QUOTE_MARKS = '"\u201c\u201d\u00ab\u00bb'
_BARE_QUOTE = re.compile(rf"^\s*[{_QUOTE_MARKS}][^{_QUOTE_MARKS}]+[{_QUOTE_MARKS}]\s*$")


def _conversation(plan: StoryPlan, shots_of: list[set[int]]) -> None:
    """Who stays in the picture while people talk, shot by shot in order:

    * a shot that is one bare quotation ("Rest and drink water.") with nobody in it is
      spoken by whoever spoke in the shot before ("'It is only a cold,' he said."): the line
      goes on, and the speaker stays in the picture (the doctor's office was left empty).
      Only when the shot before holds a quotation and one or two people;
    * a line of dialogue from someone who was in the shot before keeps that shot's other
      people in the picture: they are who is spoken to. "Dr. Mensah listened to Lena's
      chest" then '"It is only a cold," he said.' had left Lena out of the office. Only for
      a shot holding a quotation whose people were all in the shot before, where at most
      three people were."""
    narration = {shot.index: shot.narration for shot in plan.shots}
    for shot in plan.shots:
        if shot.index == 0 or not any(q in shot.narration for q in _QUOTE_MARKS):
            continue
        here = [s for s in shots_of if shot.index in s]
        before = [s for s in shots_of if shot.index - 1 in s]
        if not here:
            spoken_before = any(q in narration.get(shot.index - 1, "") for q in _QUOTE_MARKS)
            if _BARE_QUOTE.match(shot.narration) and spoken_before and 1 <= len(before) <= 2:
                for s in before:
                    s.add(shot.index)
        elif len(before) <= 3 and all(shot.index - 1 in s for s in here):
            for s in before:
                s.add(shot.index)


#: Words before "a <role noun>" that make it no one in the story but a kind of person or
#: animal: "one small step for a man", "as a child she...", "he roared like a lion".
GENERIC_BEFORE = frozenset({"for", "like", "as", "than"})


def _predicate(toks: list[Token], m: Mention) -> bool:
    """Whether role mention ``m`` is what something else "is" ("the dragon is my friend"),
    not someone introduced ("there was an old woman", "it was a boy at the door")."""
    return (
        m.kind == "role"
        and m.start > 1
        and toks[m.start - 1].lower in APPOSITION_VERBS
        and toks[m.start - 2].lower not in {"there", "it", "here", "this", "that", "who"}
        and toks[m.start - 2].sent == m.sent
    )


#: Kin nouns and the nouns for the other side of the tie ("his daughter Rose" ... "her
#: father": the father is the man whose daughter she is). A word list.
_PARENTS = ("father", "mother", "dad", "mum", "mom", "parent", "papa", "mama")
_CHILDREN = ("son", "daughter", "child", "kid", "boy", "girl")
_GRANDPARENTS = ("grandfather", "grandmother", "grandpa", "grandma", "grandparent")
_GRANDCHILDREN = ("grandson", "granddaughter", "grandchild")
_SIBLINGS = ("brother", "sister", "twin")
KIN_INVERSE: dict[str, tuple[str, ...]] = {
    **{k: _CHILDREN for k in _PARENTS},
    **{k: _PARENTS for k in _CHILDREN},
    **{k: _GRANDCHILDREN for k in _GRANDPARENTS},
    **{k: _GRANDPARENTS for k in _GRANDCHILDREN},
    **{k: _SIBLINGS for k in _SIBLINGS},
    "wife": ("husband",),
    "husband": ("wife",),
    "uncle": ("nephew", "niece"),
    "aunt": ("nephew", "niece"),
    "nephew": ("uncle", "aunt"),
    "niece": ("uncle", "aunt"),
}


#: Ages that make a child (below) and an elderly person (at or above), in years.
ADULT_YEARS, OLD_YEARS = 13, 65
_NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]
    )
} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
     "ninety": 90}  # fmt: skip
_ORDINALS = {
    w: n
    for n, w in enumerate(
        ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
         "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
         "seventeenth", "eighteenth", "nineteenth", "twentieth"],
        start=1,
    )
}  # fmt: skip
POSSESSIVES = frozenset({"her", "his", "my", "their", "your"})
#: Verbs after which capitalised words are a title (a song, a book, a film)
TITLE_VERBS = frozenset({"sang", "sing", "sings", "singing", "sung", "read", "reads", "reading",
                         "watched", "watch", "watches", "watching", "hummed", "hum", "hums",
                         "humming", "whistled", "recited"})  # fmt: skip
FIRST_PERSON = {"i", "me", "my", "mine", "myself"}
_QUOTES = frozenset(_QUOTE_MARKS)


#: Words for all the people of the story so far, and how many of them a shot shows at most.
EVERYONE = {"everyone", "everybody"}
EVERYONE_AT_MOST = 4


def _everyone(toks: list[Token], people: list[Cluster], quoted: set[int]) -> None:
    """ "Everyone sat down at the table": the people seen so far (the most recent
    ``EVERYONE_AT_MOST``) are in that shot (the family's kitchen was empty)."""
    shots = sorted({t.shot for t in toks if t.lower in EVERYONE and t.pos not in quoted})
    for shot in shots:
        seen = [(max(s for s in c.shots if s < shot), c) for c in people
                if any(s < shot for s in c.shots)]  # fmt: skip
        for _last, c in sorted(seen, key=lambda sc: -sc[0])[:EVERYONE_AT_MOST]:
            c.shots.add(shot)


#: What follows a person who is not in the picture: "River was not there", "the fox was
#: gone" (token sequences; a word list, not a parser).
ABSENCE = (
    ("was", "not", "there"),
    ("wasn't", "there"),
    ("was", "nowhere"),
    ("was", "gone"),
    ("had", "gone"),
    ("was", "missing"),
    ("had", "disappeared"),
    ("disappeared",),
    ("had", "vanished"),
    ("vanished",),
)


def _absent(toks: list[Token], people: list[Cluster], assigned: list[tuple[int, Cluster]]) -> None:
    """A person whose every mention in a shot says they are not there ("One day River was
    not there", "In the morning the fox was gone") is not drawn in that shot."""
    words = [t.lower for t in toks]

    def away(end: int) -> bool:
        k = end + (end < len(words) and words[end] in {"still", "already"})
        return any(tuple(words[k : k + len(p)]) == p for p in ABSENCE)

    said: dict[tuple[int, int], list[bool]] = defaultdict(list)  # (id, shot) -> away?
    for c in people:
        for m in c.mentions:
            said[id(c), m.shot].append(away(m.end))
    for i, c in assigned:
        said[id(c), toks[i].shot].append(away(i + 1))
    for c in people:
        for shot in list(c.shots):
            flags = said.get((id(c), shot))
            if flags and all(flags):
                c.shots.discard(shot)


#: "It was raining", "It is late": a sentence's "it" before these says nothing of an animal
_IT_DUMMY_AFTER = frozenset({"was", "is", "seemed", "looked", "felt", "'s", "had", "has"})


def _it_animals(toks: list[Token], people: list[Cluster], quoted: set[int]) -> None:
    """ "Officer Diaz saw the puppy and knelt beside it. She wrapped it in her coat and
    carried it to the police station": an animal is in the shots whose "it" or "its" points
    to it. "It" goes to the animal named last, in its own sentence or the one before, when no
    other thing (a common noun) has been named since; a second "it" in the sentence of one
    that went to the animal goes there too. A sentence's first "It" before "was", "is"... is
    the weather or the hour, not the animal. Only the shots are given: the mention links
    (and the evaluation) do not count "it"."""
    animal_at: dict[int, Cluster] = {}
    person_at: set[int] = set()
    for c in people:
        is_animal = any(m.key in ANIMAL_NOUNS for m in c.roles())
        for m in c.mentions:
            for k in range(m.start, m.end):
                person_at.add(k)
                if is_animal:
                    animal_at[k] = c
    rank = {sent: n for n, sent in enumerate(sorted({t.sent for t in toks}))}
    last: tuple[Cluster, int, int] | None = None  # (animal, sentence rank, position)
    it_sentence: dict[int, Cluster] = {}  # sentence -> the animal an "it" in it went to
    thing_at = -1
    for t in toks:
        if t.pos in animal_at:
            last, thing_at = (animal_at[t.pos], rank[t.sent], t.pos), -1
            continue
        if t.pos in person_at or t.pos in quoted:
            continue
        if t.lower in {"it", "its"}:
            nxt = toks[t.pos + 1].lower if t.pos + 1 < len(toks) else ""
            if t.sent_start and nxt in _IT_DUMMY_AFTER:
                continue
            if t.sent in it_sentence:
                it_sentence[t.sent].shots.add(t.shot)
                continue
            if last is not None and rank[t.sent] - last[1] <= 1 and thing_at < last[2]:
                last[0].shots.add(t.shot)
                it_sentence[t.sent] = last[0]
                last = (last[0], rank[t.sent], t.pos)
            continue
        if t.text.isalpha() and t.text.islower() and t.lower in common_nouns():
            thing_at = t.pos


def _quoted(toks: list[Token]) -> set[int]:
    """Positions of the tokens inside quotation marks (each shot starts outside)."""
    out: set[int] = set()
    inside, shot = False, -1
    for t in toks:
        if t.shot != shot:
            inside, shot = False, t.shot
        if t.text in _QUOTES:
            inside = not inside
        elif inside:
            out.add(t.pos)
    return out


def _narrator(
    toks: list[Token], people: list[Cluster], quoted: set[int]
) -> tuple[Cluster | None, list[int]]:
    """A named first-person narrator ("My name is Sam", "I am Sam") is in every shot where
    "I", "me" or "my" is said outside quotation marks. Returns the narrator and those token
    positions."""
    who: Cluster | None = None
    start_of = {m.start: c for c in people for m in c.names()}
    for k in range(len(toks) - 3):
        w = [t.lower for t in toks[k : k + 4]]
        at = None
        if w[:3] == ["my", "name", "is"]:
            at = k + 3
        elif w[0] == "i" and w[1] in {"am", "'m"}:
            at = k + 2
        if at is not None and at in start_of:
            who = start_of[at]
            break
    if who is None:
        return None, []
    positions = [t.pos for t in toks if t.lower in FIRST_PERSON and t.pos not in quoted]
    who.shots.update(toks[i].shot for i in positions)
    return who, positions


def _ages(
    toks: list[Token],
    people: list[Cluster],
    assigned: list[tuple[int, Cluster]],
    narrator: Cluster | None,
    narrated: list[int],
) -> None:
    """ "I am nine years old", "Ravi, who was seventy years old": a number of years old in
    a sentence about one person gives that person's age."""
    in_sentence: dict[int, set[int]] = defaultdict(set)
    by_id = {id(c): c for c in people}
    for c in people:
        for m in c.mentions:
            in_sentence[m.sent].add(id(c))
    for i, c in assigned:
        if id(c) in by_id:
            in_sentence[toks[i].sent].add(id(c))
    if narrator is not None:
        for i in narrated:
            in_sentence[toks[i].sent].add(id(narrator))

    def give(k: int, years: int | None) -> None:
        """The age to the one person of token ``k``'s sentence, if it has exactly one."""
        who = in_sentence.get(toks[k].sent, set())
        if years is not None and len(who) == 1:
            by_id[next(iter(who))].years = years

    for k in range(len(toks) - 2):
        if toks[k + 1].lower not in {"years", "year"} or toks[k + 2].lower != "old":
            continue
        n = toks[k].lower
        years = int(n) if n.isdigit() else _NUMBER_WORDS.get(n)
        give(k, years)
    # "it was her eighth birthday", "on his 10th birthday"
    for k in range(1, len(toks) - 1):
        if toks[k + 1].lower != "birthday" or toks[k - 1].lower not in POSSESSIVES:
            continue
        years = _ORDINALS.get(toks[k].lower)
        if years is None and re.fullmatch(r"\d{1,3}(st|nd|rd|th)", toks[k].lower):
            years = int(toks[k].lower[:-2])
        give(k, years)


#: What belongs to a schoolchild: "his homework", "her teacher", "Tom's classmates"
SCHOOL_THINGS = frozenset({"homework", "teacher", "classmates", "classmate", "toys", "toy",
                           "schoolbag", "satchel", "crayons", "lunchbox", "playmates"})  # fmt: skip
#: Whom a child is told of with: "Amara walked with her mother", "Noor's mum"
PARENT_WORDS = frozenset({*_PARENTS, *_GRANDPARENTS, "parents", "grandparents", "mummy",
                          "mommy", "daddy", "granny", "nana"})  # fmt: skip
#: Roles a child's companion has and is still a child ("her best friend Kenji")
PEER_ROLES = frozenset({"friend", "classmate", "playmate", "schoolmate", "pal", "cousin"})
#: Groups of children a named person with nothing else said of them is one of ("the students
#: planted bean seeds ... Lila measured her plant"); students only where school is named
CHILD_GROUPS = frozenset({"children", "kids", "pupils", "classmates", "students"})
SCHOOL_WORDS = frozenset({"class", "classroom", "school", "lesson", "teacher", "playground"})
#: What the grown-up among children does ("Maria showed the children how to paint")
TEACHING_VERBS = frozenset({"taught", "teaches", "teach", "told", "tells", "showed", "shows",
                            "explained", "explains", "asked", "called", "led", "leads"})  # fmt: skip
#: Titles only grown-ups carry ("Mr. Rao visited his mother"; a prince or a Miss may be a child)
GROWN_TITLES = frozenset({"mr", "mrs", "ms", "mx", "madam", "sir", "lady", "lord", "king",
                          "queen", "uncle", "aunt", "auntie", "doctor", "professor", "captain",
                          "teacher", "coach", "officer", "nurse", "judge", "saint"})  # fmt: skip


def _owners(
    toks: list[Token],
    people: list[Cluster],
    assigned: list[tuple[int, Cluster]],
    narrator: Cluster | None,
) -> dict[int, Cluster]:
    """Possessives and whose they are, by token position: "his", "her", "their" (as the
    pronouns were resolved), "my" (a named narrator's) and a name's "'s" (the token itself)."""
    out = {i: c for i, c in assigned if toks[i].lower in {"his", "her", "their"}}
    if narrator is not None:
        out.update({t.pos: narrator for t in toks if t.lower == "my"})
    for c in people:
        for m in c.mentions:
            if m.end + 1 < len(toks) and toks[m.end].text in {"'s", "’s"}:
                out[m.end] = c
    return out


def _children(
    toks: list[Token],
    people: list[Cluster],
    assigned: list[tuple[int, Cluster]],
    narrator: Cluster | None,
) -> None:
    """Who the story shows as a child without saying so (drawn as one, unless a role or an
    age says otherwise): the owner of a homework, a teacher, classmates or toys ("Tom stayed
    late to finish his homework"); of a mother, father or grandparent ("Amara walked with her
    mother"); a child's friend, classmate or cousin ("Noor ... her best friend Kenji"); and,
    in a lesson among children ("the students planted beans"), a named person nothing else
    is said of who teaches no one ("Lila measured her plant")."""
    owners = _owners(toks, people, assigned, narrator)
    for i, c in owners.items():
        if i + 1 < len(toks) and toks[i + 1].lower in SCHOOL_THINGS | PARENT_WORDS:
            c.child_cue = True
    if _among_children(toks):
        for c in people:
            said = [m for m in c.mentions if m.kind == "name"]
            plain = (  # no role, age, title or adjective says who they are
                not _role_nouns(c)
                and c.years is None
                and not any(m.title_word or m.adjectives for m in c.mentions)
            )
            teaches = any(m.end < len(toks) and toks[m.end].lower in TEACHING_VERBS for m in said)
            if said and plain and not teaches:
                c.child_cue = True  # one of the students the lesson is about
    for c in people:
        if c.child_cue or _age(c)[0]:
            continue
        for m in c.roles():
            whose = owners.get(m.start)
            if m.key in PEER_ROLES and whose is not None and whose is not c and _age(whose)[1]:
                c.child_cue = True
                break


def _among_children(toks: list[Token]) -> bool:
    """Whether the lesson is among a group of children: "the children", "the pupils", or
    "the students" where a class or a school is named."""
    words = {t.lower for t in toks}
    groups = {
        toks[k + 1].lower
        for k in range(len(toks) - 1)
        if toks[k].lower in {"the", "all"} and toks[k + 1].lower in CHILD_GROUPS
    }
    return bool(groups - {"students"}) or ("students" in groups and bool(words & SCHOOL_WORDS))


def _age(c: Cluster) -> tuple[bool, bool]:
    """(old, young) as the story tells it: an age in years, else the role nouns ("his
    granddaughter": young; "the grandpa": old), the adjectives ("little Maya") and the cues
    :func:`_children` found, where no grown-up role says otherwise."""
    adjs = list(dict.fromkeys(a for m in c.mentions for a in m.adjectives))[:2]
    role_nouns = _role_nouns(c)
    old = bool(set(adjs) & AGE_OLD) or bool(set(role_nouns) & OLD_ROLES)
    if c.years is not None:  # "nine years old" says more than any noun
        old = c.years >= OLD_YEARS
    # "little Maya", "the tiny boy": little is a child's word ("the little old woman"
    # is old: old is decided first)
    young = bool(set(role_nouns) & CHILD_ROLES) or (bool(set(adjs) & CHILD_ADJECTIVES) and not old)
    grown = {r.split()[-1] for r in role_nouns} - CHILD_ROLES - PLAIN_PERSON_NOUNS - PEER_ROLES
    grown |= {m.title_word for m in c.mentions if m.title_word in GROWN_TITLES}
    if c.child_cue and not old and not grown:
        young = True  # "his homework": no role says grown-up (a teacher's own homework?)
    if c.years is not None:
        young = c.years < ADULT_YEARS
    return old, young


def _role_nouns(c: Cluster) -> list[str]:
    """The role nouns, then the roles names carry: a title's ("Grandpa Joe": grandpa) and a
    plural apposition's ("his grandsons Leo and Sam": grandson)."""
    return list(
        dict.fromkeys(
            [m.key for m in c.roles()]
            + [r for m in c.mentions for r in (m.title_role, m.role_hint) if r]
        )
    )


#: Role nouns that also name a kind of thing before another noun ("a giant wave", "a runner
#: bean")
MODIFIER_ROLES = frozenset({"giant", "runner"})
#: Role nouns that are also tools ("measured it with a ruler")
TOOL_ROLES = frozenset({"ruler"})


def _a_thing(toks: list[Token], det: int, noun: int) -> bool:
    """Whether the role noun at ``noun`` (its determiner at ``det``) names a thing, not a
    person: a modifier role before a common noun that is not a person's and reads as no verb
    ("a giant wave", "the runner beans"; not "the giant laughed", "the giant rules"), or a
    tool held or measured with ("with a ruler", "Lila measured it with the ruler")."""
    word = toks[noun].lower
    if word in MODIFIER_ROLES and noun + 1 < len(toks):
        nxt = toks[noun + 1]
        return (
            nxt.text.isalpha()
            and nxt.text.islower()
            and nxt.lower in common_nouns()
            and nxt.lower not in ROLE_NOUNS
            and nxt.lower not in PLURAL_NOUNS
            and not nxt.lower.endswith(("s", "ed"))
        )
    if word in TOOL_ROLES:
        before = toks[det - 1].lower if det > 0 else ""
        measured = any(t.lower.startswith("measur") for t in toks if t.sent == toks[noun].sent)
        return before in {"with", "using"} or measured
    return False


def _absorb(keep: Cluster, other: Cluster, merged: dict[int, Cluster]) -> None:
    """Fold ``other``'s mentions and shots into ``keep`` and note it in ``merged``."""
    keep.mentions = sorted(keep.mentions + other.mentions, key=lambda m: m.start)
    keep.shots |= other.shots
    merged[id(other)] = keep


def _repoint(
    people: list[Cluster],
    assigned: list[tuple[int, Cluster]],
    groups: list[Group],
    merged: dict[int, Cluster],
) -> list[Cluster]:
    """The people without the ones folded into others; pronouns and groups that pointed at
    a folded person point at the one it joined."""
    if not merged:
        return people
    for k, (i, c) in enumerate(assigned):
        if id(c) in merged:
            assigned[k] = (i, merged[id(c)])
    for g in groups:
        g.members = tuple(dict.fromkeys(merged.get(id(c), c) for c in g.members))
    return [c for c in people if id(c) not in merged]


def _merge_kin_names(
    people: list[Cluster], assigned: list[tuple[int, Cluster]], groups: list[Group]
) -> list[Cluster]:
    """ "I live with my grandmother. Grandmother says...": a family word used as a name is
    the one person the story calls by that kin noun (they were drawn as two grandmothers)."""
    merged: dict[int, Cluster] = {}
    for a in people:
        names = a.names()
        if not names or any(m.key not in KIN_NAMES for m in names):
            continue
        kin = KIN_NAMES[names[0].key]
        others = [
            b
            for b in people
            if b is not a
            and id(b) not in merged
            and not b.names()
            and any(KIN_NAMES.get(m.key, m.key) == kin for m in b.roles())
        ]
        if len(others) == 1:
            _absorb(a, others[0], merged)
    return _repoint(people, assigned, groups, merged)


def _merge_kin(
    toks: list[Token],
    people: list[Cluster],
    assigned: list[tuple[int, Cluster]],
    groups: list[Group],
) -> list[Cluster]:
    """Fold "her father" into the man whose daughter she was said to be.

    "Farmer Jack ... His daughter Rose fed the chickens ... Rose gave it to her father": the
    possessive ties Rose to Jack as his daughter, so her father is Jack, not a new man drawn
    beside her. A person known only by possessed kin nouns ("her father") whose possessor is
    someone's child (daughter, son...) of a person of the right gender joins that person.
    """
    owner = {i: c for i, c in assigned}
    ties: dict[int, list[tuple[str, Cluster]]] = defaultdict(list)  # id(x) -> (kin, of whom)
    for c in people:
        for m in c.roles():
            whose = owner.get(m.start) if toks[m.start].lower in {"his", "her"} else None
            if whose is not None and whose is not c and m.key in KIN_INVERSE:
                ties[id(c)].append((m.key, whose))
    merged: dict[int, Cluster] = {}
    for r in people:
        if r.names() or not ties.get(id(r)):
            continue
        targets = set()
        for kin, x in ties[id(r)]:
            gender = ROLE_NOUNS.get(kin)
            for their_kin, y in ties.get(id(x), []):
                if (
                    kin in KIN_INVERSE.get(their_kin, ())
                    and y is not r
                    and (gender is None or y.pronouns in (gender, "they"))
                ):
                    targets.add(id(y))
                    target = y
        if len(targets) == 1:
            _absorb(target, r, merged)
    return _repoint(people, assigned, groups, merged)


#: The counts a definite plural may give its people ("the three friends").
COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}


def sentences_before(sentences: list[int], sent: int, n: int) -> list[int]:
    """The ``n`` sentences before ``sent``, nearest first. ``sentences`` are the story's
    sentence numbers, sorted: they skip one at each shot's end, so "three back" is counted
    in sentences, not in numbers."""
    k = bisect.bisect_left(sentences, sent)
    return sentences[max(0, k - n) : k][::-1]


def stable_seed(key: str) -> int:
    return int.from_bytes(hashlib.sha256(f"ttv-identity\x1f{key}".encode()).digest()[:4], "big")


@dataclass
class Mention:
    kind: str  # "name" | "role"
    start: int  # token position, inclusive
    end: int  # exclusive
    sent: int
    shot: int
    key: str  # name: lower-case name without title; role: the role noun
    surface: str
    gender: str | None = None  # lexical gender (title or role noun)
    adjectives: tuple[str, ...] = ()
    definite: bool = True
    title: bool = False
    title_role: str | None = None
    title_word: str | None = None  # canonical title ("doctor" for "Dr.")
    role_hint: str | None = None  # a plural apposition's role: "his grandsons Leo and Sam"


@dataclass(eq=False)
class Cluster:
    mentions: list[Mention] = field(default_factory=list)
    shots: set[int] = field(default_factory=set)
    votes: dict[str, float] = field(default_factory=lambda: {"he": 0.0, "she": 0.0, "they": 0.0})
    pronouns: str = "they"
    evidence: str | None = None  # pronouns the story gives evidence for, else None
    assigned: dict[str, int] = field(default_factory=lambda: {"he": 0, "she": 0, "they": 0})
    years: int | None = None  # an age the story gives ("I am nine years old")
    clothes: str | None = None  # what the story dresses them in ("cream dress")
    hair: str | None = None  # the hair the story gives them ("curly red")
    beard: str | None = None  # the beard the story gives them ("long white beard")
    skin: str | None = None  # the skin tone the story gives them (a SKIN_TONES word)
    child_cue: bool = False  # "his homework", "her mother", a child's friend: a child

    @property
    def first(self) -> Mention:
        return self.mentions[0]

    def names(self) -> list[Mention]:
        return [m for m in self.mentions if m.kind == "name"]

    def roles(self) -> list[Mention]:
        return [m for m in self.mentions if m.kind == "role"]


@dataclass(eq=False)
class Group:
    """Several people referred to together: "the children", "Ravi and Mira", "they"."""

    key: str
    members: tuple[Cluster, ...] = ()  # known members (a coordination), else empty
    mentions: list[Mention] = field(default_factory=list)  # plural noun phrases
    pronouns: list[int] = field(default_factory=list)  # token positions of they/them/their


@dataclass
class _Analysis:
    toks: list[Token]
    people: list[Cluster]
    keys: dict[int, str]  # id(cluster) -> identity key (unique within the story)
    assigned: list[tuple[int, Cluster]]  # pronoun token -> person
    groups: list[Group]


@dataclass(frozen=True)
class ResolvedMention:
    """One linked mention: where it is and which entity it refers to."""

    shot: int
    start: int  # character offsets in the shot's narration
    end: int
    text: str
    kind: str  # "name" | "role" | "pronoun" | "group"
    entity: str
    #: the pronouns the cast gives this mention's person ("he", "she", "they"); "" for a group
    pronouns: str = ""


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


class CorefIdentity(IdentityResolver):
    """Rule-based whole-story coreference with a persistent SQLite identity store."""

    info = ModuleInfo(
        slot="identity",
        name="coref",
        version=VERSION,
        package=PACKAGE,
        needs=Needs(store=True),
        consumes="StoryPlan",
        produces="Cast",
        summary=(
            "Rule-based coreference over the whole story (names, role nouns, aliases, "
            "pronouns), dictionary name genders, seeded looks, SQLite identity store."
        ),
    )

    Options = IdentityOptions
    option_error = E_IDENTITY_OPTION.code

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        store_dir, namespace = self.opts.store_dir, self.opts.namespace
        timeout = self.opts.lock_timeout_s
        self.namespace = namespace
        self.store = IdentityStore(store_dir, timeout, namespace) if store_dir else None

    def doctor(self) -> list[str]:
        """Self-check for `ttv doctor`: problems of the store, if one is configured."""
        return self.store.problems() if self.store is not None else []

    # ---------------------------------------------------------------- mentions

    def _mentions(self, toks: list[Token]) -> list[Mention]:
        lower_vocab = {t.text for t in toks if t.text.islower()}
        mid_caps = {t.lower for t in toks if t.is_cap and not t.sent_start}
        # "Zorg said": a capitalised word that is the subject of a person verb
        subject_of_person_verb = {
            t.lower for t, nxt in itertools.pairwise(toks) if t.is_cap and nxt.lower in PERSON_VERBS
        }
        # "Dickon was a boy": the subject of "was" + a role noun phrase
        subject_of_person_verb |= {
            t.lower
            for k, t in enumerate(toks[:-2])
            if t.is_cap
            and toks[k + 1].lower in APPOSITION_VERBS | {","}
            and toks[k + 2].lower in DETERMINERS
            and any(x.lower in ROLE_NOUNS for x in toks[k + 3 : k + 7])
        }  # ... or of an appositive: "Baloo, the sleepy brown bear,"
        # "Ama had dark skin": the subject of "had"/"has" and a body's feature
        subject_of_person_verb |= {
            t.lower
            for k, t in enumerate(toks[:-2])
            if t.is_cap
            and toks[k + 1].lower in {"had", "has"}
            and any(x.lower in _FEATURES for x in toks[k + 2 : k + 7])
            and not any(x.text in {".", ";", "!", "?"} for x in toks[k + 2 : k + 7])
        }
        cap_words = {t.lower for t in toks if t.is_cap}
        # "her friend River", "a boy named River": a capitalised word right after a role noun
        # (or "named"/"called" after one) is a name even where the story also uses it as an
        # ordinary word ("along the river")
        apposed = {
            b.lower
            for a, b in itertools.pairwise(toks)
            if b.is_cap and not b.sent_start and a.lower in ROLE_NOUNS and a.text.islower()
        } | {
            c.lower
            for a, b, c in zip(toks, toks[1:], toks[2:], strict=False)
            if c.is_cap and b.lower in {"called", "named"} and a.lower in ROLE_NOUNS
        }
        # "a town called Summer", "a ship named Zephyr": what a place or a thing is called,
        # when the name dictionary does not know it as a first name, names no person
        thing_names = {
            c.lower
            for a, b, c in zip(toks, toks[1:], toks[2:], strict=False)
            if c.is_cap
            and b.lower in {"called", "named"}
            and a.lower in THING_NOUNS
            and c.lower not in apposed
            and dictionary_gender(c.text) == "they"
        }
        # "Everyone sang Happy Birthday", "she read Matilda": capitalised words right after a
        # verb of singing, reading or watching are a title, not a person
        titled: set[int] = set()
        for k, t in enumerate(toks):
            if t.lower in TITLE_VERBS:
                j = k + 1
                while j < len(toks) and toks[j].is_cap and not toks[j].sent_start:
                    titled.add(j)
                    j += 1
        out: list[Mention] = []
        i, n = 0, len(toks)

        def plain_cap(t: Token) -> bool:
            return (
                t.is_cap
                and t.pos not in titled
                and t.lower not in CLOSED_CLASS
                and (t.lower not in CALENDAR_WORDS or t.lower in apposed)  # "a boy called Jun"
                and (t.lower not in lower_vocab or t.lower in apposed)
                and t.lower not in thing_names
            )

        # first words of two-word names ("Marilla Cuthbert"), so that a sentence may start
        # with them ("Marilla was strict")
        name_parts = {
            t.lower
            for t, nxt in itertools.pairwise(toks)
            if plain_cap(t)
            and plain_cap(nxt)
            and not nxt.sent_start
            and t.lower not in {*TITLES, *AGE_OLD, *AGE_YOUNG}
        }

        def name_word(t: Token) -> bool:
            if not plain_cap(t):
                return False  # a closed-class word, or used as an ordinary word elsewhere
            if t.sent_start and t.lower not in mid_caps:
                nxt = toks[t.pos + 1].lower if t.pos + 1 < n else ""
                if nxt in ADVERBIAL_PREPOSITIONS:
                    return False  # "Deep under the ground, rock melts": not a person Deep
                if t.lower in TIME_PHRASE_STARTS and nxt in TIME_PHRASE_ENDS:
                    return False  # "Long ago, soldiers guarded the wall": not a man Long
                known = dictionary_gender(t.text) != "they"
                if t.lower in name_parts:
                    return True
                if t.lower in common_nouns():
                    # "Mist floated over the water", "Birds carried seeds": a common noun
                    # that starts a sentence and is never written capitalised elsewhere is a
                    # name only if the name dictionary knows it and a person's verb follows
                    # ("Hope smiled")
                    return known and t.lower in subject_of_person_verb
                return known or t.lower in subject_of_person_verb
            return True

        while i < n:
            t = toks[i]
            # title + name ("Dr. Lee", "Queen Asha")
            if t.is_cap and t.lower in TITLES:
                j = i + 1
                if j < n and toks[j].text == ".":
                    j += 1
                if j < n and toks[j].is_cap and toks[j].lower not in CLOSED_CLASS:
                    k = j + 1
                    while k < n and k - j < 3 and name_word(toks[k]):
                        k += 1
                    name = " ".join(x.text for x in toks[j:k])
                    surface = f"{t.text}{'.' if j == i + 2 else ''} {name}"
                    out.append(
                        Mention(
                            "name",
                            i,
                            k,
                            t.sent,
                            t.shot,
                            name.lower(),
                            surface,
                            gender=TITLES[t.lower],
                            title=True,
                            title_role=TITLE_ROLES.get(t.lower),
                            title_word=TITLE_CANON.get(t.lower, t.lower),
                        )
                    )
                    i = k
                    continue
            # a family word as a name ("asked Dad", "Mum cracked the eggs"); "Grandma Lucia"
            # is a title and its name, above
            if t.is_cap and t.lower in KIN_NAMES and not (t.sent_start and i + 1 < n
                                                          and toks[i + 1].is_cap):  # fmt: skip
                role = KIN_NAMES[t.lower]
                out.append(Mention("name", i, i + 1, t.sent, t.shot, t.lower, t.text,
                                   gender=ROLE_NOUNS[role], title_role=role))  # fmt: skip
                i += 1
                continue
            # a bare plural person noun ("Children came", "the villagers" is below)
            if (
                t.lower in PLURAL_NOUNS
                and t.lower not in ROLE_NOUNS
                and PLURAL_NOUNS[t.lower] not in ANIMAL_NOUNS
                and (t.sent_start or not t.is_cap)
            ):
                out.append(Mention("group", i, i + 1, t.sent, t.shot, PLURAL_NOUNS[t.lower],
                                   t.text, definite=False))  # fmt: skip
                i += 1
                continue
            # a family by its surname ("the Silvas")
            if (
                t.lower == "the"
                and i + 1 < n
                and toks[i + 1].is_cap
                and toks[i + 1].lower.endswith("s")
                and toks[i + 1].lower[:-1] in cap_words
            ):
                fam = toks[i + 1].lower[:-1]
                out.append(Mention("group", i, i + 2, t.sent, t.shot, f"family:{fam}",
                                   f"the {toks[i + 1].text}"))  # fmt: skip
                i += 2
                continue
            if name_word(t):
                k = i + 1
                while k < n and k - i < 3 and toks[k].is_cap and name_word(toks[k]):
                    k += 1
                # "Jemima Puddle-duck", "Mary-Jane": a hyphen inside a word joins it
                while _glued_hyphen(toks, k):
                    k += 2
                name = " ".join(x.text for x in toks[i:k]).replace(" - ", "-")
                prev = toks[i - 1].lower if i > 0 else ""
                adjs = (prev,) if prev in AGE_OLD | AGE_YOUNG else ()  # "Old Tomas"
                out.append(
                    Mention("name", i, k, t.sent, t.shot, name.lower(), name, adjectives=adjs)
                )
                i = k
                continue
            # determiner + adjectives + role noun ("the old potter", "his granddaughter")
            if t.lower in DETERMINERS or t.text in POSSESSIVE or t.lower in PLURAL_DETERMINERS:
                j = i + 1
                joins = 0  # hyphens inside an adjective ("a dark-skinned boy") are not words
                while j < n and j - i - 2 * joins <= 4:
                    if _glued_hyphen(toks, j) and toks[j + 1].text.islower():
                        j, joins = j + 1, joins + 1
                        continue
                    noun = toks[j].lower
                    if (noun in ROLE_NOUNS or noun in PLURAL_NOUNS) and not toks[j].is_cap:
                        # compounds name their last noun: "a shepherd boy", "match girl"
                        while (
                            j + 1 < n
                            and not toks[j + 1].is_cap
                            and (
                                toks[j + 1].lower in ROLE_NOUNS or toks[j + 1].lower in PLURAL_NOUNS
                            )
                        ):
                            j += 1
                        noun = toks[j].lower
                        adjs = _joined(toks[i + 1 : j])
                        if _glued_hyphen(toks, j + 1):  # "a man-cub": to the word's end
                            j += 2
                        phrase = " ".join([*adjs, noun])
                        if (
                            t.lower in INDEFINITE
                            and i > 0
                            and toks[i - 1].lower in GENERIC_BEFORE
                            and noun in ROLE_NOUNS
                        ):
                            pass  # "one small step for a man", "as a child", "like a lion"
                        elif noun in ROLE_NOUNS and _a_thing(toks, i, j):
                            pass  # "a giant wave", "measured it with a ruler"
                        elif noun in ROLE_NOUNS:
                            out.append(
                                Mention(
                                    "role",
                                    i,
                                    j + 1,
                                    t.sent,
                                    t.shot,
                                    noun,
                                    f"the {phrase}",
                                    gender=ROLE_NOUNS[noun],
                                    adjectives=adjs,
                                    definite=t.lower not in INDEFINITE,
                                )
                            )
                        else:
                            surface = " ".join(x.text for x in toks[i : j + 1])
                            out.append(Mention("group", i, j + 1, t.sent, t.shot,
                                               PLURAL_NOUNS[noun], surface,
                                               definite=t.lower not in INDEFINITE
                                               and t.lower not in PLURAL_DETERMINERS))  # fmt: skip
                        i = j + 1
                        break
                    if not (toks[j].text.isalpha() and toks[j].text.islower()) or (
                        (noun in CLOSED_CLASS or noun in PERSON_VERBS or noun in APPOSITION_VERBS)
                        and not _glued_hyphen(toks, j + 1)  # "the well-known potter"
                    ):
                        i += 1
                        break
                    j += 1
                else:
                    i += 1
                continue
            i += 1
        self._name_ages_and_roles(toks, out)
        return out

    @staticmethod
    def _name_ages_and_roles(toks: list[Token], mentions: list[Mention]) -> None:
        """What is said of a named person right beside the name: an age word before it ("old
        Mr. Okafor", "little Tom") and a plural role before a list of names ("his grandsons
        Leo and Sam": each is a grandson). Both were lost: the grandsons were drawn as men."""
        by_start = {m.start: m for m in mentions}
        for m in mentions:
            if m.kind != "name" or m.adjectives or m.start == 0:
                continue
            before = toks[m.start - 1]
            if before.sent == toks[m.start].sent and before.lower in AGE_OLD | AGE_YOUNG:
                m.adjectives = (before.lower,)
        for m in mentions:
            if m.kind != "group" or m.key not in ROLE_NOUNS or m.key == "person":
                continue
            names: list[Mention] = []
            nxt = by_start.get(m.end)
            if nxt is None and m.end < len(toks) and toks[m.end].text == ",":
                nxt = by_start.get(m.end + 1)  # "Two girls, Ama and Sofia, skipped"
            while nxt is not None and nxt.kind == "name":
                names.append(nxt)
                sep = toks[nxt.end].lower if nxt.end < len(toks) else ""
                if sep == "," and nxt.end + 1 < len(toks) and toks[nxt.end + 1].lower == "and":
                    nxt = by_start.get(nxt.end + 2)  # "Leo, Sam, and Ana"
                elif sep in {",", "and"}:
                    nxt = by_start.get(nxt.end + 1)
                else:
                    nxt = None
            if len(names) >= 2:
                for name in names:
                    name.role_hint = m.key
                    # "Two girls, Ama and Sofia": each is a girl, so each is a "she"
                    name.gender = name.gender or ROLE_NOUNS[m.key]

    # ---------------------------------------------------------------- links

    @staticmethod
    def _links(toks: list[Token], mentions: list[Mention]) -> list[tuple[int, int]]:
        by_start = {m.start: k for k, m in enumerate(mentions)}
        links: list[tuple[int, int]] = []
        low = [t.lower for t in toks]
        n = len(toks)

        def at(p: int) -> str:
            return low[p] if 0 <= p < n else ""

        for k, m in enumerate(mentions):
            e = m.end
            if m.kind == "name":
                # "Ravi was an old potter" / "Ravi, the old potter"
                if at(e) in APPOSITION_VERBS or at(e) == ",":
                    r = by_start.get(e + 1)
                    if r is not None and mentions[r].kind == "role":
                        links.append((k, r))
                # renaming: "Ravi, now called Raj", "Ravi was later known as Raj",
                # "Ravi changed his name to Raj", "Ravi renamed himself Raj"
                p = e
                if at(p) == ",":
                    p += 1
                if at(p) in APPOSITION_VERBS:
                    p += 1
                if at(p) in {"now", "later", "then", "soon", "henceforth", "also", "thereafter"}:
                    p += 1
                if p == e and at(p) in {"called", "named"}:
                    p = -1  # "Mina called Joe" is a phone call, not a new name
                elif at(p) in {"called", "named", "renamed", "known"}:
                    p += 1
                    if at(p) in {"as", "himself", "herself", "themselves"}:
                        p += 1
                elif at(p) == "changed" and at(p + 2) == "name" and at(p + 3) == "to":
                    p += 4
                elif at(p) == "took" and at(p + 1) == "the" and at(p + 2) == "name":
                    p += 3
                else:
                    p = -1
                if p > 0:
                    r = by_start.get(p)
                    if r is not None and mentions[r].kind == "name":
                        links.append((k, r))
                # "Lina, a young woman from the coast, became the first pilot"
                r = by_start.get(e + 1) if at(e) == "," else None
                if r is not None and mentions[r].kind == "role":
                    q = next((q for q in range(mentions[r].end, mentions[r].end + 6)
                              if at(q) in {",", ".", ";"}), None)  # fmt: skip
                    if q is not None and at(q) == "," and at(q + 1) in APPOSITION_VERBS:
                        r2 = by_start.get(q + 2)
                        if r2 is not None and mentions[r2].kind == "role":
                            links.append((k, r2))
                # "Raj, formerly Ravi"
                if at(e) == "," and at(e + 1) in {"formerly", "once", "previously"}:
                    q = e + 2
                    if at(q) in {"called", "named", "known"}:
                        q += 1 + (at(q + 1) == "as")
                    r = by_start.get(q)
                    if r is not None and mentions[r].kind == "name":
                        links.append((k, r))
            else:
                # "The girl was called Nia", "The stranger was named Omar"
                if at(e) in APPOSITION_VERBS and at(e + 1) in {"called", "named"}:
                    r = by_start.get(e + 2)
                    if r is not None and mentions[r].kind == "name":
                        links.append((k, r))
                # "a potter named Ravi", "his granddaughter Mira", "the old potter, Ravi,"
                r = by_start.get(e)
                if r is None and at(e) in {"named", "called"}:
                    r = by_start.get(e + 1)
                if r is None and at(e) == ",":
                    r = by_start.get(e + 1)
                if r is not None and mentions[r].kind == "name":
                    links.append((k, r))
                # "Its captain, a young woman called Lina": role, indefinite role
                if at(e) == "," and m.definite:
                    r = by_start.get(e + 1)
                    if r is not None and mentions[r].kind == "role" and not mentions[r].definite:
                        links.append((k, r))
                # "The captain was an old woman"
                if at(e) in APPOSITION_VERBS:
                    r = by_start.get(e + 1)
                    if r is not None and mentions[r].kind == "role" and not mentions[r].definite:
                        links.append((k, r))
        # "He carved a puppet and named him Pinocchio", "everyone called her Red Cap": the
        # name goes to the nearest earlier mention of the sentence whose gender fits
        for k, m in enumerate(mentions):
            p = m.start
            if m.kind == "name" and at(p - 1) in {"him", "her"} and at(p - 2) in RENAME_VERBS:
                g = "he" if at(p - 1) == "him" else "she"
                for q in range(k - 1, -1, -1):
                    if mentions[q].sent != m.sent:
                        break
                    if mentions[q].kind == "role" and mentions[q].gender in (g, None):
                        links.append((q, k))
                        break
        # "A young sailor joined the crew. His name was Kwame.": the name goes to the
        # nearest earlier mention whose lexical gender fits the possessive.
        for k, m in enumerate(mentions):
            p = m.start
            if m.kind == "name" and at(p - 1) in APPOSITION_VERBS and at(p - 2) == "name":
                poss = at(p - 3)
                if poss in {"his", "her"} and p >= 3 and toks[p - 3].sent_start:
                    g = "he" if poss == "his" else "she"
                    for q in range(k - 1, -1, -1):
                        if mentions[q].start < p - 3 and mentions[q].gender in (g, None):
                            links.append((q, k))
                            break
        return links

    # ---------------------------------------------------------------- clusters

    def _cluster(self, toks: list[Token], mentions: list[Mention]) -> list[Cluster]:
        uf = _UnionFind(len(mentions))
        links = self._links(toks, mentions)
        linked = {i for pair in links for i in pair}
        for a, b in links:
            uf.union(a, b)
        # Equal names join, but a different title makes a different person: "Mr. Rao" and
        # "Mrs. Rao" are two people; a bare "Rao" joins the one titled Rao, or the latest
        # one before it when there are several.
        titled: dict[str, list[int]] = defaultdict(list)
        first_by_key: dict[tuple[str, str | None], int] = {}
        for k, m in enumerate(mentions):
            if m.kind == "name" and m.title_word:
                titled[m.key].append(k)
                tk = (m.key, m.title_word)
                if tk in first_by_key:
                    uf.union(first_by_key[tk], k)
                else:
                    first_by_key[tk] = k
        for k, m in enumerate(mentions):
            if m.kind != "name" or m.title_word:
                continue
            variants = {mentions[j].title_word for j in titled.get(m.key, [])}
            if len(variants) > 1:
                before = [j for j in titled[m.key] if j < k]
                uf.union(before[-1] if before else titled[m.key][0], k)
                continue
            if variants:
                uf.union(titled[m.key][0], k)
            tk = (m.key, None)
            if tk in first_by_key:
                uf.union(first_by_key[tk], k)
            else:
                first_by_key[tk] = k
        # a one-word name joins the one multi-word name that contains it ("Mira" and "Mira
        # Rao"); a titled one ("Mrs. Chen") only a multi-word name with the same title
        multi = [(key, k) for key, k in first_by_key.items() if " " in key[0]]
        for (key, title), k in first_by_key.items():
            if " " in key:
                continue
            owners = {
                uf.find(j)
                for (mkey, mtitle), j in multi
                if key in mkey.split() and (title is None or mtitle == title)
            }
            if len(owners) == 1:
                uf.union(owners.pop(), k)
        # definite roles join the latest identity holding that role
        last_with_role: dict[str, int] = {}
        for k, m in enumerate(mentions):
            if m.title_role:
                last_with_role[m.title_role] = k
            if m.kind != "role":
                continue
            prev = last_with_role.get(m.key)
            if (
                prev is not None
                and m.definite
                # "A stranger came. The stranger was called Omar": the naming link does not
                # stop the role joining an earlier holder that has no link of its own
                and (k not in linked or prev not in linked)
                # "the elder brother" is not "the younger brother"
                and not (
                    set(m.adjectives) & CONTRASTIVE
                    and set(m.adjectives) & CONTRASTIVE
                    != set(mentions[prev].adjectives) & CONTRASTIVE
                )
            ):
                uf.union(prev, k)
            last_with_role[m.key] = k
        groups: dict[int, Cluster] = {}
        for k, m in enumerate(mentions):
            c = groups.setdefault(uf.find(k), Cluster())
            c.mentions.append(m)
            c.shots.add(m.shot)
        return sorted(groups.values(), key=lambda c: c.first.start)

    @staticmethod
    def _is_person(c: Cluster, toks: list[Token], linked: bool) -> bool:
        if not linked and c.mentions and all(_predicate(toks, m) for m in c.mentions):
            return False  # "The dragon is my friend": the friend is the dragon, no one new
        if c.roles() or any(m.title or m.title_role for m in c.mentions) or linked:
            return True  # a role, a title, a family word as a name ("Mum"), or linked
        names = c.names()
        after = [toks[m.end].lower for m in names if m.end < len(toks)]
        before = [toks[m.start - 1].lower for m in names if m.start > 0]
        person_verbs = sum(w in PERSON_VERBS or w in {"was", "is", "had"} for w in after)
        person_verbs += sum(w in PERSON_VERBS for w in before)  # "told Kwesi", "met Zara"
        places = sum(w in LOCATIVE for w in before)
        # "moved to Paris", "came from Lagos": a place, whatever the name dictionary says
        places += sum(
            m.start > 1
            and toks[m.start - 1].lower in {"to", "from", "toward", "towards"}
            and toks[m.start - 2].lower in TRAVEL_VERBS
            for m in names
        )
        known = dictionary_gender(names[0].key.split()[0]) != "they"
        return person_verbs + int(known) > places

    # ---------------------------------------------------------------- pronouns

    @staticmethod
    def _pronoun_kind(toks: list[Token], i: int) -> str:
        w = toks[i].lower
        if w in REFLEXIVE_PRONOUNS:
            return "reflexive"
        if w == "her":
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if (
                i > 0
                and toks[i - 1].lower in CAUSATIVE_VERBS
                and (nxt is None or (nxt.lower not in ROLE_NOUNS and nxt.lower not in PLURAL_NOUNS))
            ):
                return "object"  # "let her choose", "made her laugh" (not "helped her father")
            if (
                nxt is not None
                and nxt.text.isalpha()
                and nxt.text.islower()
                and (nxt.lower not in CLOSED_CLASS and nxt.lower not in LOCATIVE)
            ):
                return "possessive"
            return "object"
        if w in OBJECT_PRONOUNS:
            return "object"
        return "subject"  # he, she, his, hers

    @staticmethod
    def _prior(c: Cluster) -> str:
        """Gender from lexical words or the name dictionary, before any pronoun counts."""
        lexical = {m.gender for m in c.mentions if m.gender in ("he", "she")}
        if len(lexical) == 1:
            return lexical.pop()
        names = c.names()
        return dictionary_gender(names[0].key.split()[0]) if names else "they"

    @staticmethod
    def _ranked(entries: list[tuple[int, Cluster]], clause: list[int], i: int | None) -> list:
        """Clusters of one sentence in the order a pronoun prefers them: the subject of the
        pronoun's own clause (a mention right at the clause's start: "and Leila ran to get
        her mother", not "and drew a bee in her book"), then the sentence's subject, then
        the others, nearest first."""
        if not entries:
            return []
        out: list[Cluster] = []
        if i is not None:
            f = i
            while f > 0 and clause[f - 1] == clause[i]:
                f -= 1
            out += [c for pos, c in entries if clause[pos] == clause[i] and pos <= f + 1][:1]
        out.append(entries[0][1])
        out += [c for _pos, c in reversed(entries)]
        return list(dict.fromkeys(out))

    def _resolve_pronouns(
        self,
        toks: list[Token],
        clusters: list[Cluster],
        group_mentions: list[Mention],
        quoted: set[int],
    ) -> tuple[list[tuple[int, Cluster]], list[Group]]:
        clause = []
        cid = 0
        for t in toks:
            if t.lower in CLAUSE_BREAKS:
                cid += 1
            clause.append(cid)
        self._clause = clause
        sent_mentions: dict[int, list[tuple[int, Cluster]]] = defaultdict(list)
        for c in clusters:
            for m in c.mentions:
                sent_mentions[m.sent].append((m.start, c))
        for lst in sent_mentions.values():
            lst.sort(key=lambda pc: pc[0])
        pronouns = [
            (i, t) for i, t in enumerate(toks) if t.lower in MALE_PRONOUNS | FEMALE_PRONOUNS
        ]
        sentences = sorted({t.sent for t in toks})
        self._vote(toks, clusters, sent_mentions, pronouns, clause, sentences, quoted)
        groups, events = self._groups(toks, clusters, group_mentions, sent_mentions)

        def compatible(c: Cluster, g: str) -> bool:
            if c.evidence is not None:
                return c.evidence == g
            if c.assigned["they"]:
                return False  # a singular "they" of this story
            return c.pronouns in (g, "they")

        def eligible_they(c: Cluster) -> bool:
            return c.evidence in (None, "they") and not (c.assigned["he"] or c.assigned["she"])

        possessed = {m.start: c for c in clusters for m in c.mentions if m.kind == "role"}
        possessives: set[tuple[int, int]] = set()  # (token, id(cluster)) of his/her + noun
        assigned: list[tuple[int, Cluster]] = []
        implicit: dict[frozenset[int], Group] = {}

        def group_of(members: list[Cluster]) -> Group:
            key = frozenset(id(c) for c in members)
            for g in groups:
                if g.members and frozenset(id(c) for c in g.members) == key:
                    return g
            if key not in implicit:
                implicit[key] = Group(f"implicit-{len(implicit)}", tuple(members))
                groups.append(implicit[key])
            return implicit[key]

        def plural_referent(i: int, sent: int) -> Group | Cluster | None:
            singular_only = toks[i].lower == "themself"
            evs = [r for pos, r in events.get(sent, []) if pos < i]
            if evs and not singular_only:
                return evs[-1]
            entries = [(pos, c) for pos, c in sent_mentions.get(sent, []) if pos < i]
            if toks[i].lower == "them":  # "Ravi offered to help them": not Ravi
                entries = [(pos, c) for pos, c in entries if clause[pos] != clause[i]]
            people = list(dict.fromkeys(c for _pos, c in entries))
            if len(people) >= 2 and not singular_only:
                return group_of(people)
            if len(people) == 1 and eligible_they(people[0]):
                # a person already "they" in this story keeps it; otherwise a group in the
                # sentence before is the likelier referent ("The girls ... help them")
                before = (
                    events.get(sent - 1, [])
                    or len({c for _p, c in sent_mentions.get(sent - 1, [])}) >= 2
                )
                if people[0].assigned["they"] or people[0].evidence == "they" or not before:
                    return people[0]
            # the sentences before: three for a subject "they" ("By morning they packed up", two shots after the two were
            # named), one for "them"/"their", which as often mean things ("He planted
            # seeds, and the water watered them" is not the people of three sentences ago)
            depth = 3 if toks[i].lower == "they" else 1
            # "Together they spread the map": "together" makes the people of the sentences
            # before one group even when no sentence names two of them
            together = any(
                toks[j].lower == "together" and toks[j].sent == sent
                for j in range(max(0, i - 2), min(len(toks), i + 6))
            )
            seen: list[Cluster] = []
            for s in sentences_before(sentences, sent, max(depth, 5) if together else depth):
                evs = [r for _pos, r in events.get(s, [])]
                if evs and not singular_only:
                    return evs[-1]
                people = list(dict.fromkeys(c for _pos, c in sent_mentions.get(s, [])))
                if len(people) >= 2 and not singular_only:
                    return group_of(people)
                if len(people) == 1 and eligible_they(people[0]) and not together:
                    return people[0]
                seen += [c for c in reversed(people) if c not in seen]
            if together and len(seen) >= 2 and not singular_only:
                return group_of(sorted(seen[:2], key=lambda c: c.first.start))
            return None

        every = [
            (i, t)
            for i, t in enumerate(toks)
            if t.lower in MALE_PRONOUNS | FEMALE_PRONOUNS | PLURAL_PRONOUNS
        ]
        for i, t in every:
            sent = t.sent
            if t.lower in PLURAL_PRONOUNS:
                ref = plural_referent(i, sent)
                if isinstance(ref, Group):
                    ref.pronouns.append(i)
                    events[sent].append((i, ref))
                elif ref is not None:
                    ref.assigned["they"] += 1
                    assigned.append((i, ref))
                    ref.shots.add(t.shot)
                    events[sent].append((i, ref))
                    sent_mentions[sent].append((i, ref))
                    sent_mentions[sent].sort(key=lambda pc: pc[0])
                continue
            g = "he" if t.lower in MALE_PRONOUNS else "she"
            kind = self._pronoun_kind(toks, i)
            entries = [(pos, c) for pos, c in sent_mentions.get(sent, []) if pos < i]
            if i not in quoted:
                # '"The dragon is my friend," she said': the speaker is not someone named in
                # the words she says
                entries = [(pos, c) for pos, c in entries if pos not in quoted]
            barred: set[Cluster] = set()  # an object pronoun's own clause subject
            if kind == "object":
                # not its own clause's subject ("Ravi smiled at her", "Juan paid him"), nor
                # the sentence's subject when its clause has none ("The king laughed and
                # gave him a ring")
                # (a possessive is not a subject: "Her grandson Li helped her")
                # ("She found crystals that told her": a relative clause has its own subject)
                rel = max(
                    (j for j in range(max(0, i - 12), i)
                     if toks[j].lower in {"who", "which", "that"} and toks[j].sent == sent),
                    default=-1,
                )  # fmt: skip
                own = {
                    c
                    for pos, c in entries
                    if clause[pos] == clause[i] and pos > rel and (pos, id(c)) not in possessives
                }
                own_subject = bool(own) or any(
                    toks[j].lower in SUBJECT_PRONOUNS | {"they"} and clause[j] == clause[i]
                    for j in range(max(0, i - 8), i)
                )
                first = entries[0][1] if entries else None
                if entries and any(
                    toks[j].lower in {"who", "which"} for j in range(entries[-1][0], i)
                ):
                    first = entries[-1][1]  # "Mr. McGregor, who ran after him": not McGregor
                barred = own  # never the clause's own subject, in any sentence
                entries = [
                    (pos, c)
                    for pos, c in entries
                    if c not in own and (own_subject or c is not first)
                ]
                cands = self._ranked(entries, clause, None)
            elif kind == "reflexive":
                cands = self._ranked(entries, clause, i)[:2]
            else:
                if t.lower in {"his", "her"} and i in possessed:
                    # "his granddaughter": the possessor is not the possessed
                    entries = [(pos, c) for pos, c in entries if c is not possessed[i]]
                cands = self._ranked(entries, clause, i)
                if t.lower == "his" or kind == "possessive":
                    # "His coach told him to float on his back": a possessive goes first to
                    # a pronoun of its gender earlier in its clause
                    same_g = MALE_PRONOUNS if g == "he" else FEMALE_PRONOUNS
                    bound = [c for pos, c in reversed(entries)
                             if clause[pos] == clause[i] and toks[pos].lower in same_g]  # fmt: skip
                    cands = list(dict.fromkeys([*bound[:1], *cands]))
            if kind != "reflexive":
                s = sent - 1
                while s >= max(0, sent - 12):
                    cands += [c for c in self._ranked(sent_mentions.get(s, []), clause, None)
                              if c not in cands and c not in barred]  # fmt: skip
                    s -= 1
            if (
                t.lower in {"his", "her"}
                and i + 1 < len(toks)
                and toks[i + 1].lower in HUMAN_BODY_PARTS
            ):
                # "The puppy jumped into his arms": a puppy has no arms; the boy does
                cands = [c for c in cands if not any(m.key in ANIMAL_NOUNS for m in c.roles())]
            match = next((c for c in cands if compatible(c, g)), None)
            if match is not None:
                if t.lower == "his" or kind == "possessive":
                    possessives.add((i, id(match)))
                match.assigned[g] += 1
                assigned.append((i, match))
                match.shots.add(t.shot)
                sent_mentions[sent].append((i, match))
                sent_mentions[sent].sort(key=lambda pc: pc[0])
        # An identity without evidence takes the pronouns the story used for it.
        for c in clusters:
            if c.evidence is None:
                he, she, they = c.assigned["he"], c.assigned["she"], c.assigned["they"]
                if they and not (he or she):
                    c.pronouns = "they"
                elif he != she:
                    c.pronouns = "he" if he > she else "she"
        return assigned, groups

    def _groups(
        self,
        toks: list[Token],
        clusters: list[Cluster],
        group_mentions: list[Mention],
        sent_mentions: dict[int, list[tuple[int, Cluster]]],
    ) -> tuple[list[Group], dict[int, list[tuple[int, Any]]]]:
        """Groups named by a plural noun phrase or a coordination ("Ali, Ben and Chen"), as
        events per sentence: (last token, group)."""
        groups: list[Group] = []
        events: dict[int, list[tuple[int, Any]]] = defaultdict(list)
        last_by_noun: dict[str, Group] = {}
        np_group: dict[int, Group] = {}
        for m in group_mentions:
            # "the children" joins the last group of children; "his friends" only an
            # earlier "his friends" ("six sisters ... her sisters" are two groups)
            grp = last_by_noun.get(m.key) if m.definite else None
            det = toks[m.start].lower
            if grp is not None and det != "the" and toks[grp.mentions[-1].start].lower != det:
                grp = None
            if grp is None:
                grp = Group(f"{m.key}-{m.start}")
                groups.append(grp)
            grp.mentions.append(m)
            last_by_noun[m.key] = grp
            np_group[m.start] = grp
            events[m.sent].append((m.end - 1, grp))
        # coordinations: person or group mentions joined only by "," and "and"
        spans: dict[int, list[tuple[int, int, Any]]] = defaultdict(list)
        for c in clusters:
            for m in c.mentions:
                spans[m.sent].append((m.start, m.end, c))
        for m in group_mentions:
            spans[m.sent].append((m.start, m.end, np_group[m.start]))
        for sent, lst in spans.items():
            lst.sort(key=lambda x: (x[0], -x[1]))
            chain: list[tuple[int, int, Any]] = []
            saw_and = False

            def close(chain: list[tuple[int, int, Any]], saw_and: bool, sent: int) -> None:
                members = list(dict.fromkeys(x[2] for x in chain))
                if saw_and and len(members) >= 2:
                    key = "+".join(  # deterministic: first mention positions, group keys
                        sorted(f"@{x.first.start}" if isinstance(x, Cluster) else x.key
                               for x in members)
                    )  # fmt: skip
                    grp = next((g for g in groups if g.key == key), None)
                    if grp is None:
                        flat = tuple(x for x in members if isinstance(x, Cluster))
                        grp = Group(key, flat)
                        groups.append(grp)
                    events[sent].append((chain[-1][1] - 1, grp))

            for start, end, ref in lst:
                if chain and start < chain[-1][1]:
                    continue  # nested ("Ravi's granddaughter")
                between = [t.lower for t in toks[chain[-1][1] : start]] if chain else []
                if chain and between and set(between) <= {",", "and"}:
                    saw_and = saw_and or "and" in between
                    chain.append((start, end, ref))
                else:
                    close(chain, saw_and, sent)
                    chain, saw_and = [(start, end, ref)], False
            close(chain, saw_and, sent)
        self._count_the_named(toks, groups, events)
        for lst in events.values():
            lst.sort(key=lambda x: x[0])
        return groups, events

    @staticmethod
    def _count_the_named(
        toks: list[Token], groups: list[Group], events: dict[int, list[tuple[int, Any]]]
    ) -> None:
        """A definite plural that counts its people ("the three friends", "the two girls")
        is the latest group of that many people named together before it ("Amara, Kofi and
        Lucía ... the three friends"): its mentions join that group, so its members are in
        its shots. Without such a group it stays a group of its own."""
        named = {
            id(g): min(pos for lst in events.values() for pos, x in lst if x is g)
            for g in groups
            if g.members
        }
        for grp in [g for g in groups if g.mentions and not g.members]:
            first = grp.mentions[0]
            words = [t.lower for t in toks[max(0, first.start - 1) : first.end]]
            if "the" not in words[:2]:
                continue
            count = COUNT_WORDS.get(words[words.index("the") + 1])
            before = [
                (named[id(g)], g)
                for g in groups
                if g.members and len(g.members) == count and named[id(g)] < first.start
            ]
            if not before:
                continue
            target = max(before, key=lambda pg: pg[0])[1]
            target.mentions.extend(grp.mentions)
            groups.remove(grp)
            for lst in events.values():
                lst[:] = [(pos, target if x is grp else x) for pos, x in lst]

    def _vote(
        self,
        toks: list[Token],
        clusters: list[Cluster],
        sent_mentions: dict[int, list[tuple[int, Cluster]]],
        pronouns: list[tuple[int, Token]],
        clause: list[int],
        sentences: list[int],
        quoted: set[int],
    ) -> None:
        """Decide each identity's pronouns once, from lexical gender and the pronouns whose
        antecedent is unambiguous (one candidate in the nearest sentence that has any, of the
        three before it: ``sentences``, the story's sorted sentence numbers)."""
        for c in clusters:
            for m in c.mentions:
                if m.gender:
                    c.votes[m.gender] += 2.0
        lexical = {id(c): dict(c.votes) for c in clusters}
        # a title or a gendered role noun settles it: "Mr. Haddad" is never the "her" of the
        # next sentences (three of them once outvoted his title, and he became a woman)
        fixed = {
            id(c): g
            for c in clusters
            for g, other in (("he", "she"), ("she", "he"))
            if lexical[id(c)][g] > 0 and lexical[id(c)][other] == 0
        }
        possessed = {m.start: c for c in clusters for m in c.mentions if m.kind == "role"}
        decided: dict[int, str] = {}
        for _round in range(2):
            # round 1 counts pronouns with one candidate; round 2 first drops candidates
            # whose gender round 1 decided the other way ("Tom gave Anna his book and she
            # thanked him": she -> Anna once Tom is known to be "he").
            for c in clusters:
                c.votes = dict(lexical[id(c)])
            claimed: dict[int, dict[int, str]] = defaultdict(dict)  # sent -> cluster -> g
            for i, t in pronouns:
                g = "he" if t.lower in MALE_PRONOUNS else "she"
                kind = self._pronoun_kind(toks, i)
                # "She called the woodpeckers, and they pecked his nose": the one person
                # "She" already took in this sentence is not also "his"
                taken = {k for k, v in claimed[t.sent].items() if v != g}
                same = [
                    c
                    for pos, c in sent_mentions.get(t.sent, [])
                    if pos < i and (i in quoted or pos not in quoted)
                ]
                if kind == "object":
                    pronoun_subject = any(
                        toks[j].lower in SUBJECT_PRONOUNS and clause[j] == clause[i]
                        for j in range(max(0, i - 8), i)
                    )
                    if _round == 0 and pronoun_subject:
                        continue  # "...and she thanked him": too ambiguous to vote on
                    # an object pronoun is not its own clause's subject ("Ravi smiled at
                    # her"), nor the sentence's subject when its clause has no other
                    # ("Mira, his granddaughter, lived with him"); a clause with a subject
                    # of its own leaves the sentence's subject free ("Lucia ran outside,
                    # Amara chased her": her = Lucia), as in pronoun resolution
                    own_subject = pronoun_subject or any(
                        pos < i and clause[pos] == clause[i]
                        for pos, _c in sent_mentions.get(t.sent, [])
                    )
                    first = sent_mentions[t.sent][0][1] if sent_mentions.get(t.sent) else None
                    same = [
                        c
                        for pos, c in sent_mentions.get(t.sent, [])
                        if pos < i and clause[pos] != clause[i] and (own_subject or c is not first)
                    ]
                elif t.lower in {"his", "her"} and i in possessed:
                    # "his granddaughter": the possessor is not the possessed
                    same = [c for c in same if c is not possessed[i]]

                def fits(c: Cluster, g: str = g, taken: set[int] = taken) -> bool:
                    return (
                        decided.get(id(c), g) in (g, "they")
                        and fixed.get(id(c), g) == g
                        and id(c) not in taken
                    )

                window = {c for c in same if fits(c)}
                for s in sentences_before(sentences, t.sent, 3):
                    if window:
                        break
                    window = {c for _pos, c in sent_mentions.get(s, []) if fits(c)}
                if len(window) > 1:
                    # several candidates: the name dictionary may tell them apart ("Sara
                    # lent Daniel her bicycle"); it never outvotes the story on its own
                    window = {c for c in window if self._prior(c) in (g, "they")}
                if len(window) == 1:
                    c = window.pop()
                    c.votes[g] += 1.0
                    claimed[t.sent].setdefault(id(c), g)
            # Decide each identity's pronouns once, for the whole story.
            for c in clusters:
                he, she, they = c.votes["he"], c.votes["she"], c.votes["they"]
                if they > max(he, she):
                    c.pronouns = c.evidence = "they"  # "Mx. Taylor"
                elif he != she:
                    c.pronouns = c.evidence = "he" if he > she else "she"
                else:
                    names = c.names()
                    c.evidence = None
                    c.pronouns = dictionary_gender(names[0].key.split()[0]) if names else "they"
                decided[id(c)] = c.pronouns

    # ---------------------------------------------------------------- identity

    @staticmethod
    def _describe(c: Cluster, key: str) -> list[str]:
        adjs = list(dict.fromkeys(a for m in c.mentions for a in m.adjectives
                                  if not a.endswith(_SAID_APART)))[:2]  # fmt: skip
        role_nouns = _role_nouns(c)
        old, young = _age(c)
        if c.pronouns == "he":
            person = "elderly man" if old else "boy" if young else "man"
        elif c.pronouns == "she":
            person = "elderly woman" if old else "girl" if young else "woman"
        else:
            person = "elderly person" if old else "child" if young else "person"
        descriptors: list[str] = []
        main_role = next((r for r in role_nouns if r not in PLAIN_PERSON_NOUNS), None)
        if main_role in ANIMAL_NOUNS:
            # a fable's crow is a crow: no "woman", no hair, no coat (drawn as a woman in a
            # sky-blue coat with dark brown hair before this)
            return [" ".join([*adjs, main_role])]
        if main_role:
            descriptors.append(" ".join([*adjs, main_role]))
            descriptors.append(person)
        else:
            descriptors.append(" ".join([*(a for a in adjs if not (old and a in AGE_OLD)), person]))
        rng = random.Random(stable_seed(key))
        hair = rng.choice(HAIR_OLD if old else HAIR)  # drawn even when stated: the same
        descriptors.append(f"{c.hair or hair} hair")  # clothes follow as before
        colour = rng.choice(CLOTH_COLOURS)
        garment = rng.choice(GARMENTS)
        if c.clothes:  # "Mia wore a cream dress"
            colour, garment = c.clothes.split(" ", 1)
        article = "an" if colour[0] in "aeiou" else "a"
        descriptors.append(f"wearing {article} {colour} {garment}")
        if c.beard:  # "an old man with a long white beard"
            descriptors.append(c.beard)
        # drawn last, so the hair and clothes above are what they were before skin was said
        if SKIN_TONES:
            skin = c.skin or rng.choice(SKIN_TONES)
            descriptors.append(f"{skin} skin")
        return descriptors

    @staticmethod
    def _identity_key(c: Cluster) -> tuple[str, str, list[str]]:
        names = c.names()
        roles = c.roles()
        if names:
            first = names[0]
            key = f"name:{first.key}"
            display = first.surface
        else:
            first_role = roles[0]
            key = f"role:{first_role.key}"
            display = first_role.surface
        aliases = [m.surface for m in c.mentions]
        aliases += [f"the {m.key}" for m in roles]
        aliases = [a for a in dict.fromkeys(aliases) if a != display]
        return key, display, aliases

    # ---------------------------------------------------------------- slot

    def _analyze(self, plan: StoryPlan) -> _Analysis:
        toks = tokenize([s.narration for s in plan.shots])
        found = self._mentions(toks)
        mentions = [m for m in found if m.kind != "group"]
        group_mentions = [m for m in found if m.kind == "group"]
        people: list[Cluster] = []
        if mentions:
            clusters = self._cluster(toks, mentions)
            linked_ids = {
                id(m) for a, b in self._links(toks, mentions) for m in (mentions[a], mentions[b])
            }
            people = [
                c
                for c in clusters
                if self._is_person(c, toks, any(id(m) in linked_ids for m in c.mentions))
            ]
            # a name listed with people is a person ("Meg, Jo, Beth and Amy")
            ends = {m.end: c for c in people for m in c.mentions}
            starts = {m.start: c for c in people for m in c.mentions}
            for c in clusters:
                if c in people:
                    continue
                for m in c.names():
                    after = m.end < len(toks) and toks[m.end].lower in {",", "and"}
                    before = m.start > 0 and toks[m.start - 1].lower in {",", "and"}
                    if (before and m.start - 1 in ends) or (after and m.end + 1 in starts):
                        people.append(c)
                        break
            people.sort(key=lambda c: c.first.start)
        quoted = _quoted(toks)  # positions inside quotation marks, for every rule below
        # '"Patience," whispered Grandpa Joe': a word that is a common noun, named only
        # inside quotation marks and never with a role or title, is a word said, not a person
        people = [
            c
            for c in people
            if c.roles()
            or any(m.title or m.title_role for m in c.mentions)
            or any(m.start not in quoted for m in c.mentions)
            or not all(m.key in common_nouns() for m in c.names())
        ]
        assigned, groups = self._resolve_pronouns(toks, people, group_mentions, quoted)
        people = _merge_kin(toks, people, assigned, groups)
        people = _merge_kin_names(people, assigned, groups)
        narrator, narrated = _narrator(toks, people, quoted)
        _ages(toks, people, assigned, narrator, narrated)
        _children(toks, people, assigned, narrator)
        _everyone(toks, people, quoted)
        _it_animals(toks, people, quoted)
        _absent(toks, people, assigned)
        # "Mia wore a cream dress", "She was wearing her dark blue coat": the first clothes
        # the story states for a person, after one of its mentions or pronouns
        after: list[tuple[int, Cluster]] = [(m.end, c) for c in people for m in c.mentions]
        after += [(i + 1, c) for i, c in assigned if toks[i].lower in {"he", "she", "they"}]
        for end, c in sorted(after, key=lambda ec: ec[0]):
            if c.clothes is None and end - 1 not in quoted:
                c.clothes = _stated_clothes(toks, end)
            if c.hair is None and end - 1 not in quoted:
                c.hair = _stated_hair(toks, end)
            if c.beard is None and end - 1 not in quoted:
                c.beard = _stated_beard(toks, end)
            if c.skin is None and end - 1 not in quoted:
                c.skin = _stated_skin(toks, end)
        for c in people:
            c.skin = c.skin or _skinned(toks, c)
            c.hair = c.hair or _haired(c)
        # A group's pronouns put its known members in those shots ("Ravi and Mira ... They"),
        # and so do its noun phrases ("Ravi and Mira ... the two friends").
        for g in groups:
            for i in g.pronouns:
                for c in g.members:
                    c.shots.add(toks[i].shot)
            for m in g.mentions:
                for c in g.members:
                    c.shots.add(m.shot)
        # Keys are unique within a story: a second "Rao" (Mrs. beside Mr.) is "name:rao#2".
        keys: dict[int, str] = {}
        used: dict[str, int] = {}
        for c in people:
            key = self._identity_key(c)[0]
            used[key] = used.get(key, 0) + 1
            keys[id(c)] = key if used[key] == 1 else f"{key}#{used[key]}"
        return _Analysis(toks, people, keys, assigned, groups)

    def mentions(self, plan: StoryPlan) -> list[ResolvedMention]:
        """Every mention this resolver links, with the entity it goes to (for evaluation).

        Offsets are characters in the shot's narration. ``entity`` is the identity key as
        this story alone makes it (the store is not consulted), or ``group:...`` for several
        people referred to together ("the children", "Ravi and Mira ... they").
        """
        a = self._analyze(plan)
        toks = a.toks

        def span(
            start: int, end: int, _text: str, kind: str, entity: str, pronouns: str = ""
        ) -> ResolvedMention:
            first, last = toks[start], toks[end - 1]
            text = plan.shots[first.shot].narration[first.start : last.end]
            return ResolvedMention(first.shot, first.start, last.end, text, kind, entity, pronouns)

        def said(c: Cluster) -> str:  # as the cast (without a store) gives it
            return self._story_pronouns(c) or c.pronouns

        out = [span(m.start, m.end, m.surface, m.kind, a.keys[id(c)], said(c)) for c in a.people
               for m in c.mentions]  # fmt: skip
        out += [span(i, i + 1, toks[i].text, "pronoun", a.keys[id(c)], said(c))
                for i, c in a.assigned]  # fmt: skip
        for g in a.groups:
            label = f"group:{g.key}"
            out += [span(m.start, m.end, m.surface, "group", label) for m in g.mentions]
            out += [span(i, i + 1, toks[i].text, "pronoun", label) for i in g.pronouns]
        return sorted(out, key=lambda r: (r.shot, r.start, r.end))

    @staticmethod
    def _story_pronouns(c: Cluster) -> str | None:
        """The pronouns this story gives evidence for (lexical, votes or resolved)."""
        if c.evidence is not None:
            return c.evidence
        he, she, they = c.assigned["he"], c.assigned["she"], c.assigned["they"]
        if they and not (he or she):
            return "they"
        if he != she:
            return "he" if he > she else "she"
        return None

    def _found(self, c: Cluster, key: str) -> StoredIdentity:
        _key, display, aliases = self._identity_key(c)
        descriptors = self._describe(c, key)
        looks = (c.hair, c.clothes, c.beard, c.skin)
        said = {k for k, v in zip(LOOK_KINDS, looks, strict=True) if v}
        return StoredIdentity(
            key=key,
            id=slugify(display.removeprefix("the ")),
            name=display,
            aliases=aliases,
            pronouns=c.pronouns,
            descriptors=descriptors,
            seed=stable_seed(key),
            evidence_pronouns=self._story_pronouns(c),
            age=age_of(descriptors[:2]),
            stated={kind: d for d in descriptors if (kind := look_kind(d)) in said},
        )

    def _resolve(self, plan: StoryPlan) -> Cast:
        a = self._analyze(plan)
        if not a.people:
            return Cast()
        found = [(c, self._found(c, a.keys[id(c)])) for c in a.people]
        ordered = sorted(found, key=lambda cf: min(cf[0].shots, default=0))
        _dress_apart(
            [f.descriptors for _c, f in ordered],
            [f.key for _c, f in ordered],
            frozenset(n for n, (c, _f) in enumerate(ordered) if c.clothes),
        )
        # Two different keys may slug to one id (e.g. "Ana" and "the ana"): make ids unique.
        seen: dict[str, int] = {}
        for _c, ident in found:
            base = ident.id
            n = seen.get(base, 0) + 1
            seen[base] = n
            if n > 1:
                ident.id = f"{base}-{n}"
        by_found = {id(f): c for c, f in found}

        def rekey(f: StoredIdentity, key: str) -> StoredIdentity:
            new = self._found(by_found[id(f)], key)
            new.id = f.id
            return new

        stored = (
            self.store.reconcile([f for _c, f in found], rekey)
            if self.store
            else [f for _c, f in found]
        )
        merged: dict[str, tuple[StoredIdentity, str, set[int]]] = {}
        for (c, _f), ident in zip(found, stored, strict=True):
            pronouns = self._story_pronouns(c) or ident.pronouns
            if ident.id in merged:  # two identities of this story matched one stored identity
                merged[ident.id][2].update(c.shots)
            else:
                merged[ident.id] = (ident, pronouns, set(c.shots))
        _conversation(plan, [shots for _i, _p, shots in merged.values()])
        characters = [
            Character(
                id=ident.id,
                name=ident.name,
                aliases=tuple(a for a in ident.aliases if a != ident.name),
                pronouns=pronouns,  # type: ignore[arg-type]
                descriptors=tuple(ident.descriptors),
                seed=ident.seed,
                shots=tuple(sorted(shots)),
            )
            for ident, pronouns, shots in merged.values()
        ]
        return Cast(characters=tuple(characters))
