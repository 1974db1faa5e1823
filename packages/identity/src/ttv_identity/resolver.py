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
4. *Pronouns* are then resolved to the nearest earlier identity of matching gender, which
   adds the pronoun's shot to that identity.
5. *Look and seed*: descriptors from the story (role, age) plus hair and clothing drawn from
   a generator seeded by the identity's key; the seed is a hash of the key, so the same
   character gets the same seed in every run and lesson. With ``store_dir`` the identity is
   stored, and a later lesson reuses its id, seed and descriptors.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ttv_contracts.errors import E_CONFIG_INVALID, TTVError
from ttv_contracts.v1 import Cast, Character, IdentityResolver, ModuleInfo, Needs, StoryPlan
from ttv_contracts.v1.models import slugify

from .errors import E_IDENTITY_OPTION, PACKAGE
from .store import IdentityStore, StoredIdentity
from .text import (
    AGE_OLD,
    AGE_YOUNG,
    APPOSITION_VERBS,
    CALENDAR_WORDS,
    CHILD_ROLES,
    CLOSED_CLASS,
    DETERMINERS,
    FEMALE_PRONOUNS,
    INDEFINITE,
    LOCATIVE,
    MALE_PRONOUNS,
    OBJECT_PRONOUNS,
    OLD_ROLES,
    PERSON_VERBS,
    PLAIN_PERSON_NOUNS,
    POSSESSIVE,
    REFLEXIVE_PRONOUNS,
    ROLE_NOUNS,
    SUBJECT_PRONOUNS,
    TITLE_ROLES,
    TITLES,
    Token,
    tokenize,
)

VERSION = "0.1.0"
OPTIONS = {"store_dir", "lock_timeout_s"}
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


@dataclass(eq=False)
class Cluster:
    mentions: list[Mention] = field(default_factory=list)
    shots: set[int] = field(default_factory=set)
    votes: dict[str, float] = field(default_factory=lambda: {"he": 0.0, "she": 0.0})
    pronouns: str = "they"

    @property
    def first(self) -> Mention:
        return self.mentions[0]

    def names(self) -> list[Mention]:
        return [m for m in self.mentions if m.kind == "name"]

    def roles(self) -> list[Mention]:
        return [m for m in self.mentions if m.kind == "role"]


@dataclass(frozen=True)
class ResolvedMention:
    """One linked mention: where it is and which entity it refers to."""

    shot: int
    start: int  # character offsets in the shot's narration
    end: int
    text: str
    kind: str  # "name" | "role" | "pronoun"
    entity: str


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

    def __init__(self, **options: Any) -> None:
        unknown = sorted(set(options) - OPTIONS)
        if unknown:
            raise TTVError(
                E_CONFIG_INVALID,
                f"unknown identity option(s) {unknown}; known: {sorted(OPTIONS)}",
                module=PACKAGE,
            )
        super().__init__(**options)
        store_dir = options.get("store_dir")
        try:
            timeout = float(options.get("lock_timeout_s", 30.0))
        except (TypeError, ValueError) as exc:
            raise TTVError(E_IDENTITY_OPTION, f"lock_timeout_s must be a number: {exc}") from exc
        if timeout <= 0:
            raise TTVError(E_IDENTITY_OPTION, "lock_timeout_s must be > 0")
        self.store = IdentityStore(store_dir, timeout) if store_dir else None

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
        out: list[Mention] = []
        i, n = 0, len(toks)

        def name_word(t: Token) -> bool:
            if not t.is_cap or t.lower in CLOSED_CLASS or t.lower in CALENDAR_WORDS:
                return False
            if t.lower in lower_vocab:
                return False  # the word is used as an ordinary word elsewhere
            if t.sent_start and t.lower not in mid_caps:
                return dictionary_gender(t.text) != "they" or t.lower in subject_of_person_verb
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
                        )
                    )
                    i = k
                    continue
            if name_word(t):
                k = i + 1
                while k < n and k - i < 3 and toks[k].is_cap and name_word(toks[k]):
                    k += 1
                name = " ".join(x.text for x in toks[i:k])
                prev = toks[i - 1].lower if i > 0 else ""
                adjs = (prev,) if prev in AGE_OLD | AGE_YOUNG else ()  # "Old Tomas"
                out.append(
                    Mention("name", i, k, t.sent, t.shot, name.lower(), name, adjectives=adjs)
                )
                i = k
                continue
            # determiner + adjectives + role noun ("the old potter", "his granddaughter")
            if t.lower in DETERMINERS or t.text in POSSESSIVE:
                j = i + 1
                while j < n and j - i <= 4:
                    noun = toks[j].lower
                    if noun in ROLE_NOUNS and not toks[j].is_cap:
                        adjs = tuple(x.lower for x in toks[i + 1 : j])
                        phrase = " ".join([*adjs, noun])
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
                        i = j + 1
                        break
                    if not (toks[j].text.isalpha() and toks[j].text.islower()) or (
                        noun in CLOSED_CLASS or noun in PERSON_VERBS or noun in APPOSITION_VERBS
                    ):
                        i += 1
                        break
                    j += 1
                else:
                    i += 1
                continue
            i += 1
        return out

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
                if at(p) in {"called", "named", "renamed", "known"}:
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
                # "Raj, formerly Ravi"
                if at(e) == "," and at(e + 1) in {"formerly", "once", "previously"}:
                    q = e + 2
                    if at(q) in {"called", "named", "known"}:
                        q += 1 + (at(q + 1) == "as")
                    r = by_start.get(q)
                    if r is not None and mentions[r].kind == "name":
                        links.append((k, r))
            else:
                # "a potter named Ravi", "his granddaughter Mira", "the old potter, Ravi,"
                r = by_start.get(e)
                if r is None and at(e) in {"named", "called"}:
                    r = by_start.get(e + 1)
                if r is None and at(e) == ",":
                    r = by_start.get(e + 1)
                if r is not None and mentions[r].kind == "name":
                    links.append((k, r))
                # "Its captain, a young woman called Lina": role, indefinite role
                if at(e) == ",":
                    r = by_start.get(e + 1)
                    if r is not None and mentions[r].kind == "role" and not mentions[r].definite:
                        links.append((k, r))
        return links

    # ---------------------------------------------------------------- clusters

    def _cluster(self, toks: list[Token], mentions: list[Mention]) -> list[Cluster]:
        uf = _UnionFind(len(mentions))
        links = self._links(toks, mentions)
        linked = {i for pair in links for i in pair}
        for a, b in links:
            uf.union(a, b)
        # equal names; a one-word name joins the one multi-word name that contains it
        first_by_key: dict[str, int] = {}
        for k, m in enumerate(mentions):
            if m.kind == "name":
                if m.key in first_by_key:
                    uf.union(first_by_key[m.key], k)
                else:
                    first_by_key[m.key] = k
        multi = [k for key, k in first_by_key.items() if " " in key]
        for key, k in first_by_key.items():
            if " " in key:
                continue
            owners = {uf.find(j) for j in multi if key in mentions[j].key.split()}
            if len(owners) == 1:
                uf.union(owners.pop(), k)
        # definite roles join the latest identity holding that role
        last_with_role: dict[str, int] = {}
        for k, m in enumerate(mentions):
            if m.title_role:
                last_with_role[m.title_role] = k
            if m.kind != "role":
                continue
            if k not in linked and m.definite and m.key in last_with_role:
                uf.union(last_with_role[m.key], k)
            last_with_role[m.key] = k
        groups: dict[int, Cluster] = {}
        for k, m in enumerate(mentions):
            c = groups.setdefault(uf.find(k), Cluster())
            c.mentions.append(m)
            c.shots.add(m.shot)
        return sorted(groups.values(), key=lambda c: c.first.start)

    @staticmethod
    def _is_person(c: Cluster, toks: list[Token], linked: bool) -> bool:
        if c.roles() or any(m.title for m in c.mentions) or linked:
            return True
        names = c.names()
        after = [toks[m.end].lower for m in names if m.end < len(toks)]
        before = [toks[m.start - 1].lower for m in names if m.start > 0]
        person_verbs = sum(w in PERSON_VERBS or w in {"was", "is", "had"} for w in after)
        places = sum(w in LOCATIVE for w in before)
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

    def _candidates(
        self,
        i: int,
        kind: str,
        sent_mentions: dict[int, list[tuple[int, Cluster]]],
        sent: int,
        first_sent: int,
    ) -> list[Cluster]:
        """Clusters that could be the antecedent, nearest first."""
        same = [c for pos, c in reversed(sent_mentions.get(sent, [])) if pos < i]
        if kind == "object":  # "Ravi smiled at her": her is not Ravi
            same = [
                c
                for pos, c in reversed(sent_mentions.get(sent, []))
                if pos < i and self._clause[pos] != self._clause[i]
            ]
        if kind == "reflexive":
            return same[:1]
        out = list(dict.fromkeys(same))
        s = sent - 1
        while s >= first_sent:
            earlier = [c for _pos, c in reversed(sent_mentions.get(s, []))]
            for c in earlier:
                if c not in out:
                    out.append(c)
            s -= 1
        return out

    def _resolve_pronouns(
        self, toks: list[Token], clusters: list[Cluster], mentions_of: dict[int, Cluster]
    ) -> list[tuple[int, Cluster]]:
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
        # Pass 1: votes from pronouns whose antecedent is unambiguous (one candidate in the
        # nearest sentence that has any), plus lexical gender.
        for c in clusters:
            for m in c.mentions:
                if m.gender:
                    c.votes[m.gender] += 2.0
        lexical = {id(c): dict(c.votes) for c in clusters}
        possessed = {m.start: c for c in clusters for m in c.mentions if m.kind == "role"}
        decided: dict[int, str] = {}
        for _round in range(2):
            # round 1 counts pronouns with one candidate; round 2 first drops candidates
            # whose gender round 1 decided the other way ("Tom gave Anna his book and she
            # thanked him": she -> Anna once Tom is known to be "he").
            for c in clusters:
                c.votes = dict(lexical[id(c)])
            for i, t in pronouns:
                g = "he" if t.lower in MALE_PRONOUNS else "she"
                kind = self._pronoun_kind(toks, i)
                same = [c for pos, c in sent_mentions.get(t.sent, []) if pos < i]
                if kind == "object":
                    own_subject = any(
                        toks[j].lower in SUBJECT_PRONOUNS and clause[j] == clause[i]
                        for j in range(max(0, i - 8), i)
                    )
                    if _round == 0 and own_subject:
                        continue  # "...and she thanked him": too ambiguous to vote on
                    # an object pronoun is not its own clause's subject ("Ravi smiled at
                    # her"), nor the sentence's subject when its clause has no other
                    # ("Mira, his granddaughter, lived with him")
                    first = sent_mentions[t.sent][0][1] if sent_mentions.get(t.sent) else None
                    same = [
                        c
                        for pos, c in sent_mentions.get(t.sent, [])
                        if pos < i and clause[pos] != clause[i] and (own_subject or c is not first)
                    ]
                elif t.lower in {"his", "her"} and i in possessed:
                    # "his granddaughter": the possessor is not the possessed
                    same = [c for c in same if c is not possessed[i]]
                window = {c for c in same if decided.get(id(c), g) in (g, "they")}
                s = t.sent - 1
                while not window and s >= 0 and t.sent - s <= 3:
                    window = {
                        c
                        for _pos, c in sent_mentions.get(s, [])
                        if decided.get(id(c), g) in (g, "they")
                    }
                    s -= 1
                if len(window) == 1:
                    window.pop().votes[g] += 1.0
            # Decide each identity's pronouns once, for the whole story.
            for c in clusters:
                he, she = c.votes["he"], c.votes["she"]
                if he != she:
                    c.pronouns = "he" if he > she else "she"
                else:
                    names = c.names()
                    c.pronouns = dictionary_gender(names[0].key.split()[0]) if names else "they"
                decided[id(c)] = c.pronouns
        # Pass 2: each pronoun goes to the nearest candidate of its gender.
        assigned: list[tuple[int, Cluster]] = []
        for i, t in pronouns:
            g = "he" if t.lower in MALE_PRONOUNS else "she"
            kind = self._pronoun_kind(toks, i)
            cands = self._candidates(i, kind, sent_mentions, t.sent, max(0, t.sent - 12))
            match = next((c for c in cands if c.pronouns == g), None)
            if match is not None:
                assigned.append((i, match))
                match.shots.add(t.shot)
                sent_mentions[t.sent].append((i, match))
                sent_mentions[t.sent].sort(key=lambda pc: pc[0])
        return assigned

    # ---------------------------------------------------------------- identity

    @staticmethod
    def _describe(c: Cluster, key: str) -> list[str]:
        roles = c.roles()
        adjs = list(dict.fromkeys(a for m in c.mentions for a in m.adjectives))[:2]
        role_nouns = [m.key for m in roles]
        old = bool(set(adjs) & AGE_OLD) or bool(set(role_nouns) & OLD_ROLES)
        young = bool(set(role_nouns) & CHILD_ROLES)
        if c.pronouns == "he":
            person = "elderly man" if old else "boy" if young else "man"
        elif c.pronouns == "she":
            person = "elderly woman" if old else "girl" if young else "woman"
        else:
            person = "elderly person" if old else "child" if young else "person"
        descriptors: list[str] = []
        main_role = next((r for r in role_nouns if r not in PLAIN_PERSON_NOUNS), None)
        if main_role:
            descriptors.append(" ".join([*adjs, main_role]))
            descriptors.append(person)
        else:
            descriptors.append(" ".join([*(a for a in adjs if not (old and a in AGE_OLD)), person]))
        rng = random.Random(stable_seed(key))
        descriptors.append(f"{rng.choice(HAIR_OLD if old else HAIR)} hair")
        colour = rng.choice(CLOTH_COLOURS)
        article = "an" if colour[0] in "aeiou" else "a"
        descriptors.append(f"wearing {article} {colour} {rng.choice(GARMENTS)}")
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

    def _analyze(self, plan: StoryPlan) -> tuple[list[Token], list[Cluster], list]:
        toks = tokenize([s.narration for s in plan.shots])
        mentions = self._mentions(toks)
        if not mentions:
            return toks, [], []
        clusters = self._cluster(toks, mentions)
        linked_ids = {
            id(m) for a, b in self._links(toks, mentions) for m in (mentions[a], mentions[b])
        }
        people = [
            c
            for c in clusters
            if self._is_person(c, toks, any(id(m) in linked_ids for m in c.mentions))
        ]
        assigned = self._resolve_pronouns(toks, people, {})
        return toks, people, assigned

    def mentions(self, plan: StoryPlan) -> list[ResolvedMention]:
        """Every mention this resolver links, with the entity it goes to (for evaluation).

        Offsets are characters in the shot's narration. ``entity`` is the character's id as
        this story alone would name it (the store is not consulted), or ``group:...`` for a
        plural reference to several people.
        """
        toks, people, assigned = self._analyze(plan)
        label = {id(c): self._label(c) for c in people}
        out = [
            ResolvedMention(
                toks[m.start].shot,
                toks[m.start].start,
                toks[m.end - 1].end,
                m.surface,
                m.kind,
                label[id(c)],
            )
            for c in people
            for m in c.mentions
        ]
        out += [
            ResolvedMention(toks[i].shot, toks[i].start, toks[i].end, toks[i].text, "pronoun",
                            label[id(c)])
            for i, c in assigned
        ]  # fmt: skip
        return sorted(out, key=lambda r: (r.shot, r.start, r.end))

    def _label(self, c: Cluster) -> str:
        return self._identity_key(c)[0]

    def _resolve(self, plan: StoryPlan) -> Cast:
        _toks, people, _assigned = self._analyze(plan)
        if not people:
            return Cast()
        found: list[tuple[Cluster, StoredIdentity]] = []
        for c in people:
            key, display, aliases = self._identity_key(c)
            found.append(
                (
                    c,
                    StoredIdentity(
                        key=key,
                        id=slugify(display.removeprefix("the ")),
                        name=display,
                        aliases=aliases,
                        pronouns=c.pronouns,
                        descriptors=self._describe(c, key),
                        seed=stable_seed(key),
                    ),
                )
            )
        # Two different keys may slug to one id (e.g. "Ana" and "the ana"): make ids unique.
        seen: dict[str, int] = {}
        for _c, ident in found:
            base = ident.id
            n = seen.get(base, 0) + 1
            seen[base] = n
            if n > 1:
                ident.id = f"{base}-{n}"
        stored = (
            self.store.reconcile([f for _c, f in found]) if self.store else [f for _c, f in found]
        )
        merged: dict[str, tuple[StoredIdentity, str, set[int]]] = {}
        for (c, _f), ident in zip(found, stored, strict=True):
            pronouns = c.pronouns if c.pronouns != "they" else ident.pronouns
            if ident.id in merged:  # two identities of this story matched one stored identity
                merged[ident.id][2].update(c.shots)
            else:
                merged[ident.id] = (ident, pronouns, set(c.shots))
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
