"""Scene graph builder: StoryPlan + Cast -> SceneBook, through a networkx graph.

Per shot: the place (explicit scene setting, else the place phrase the narration moves to,
else the previous shot's place), the time of day (named in the setting or narration, else
carried over), the characters the cast puts in the shot, and the objects the narration
names. Each place is one location with one look (palette and background seed) derived from
its words and a hash of its key, so every shot in the same place looks the same; with
``store_dir`` the look is stored and a sequel lesson reuses it.

The graph (``GraphScene.graph`` after a build) has nodes ``location:<id>``, ``shot:<i>``,
``character:<id>`` and ``object:<name>`` and edges keyed by relation: ``at`` (shot ->
location), ``hosts`` (location -> shot), ``next`` (shot -> following shot), ``continues``
(shot -> earlier shot in the same place), ``features`` (shot -> character) and ``shows``
(shot -> object). :meth:`GraphScene.export` writes it as GraphML or JSON.
"""

from __future__ import annotations

import colorsys
import hashlib
import itertools
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field
from ttv_contracts import version_of
from ttv_contracts.errors import TTVError
from ttv_contracts.v1 import (
    Cast,
    ImplementationOptions,
    Location,
    ModuleInfo,
    Needs,
    SceneBook,
    SceneBuilder,
    SceneContext,
    StoryPlan,
    slugify,
)

from . import analysis
from .errors import E_SCENE_EXPORT, E_SCENE_OPTION, PACKAGE
from .lexicon import BUILDINGS, CROWDS, EVERYONE, INDOOR_PLACES
from .store import LocationStore, StoredLocation
from .words import COLOURS, PLACES, TIME_LIGHT

#: Vehicles with cabins: a cabin after one of them is named is that vehicle's cabin.
_CABIN_VEHICLES = ("train", "ship", "boat", "plane", "spaceship")
#: Things only ever inside (a word list): beside one, a bare building setting is its inside.
INDOOR_THINGS = frozenset(
    {"stove", "fireplace", "oven", "bed", "sofa", "couch", "cupboard", "shelf", "rug", "carpet",
     "pillow", "crib", "cradle", "bathtub", "sink"}
)  # fmt: skip
#: Places dark whatever the hour: "in the dark" there says nothing of the time of day.
DARK_PLACES = frozenset({"cave", "mine", "tunnel", "cellar", "basement", "dungeon", "burrow"})

VERSION = version_of("ttv-scene")  # pyproject.toml is the one source


class SceneOptions(ImplementationOptions):
    """Options of ``graph``."""

    store_dir: str | Path | None = Field(
        None,
        description="Folder of the SQLite location store (the pipeline gives one per "
        "namespace); null keeps places for this run only.",
    )
    lock_timeout_s: float = Field(
        30.0, gt=0, description="Seconds to wait for another run's write lock."
    )
    palette_size: int = Field(4, ge=1, le=8, description="Colours per place.")
    max_objects: int = Field(6, ge=0, le=50, description="Objects kept per shot.")
    save_graph: bool = Field(
        True, description="Write the scene graph JSON under store_dir/graphs/."
    )


#: Backdrop fields added in ttv-contracts 1.1 (season: 1.3); older contracts leave them out.
_BACKDROP_FIELDS = {"weather", "indoor_outdoor", "season"} & set(SceneContext.model_fields)

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+|[^\w\s]", re.UNICODE)
_TIME_PHRASE = re.compile(
    r"\b(at|in|during|by|before|after)\s+(the\s+)?(dawn|sunrise|daybreak|morning|noon|midday|"
    r"afternoon|day|dusk|sunset|evening|twilight|nightfall|night|midnight)\b",
    re.I,
)


def _seed(key: str) -> int:
    return int.from_bytes(hashlib.sha256(f"ttv-scene\x1f{key}".encode()).digest()[:4], "big")


def _hashed_colour(key: str, n: int) -> str:
    h = hashlib.sha256(f"{key}\x1f{n}".encode()).digest()
    hue = h[0] / 255.0
    light = 0.30 + 0.40 * h[1] / 255.0
    sat = 0.25 + 0.45 * h[2] / 255.0
    r, g, b = colorsys.hls_to_rgb(hue, light, sat)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def _words(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text)]


def time_of_day(text: str) -> str | None:
    """The time of day a text names, or None ("one day" and "every day" name none)."""
    return analysis.analyze(text).time


@dataclass
class _Place:
    key: str  # place noun, or a slug of the setting when it names none
    name: str  # the phrase first seen ("old market", "quiet beach")


@dataclass
class _ShotInfo:
    place: _Place | None
    setting: str | None
    time: str | None
    objects: list[str] = field(default_factory=list)
    weather: str | None = None
    indoor_outdoor: str | None = None
    sky: bool = False
    season: str | None = None
    season_shift: bool = False  # the story moves on to the season here ("In winter, ...")
    untitled: bool = False  # no shot names a place: the lesson's title stands in for one
    dark: bool = False  # the narration's only time cue is "in the dark"
    weak_io: bool = False  # inside/outside only from a bare building setting ("a mountain hut")
    #: the narration alone says inside or outside, naming no place ("called everyone back
    #: inside"): "indoor" or "outdoor"
    goes: str | None = None


#: The place of a shot the narration puts inside without naming where ("went back inside"
#: from a playground): its setting, and the label a viewer reads.
INDOORS = "indoors"


def _outdoor_only(key: str) -> bool:
    """A place that has no inside of its own (a playground, a field, a beach): not a room,
    a building, a vehicle or home."""
    return key not in INDOOR_PLACES and key not in BUILDINGS and key not in {"home", INDOORS}


#: Words that put a lesson naming no place in a room it implies (a word list, not a
#: classifier): a teacher or "the class" a classroom, baking a kitchen. "a class of animals"
#: is no classroom, so "class" counts only after "the" or a possessive.
_IMPLIED_ROOMS = {
    "classroom": frozenset({"classroom", "teacher", "students", "pupils", "classmates"}),
    "kitchen": frozenset({"oven", "bake", "baked", "knead", "dough", "recipe", "saucepan"}),
}
_CLASS_AFTER = frozenset({"the", "our", "her", "his", "their", "my"})


def _implied_room(plan: StoryPlan) -> str | None:
    """The room a lesson that names no place happens in (a teacher, pupils; an oven), if
    its words imply one; the first one implied wins."""
    for shot in plan.shots:
        words = [w.lower() for w in _TOKEN.findall(shot.narration)]
        for room, cues in _IMPLIED_ROOMS.items():
            if cues.intersection(words):
                return room
        if any(w == "class" and p in _CLASS_AFTER for p, w in itertools.pairwise(words)):
            return "classroom"
    return None


class GraphScene(SceneBuilder):
    """Scene graph (networkx) of places, shots, characters and objects."""

    info = ModuleInfo(
        slot="scene",
        name="graph",
        version=VERSION,
        package=PACKAGE,
        needs=Needs(store=True),
        consumes="StoryPlan + Cast",
        produces="SceneBook",
        summary=(
            "networkx scene graph: places, time of day, weather, indoor/outdoor and objects "
            "from tagged noun phrases (TextBlob), one look per place, SQLite store."
        ),
    )

    Options = SceneOptions
    option_error = E_SCENE_OPTION.code

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        opts = self.opts
        self.palette_size: int = opts.palette_size
        self.max_objects: int = opts.max_objects
        store_dir = opts.store_dir
        self.store_dir = Path(store_dir) if store_dir else None
        self.store = LocationStore(store_dir, opts.lock_timeout_s) if store_dir else None
        self.save_graph: bool = opts.save_graph
        self.graph: Any = None  # networkx.MultiDiGraph of the last build

    def doctor(self) -> list[str]:
        """Self-check for `ttv doctor`: problems of the store, if one is configured."""
        return self.store.problems() if self.store is not None else []

    # ---------------------------------------------------------------- text

    @staticmethod
    def place_in(text: str) -> _Place | None:
        """The place a text is set in or moves to (head noun of a tagged noun phrase)."""
        found = analysis.analyze(text).place
        return _Place(found.key, found.name) if found else None

    @staticmethod
    def setting_place(setting: str) -> _Place:
        """The place of an explicit scene setting; its place noun is the key if it has one."""
        found = analysis.place_in_setting(setting)
        if found is None:
            # "the ruins of Hampi", "a dream": no known place noun; the whole setting, minus
            # time phrases and leading articles, names the place
            core = _TIME_PHRASE.sub("", setting).strip(" ,.;")
            core = re.sub(r"^(a|an|the)\s+", "", core, flags=re.I) or setting.strip()
            return _Place(slugify(core), core)
        return _Place(found.key, found.name)

    def objects_in(self, text: str, people: set[str]) -> list[str]:
        """Concrete things the text names (singular head nouns), at most ``max_objects``."""
        return analysis.analyze(text, people).objects[: self.max_objects]

    # ---------------------------------------------------------------- look

    def _look(self, place: _Place, setting_text: str) -> StoredLocation:
        words = _words(f"{place.name} {setting_text}")
        colours: list[str] = []
        for w in words:
            if w in COLOURS and COLOURS[w] not in colours:
                colours.append(COLOURS[w])
        base = PLACES.get(place.key)
        if base and base not in colours:
            colours.append(base)
        named_time = time_of_day(setting_text) if setting_text else None
        if named_time:
            colours.append(TIME_LIGHT[named_time])
        n = 0
        while len(colours) < self.palette_size:
            colours.append(_hashed_colour(place.key, n))
            n += 1
        return StoredLocation(
            key=place.key,
            id=slugify(place.name),
            name=place.name,
            description=setting_text or place.name,
            palette=colours[: self.palette_size],
            seed=_seed(place.key),
        )

    # ---------------------------------------------------------------- build

    def _shot_infos(
        self, plan: StoryPlan, people: set[str], cast: Cast | None = None
    ) -> list[_ShotInfo]:
        infos: list[_ShotInfo] = []
        for shot in plan.shots:
            said = analysis.analyze(shot.narration, people)
            place = _Place(said.place.key, said.place.name) if said.place else None
            time, weather, io = said.time, said.weather, said.indoor_outdoor
            weak_io = False
            sky, season = said.sky, said.season
            shift = said.season_shift
            if shot.setting and shot.setting.strip():
                # a setting is a noun phrase: its first place phrase is the place, and that
                # phrase's head decides inside/outside ("the lamp room at the top of the
                # lighthouse" is a room; "a lighthouse on a rocky island" is outside it)
                given = analysis.analyze(shot.setting, people, phrase=True)
                place = self.setting_place(shot.setting)
                head = analysis.place_in_setting(shot.setting)
                time = given.time or time
                if given.season:
                    season, shift = given.season, given.season_shift
                weather = given.weather or weather
                if given.explicit_io:
                    io = given.explicit_io  # "a cold playground outside the school"
                elif said.explicit_io:
                    io = said.explicit_io  # the narration says "inside"
                elif head is not None:
                    io = head.indoor_outdoor
                    # "a mountain hut": a bare building could be seen from either side; the
                    # scene's earlier shots or a thing that is only ever inside decide
                    weak_io = head.key in BUILDINGS and head.prep is None
                    if weak_io and said.place is not None and said.place.key == head.key:
                        # "Lena felt sick on the school bus" in "a school bus": on it, inside
                        io, weak_io = said.place.indoor_outdoor, False
                    elif weak_io and set(said.objects) & INDOOR_THINGS:
                        io, weak_io = "indoor", False  # "curled up by the stove"
                elif given.indoor_outdoor:
                    io = given.indoor_outdoor
                sky = sky or given.sky
            objects = [o for o in said.objects if not place or o != place.key]
            # people before things: a crowd is never cut for a seventh object
            objects.sort(key=lambda o: o not in CROWD_WORDS)
            info = _ShotInfo(place, shot.setting, time, objects[: self.max_objects])
            info.weather, info.indoor_outdoor, info.sky = weather, io, sky
            info.season = season
            info.season_shift = shift
            info.dark = said.dark and time == "night" and said.time == "night"
            info.weak_io = weak_io
            if said.place is None and not (shot.setting and shot.setting.strip()):
                info.goes = said.explicit_io
            infos.append(info)
        # carry places, times, weather and inside/outside forward; opening shots take the
        # first place named
        first = next((i.place for i in infos if i.place), None)
        io: str | None = None
        room = _implied_room(plan) if first is None else None
        if room is not None:
            first, io = _Place(room, room), "indoor"
        untitled = first is None
        title_place = _Place(slugify(plan.title), plan.title)
        if first is None:
            first = title_place
        place, time, weather = first, None, None
        # A place named together with a season belongs to that season: "Summer brings long
        # days at the beach" sets neither the spring before it nor the autumn after it at the
        # beach (those shots, naming no place, are in no place: the title stands in). A place
        # named without a season carries on through every season ("They lived by the sea. In
        # winter, storms came.").
        named = [i.season for i in infos]  # as each shot names it, before carrying
        first_at = next((k for k, i in enumerate(infos) if i.place), None)
        place_season = named[first_at] if first_at is not None else None
        opening_season: str | None = None
        # a season holds for the whole lesson until another is named (the opening shots take
        # the first one named: "that winter" in shot 3 was winter in shot 1 too), unless the
        # story moves on to it ("On a sunny morning ... In winter, the horse walked through
        # deep snow": the sunny morning was no winter)
        opening = next((i for i in infos if i.season), None)
        season = opening.season if opening is not None and not opening.season_shift else None
        setting: str | None = None
        # where each character was last seen: a shot that names no place and whose people
        # were all last somewhere else, together, cuts back to them there ("Collins stayed in
        # orbit." then "Armstrong climbed down the ladder": Armstrong is on the Moon)
        where: dict[str, str] = {}
        known: dict[str, _Place] = {}
        vehicle: str | None = None  # the last vehicle the narration named
        outside = first  # the outdoor place left for an unnamed inside
        for k, (shot, info) in enumerate(zip(plan.shots, infos, strict=True)):
            words = {w.lower() for w in _TOKEN.findall(shot.narration)}
            vehicle = next((v for v in _CABIN_VEHICLES if v in words), vehicle)
            if (
                info.place is not None
                and info.place.key in {"cabin", "compartment"}
                and vehicle is not None
                and vehicle not in info.place.name
            ):
                # "boarded the night train ... Their cabin had two beds": the train's cabin
                info.place = _Place(info.place.key, f"{vehicle} {info.place.name}")
            who = [c.id for c in cast.in_shot(shot.index)] if cast is not None else []
            if info.place is None and not (info.setting and info.setting.strip()) and who:
                last = {where.get(c) for c in who}
                if len(last) == 1 and None not in last and place.key not in last:
                    info.place = known[last.pop()]  # type: ignore[index]
            said_season = named[k]
            if first_at is not None and k < first_at:
                opening_season = said_season or opening_season
                if opening_season and place_season and opening_season != place_season:
                    info.place = info.place or title_place  # "In spring ..." before the beach
            elif (
                info.place is None
                and said_season
                and place_season
                and said_season != place_season
                and not (info.setting and info.setting.strip())
            ):
                info.place, place_season = title_place, None  # "In autumn ..." after it
            elif info.place is not None:
                place_season = said_season
            if said_season and season and said_season != season:
                weather = None  # "Then spring comes again" after snow in winter
            season = info.season or season
            info.season = season
            # weather carries within a scene; a new scene (another explicit setting) that is
            # in another place or at another time of day starts with none unless it names
            # some ("the island harbour at sunrise" after a storm at night). Narration alone
            # keeps carrying: a story told in one breath stays in its weather.
            new_scene = bool(info.setting and info.setting.strip()) and info.setting != setting
            moved = info.place is not None and info.place.key != place.key
            jumped = info.time is not None and time is not None and info.time != time
            if new_scene and (moved or jumped):
                weather = None
            if new_scene and moved:
                io = None  # "a blizzard on the ridge" after the hut is not inside the hut
            if info.setting and info.setting.strip():
                setting = info.setting
            if (
                info.place is None
                and info.goes == "indoor"
                and io == "outdoor"
                and _outdoor_only(place.key)
            ):
                # "the teacher called everyone back inside" after the playground: inside
                # somewhere the story does not name, not in the playground
                outside, info.place = place, _Place(INDOORS, INDOORS)
            elif info.place is None and info.goes == "outdoor" and place.key == INDOORS:
                info.place = outside  # out again, where they came in from
            place = info.place or place
            info.place = place
            known[place.key] = place
            for c in who:
                where[c] = place.key
            if info.dark and place.key in DARK_PLACES:
                info.time = None  # "in the dark" in a cave is the cave, not the night
            time = info.time or time
            info.time = time
            if info.weather and not (
                info.weather == "wind" and weather in {"rain", "storm", "snow"}
            ):
                weather = info.weather  # a breeze does not end the rain
            info.weather = weather
            if info.weak_io and not new_scene and io is not None:
                info.indoor_outdoor = io  # "Bjorn curled up" in the hut Erik went inside
            if info.indoor_outdoor:
                io = info.indoor_outdoor
            elif info.sky and io != "indoor":
                io = "outdoor"  # the sky is named and nothing says we are inside
            info.indoor_outdoor = io
            info.untitled = untitled or place.key == title_place.key
        _carry_crowds(plan, infos, self.max_objects, cast)
        return infos

    def _build(self, plan: StoryPlan, cast: Cast) -> SceneBook:
        import networkx as nx

        people: set[str] = set()
        for ch in cast.characters:
            for alias in (ch.name, *ch.aliases):
                people.update(w.lower() for w in _TOKEN.findall(alias) if w.isalpha())
        infos = self._shot_infos(plan, people, cast)
        looks: dict[str, StoredLocation] = {}
        for info in infos:
            assert info.place is not None
            if info.place.key not in looks:
                looks[info.place.key] = self._look(info.place, info.setting or "")
        # ids unique within the plan before the store sees them
        seen: dict[str, int] = {}
        for look in looks.values():
            seen[look.id] = seen.get(look.id, 0) + 1
            if seen[look.id] > 1:
                look.id = f"{look.id}-{seen[look.id]}"
        if self.store is not None:
            for look in self.store.reconcile(list(looks.values())):
                looks[look.key] = look

        g = nx.MultiDiGraph(title=plan.title, generator=f"ttv-scene {VERSION}")
        for look in looks.values():
            g.add_node(
                f"location:{look.id}",
                kind="location",
                name=look.name,
                description=look.description,
                palette=",".join(look.palette),
                seed=look.seed,
            )
        for ch in cast.characters:
            g.add_node(f"character:{ch.id}", kind="character", name=ch.name, seed=ch.seed)
        contexts: list[SceneContext] = []
        last_at: dict[str, int] = {}
        for shot, info in zip(plan.shots, infos, strict=True):
            assert info.place is not None
            look = looks[info.place.key]
            time = info.time or "unknown"
            # a place named by the title alone is no place: no time of day is put to it, and
            # where the shot names a season that is what its setting (and label) says: "The
            # Four Seasons" over the autumn leaves read as a place; "autumn" is when it is
            if info.setting:
                setting = info.setting
            elif info.untitled and info.season:
                setting = info.season if time == "unknown" else f"{info.season}, {time}"
            elif time != "unknown" and not info.untitled:
                setting = f"{info.place.name}, {time}"
            else:
                setting = info.place.name
            node = f"shot:{shot.index}"
            chars = tuple(c.id for c in cast.in_shot(shot.index))
            g.add_node(
                node,
                kind="shot",
                index=shot.index,
                setting=setting,
                time_of_day=time,
                weather=info.weather or "unknown",
                indoor_outdoor=info.indoor_outdoor or "unknown",
                season=info.season or "unknown",
                beat=shot.beat.value,
            )
            g.add_edge(node, f"location:{look.id}", key="at")
            g.add_edge(f"location:{look.id}", node, key="hosts")
            if shot.index > 0:
                g.add_edge(f"shot:{shot.index - 1}", node, key="next")
            prev = last_at.get(look.id)
            if prev is not None:
                g.add_edge(node, f"shot:{prev}", key="continues")
            for cid in chars:
                g.add_edge(node, f"character:{cid}", key="features")
            for obj in info.objects:
                g.add_node(f"object:{obj}", kind="object", name=obj)
                g.add_edge(node, f"object:{obj}", key="shows")
            backdrop = {
                "weather": info.weather or "unknown",
                "indoor_outdoor": info.indoor_outdoor or "unknown",
                "season": info.season or "unknown",
            }
            contexts.append(
                SceneContext(
                    shot_index=shot.index,
                    location_id=look.id,
                    setting=setting,
                    time_of_day=time,  # type: ignore[arg-type]
                    palette=tuple(look.palette),
                    background_seed=look.seed,
                    characters=chars,
                    objects=tuple(info.objects),
                    continues_from=prev,
                    **{k: v for k, v in backdrop.items() if k in _BACKDROP_FIELDS},
                )
            )
            last_at[look.id] = shot.index
        self.graph = g
        if self.store_dir is not None and self.save_graph:
            digest = hashlib.sha256(plan.model_dump_json().encode()).hexdigest()[:12]
            self.export(self.store_dir / "graphs" / f"{slugify(plan.title)}-{digest}.json")
        locations = tuple(
            Location(
                id=lk.id,
                name=lk.name,
                description=lk.description,
                palette=tuple(lk.palette),
                seed=lk.seed,
            )
            for lk in looks.values()
        )
        return SceneBook(locations=locations, shots=tuple(contexts))

    # ---------------------------------------------------------------- export

    def graph_json(self) -> dict[str, Any]:
        """The last built graph as node-link JSON (sorted, so it diffs cleanly)."""
        import networkx as nx

        if self.graph is None:
            raise TTVError(E_SCENE_EXPORT, "no scene graph yet: call build() first")
        data = nx.node_link_data(self.graph, edges="edges")
        data["nodes"] = sorted(data["nodes"], key=lambda n: n["id"])
        data["edges"] = sorted(
            data["edges"], key=lambda e: (e["source"], e["target"], str(e.get("key")))
        )
        return data

    def export(self, path: str | Path) -> Path:
        """Write the last built graph: ``.graphml`` as GraphML, ``.json`` as node-link JSON."""
        import networkx as nx

        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".graphml", ".json"):
            raise TTVError(E_SCENE_EXPORT, f"export path must end in .graphml or .json: {path}")
        data = self.graph_json()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    if suffix == ".json":
                        json.dump(data, fh, indent=1, sort_keys=True, ensure_ascii=False)
                    else:
                        fh.write("\n".join(nx.generate_graphml(self.graph)))
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise TTVError(E_SCENE_EXPORT, f"cannot write scene graph to {path}: {exc}") from exc
        return path


#: The words :data:`CROWDS` puts into a shot's objects
CROWD_WORDS = frozenset(CROWDS.values())
#: What says the crowd has gone: "The playground was empty" (not "an empty jar"; "nobody
#: noticed" says nothing of who is there)
_NOBODY = re.compile(r"\b(was|were|is|are|lay|stood|looked|seemed|became) (empty|deserted)\b", re.I)
#: Where students are schoolchildren (drawn child-sized): "In the science class, the
#: students planted bean seeds"; in a laboratory or a lecture hall they stay students
_SCHOOL_PLACES = frozenset({"classroom", "school", "playground", "schoolyard"})
#: Crowd words that say nothing of who: the people already there, if anyone is
_ANY_CROWD = frozenset({"people", "crowd"})
#: "Today, visitors walk along the wall" after the soldiers who guarded it: another age
_AGES = re.compile(r"\b(today|nowadays|(years|decades|centuries|generations) later)\b", re.I)


def _carry_crowds(
    plan: StoryPlan, infos: list[_ShotInfo], max_objects: int, cast: Cast | None
) -> None:
    """The unnamed people a shot shows stay in the shots after it while the story stays in
    the same place at the same time of day ("When the bell rang, the children ran out to the
    playground. They played on the swings": children on the swings). They go along to a new
    place with "everyone" ("the teacher called everyone back inside"), or with "they" or
    "them" where fewer than two named people could be meant ("Grandma called them inside"),
    and leave with another age ("Today, visitors walk along the wall")."""
    crowd: list[str] = []
    at: tuple[str, str | None] | None = None
    for shot, info in zip(plan.shots, infos, strict=True):
        assert info.place is not None
        here = (info.place.key, info.time)
        words = {w.lower() for w in _TOKEN.findall(shot.narration)}
        # "they" is the crowd unless two or more named people are there to be "they"
        few = cast is None or len(cast.in_shot(shot.index)) < 2
        along = bool(words & EVERYONE) or (few and bool(words & {"they", "them", "their"}))
        ended = _AGES.search(shot.narration) or _NOBODY.search(shot.narration)
        if (here != at and not along) or ended:
            crowd = []  # moved on, another age, or "the playground was empty"
        at = here
        if info.place.key in _SCHOOL_PLACES:  # "the students" of a classroom are pupils
            info.objects = ["pupils" if o == "students" else o for o in info.objects]
        for word in (o for o in info.objects if o in CROWD_WORDS):
            if word in crowd or (word in _ANY_CROWD and crowd):
                continue  # "the people cheered" after the villagers: the same people
            crowd = [*crowd, word][-2:]  # the two groups named last: a picture, not a census
        info.objects = [o for o in info.objects if o not in CROWD_WORDS or o in crowd]
        if max_objects:
            # the group named last first: a frame maker that draws one draws that one
            info.objects = list(dict.fromkeys([*crowd[::-1], *info.objects]))[:max_objects]
