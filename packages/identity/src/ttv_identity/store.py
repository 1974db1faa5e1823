"""The identity store: one SQLite file under the configured ``store_dir``.

Safe under concurrent runs: WAL journal, a busy timeout, and every read-modify-write in
one ``BEGIN IMMEDIATE`` transaction, so two runs that meet the same new character agree on
one row. A file that is not this store (not SQLite, another application's database, a
failed integrity check, rows that do not parse) raises TTV-E111 and is never replaced.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from ttv_contracts.errors import TTVError
from ttv_contracts.store import StoreGuard

from .errors import E_IDENTITY_STORE_BUSY, E_IDENTITY_STORE_CORRUPT

FILENAME = "identities.sqlite3"
APPLICATION_ID = 0x54545631  # "TTV1"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS identities (
    key TEXT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL,
    pronouns TEXT NOT NULL,
    descriptors TEXT NOT NULL,
    seed INTEGER NOT NULL
);
"""


NAMESPACE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")  # as the pipeline config's
DEFAULT_NAMESPACE = "default"


@dataclass
class StoredIdentity:
    key: str
    id: str
    name: str
    aliases: list[str] = field(default_factory=list)
    pronouns: str = "they"
    descriptors: list[str] = field(default_factory=list)
    seed: int = 0
    # What the current story says, used to refuse a stored identity that conflicts (not
    # stored): pronouns the story gives evidence for (None: no evidence), "old"/"young"
    # when the story states an age.
    evidence_pronouns: str | None = field(default=None, compare=False)
    age: str | None = field(default=None, compare=False)
    # The look this story states ("red hair", "wearing a cream dress"), by kind (see
    # :func:`look_kind`): it replaces the stored descriptor of that kind.
    stated: dict[str, str] = field(default_factory=dict, compare=False)


#: The kinds of look a story can state, in the order a person's descriptors hold them (after
#: the role and the person, which no story restates without changing who they are)
LOOK_KINDS = ("hair", "clothes", "beard", "skin")


def look_kind(descriptor: str) -> str | None:
    """Which :data:`LOOK_KINDS` a descriptor is ("dark brown hair" -> "hair"), or None."""
    if descriptor.startswith("wearing "):
        return "clothes"
    for kind in ("hair", "beard", "skin"):
        if descriptor == kind or descriptor.endswith(" " + kind):
            return kind
    return None


def restated(descriptors: list[str], stated: dict[str, str]) -> list[str]:
    """``descriptors`` with each stated kind of look in place of the one they hold (or, where
    they hold none, before the kinds that follow it): what a story says of someone wins over
    what was drawn at random for them earlier."""
    out = list(descriptors)
    for n, kind in enumerate(LOOK_KINDS):
        said = stated.get(kind)
        if said is None:
            continue
        at = next((k for k, d in enumerate(out) if look_kind(d) == kind), None)
        if at is not None:
            out[at] = said
            continue
        later = LOOK_KINDS[n + 1 :]
        out.insert(next((k for k, d in enumerate(out) if look_kind(d) in later), len(out)), said)
    return out


def base_key(key: str) -> str:
    """``name:rao#2`` -> ``name:rao`` (the suffix tells apart people who share a key)."""
    return key.split("#", 1)[0]


def proper_names(ident: StoredIdentity) -> set[str]:
    """The identity's proper names (role aliases such as "the old potter" are not names)."""
    return {a.lower() for a in [ident.name, *ident.aliases] if a[:1].isupper()}


def age_of(descriptors: list[str]) -> str | None:
    words = {w for d in descriptors for w in d.lower().split()}
    if "elderly" in words:
        return "old"
    if words & {"boy", "girl", "child"}:
        return "young"
    return None


def conflicts(found: StoredIdentity, stored: StoredIdentity) -> str | None:
    """Why ``stored`` cannot be the character ``found`` describes, or None."""
    g = found.evidence_pronouns
    if g in ("he", "she") and stored.pronouns in ("he", "she") and g != stored.pronouns:
        return f"pronouns {g} vs stored {stored.pronouns}"
    age = found.age
    stored_age = age_of(stored.descriptors)
    if age and stored_age and age != stored_age:
        return f"age {age} vs stored {stored_age}"
    mine, theirs = proper_names(found), proper_names(stored)
    if found.key.startswith("name:") and mine and theirs and not _names_meet(mine, theirs):
        return "no shared name"
    return None


_TITLE_WORDS = {"mr", "mrs", "ms", "mx", "miss", "dr", "prof", "professor", "doctor", "sir",
                "lady", "lord", "captain", "capt", "uncle", "aunt", "auntie", "grandma",
                "grandpa", "granny", "king", "queen", "prince", "princess", "madam", "mister"}  # fmt: skip


def _untitled(name: str) -> tuple[bool, str]:
    first, _, rest = name.partition(" ")
    if rest and first.rstrip(".") in _TITLE_WORDS:
        return True, rest
    return False, name


def _names_meet(a: set[str], b: set[str]) -> bool:
    """A shared name; "Rao" meets "Mr. Rao", but "Mr. Rao" does not meet "Mrs. Rao"."""
    if a & b:
        return True
    titled_a = {x for x in a if _untitled(x)[0]}
    titled_b = {y for y in b if _untitled(y)[0]}
    if titled_a and titled_b:
        return False  # both have titled names and none is shared: "Dr. Rao" vs "Mr. Rao"
    for x in a:
        tx, bx = _untitled(x)
        for y in b:
            ty, by = _untitled(y)
            if bx == by and not (tx and ty):
                return True
    return False


class IdentityStore:
    """Identities keyed by a canonical key (``name:ravi``, ``role:potter``), per namespace.

    The ``default`` namespace is ``store_dir/identities.sqlite3`` (where every store of
    version 0.1.0 lives); namespace ``x`` is ``store_dir/namespaces/x/identities.sqlite3``.
    One namespace never sees another's characters: they are separate files.
    """

    def __init__(
        self, store_dir: str | Path, timeout_s: float = 30.0, namespace: str = DEFAULT_NAMESPACE
    ) -> None:
        if not NAMESPACE.match(namespace):
            raise ValueError(f"namespace {namespace!r} must match {NAMESPACE.pattern}")
        self.namespace = namespace
        root = Path(store_dir)
        self.dir = root if namespace == DEFAULT_NAMESPACE else root / "namespaces" / namespace
        self.path = self.dir / FILENAME
        self.timeout_s = timeout_s

    # -------------------------------------------------------------- connection

    def _corrupt(self, detail: str) -> TTVError:
        return TTVError(
            E_IDENTITY_STORE_CORRUPT,
            f"identity store {self.path} is corrupt: {detail}",
            hint="Move the file aside (keep it for inspection) or restore a backup; "
            "the store is never replaced automatically.",
        )

    def _connect(self) -> sqlite3.Connection:
        # WAL, busy timeout, "new or ours?" under BEGIN IMMEDIATE, application_id,
        # user_version and quick_check: the shared guard; the codes stay this module's.
        return _IdentityGuard(self).connect()

    def _row(self, row: tuple) -> StoredIdentity:
        key, id_, name, aliases, pronouns, descriptors, seed = row
        try:
            aliases_l = json.loads(aliases)
            descriptors_l = json.loads(descriptors)
            if not (isinstance(aliases_l, list) and isinstance(descriptors_l, list)):
                raise ValueError("aliases and descriptors must be JSON lists")
            if pronouns not in ("he", "she", "they", "it"):
                raise ValueError(f"pronouns {pronouns!r}")
            if not (isinstance(seed, int) and 0 <= seed < 2**32):
                raise ValueError(f"seed {seed!r}")
        except (ValueError, TypeError) as exc:
            raise self._corrupt(f"row {key!r} does not parse: {exc}") from exc
        return StoredIdentity(key, id_, name, aliases_l, pronouns, descriptors_l, seed)

    def problems(self) -> list[str]:
        """What is wrong with the store file, without creating or changing it."""
        if not self.path.exists():
            return []
        try:
            self.all()
        except TTVError as err:
            return [f"{err.code}: {err.message}"]
        return []

    def all(self) -> list[StoredIdentity]:
        with closing(self._connect()) as conn:
            try:
                rows = conn.execute(
                    "SELECT key, id, name, aliases, pronouns, descriptors, seed FROM identities "
                    "ORDER BY key"
                ).fetchall()
            except sqlite3.DatabaseError as exc:
                raise self._corrupt(str(exc)) from exc
        return [self._row(r) for r in rows]

    def reconcile(
        self,
        found: Iterable[StoredIdentity],
        rekey: Callable[[StoredIdentity, str], StoredIdentity] | None = None,
    ) -> list[StoredIdentity]:
        """Match each found identity to a stored one, insert the new ones and merge new
        aliases into old ones, all in one transaction.

        A stored identity matches when it has the found key (``name:ravi``, or a sibling
        ``name:ravi#2``) or shares a proper name with it (a renamed character), and nothing
        conflicts: pronouns the story gives evidence for, a stated age, or proper names
        (see :func:`conflicts`). Role aliases ("the potter") never match on their own. A
        key-matched stored identity serves one found identity per lesson ("Mr. Rao" and
        "Mrs. Rao"). A new identity whose key is taken gets the next free ``#n`` key, and
        ``rekey(found, new_key)`` gives its seed and look for that key.

        Returns the stored version of each found identity, in the same order. Stored id,
        seed and descriptors win, except the look this story states (``found.stated``: hair,
        clothes, beard, skin), which replaces the stored descriptor of its kind and is stored
        ("Kofi ran" drew Kofi's hair at random; a later "Kofi had curly red hair" makes it
        red, then and after). Pronouns found in this story win over stored ones unless this
        story has no pronoun evidence (``pronouns == "they"``).
        """
        found = list(found)
        with closing(self._connect()) as conn:
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    claimed: set[str] = set()
                    out = [self._reconcile_one(conn, f, claimed, rekey) for f in found]
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    raise TTVError(
                        E_IDENTITY_STORE_BUSY,
                        f"identity store {self.path} stayed locked for {self.timeout_s:.0f} s",
                        hint="Another run holds it; retry, or give this run its own store_dir.",
                    ) from exc
                raise self._corrupt(str(exc)) from exc
            except sqlite3.DatabaseError as exc:
                raise self._corrupt(str(exc)) from exc
        return out

    def _select(self, conn: sqlite3.Connection, where: str, args: tuple) -> list[StoredIdentity]:
        rows = conn.execute(
            "SELECT key, id, name, aliases, pronouns, descriptors, seed FROM identities "
            f"WHERE {where} ORDER BY key",
            args,
        ).fetchall()
        return [self._row(r) for r in rows]

    def _reconcile_one(
        self,
        conn: sqlite3.Connection,
        f: StoredIdentity,
        claimed: set[str],
        rekey: Callable[[StoredIdentity, str], StoredIdentity] | None,
    ) -> StoredIdentity:
        base = base_key(f.key)
        like = base.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "#%"
        same_key = self._select(conn, "key = ? OR key LIKE ? ESCAPE '\\'", (base, like))
        match = [s for s in same_key if s.key not in claimed and conflicts(f, s) is None]
        if not match:
            # A renamed character: a shared proper name (case-insensitive), same key kind.
            wanted = proper_names(f)
            kind = base.split(":")[0]
            match = [
                s
                for s in self._select(conn, "1 = 1", ())
                if wanted & proper_names(s)
                and s.key.split(":")[0] == kind
                and conflicts(f, s) is None
            ]
        if match:
            stored = match[0]
            claimed.add(stored.key)
            aliases = list(dict.fromkeys([*stored.aliases, *(a for a in [f.name, *f.aliases])]))
            aliases = [a for a in aliases if a != stored.name]
            pronouns = f.evidence_pronouns or stored.pronouns
            descriptors = restated(stored.descriptors, f.stated)
            if (aliases, pronouns, descriptors) != (
                stored.aliases,
                stored.pronouns,
                stored.descriptors,
            ):
                conn.execute(
                    "UPDATE identities SET aliases = ?, pronouns = ?, descriptors = ? "
                    "WHERE key = ?",
                    (json.dumps(aliases), pronouns, json.dumps(descriptors), stored.key),
                )
            stored.aliases, stored.pronouns, stored.descriptors = aliases, pronouns, descriptors
            return stored
        taken_keys = {s.key for s in same_key}
        key, n = base, 2
        while key in taken_keys:
            key, n = f"{base}#{n}", n + 1
        if key != f.key:
            f = rekey(f, key) if rekey is not None else f
            f.key = key
        claimed.add(key)
        taken = {r[0] for r in conn.execute("SELECT id FROM identities")}
        new_id, n = f.id, 2
        while new_id in taken:
            new_id, n = f"{f.id}-{n}", n + 1
        conn.execute(
            "INSERT INTO identities (key, id, name, aliases, pronouns, descriptors, seed) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                f.key,
                new_id,
                f.name,
                json.dumps(f.aliases),
                f.pronouns,
                json.dumps(f.descriptors),
                f.seed,
            ),
        )
        f.id = new_id
        return f


class _IdentityGuard(StoreGuard):
    def __init__(self, store: IdentityStore) -> None:
        super().__init__(
            store.path,
            application_id=APPLICATION_ID,
            schema=_SCHEMA,
            schema_version=SCHEMA_VERSION,
            module="ttv-identity",
            timeout_s=store.timeout_s,
            on_corrupt=lambda _path, detail: store._corrupt(detail),
        )

    def busy(self, detail: str) -> TTVError:
        return TTVError(E_IDENTITY_STORE_BUSY, f"identity store {self.path}: {detail}")
