"""Shot text -> scene attributes, from tagged noun phrases.

Tagging is TextBlob's English parser (``textblob.en.parser``: the Brill-style tagger from
pattern.en, MIT; its lexicon ships inside the ``textblob`` wheel, so nothing is downloaded).
Noun phrases are grouped from the part-of-speech tags here (TextBlob's own chunker merges
across pronouns and coordinations too eagerly for this use). A phrase's *head* is its last
noun; only heads are places or objects, so "sea level" names no sea and "the lighthouse
keeper" names no lighthouse. What a head is comes from the packaged lists in
:mod:`ttv_scene.lexicon`.

Per shot the analysis returns the place the shot moves to or happens in (with the
preposition that put it there), the time of day, the weather, indoor/outdoor evidence and the
concrete objects named. Carrying values from shot to shot is the builder's job.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

from ttv_contracts.v1.models import slugify

from .lexicon import (
    BUILDINGS,
    BUSY,
    COLLECTIVES,
    CROWDS,
    DAY_NOT_AFTER,
    INDOOR_PLACES,
    INSIDE_PREPOSITIONS,
    IRREGULAR_PLURALS,
    KNOWN_OFTEN,
    LOCATIVE_PREPOSITIONS,
    MEASURES,
    MODALS,
    MOTION_PREPOSITIONS,
    MOTION_VERBS,
    NEGATIONS,
    OBJECTS,
    PEOPLE_VERBS,
    PLACE_PARTS,
    REPRESENTATIONS,
    SKY_WORDS,
    SUN_RISING,
    SUN_SETTING,
    SUN_SHINING,
    TIME_EXPLICIT,
    TIME_WEAK,
    VEHICLES,
    WEATHER_ENDED,
    WEATHER_WORDS,
)
from .words import PLACES

_LOCK = threading.Lock()
_PARSER: Any = None
_QUOTES = {'"', "“", "”", "``", "''", "«", "»"}
_DETERMINERS = {"DT", "PRP$", "WP$", "PDT"}
_NP_TAGS = ("NN", "JJ", "CD")
_WEATHER_RANK = ("storm", "snow", "rain", "fog", "cloudy", "wind", "clear")
# Adverbs of time the tagger calls nouns: they end a phrase ("your window today": a window)
_TIME_ADVERBS = frozenset({"today", "tonight", "yesterday", "tomorrow"})
# "the sea was calm", "a calm night": weather; "calm again, the friends agreed": not
_COPULAS = frozenset({"was", "is", "were", "are", "became", "grew", "stayed", "turned", "seemed"})
_PEOPLE_PRONOUNS = frozenset({"he", "she", "they", "i", "we", "you", "everyone", "everybody"})


def _parser() -> Any:
    """TextBlob's English parser, imported on first use (import costs about a second)."""
    global _PARSER
    if _PARSER is None:
        with _LOCK:
            if _PARSER is None:
                from textblob.en import parser

                _PARSER = parser
    return _PARSER


def tag(text: str, sentences: bool = True) -> list[list[tuple[str, str]]]:
    """Sentences of (word, Penn tag) pairs; ``sentences=False`` for a bare phrase."""
    parser = _parser()
    with _LOCK:  # the lexicon loads lazily on first use; keep that single-threaded
        tagged = parser.parse(
            text, tokenize=True, tags=True, chunks=False, relations=False, lemmata=False
        )
    return [
        _retag([(tok[0], tok[1]) for tok in sentence], sentences) for sentence in tagged.split()
    ]


def _known_noun(word: str) -> bool:
    w = lemma(word)
    return w in OBJECTS or w in PLACES or w in PLACE_PARTS or w in REPRESENTATIONS


def _retag(toks: list[tuple[str, str]], sentence: bool = True) -> list[tuple[str, str]]:
    """Fix the tagger's commonest slips on the nouns this analysis cares about.

    * A known noun after a determiner, adjective or noun is a noun, whatever the tagger said
      ("a hedge/VB", "their thick stems/VBZ", "a watering can/MD", "the tool shed/VB").
    * A known noun tagged as an adjective that ends its phrase is a noun ("the top/JJ of").
    * A sentence with no verb at all: the tagger read its verb as a noun ("Lava flows down
      the mountain", "A thermometer measures ..."); the noun after the first noun is the verb.
    """
    out = list(toks)
    n = len(out)
    for i, (w, t) in enumerate(out):
        prev = out[i - 1][1] if i else ""
        nxt = out[i + 1][1] if i + 1 < n else ""
        if not _known_noun(w) or t.startswith("NN"):
            continue
        after_modifier = t.startswith(("VB", "MD", "RB")) and (
            prev in _DETERMINERS or prev.startswith("JJ") or prev == "VBG"
        )
        after_noun = (
            t in ("VB", "VBP") or (t == "VBZ" and not w.lower().endswith("s"))
        ) and prev.startswith("NN")
        after_preposition = t == "VBZ" and prev == "IN"
        phrase_end = t.startswith("JJ") and not nxt.startswith(("NN", "JJ"))
        if after_modifier or after_noun or after_preposition or phrase_end:
            out[i] = (w, "NNS" if w.lower().endswith("s") else "NN")
    if sentence and not any(t.startswith(("VB", "MD")) for _, t in out):
        for i in range(n - 1):
            if out[i][1].startswith("NN") and out[i + 1][1].startswith("NN"):
                out[i + 1] = (out[i + 1][0], "VBZ")
                break
    return out


def lemma(word: str, known: frozenset[str] | dict[str, str] | None = None) -> str:
    """Singular form of a noun, chosen among candidate forms the word lists know."""
    w = word.lower().rsplit("-", 1)[-1]
    if w in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[w]
    pools = (OBJECTS, PLACES) if known is None else (known,)
    if any(w in pool for pool in pools):
        return w
    cands: list[str] = []
    if w.endswith("men"):
        return w[:-3] + "man"  # fishermen, snowmen
    if w.endswith("ves"):
        cands += [w[:-3] + "f", w[:-3] + "fe"]
    if w.endswith("ies"):
        cands.append(w[:-3] + "y")
    if w.endswith("es"):
        cands.append(w[:-2])
    if w.endswith("s") and not w.endswith("ss"):
        cands.append(w[:-1])
    for c in cands:
        if any(c in pool for pool in pools):
            return c
    return cands[-1] if cands else w


@dataclass
class Phrase:
    """A noun phrase: tokens [start, end) of a sentence, head at ``head``."""

    sentence: int
    start: int
    end: int
    head: int
    lemma: str
    words: list[str]
    prep: str | None = None  # the preposition before it ("in", "to"), if any
    after_verb: str | None = None  # the verb right before it, if any
    subject: bool = False  # directly followed by a verb
    skipped: bool = False  # inside quotes or "a picture of ..."
    attached: bool = False  # "the room at the top of the lighthouse": modifies the phrase before
    before_verb: bool = False  # directly followed by a verb, whatever came before it
    proper: bool = False  # the head is written capitalised ("River", "the Eagle")
    verb: str | None = None  # the verb before its preposition ("born" in "born in Warsaw")
    text: str = ""  # the phrase as written, without its determiner ("New York")

    @property
    def name(self) -> str:
        """The phrase without its determiner, at most two modifiers and the head."""
        return " ".join([*self.words[-3:-1], self.lemma])


#: Vehicles one rides inside: "on the bus" is inside it (a boat's deck is not).
BOARDED = frozenset({"bus", "train", "carriage", "spaceship", "spacecraft"})
BOARDING_PREPOSITIONS = frozenset({"in", "inside", "into", "within", "on", "onto", "aboard"})


@dataclass
class Place:
    key: str
    name: str
    prep: str | None  # preposition that placed it; None for a subject or "home"
    role: str  # "motion", "locative", "subject", "setting"

    @property
    def indoor_outdoor(self) -> str:
        if self.key == "home":
            return "indoor" if self.prep in {"at", *INSIDE_PREPOSITIONS} else "outdoor"
        if self.key in INDOOR_PLACES:
            return "indoor"
        if self.key in BOARDED or (self.key == "station" and "space" in self.name.split()):
            # "on the bus", "aboard the space station": where passengers and crews are
            return "indoor" if self.prep in BOARDING_PREPOSITIONS else "outdoor"
        if self.key in BUILDINGS:
            return "indoor" if self.prep in INSIDE_PREPOSITIONS else "outdoor"
        return "outdoor"


@dataclass
class ShotAnalysis:
    place: Place | None = None
    time: str | None = None
    weather: str | None = None
    indoor_outdoor: str | None = None  # explicit "inside"/"outside" or the place's side
    explicit_io: str | None = None  # only an explicit "inside"/"outside"/"indoors"/"outdoors"
    sky: bool = False  # sky or weather named (outdoor when nothing says indoor)
    objects: list[str] = field(default_factory=list)
    season: str | None = None  # the first season named ("a winter morning": winter)
    season_shift: bool = False  # ...as one the story moves on to ("In winter, ...")
    dark: bool = False  # the time is night only because the text says "in the dark"


#: Season words. "fall" is left out (a verb far more often than a season), and "spring" counts
#: only where it reads as a time ("in spring", "a spring morning"), not water or a coil.
SEASON_WORDS = {
    "winter": "winter",
    "winters": "winter",
    "wintry": "winter",
    "wintertime": "winter",
    "midwinter": "winter",
    "summer": "summer",
    "summers": "summer",
    "summertime": "summer",
    "midsummer": "summer",
    "autumn": "autumn",
    "autumns": "autumn",
    "autumnal": "autumn",
    "springtime": "spring",
}
#: Things whose name is also a colour, and the verbs after which it is the colour ("the
#: leaves turn orange", "the sky was peach")
COLOUR_THINGS = frozenset({"orange", "lime", "peach", "plum", "cherry", "lemon", "olive",
                           "chocolate", "cream", "gold", "silver", "coral", "rose"})  # fmt: skip
LINKING_VERBS = frozenset({"turn", "turns", "turned", "turning", "is", "are", "was", "were",
                           "become", "becomes", "became", "look", "looks", "looked", "grow",
                           "grows", "grew", "go", "goes", "went", "glow", "glows", "glowed"})  # fmt: skip
_SPRING_BEFORE = {"in", "this", "that", "last", "next", "early", "late", "every", "one"}
_SEASON_AFTER = {"morning", "day", "days", "afternoon", "evening", "night", "break", "holidays"}
#: "Then spring comes again", "when spring arrived": spring as the subject of a season's verb,
#: unless an article or a possessive makes it a thing ("the spring is broken", "a spring is")
_SPRING_VERBS = {"comes", "came", "arrives", "arrived", "returns", "returned", "brings",
                 "brought", "is", "was"}  # fmt: skip
_THING_BEFORE = {"a", "an", "the", "its", "his", "her", "their", "my", "our", "your", "hot",
                 "water", "mountain", "box", "metal", "coiled", "bed"}  # fmt: skip


#: "In winter", "by autumn", "when spring came": the story moves on to a season (rather than
#: saying which season it already is: "that winter", "a summer morning", "it was summer")
_SHIFT_BEFORE = {"in", "by", "when", "until", "till", "then"}
_SHIFT_AFTER = {"came", "comes", "arrived", "arrives", "returned", "returns"}


def _season_at(words: list[str], skip: list[bool]) -> tuple[str, int] | None:
    """The first season the words name, and where."""
    for i, w in enumerate(words):
        if skip[i]:
            continue
        if w in SEASON_WORDS:
            return SEASON_WORDS[w], i
        if w == "spring":
            prev = words[i - 1] if i else ""
            nxt = words[i + 1] if i + 1 < len(words) else ""
            if prev in _SPRING_BEFORE or nxt in _SEASON_AFTER:
                return "spring", i
            if nxt in _SPRING_VERBS and prev not in _THING_BEFORE:
                return "spring", i
    return None


def _season_shift(words: list[str], i: int) -> bool:
    """Whether the season named at ``words[i]`` is one the story moves on to."""
    prev = [w for w in words[max(0, i - 2) : i] if w != "the"]
    nxt = words[i + 1] if i + 1 < len(words) else ""
    return (bool(prev) and prev[-1] in _SHIFT_BEFORE) or nxt in _SHIFT_AFTER


def _phrases(sentences: list[list[tuple[str, str]]]) -> tuple[list[Phrase], list[list[bool]]]:
    """Noun phrases of every sentence, and a skip mask per token (quotes, depictions)."""
    out: list[Phrase] = []
    masks: list[list[bool]] = []
    open_quote = False  # the sentence before ended inside a quotation
    for si, toks in enumerate(sentences):
        words = [w for w, _ in toks]
        lower = [w.lower() for w in words]
        tags = [t for _, t in toks]
        n = len(toks)
        skip = [False] * n
        inside = False
        for i, w in enumerate(words):
            if w in _QUOTES and i == 0 and open_quote:
                # '"Look!" shouted Arjun at dawn': the splitter ends the sentence at "!",
                # and the closing quote starts the next one; it closes, it does not open
                # (it masked "shouted Arjun at dawn", and the shot stayed at night)
                skip[i] = True
            elif w in _QUOTES:
                inside = not inside
                skip[i] = True
            elif inside:
                skip[i] = True
        open_quote = inside
        i = 0
        phrases: list[Phrase] = []
        while i < n:
            t = tags[i]
            starts = t in _DETERMINERS or t.startswith(_NP_TAGS)
            if not starts or lower[i] in _QUOTES:
                i += 1
                continue
            j = i
            if tags[j] in _DETERMINERS:
                j += 1
            k = j
            while k < n:
                tk = tags[k]
                if lower[k] == "home" and k > j:
                    break  # "followed the pebbles home": an adverb
                if lower[k] in _TIME_ADVERBS and k > j:
                    break  # "the rain on your window today": the head is "window"
                if tk.startswith("NN") and not any(c.isalnum() for c in words[k]):
                    break  # "70–90 % → steam": symbols are not words of a phrase
                if tk.startswith(_NP_TAGS):
                    k += 1
                elif (
                    tk in ("VBG", "VBN")
                    and k + 1 < n
                    and tags[k + 1].startswith(("NN", "JJ"))
                    and (k == j or tags[k - 1].startswith("JJ") or tags[k - 1] in _DETERMINERS)
                ):
                    k += 1  # "the shining pebbles", "hot melted rock"
                elif tk == "POS" and k > j:
                    # possessor: "the ocean's surface" -> the phrase restarts after "'s"
                    k += 1
                    if k < n and lower[k] == "s":
                        k += 1
                    j = k
                else:
                    break
            nouns = [m for m in range(j, k) if tags[m].startswith("NN")]
            if nouns:
                head = nouns[-1]
                end = head + 1
                mods = [lower[m] for m in range(j, end) if not tags[m].startswith("CD")]
                p = i - 1
                prep = None
                if p >= 0 and (
                    tags[p] in ("IN", "TO")
                    or (
                        tags[p] in ("RB", "RP")
                        and lower[p] in LOCATIVE_PREPOSITIONS | MOTION_PREPOSITIONS
                    )
                ):
                    prep = lower[p]
                after_verb = lower[p] if p >= 0 and tags[p].startswith("VB") else None
                subject = k < n and (tags[k].startswith(("VB", "MD")))
                v = k
                while v < n and tags[v] == "RB":
                    v += 1  # "the room ... still glowed"
                phrases.append(
                    Phrase(
                        si,
                        i,
                        end,
                        head,
                        lemma(words[head]),
                        mods,
                        prep=prep,
                        after_verb=after_verb,
                        subject=subject and prep is None,
                        before_verb=v < n and tags[v].startswith(("VB", "MD")),
                        skipped=skip[head],
                        proper=words[head][:1].isupper(),
                        verb=lower[p - 1]
                        if prep and p > 0 and tags[p - 1].startswith("VB")
                        else None,
                        text=" ".join(words[j:end]),
                    )
                )
            i = max(k, i + 1)
        # "the lamp room at the top of the lighthouse": a phrase that follows another with only
        # a locative preposition (or "of") between them modifies it; the first head decides
        for a, b in itertools.pairwise(phrases):
            if (
                b.start == a.end + 1
                and b.prep is not None
                and (b.prep == "of" or b.prep in LOCATIVE_PREPOSITIONS)
                and b.prep not in MOTION_PREPOSITIONS
            ):
                b.attached = True
        # "a picture of a sunny beach": nothing after "of" belongs to the shot
        for a, b in itertools.pairwise(phrases):
            if a.lemma in REPRESENTATIONS and b.prep == "of" and b.start == a.end + 1:
                for m in range(b.start, b.end):
                    skip[m] = True
                b.skipped = True
        # "It showed the town as it was a hundred years ago", "The map shows a river": what
        # a picture, a map or "it" shows is not where the shot is
        for v in range(1, n):
            if lower[v] not in DEPICTION_VERBS or skip[v]:
                continue
            subject = next(
                (ph for ph in reversed(phrases) if ph.end <= v and ph.sentence == si), None
            )
            by_it = lower[v - 1] in {"it", "this", "that"} and (v == 1 or tags[v - 2] != "IN")
            if by_it or (subject is not None and subject.end == v and
                         subject.lemma in REPRESENTATIONS):  # fmt: skip
                for m in range(v + 1, n):
                    skip[m] = True
                break
        for ph in phrases:
            ph.skipped = ph.skipped or skip[ph.head]
        out += phrases
        masks.append(skip)
    return out, masks


#: Verbs after which a picture's or a map's contents follow (see :func:`_phrases`).
DEPICTION_VERBS = frozenset({"showed", "shows", "show", "shown", "depicted", "depicts",
                             "pictured", "pictures", "illustrated", "illustrates"})  # fmt: skip


#: Verbs after which "in/to/from/at" + a capitalised name is a place ("born in Warsaw").
NAMED_PLACE_VERBS = frozenset(
    """born lived live lives living grew moved move moves went go goes travelled traveled
    travel flew fly sailed returned arrived arrive arrives settled worked studied stayed
    died""".split()  # noqa: SIM905
)
_NAMED_PLACE_PREPS = frozenset({"in", "to", "from", "at"})
#: Prepositions that make the capitalised Earth a place to be ("on Earth", "back to Earth")
EARTH_PREPS = frozenset({"on", "to", "onto"})


def _place_of(phrases: list[Phrase]) -> Place | None:
    motion: list[Place] = []
    locative: list[Place] = []
    subject: list[Place] = []
    prev: Phrase | None = None
    # "the lamp room at the top of the lighthouse": phrases attached to an indoor place (a
    # room, a kitchen) modify it and name no place: the shot is in the room. Attached to a
    # building or an outdoor place they name its surroundings, which are the backdrop ("the
    # lighthouse on the cliff" is drawn as the cliff). A chain that ends before a verb makes
    # the room the subject ("the lamp room at the top of the lighthouse was dark").
    modifier: set[int] = set()
    chain_subject: set[int] = set()
    root: int | None = None
    for n, ph in enumerate(phrases):
        if ph.attached and root is not None and phrases[root].sentence == ph.sentence:
            modifier.add(n)
            if ph.before_verb and phrases[root].prep is None:
                chain_subject.add(root)
            continue
        # a root is where the shot is ("in the room", "the room ... was"), not a verb's object
        # ("pitched their tent beside the lake": the lake is the place)
        root = (
            n
            if ph.lemma in INDOOR_PLACES
            and ph.lemma not in VEHICLES
            and not ph.skipped
            and ph.after_verb is None
            else None
        )
    for n, ph in enumerate(phrases):
        key, name, prep = ph.lemma, ph.name, ph.prep
        if ph.skipped or n in modifier:
            prev = ph
            continue
        if key in PLACE_PARTS and len(ph.words) >= 2 and lemma(ph.words[-2]) in PLACES:
            key = lemma(ph.words[-2])  # "the barn roof"
            name = " ".join([*ph.words[-3:-2], key])
        elif ph.proper and key == "earth" and prep in EARTH_PREPS:
            # "Back on Earth, millions watched": the planet is a place like the word lists'
            # (the Moon's setting was carried onto the crowd at home)
            name = "Earth"
        elif key not in PLACES:
            if ph.proper and prep in _NAMED_PLACE_PREPS and ph.verb in NAMED_PLACE_VERBS:
                # "born in Warsaw", "moved to Paris": a named place the word lists do not
                # know; it names the shot (drawn as the default landscape)
                locative.append(Place(slugify(ph.text), ph.text, prep, "locative"))
            prev = ph
            continue
        if key in PLACES_BY_PREPOSITION and prep not in PLACES_BY_PREPOSITION[key]:
            prev = ph  # "the moon does not make its own light": no place to stand on
            continue
        if prep == "of":
            # "the edge of the forest": the place takes the role of the part before "of"
            if prev is None or prev.lemma not in PLACE_PARTS or prev.end + 1 != ph.start:
                prev = ph
                continue
            prep = prev.prep
        place = Place(key, name, prep, "")
        if prep in MOTION_PREPOSITIONS or ph.after_verb in MOTION_VERBS:
            place.role = "motion"
            motion.append(place)
        elif prep in LOCATIVE_PREPOSITIONS:
            place.role = "locative"
            locative.append(place)
        elif (ph.subject or n in chain_subject) and prep is None and key not in VEHICLES:
            place.role = "subject"
            subject.append(place)
        prev = ph
    if motion:
        return motion[-1]
    if locative:
        return locative[0]
    return subject[0] if subject else None


def _home(sentences: list[list[tuple[str, str]]], masks: list[list[bool]]) -> Place | None:
    """ "went home", "at home": "home" without a determiner is a place."""
    for si, toks in enumerate(sentences):
        for i, (w, _) in enumerate(toks):
            if w.lower() != "home" or masks[si][i]:
                continue
            before = toks[i - 1] if i else ("", "")
            if before[1] in _DETERMINERS or before[1].startswith("JJ"):
                continue  # "the home", "old home": a phrase, handled there
            if before[0].lower() == "at":
                return Place("home", "home", "at", "locative")
            return Place("home", "home", None, "motion")
    return None


#: What :func:`_time` returns for "in the dark" / "it was dark" (night outside a dark place).
DARK = "dark"
#: Words before "the moon" that make it a place to be, not a light in the sky.
MOON_AS_PLACE = frozenset({"on", "to", "onto", "around", "orbiting", "orbit", "reach", "reached"})
#: Places only after these prepositions ("landed on the Moon", "stayed in orbit"); as a
#: subject or an object they are a thing in the sky ("the moon rose") or an idea.
PLACES_BY_PREPOSITION = {"moon": MOON_AS_PLACE, "orbit": frozenset({"in", "into"})}


def _time(words: list[str], tags: list[str], skip: list[bool]) -> str | None:
    weak: str | None = None
    n = len(words)
    for i, w in enumerate(words):
        if skip[i]:
            continue
        prev = words[i - 1] if i > 0 else ""
        prev2 = words[i - 2] if i > 1 else ""
        if w in ("dawn", "sunrise", "daybreak") and (
            prev in ("before", "till", "until") or prev2 in ("before", "till", "until")
        ):
            return "night"
        if w in ("sunset", "dusk", "nightfall") and (prev == "after" or prev2 == "after"):
            return "night"
        if w == "morning":
            return "dawn" if prev == "early" else "day"
        if w == "day":
            if prev in ("during", "by", "all") or (prev == "the" and prev2 in ("during", "in")):
                return "day"
            if i > 0 and tags[i - 1].startswith(("JJ", "NN")) and prev not in DAY_NOT_AFTER:
                return "day"
            continue
        if w == "dark" and (
            (prev == "the" and prev2 == "in")
            or (prev in {"was", "grew", "got", "became", "is", "getting"} and prev2 == "it")
        ):
            return DARK  # night, unless the place is dark by day (a cave): the builder decides
        if w == "moon" and prev == "the" and prev2 in MOON_AS_PLACE:
            continue  # "landed on the Moon": where they are, not a moon in a night sky
        if w in TIME_EXPLICIT:
            return TIME_EXPLICIT[w]
        if w == "sun":
            ahead = words[i + 1 : min(n, i + 4)]
            if any(a in SUN_RISING for a in ahead) or "came up" in " ".join(ahead):
                return "dawn"
            if any(a in SUN_SETTING for a in ahead) or "went down" in " ".join(ahead):
                return "dusk"
        if weak is None and w in TIME_WEAK and tags[i].startswith(("NN", "JJ")):
            weak = TIME_WEAK[w]
    return weak


def _weather(words: list[str], tags: list[str], skip: list[bool]) -> tuple[set[str], set[int]]:
    """Weather categories named, and indexes of weather nouns that are over or negated."""
    cats: set[str] = set()
    gone: set[int] = set()
    n = len(words)
    for i, w in enumerate(words):
        if skip[i]:
            continue
        prev = words[i - 1] if i > 0 else ""
        before = words[max(0, i - 3) : i]
        if w == "clear" and i + 1 < n and words[i + 1] in {"sky", "skies", "night", "day", "blue"}:
            cats.add("clear")
            continue
        if w == "sun":
            if any(a in SUN_SHINING for a in words[i + 1 : i + 4]):
                cats.add("clear")
            continue
        cat = WEATHER_WORDS.get(w)
        if cat is None:
            continue
        if w == "calm" and not _calm_weather(words, tags, i):
            continue
        if any(b in MODALS for b in before[-2:]) or "forecast" in words:
            gone.add(i)
            continue
        if cat == "cloudy" and i + 1 < n and words[i + 1] == "of":
            gone.add(i)
            continue  # "a cloud of dust"
        if prev == "of" and i > 1 and words[i - 2] in MEASURES:
            gone.add(i)
            continue  # "250 millimetres of rain"
        if any(b in NEGATIONS for b in before[-2:]) or prev == "stopped":
            cats.add("clear")
            gone.add(i)
            continue
        ahead = words[i + 1 : i + 5]
        ended = any(a in WEATHER_ENDED for a in ahead) or any(
            a == "over" and b in {"was", "is", "were", "been"} for b, a in itertools.pairwise(ahead)
        )
        if cat != "clear" and ended and tags[i].startswith("NN"):
            cats.add("clear")
            gone.add(i)
            continue
        cats.add(cat)
    return cats, gone


def _calm_weather(words: list[str], tags: list[str], i: int) -> bool:
    """ "a calm sea", "the night was calm": weather; "calm again, the friends...": a mood."""
    if i + 1 < len(words) and tags[i + 1].startswith("NN"):
        return True
    if i >= 2 and words[i - 1] in _COPULAS:
        return words[i - 2] not in _PEOPLE_PRONOUNS and not tags[i - 2].startswith("NNP")
    if i >= 3 and words[i - 1] == "again" and words[i - 2] in _COPULAS:
        return words[i - 3] not in _PEOPLE_PRONOUNS and not tags[i - 3].startswith("NNP")
    return False


def weather_of(cats: set[str]) -> str | None:
    """One weather value from the categories a shot names (rain and wind make a storm)."""
    if "rain" in cats and "wind" in cats:
        return "storm"
    for cat in _WEATHER_RANK:
        if cat in cats:
            return cat
    return None


def analyze(
    text: str, people: frozenset[str] | set[str] = frozenset(), phrase: bool = False
) -> ShotAnalysis:
    """Place, time, weather, indoor/outdoor evidence and objects of one shot's text.

    ``phrase=True`` for a scene setting ("the island harbour at sunrise"): a noun phrase, not
    a sentence, so no noun is re-read as its missing verb.
    """
    result = ShotAnalysis()
    if not text or not text.strip():
        return result
    sentences = tag(text, sentences=not phrase)
    phrases, masks = _phrases(sentences)
    # "One day River was not there": a character's name that is also a place noun is the
    # character (it was read as a place, "day river")
    result.place = _place_of(
        [ph for ph in phrases if not (ph.proper and ph.lemma in people)] if people else phrases
    )
    home = _home(sentences, masks)
    if home is not None and (result.place is None or result.place.role != "motion"):
        result.place = home
    gone_all: set[tuple[int, int]] = set()
    cats: set[str] = set()
    explicit_io: str | None = None
    # "inside the leaf", "inside the box": inside a thing that is no place (no building, no
    # room) says nothing of walls and a roof; "inside the cottage" and "ran inside" do
    # ...and "the peaks outside the window" are seen from inside
    within_thing = {
        (ph.sentence, ph.start - 1)
        for ph in phrases
        if not ph.skipped
        and (
            (ph.prep in {"inside", "within"} and ph.lemma not in PLACES)
            or (ph.prep == "outside" and ph.lemma in {"window", "windowpane"})
        )
    }
    for si, toks in enumerate(sentences):
        words = [w.lower() for w, _ in toks]
        tags = [t for _, t in toks]
        if result.time is None:
            result.time = _time(words, tags, masks[si])
            if result.time == DARK:
                result.time, result.dark = "night", True
        if result.season is None:
            found = _season_at(words, masks[si])
            if found is not None:
                result.season, result.season_shift = found[0], _season_shift(words, found[1])
        c, gone = _weather(words, tags, masks[si])
        cats |= c
        gone_all |= {(si, g) for g in gone}
        for i, w in enumerate(words):
            if masks[si][i]:
                continue
            prev = words[i - 1] if i else ""
            if w in SKY_WORDS and i not in gone and tags[i].startswith(("NN", "JJ", "VB")):
                result.sky = True
            if explicit_io is None and prev not in {"the", "a", "its", "their", "his", "her"}:
                if w in {"inside", "indoors"} and (si, i) not in within_thing:
                    explicit_io = "indoor"
                elif w in {"outside", "outdoors"} and (si, i) not in within_thing:
                    explicit_io = "outdoor"
    result.weather = weather_of(cats)
    result.explicit_io = explicit_io
    if explicit_io is not None:
        result.indoor_outdoor = explicit_io
    elif result.place is not None:
        result.indoor_outdoor = result.place.indoor_outdoor
    place_key = result.place.key if result.place else None
    for ph in phrases:
        if ph.skipped or (ph.sentence, ph.head) in gone_all:
            continue
        w = ph.lemma
        toks = sentences[ph.sentence]
        crowd = _crowd(ph, toks) or _busy(ph, toks)
        if crowd is not None:
            if crowd not in result.objects:
                result.objects.append(crowd)
            continue
        if w in PLACES and w not in OBJECTS and w != place_key and _acting_place(ph):
            # "Rivers carry the water back to the sea": the shot is at the sea, and the
            # rivers it is about are in it (they were in no field: a place noun that is not
            # the shot's place was dropped)
            if w not in people and w not in result.objects:
                result.objects.append(w)
            continue
        if w not in OBJECTS or w == place_key or w in people or w.rstrip("s") in people:
            continue
        if w in WEATHER_WORDS and ph.head == ph.start and ph.prep == "to":
            continue  # "began to rain": a verb the tagger called a noun
        if ph.start > 0 and toks[ph.start - 1][1] == "MD":
            continue  # "it would rain"
        if any(t[0].lower() == "o" for t in toks[max(0, ph.head - 2) : ph.head]):
            continue  # "nine o'clock"
        if w == "spring" and result.season == "spring":
            continue  # "In spring, ...": the season, not water or a coil
        if w in COLOUR_THINGS and ph.head == ph.start and ph.start > 0:
            said = toks[ph.head][0].lower()
            if said == w and toks[ph.start - 1][0].lower() in LINKING_VERBS:
                continue  # "the leaves turn orange": a colour, not the fruit ("grew roses")
        if w not in result.objects:
            result.objects.append(w)
    return result


def _acting_place(ph: Phrase) -> bool:
    """An outdoor place noun that a sentence is about, as its subject without a preposition
    ("Rivers carry the water", "The mountains rose above the town"): a thing in the shot."""
    return ph.subject and ph.prep is None and ph.lemma not in INDOOR_PLACES


def _crowd(ph: Phrase, toks: list[tuple[str, str]]) -> str | None:
    """The crowd word (:data:`CROWDS`) of an unnamed group of people: a plural head noun
    ("the children", "Villagers"), "crowd" or "audience", not capitalised inside a sentence,
    that no names follow ("Two girls, Ama and Sofia" are the named ones); or a collective
    noun doing what people do ("the whole school gathered": :data:`COLLECTIVES`)."""
    if ph.proper and ph.head > 0:
        return None
    after = toks[ph.end][0].lower() if ph.end < len(toks) else ""
    if ph.lemma in COLLECTIVES and ph.head == ph.end - 1 and after in PEOPLE_VERBS:
        return COLLECTIVES[ph.lemma]
    if ph.lemma not in CROWDS:
        return None
    plural = toks[ph.head][1] == "NNS" or (ph.head == 0 and toks[0][1] == "NNPS")  # "Boys and"
    if ph.lemma not in {"crowd", "audience"} and not plural:
        return None
    if ph.lemma in KNOWN_OFTEN:
        first = toks[ph.start]
        owned = first[1] == "PRP$" or any(t[1] == "POS" for t in toks[ph.start : ph.head])
        if owned or first[0].lower() in {"the", "these", "those"}:
            return None  # "her parents", "the two boys": people the story has
    nxt = toks[ph.end : ph.end + 2]
    if nxt and (nxt[0][1] == "NNP" or (nxt[0][0] == "," and len(nxt) > 1 and nxt[1][1] == "NNP")):
        return None
    return CROWDS[ph.lemma]


def _busy(ph: Phrase, toks: list[tuple[str, str]]) -> str | None:
    """ "people" for a place the text calls full of them: "the busy market", "the crowded
    street", "The stadium was full" (:data:`BUSY`)."""
    if ph.lemma not in PLACES:
        return None
    said = toks[ph.end : ph.end + 2]
    full = len(said) == 2 and said[0][0].lower() in {"was", "is", "were"}
    if set(ph.words[:-1]) & BUSY or (full and said[1][0].lower() in BUSY):
        return "people"
    return None


def place_in_setting(setting: str) -> Place | None:
    """The place an explicit scene setting names: its first phrase headed by a place noun."""
    sentences = tag(setting, sentences=False)
    phrases, _ = _phrases(sentences)
    for ph in phrases:
        if ph.lemma in PLACES and not ph.skipped:
            return Place(ph.lemma, ph.name, ph.prep, "setting")
        if (
            ph.lemma in PLACE_PARTS
            and len(ph.words) >= 2
            and lemma(ph.words[-2]) in PLACES
            and not ph.skipped
        ):
            return Place(lemma(ph.words[-2]), " ".join(ph.words[-3:-1]), ph.prep, "setting")
    return _home(sentences, [[False] * len(s) for s in sentences])
