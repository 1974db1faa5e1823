"""Backdrops that follow the scene: time of day, weather, inside or outside, named objects.

``interpret(spec)`` decides what to draw. The ShotSpec's scene attributes (``time_of_day``,
``weather``, ``indoor_outdoor``, ``objects``; contracts 1.1) win; an ``unknown`` value is
inferred from the words of ``spec.setting`` and then ``spec.prompt`` (first match wins; the
defaults are day, clear, outdoor). Objects are the spec's ``objects`` plus the things the
setting names (the scene slot leaves the place's own head noun out of ``objects``: "a
lighthouse on a rocky island" names no object, yet the lighthouse is the picture); when the
spec carries no attributes at all (an older integration), the prompt's words count too.
Words map to a fixed set of drawable shapes (``SHAPES``); other words are ignored. Word and
phrase lists also say where the shot is (``View.world``: the Earth, the Moon's surface,
space, under the sea; the shot's own sentence first, then the setting), what an inside is
(``View.kind``: a room, a cave, a bus, train, car or plane, a spacecraft, a tent) and which
animals the shot names in the plural (``View.herd``: "the cows were waiting"); the spec has
no field for any of them. A crowd word in ``objects`` ("children", "villagers": ``CROWDS``)
is no shape: it says which unnamed people are there (``View.crowds``), drawn by the animatic
as extras. All of these are rule-based word lists for a fallback painter, not
a language model: a word they do not list is not drawn.

``paint(view, ...)`` draws it with numpy gradients and Pillow shapes on a canvas
``supersample`` times the output size, then box-filters it down (anti-aliasing). Layout
(where the lighthouse stands, the hills' shape) comes from ``layout_seed`` -- the setting
and palette, so a place looks the same from shot to shot -- and details (rain streaks,
stars, the horizon's exact height) from the shot's seed. No text is ever drawn here.
"""

from __future__ import annotations

import colorsys
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageChops, ImageDraw
from ttv_contracts import v1 as _contracts_v1

RGB = tuple[int, int, int]

TIMES = ("dawn", "day", "dusk", "night")
WEATHERS = ("clear", "cloudy", "rain", "storm", "snow", "fog", "wind")

# --------------------------------------------------------------------------- words


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TIME_WORDS = {
    "dawn": "dawn sunrise daybreak sunup",
    "dusk": "dusk sunset evening twilight sundown nightfall",
    "night": "night midnight nighttime moonlight moonlit dark darkness starry stars",
    "day": "day noon midday afternoon morning daylight sunny sunshine daytime",
}
_WEATHER_WORDS = {
    "storm": "storm stormy thunder thunderstorm lightning gale tempest hurricane",
    "rain": "rain rainy raining rained drizzle downpour showers raindrops wet",
    "snow": "snow snowy snowing blizzard snowfall sleet snowflakes snowflake",
    "fog": "fog foggy mist misty haze hazy",
    "wind": "wind windy breeze breezy gust gusts gusty",
    "cloudy": "cloud clouds cloudy overcast grey gray",
    "clear": "sunny clear cloudless calm sunshine",
}
#: Words that put a shot in winter: snow lies on the ground (and roofs and pines) whatever
#: the weather; a season, not snowfall ("a kitchen on a winter morning" is not snowing).
_WINTER_WORDS = _wordset("winter winters wintry wintertime icy frosty")
#: The other seasons, where the spec leaves the season unknown: words that say it (a bare
#: "fall" is a verb, so only the spec's season says fall). "spring" is the season only next
#: to a word that makes it one ("a spring morning", "in spring"), not a well or a leap.
_SEASON_WORDS = {
    "autumn": _wordset("autumn autumns autumnal"),
    "spring": _wordset("springtime"),
    "summer": _wordset("summer summers summertime midsummer"),
}
_SPRING_BEFORE = _wordset("in this last next early late every each")
_SPRING_AFTER = _wordset(
    """morning mornings day days afternoon evening night sun sunshine rain showers shower
    breeze air weather time term holiday holidays garden meadow meadows flowers blossom
    lamb lambs"""
)
#: Leaves that say autumn where the words name no season ("the fallen leaves").
_AUTUMN_LEAVES = re.compile(r"\b(?:fallen|falling|golden|autumn|red|orange|crunchy|dry) leaves\b")
#: What the seasons look like outdoors on the Earth (the default is summer's green):
#: autumn's crowns in orange, red and yellow (a little green left), browner grass and a few
#: leaves on it; spring's fresher, lighter grass, crowns with pale pink and white blossom and
#: a few flowers in the grass.
AUTUMN_LEAVES = ((214, 100, 36), (186, 58, 34), (230, 170, 50), (200, 128, 40), (128, 120, 48))
AUTUMN_GRASS = (148, 136, 72)
SPRING_GRASS = (124, 182, 84)
SPRING_CROWN = (96, 156, 72)
BLOSSOM = ((250, 214, 226), (255, 250, 250), (244, 186, 206))
_INDOOR_WORDS = _wordset(
    """room kitchen bedroom hall attic basement cellar workshop studio office classroom
    library lab laboratory museum theatre theater hospital bakery cafe restaurant shop store
    cabin parlour parlor nursery corridor factory gym inside indoors indoor interior forge
    smithy chamber"""
)
_OUTDOOR_WORDS = _wordset(
    """outside outdoors outdoor garden field meadow forest woods street beach shore sea ocean
    harbour harbor island mountain mountains hill hills river valley sky yard park desert
    village road path lake coast bay playground playgrounds schoolyard schoolyards"""
)

#: shape -> words that name it (singular and plural forms are listed, no stemming).
SHAPES: dict[str, str] = {
    "lighthouse": "lighthouse lighthouses beacon",
    "boat": "boat boats ship ships canoe raft sailboat yacht ferry vessel fishing",
    "lamp": "lamp lamps lantern lanterns candle candles torch lamplight",
    "cloud": "cloud clouds",
    "rain": "rain raindrop raindrops",
    "workshop": "workshop forge smithy pottery",
    "bench": "bench benches workbench",
    "tool": "tool tools hammer saw chisel wrench spanner axe",
    "pot": "pot pots vase jar jug bowl",
    "wheel": "wheel",
    "tree": "tree trees oak pine orchard leaf leaves",  # a leaf: on its tree
    "forest": "forest forests wood woods jungle clearing clearings glade glades",  # a clearing: in one
    "kitchen": "kitchen kitchens bakery stove oven",
    "kettle": "kettle kettles teapot",
    "board": "blackboard chalkboard board classroom",
    "house": "house houses cottage hut home cabin farmhouse barn",
    # seen from outside: a stone castle (a keep between two round towers with pointed roofs,
    # a gate); "tower" alone is one tall round tower with a window near its top
    "castle": "castle castles palace palaces fort forts citadel",
    # a diamond kite high in the sky on its string (the colour the words say, else red)
    "kite": "kite kites",
    # a stone fireplace with a fire on a room's back wall (and a room's bare "fire": interpret)
    "hearth": "fireplace fireplaces hearth hearths",
    # a low wooden picket fence across the ground behind the figures (a playground has its own)
    "fence": "fence fences railing railings",
    "tower": "tower towers",
    # several houses and roofs (a single "house" or "cottage" is one house)
    "town": "town towns village villages hamlet hamlets",
    # a street of buildings with windows, a pavement, a road and street lamps; a "square"
    # only as a town's ("the town square", "the village square"): _nouns
    "street": "street streets city cities avenue avenues downtown sidewalk sidewalks pavement "
    "pavements alley alleys plaza piazza",
    # stalls with striped awnings and piles of goods on a paved square; "stall" and a "fair"
    # only as nouns ("a fair", not "fair hair" or "it wasn't fair"): _nouns
    "market": "market markets marketplace bazaar bazaars stall stalls",
    # grass, a path, trees, a bench and a lamp post (not a "car park"): _nouns
    "park": "park parks",
    # a long crenellated stone wall over the hills with watchtowers; a bare "wall" only
    # outdoors ("the wall" of a room is none), "the Great Wall" in any words: interpret
    "wall": "rampart ramparts battlement battlements fortress fortresses",
    # party things: balloons on strings, a cake with candles on a table
    "balloon": "balloon balloons",
    "cake": "cake cakes",
    "mountain": "mountain mountains peak peaks summit alps",
    "volcano": "volcano volcanoes volcanic crater",  # a cone; erupting with lava, magma, ash
    "lava": "lava magma eruption erupt erupts erupted erupting",
    "river": "river rivers stream brook creek riverbank nile",
    "sea": "sea seas ocean waves seaside",  # not "water": a watered flower is no sea
    "harbour": "harbour harbor port quay pier dock",
    "island": "island isle reef",
    "beach": "beach shore coast sand",
    "desert": "desert deserts dune dunes",  # no drawing of its own: the ground is sand
    "rock": "rock rocks rocky cliff cliffs boulder quarry quarries",
    "sun": "sun sunlight",
    "moon": "moon",
    "star": "star stars",
    "table": "table tables desk",
    # "rose" only as a noun ("a rose", "red roses"), not the verb ("the moon rose"): _nouns
    "flower": "flower flowers rose roses daisy daisies tulip tulips blossom garden plant plants",
    "path": "path paths road track trail lane",
    "book": "book books library bookshelf page",
    "cave": "cave caves cavern caverns grotto",  # outside: a cliff with a dark cave mouth
    "flag": "flag flags",
    # a spacecraft seen from outside: a lander on the Moon, a capsule or (with "station")
    # a space station in space, a rocket on Earth
    "spacecraft": "lander landers rocket rockets spacecraft spaceship spaceships capsule module "
    "shuttle satellite",
    "pyramid": "pyramid pyramids",  # sunlit stone in a desert (the ground is sand)
    # logs, flames and a warm glow on the ground; a bare "fire" only outdoors and not in a
    # compound ("fire engine", "fire station"): _nouns
    "campfire": "campfire campfires bonfire bonfires fire fires",
    "tent": "tent tents",  # seen from outside; "inside the tent" is the tent kind
    # a platform, the track and a train at it (on Earth; a "station" in space is a space
    # station, a "fire station" none): _nouns
    "railway": "railway railways platform platforms station stations",
    # a play area of sand before a low fence, with a swing set, a slide and a climbing
    # frame; also "play area", "school yard" and "recess" ("at recess", not "a recess in the
    # wall"): _nouns. Playground things are drawn outdoors on the Earth only: interpret
    "playground": "playground playgrounds schoolyard schoolyards recess",
    # each playground thing, drawn alone where no playground is named; "swing" and "slide"
    # only as nouns ("swing the bat", "began to slide" are verbs, "a slide show" or a
    # microscope's slide no slide), "see saw", "sand pit", "climbing frame", "jungle gym"
    # and "monkey bars" as one word each: _nouns
    "swing": "swing swings",
    "slide": "slide slides",
    "seesaw": "seesaw seesaws teetertotter",
    "sandpit": "sandpit sandpits sandbox sandboxes",
    "climbingframe": "climbingframe junglegym",
}
_WORD_SHAPE = {w: shape for shape, words in SHAPES.items() for w in words.split()}
_EXPANDS = {
    "workshop": ("bench", "tool", "pot", "wheel"),
    "library": ("book", "table"),
    "classroom": ("table", "book"),
    "forest": ("tree",),
    "kitchen": ("kettle",),
    "pyramid": ("desert",),
    "park": ("tree", "path"),
}
#: Words that make sand a desert's, not a beach's ("across the desert sand"): word list.
_DESERT_WORDS = _wordset("desert deserts dune dunes pyramid pyramids oasis camel camels sahara")
#: the ground of a desert, in full daylight
SAND = (214, 182, 120)
#: (zenith, horizon) of the airless sky over the Moon and in space: black, day or night
SPACE_SKY = ((2, 2, 7), (9, 10, 20))
#: the Earth's oceans seen from orbit: (at the limb, below)
EARTH_OCEAN = ((128, 188, 244), (62, 132, 220))
#: the Moon's grey dust in full sunlight
REGOLITH = (166, 164, 160)
#: the insides of vehicles: (wall, seat) colours; the seats are kept light enough (luma
#: ~130) that a figure's daylight tone stands apart from them
VEHICLES = ("bus", "train", "car", "plane")
_VEHICLE_LOOK = {
    "bus": ((228, 224, 206), (96, 140, 200)),
    "train": ((224, 220, 210), (196, 112, 100)),
    "car": ((206, 200, 192), (156, 144, 130)),
    "plane": ((234, 234, 238), (104, 136, 192)),
}
_SEA_SHAPES = {"sea", "boat", "lighthouse", "harbour", "island", "beach"}
#: a playground and the things in one (drawn outdoors on the Earth only); "playwall" is a
#: low brick wall at the back of a playground whose shot names a wall
PLAY_SHAPES = frozenset(
    {"playground", "swing", "slide", "seesaw", "sandpit", "climbingframe", "playwall"}
)
#: under water: (at the surface, at the sea floor) in daylight; light blue enough that a
#: figure's deep tone (luma ~24) stands apart from it
WATER = ((118, 198, 224), (34, 112, 160))
#: the light under water: blue-green, dimmer than the air (figures take their deep tone)
UNDERWATER_LIGHT = (0.74, 0.9, 1.0)
#: canvas of a tent, in daylight (seen from inside, lit through)
CANVAS = (222, 184, 122)
#: a town's walls, roofs and stall awnings (daylight colours; lit by the scene's light)
FACADES = ((214, 196, 170), (196, 124, 100), (228, 220, 204), (176, 186, 198), (212, 174, 124),
           (190, 152, 134), (164, 180, 164))  # fmt: skip
ROOFS = ((150, 62, 48), (112, 70, 56), (96, 100, 112), (176, 96, 60))
AWNINGS = ((206, 52, 48), (46, 110, 190), (60, 150, 80), (236, 176, 40))
#: a market's goods where the words name none: mixed fruit and vegetables
GOODS_MIX = ((214, 50, 44), (246, 150, 40), (240, 210, 70), (110, 170, 60), (140, 70, 150))
#: a playground's sandy play surface and its timber edging, and the paint of its swing set,
#: slide and climbing frame (red, blue, yellow, green), in daylight: all light enough (luma
#: 110-200) that a daylight figure (luma ~45-70) stands apart from them
PLAY_SAND = (226, 200, 152)
PLAY_EDGE = (164, 120, 80)
PLAY_PAINT = ((226, 82, 62), (70, 138, 220), (246, 198, 56), (84, 178, 104))


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


#: Words before "rose" that make it the flower, not the verb ("a rose", "red roses", "picked
#: a rose"; "the moon rose" is no flower); after it, "rose bush", "rose garden" (word lists).
_ROSE_BEFORE = _wordset(
    """a the one two three her his their my your our its this that every each of red white
    pink yellow wild single little small big beautiful lovely pretty climbing"""
)
_ROSE_AFTER = _wordset("bush bushes garden gardens petal petals bed beds hip hips")
#: A "fire" before one of these is no campfire ("fire engine"); a "station" after one of
#: these is no railway's ("fire station", "space station").
_FIRE_COMPOUND = _wordset(
    """engine engines station stations truck trucks alarm alarms brigade escape exit drill
    hydrant fighter fighters man men place places works fly flies"""
)
_NOT_RAILWAY = _wordset(
    """fire police petrol gas space power weather research polar radio television tv service
    filling pumping lifeboat ranger bus coach"""
)


#: Before these, "stall", "store", "park" and "fair" are verbs or adjectives ("to stall",
#: "they store", "fair hair"), and "park" is a car park; a "square" is a town's only after
#: one of :data:`_SQUARE_BEFORE` (word lists).
_VERB_BEFORE = _wordset(
    """to will would can could may might must shall should did does do not never i you we
    they he she it who which that don t car"""
)
_SQUARE_BEFORE = _wordset("town village city market main public central old")
#: After "fair", a noun it describes ("fair hair", "a fair price"): no fair (a market) then,
#: only at a phrase's end or before one of these.
_FAIR_AFTER = _wordset(
    "and or in on at with was were is had day days ground grounds stalls stall with near by"
)
#: A "hot air balloon" is no party balloon (word list).
_NOT_PARTY_BALLOON = _wordset("air")
#: Two words that name one playground thing, and the shape word they become.
_PLAY_PAIRS = {
    ("play", "area"): "playground",
    ("play", "areas"): "playground",
    ("play", "park"): "playground",
    ("school", "yard"): "playground",
    ("school", "yards"): "playground",
    ("climbing", "frame"): "climbingframe",
    ("climbing", "frames"): "climbingframe",
    ("jungle", "gym"): "junglegym",
    ("jungle", "gyms"): "junglegym",
    ("monkey", "bars"): "junglegym",
    ("sand", "pit"): "sandpit",
    ("sand", "pits"): "sandpit",
    ("sand", "box"): "sandpit",
    ("teeter", "totter"): "seesaw",
    ("see", "saw"): "seesaw",  # only as a noun (after "a", "the", "on"): _nouns
}
#: A "swing" or "slide" is a playground's only as a noun: after one of these (a determiner,
#: a number, a word that describes it: "on the swings", "a rope swing", "two slides"), at
#: the head of an object's name or a setting, or in a list of them ("swings and slides")
#: (word lists) ...
_PLAY_BEFORE = _wordset(
    """the a an his her their its our my your this that these those every on two three four
    some many both old new big little small tall long high wooden metal rusty creaky squeaky
    empty rope tyre tire tree garden playground park porch baby water red blue yellow green
    orange shiny plastic swinging"""
)
_PLAY_THINGS = _wordset("swing swings slide slides seesaw seesaws climbingframe junglegym")
#: ... not before one of these: an object or a particle of the verb ("swing the bat",
#: "slide down the river", "slid it"), or another noun ("a swing door", "a slide show") ...
_PLAY_NOT_AFTER = _wordset(
    """the a an his her their its my your our this that these those it them him me us you
    down up into onto off away across along back out over around round open shut closed
    past through from towards toward forward forwards backward backwards wildly gently
    slowly quickly door doors bridge bridges dance dancing music band vote voter voters
    state states shift shifts show shows rule rules projector projectors deck decks
    presentation lock locks guitar trombone"""
)
#: ... and a "slide" after one of these is none ("a microscope slide", "a mud slide"); a
#: shot that names one of :data:`_NOT_A_SLIDE_SHOT` (a microscope) draws no slide, and one
#: that names a bat or a club no swing (word lists).
_NOT_A_SLIDE_BEFORE = _wordset(
    "microscope glass photo lantern hair mud rock land snow colour color"
)
_NOT_A_SLIDE_SHOT = _wordset(
    """microscope microscopes specimen specimens projector projectors presentation
    presentations lecture lens lenses"""
)
_NOT_A_SWING_SHOT = _wordset(
    "bat bats golf club clubs racket rackets racquet racquets baseball cricket punch sword axe"
)


def _nouns(words: list[str], head: bool = False) -> list[str]:
    """``words`` without the shape words that are something else here: "rose" as a verb,
    "fire" in a compound, a "station" that is no railway's, "stall", "park" or "fair" that
    are no market's or park ("the engine stalled", "fair hair", "a car park", "to park"), a
    "town" or "city" in "town hall" (the hall is drawn); a town's "square" becomes "plaza"
    and a "fair" (a noun) "market"; two words that name one playground thing become one
    ("climbing frame", "school yard"), and a "swing" or "slide" that is a verb goes (or a
    "recess" in a wall). ``head``: the first word is a noun (an object's name), so a "rose"
    there is the flower."""
    out = []
    skip = -1
    for i, w in enumerate(words):
        if i == skip:
            continue
        prev = words[i - 1] if i else ""
        nxt = words[i + 1] if i + 1 < len(words) else ""
        pair = _PLAY_PAIRS.get((w, nxt))
        if pair and (w != "see" or (head and i == 0) or prev in _PLAY_BEFORE):
            out.append(pair)
            skip = i + 1
            continue
        if w in ("swing", "swings", "slide", "slides") and not _play_noun(words, i, head):
            continue
        if w == "recess" and (nxt in _RECESS_AFTER or (i and prev not in _RECESS_BEFORE)):
            continue
        if w in ("stall", "stalls", "park", "parks") and prev in _VERB_BEFORE:
            continue
        if w in ("town", "city") and nxt == "hall":
            continue
        if w in ("balloon", "balloons") and prev in _NOT_PARTY_BALLOON:
            continue
        if w == "square":
            if prev in _SQUARE_BEFORE:
                out.append("plaza")
            continue
        if w in ("fair", "fairs"):
            noun = (head and i == 0) or prev in _DETERMINERS or prev in _SQUARE_BEFORE
            if noun and (not nxt or nxt in _FAIR_AFTER) and prev not in _VERB_BEFORE:
                out.append("market")
            continue
        if w == "rose" and not ((head and i == 0) or prev in _ROSE_BEFORE or nxt in _ROSE_AFTER):
            continue
        if w in ("fire", "fires") and nxt in _FIRE_COMPOUND:
            continue
        if w in ("station", "stations") and prev in _NOT_RAILWAY:
            continue
        out.append(w)
    return out


def _play_noun(words: list[str], i: int, head: bool) -> bool:
    """Whether the "swing" or "slide" at ``words[i]`` is the playground thing, a noun."""
    w, prev = words[i], words[i - 1] if i else ""
    nxt = words[i + 1] if i + 1 < len(words) else ""
    if nxt in _PLAY_NOT_AFTER or (nxt == "at" and prev in ("a", "an")):  # "a swing at it"
        return False
    if w.startswith("slide") and prev in _NOT_A_SLIDE_BEFORE:
        return False
    if i == 0 or prev in _PLAY_BEFORE:
        return True
    return prev in ("and", "or") and i > 1 and words[i - 2] in _PLAY_THINGS


#: A "recess" is a school's break (its playground) at the head of a setting or after one of
#: these ("at recess", "during morning recess"); before one of these or after any other
#: word it is a nook ("a recess in the wall", "hid in a dark recess"): word lists.
_RECESS_BEFORE = _wordset("at during after before until till for morning afternoon lunch school")
_RECESS_AFTER = _wordset("in of between behind under within beneath into")


# --------------------------------------------------------------------------- place kinds

#: Worlds other than the Earth, as phrase lists (regular expressions, not a classifier).
#: The Moon's *surface* needs more than the word: "the moon rose over the sea" is the moon in
#: an Earth sky, "landed on the Moon" or "the lunar surface" is the ground underfoot. Space
#: likewise: "in space", "orbit", "astronauts", "the blue planet below"; a bare "space" only
#: as a setting's head ("space", "outer space"), never "a space between the trees".
_WORLD_PHRASES = {
    "earth": r"\b(?:back |down )?on earth\b|\bback to earth\b|\bsplash(?:ed)? ?down\b",
    "moon": r"\b(?:on|onto|upon|to|reached|reach|reaches) the moon\b|\bmoon'?s surface\b"
    r"|\b(?:surface|side) of the moon\b|\blunar\b|\bmoon ?(?:walk|walks|walked|walking|landing|landings"
    r"|base|dust|buggy|rover)\b",
    "space": r"\b(?:in|into|to|from|through|outer|deep) space\b|\bspace ?(?:station|stations"
    r"|ship|ships|craft|walk|walks|suit|suits)\b|\bspacecraft\b|\borbit(?:s|ed|ing|al)?\b"
    r"|\b(?:astro|cosmo)nauts?\b|\bweightless|\bzero gravity\b|\bblue planet\b"
    r"|\b(?:planet|earth) below\b|\baround the earth\b",
    # Under water: diving or sinking *into* the water, being under or below its surface, the
    # sea floor, a coral reef. Not "swam in the sea" (at the surface) or "sailed on the sea".
    "underwater": r"\bunder ?water\b|\b(?:dive|dives|dived|diving|dove|swam|swim|swims"
    r"|swimming|sank|sink|sinks|sinking|plunged?)(?: down| deep)? (?:into|under|beneath|below"
    r"|to the bottom of)(?: the| a| an)?(?: [a-z]+){0,2}? (?:sea|seas|ocean|water|waters|waves"
    r"|lake|river|pool|lagoon|deep|depths|reef)\b"
    r"|\b(?:under|beneath|below) the (?:water|waters|sea|ocean|waves|surface)\b"
    r"|\b(?:swam|swims|swim|swimming|sank|sinks|dived|dove) (?:down|to the bottom)\b"
    r"|\bsea ?(?:bed|floor)\b|\bocean floor\b|\bbottom of the (?:sea|ocean|lake)\b"
    r"|\bcoral ?reefs?\b|\bcorals\b|\bscuba\b|\bsnorkel",
}
#: A bare "coral" is a colour or a necklace's ("a coral dress") unless the shot also says
#: one of these: then it is the sea's, under water.
_CORAL = re.compile(r"\bcoral\b")
_CORAL_SEA = _wordset(
    "sea seas ocean water waters fish fishes reef reefs lagoon diver divers dived diving snorkel"
)
_WORLD_RES = {k: re.compile(v) for k, v in _WORLD_PHRASES.items()}
#: A setting is a place's name: one that *is* the Moon or space ("moon", "the Moon", "outer
#: space") puts the shot there, where the same word in a sentence may not.
_SETTING_WORLD = {
    "moon": re.compile(r"^\W*(?:the\s+)?moon\s*(?:$|[,;(])"),
    "space": re.compile(r"^\W*(?:the\s+)?space\s*(?:$|[,;(])"),
}
WORLDS = ("earth", "moon", "space", "underwater")

#: Places that are neither a room nor a landscape, as word lists: what the shot is inside
#: when it is indoors. Each also counts as an indoor word (a bus, a cave) when the spec does
#: not say; "station" is a spacecraft only in a space world (else a railway's or a bus's).
_KIND_WORDS = {
    "cave": "cave caves cavern caverns grotto grottoes",
    "bus": "bus buses minibus",
    "train": "train trains carriage carriages tram trams subway metro",
    "car": "car taxi van",
    "plane": "plane planes aeroplane airplane airliner cockpit",
    "spacecraft": "spacecraft spaceship spaceships capsule module shuttle",
    "tent": "tent tents",  # a place only after "in"/"inside" ("pitched their tent" is not)
}
_WORD_KIND = {w: kind for kind, words in _KIND_WORDS.items() for w in words.split()}
#: "ship": a ship's cabin, a room with a porthole onto the sea (no word of its own: a
#: "cabin" where the shot names a ship, :data:`_CABIN_WORDS`)
KINDS = ("", *_KIND_WORDS, "ship")
#: A cabin is a room (a log cabin) unless the shot names a train (a sleeper's cabin: the
#: train kind) or a ship (a ship's cabin: the ship kind), in its words, setting or objects.
_CABIN_WORDS = _wordset("cabin cabins")
_SHIP_WORDS = _wordset("ship ships boat boats ferry ferries liner steamer yacht voyage deck")
#: A vehicle word before one of these is a place outside it ("the bus stop").
_NOT_IN_VEHICLE = _wordset(
    "stop stops station stations park parking track tracks platform platforms lane lanes"
)
#: After "inside"/"within", a pronoun names a thing, not a place ("air inside them"), and so
#: does a noun phrase without a place word in it ("inside the leaf"); "went inside",
#: "inside, it was dark" and "inside the old cottage" are indoors (word lists).
_PRONOUNS = _wordset(
    """it them him her me us you himself herself itself themselves everything something
    everyone everybody anything nothing this that these those one each"""
)
_DETERMINERS = _wordset("the a an his her their its our my your this that these those every")
_BUILDINGS = _wordset(
    """house houses cottage hut home barn building church castle palace temple tower tent
    igloo lighthouse station school mill shed greenhouse stable warehouse"""
)


def _place_words(text: str) -> list[str]:
    """The words of ``text`` for the inside/outside scan: without an "inside" or "within"
    that speaks of a thing ("apples have air inside them", "inside the leaf") and without a
    vehicle word that names a place beside it ("the bus stop")."""
    tokens = re.findall(r"[a-z]+|[^\sa-z]", text.lower())
    places = _INDOOR_WORDS | _BUILDINGS | set(_WORD_KIND)
    out = []
    for i, tok in enumerate(tokens):
        if not tok.isalpha():
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if tok in ("inside", "within") and nxt.isalpha():
            if nxt in _PRONOUNS:
                continue
            if nxt in _DETERMINERS:
                phrase = []
                for t in tokens[i + 2 : i + 6]:
                    if not t.isalpha():
                        break
                    phrase.append(t)
                if not places.intersection(phrase):
                    continue
        if tok in _WORD_KIND and nxt in _NOT_IN_VEHICLE:
            continue
        if tok in ("gym", "gyms") and i and tokens[i - 1] == "jungle":
            continue  # a jungle gym: a climbing frame, outdoors
        if _WORD_KIND.get(tok) == "tent" and not _after_in(tokens, i):
            continue  # a tent seen ("pitched their tent in a clearing"), not its inside
        out.append(tok)
    return out


def _after_in(tokens: list[str], i: int) -> bool:
    """Whether ``tokens[i]`` follows "in", "inside", "into" or "within" in the same phrase
    ("in the small tent", "inside their tent")."""
    for t in reversed(tokens[max(0, i - 4) : i]):
        if not t.isalpha():
            return False
        if t in ("in", "inside", "into", "within"):
            return True
    return False


def _world(setting: str, text: str, full: str = "") -> str:
    """Where the shot is: the shot's own words first ("Collins stayed in orbit" under a
    setting on the Moon; "back on Earth"), then its setting; the Earth unless one says.
    ``full``: the shot's words with the setting left in, for a phrase that runs through it
    ("dived into the warm blue sea" under the setting "warm blue sea"): under water only."""
    for words in (text.lower(), setting.lower()):
        for world in WORLDS:
            if _WORLD_RES[world].search(words):
                return world
    if _WORLD_RES["underwater"].search(full.lower()):
        return "underwater"
    said = f"{full} {text} {setting}".lower()
    if _CORAL.search(said) and _CORAL_SEA.intersection(_words(said)):
        return "underwater"
    return next((w for w, r in _SETTING_WORLD.items() if r.search(setting.lower())), "earth")


#: "dark" and "grey" describe a thing, not the hour or the sky, when a colour or one of these
#: nouns follows ("dark brown feathers", "a grey coat", "dark clouds" are not night).
_MODIFIED = _wordset(
    """red orange yellow green blue purple pink brown black white grey gray silver gold
    hair eyes skin fur feathers feather coat cloak jacket dress shirt scarf hat suit wood
    stone stones rock rocks wall walls water shape shapes corner corners eyed haired skinned
    cat dog horse bird crow raven cloud clouds"""
)
_MODIFIERS = frozenset({"dark", "grey", "gray"})


def _first(words: Iterable[str], table: dict[str, str]) -> str | None:
    lookup = {w: k for k, ws in table.items() for w in ws.split()}
    words = list(words)
    for i, w in enumerate(words):
        if w in lookup:
            if w in _MODIFIERS and i + 1 < len(words) and words[i + 1] in _MODIFIED:
                continue
            return lookup[w]
    return None


def _scene_text(spec) -> str:
    """The prompt without what it says of the characters: their names and descriptors (the
    integration's prompt lists each present character's look) describe people, not the
    place ("dark brown hair" is not night, "a grey coat" is not a cloudy sky), and nor does a
    mood ("calm mood" is not a clear sky)."""
    text = re.sub(r"\b[a-z]+ mood\b", " ", spec.prompt, flags=re.I)
    for ch in getattr(spec, "characters", ()):
        for phrase in sorted((*ch.descriptors, ch.name), key=len, reverse=True):
            if phrase:
                text = text.replace(phrase, " ")
    return text


@dataclass(frozen=True)
class View:
    """What a backdrop shows: one time of day, one weather, inside or out, the shapes."""

    time: str = "day"
    weather: str = "clear"
    indoor: bool = False
    shapes: frozenset[str] = frozenset()
    inferred: tuple[str, ...] = ()  # attributes that came from words, not from the spec
    place: frozenset[str] = frozenset()  # the shapes the setting itself names
    winter: bool = False  # the scene's season, or a winter word in the setting or the text
    world: str = "earth"  # WORLDS: the Earth, the Moon's surface, space (the sky and ground)
    kind: str = ""  # KINDS: what the inside is ("" a room; a cave, a bus, a spacecraft ...)
    #: animals (``animals.ANIMALS`` names) the shot's words name in the plural ("the cows
    #: were waiting"), drawn small in the backdrop, a few of each
    herd: tuple[str, ...] = ()
    #: colour words the shot's words say (RGB), for what has no colour of its own (coral)
    colors: tuple[RGB, ...] = ()
    #: SEASONS but winter (that is ``winter``): "spring" and "autumn" colour the trees and the
    #: grass outdoors; "" (unknown) and "summer" are the default green
    season: str = ""
    #: CIVIC styles: a town's building seen from outside ("police station", "school",
    #: "museum" ...), only outdoors; "" none
    civic: str = ""
    #: the colours of the goods on a market's stalls (tomatoes red, mangoes orange), from
    #: the shot's words; () draws mixed fruit
    goods: tuple[RGB, ...] = ()
    #: how many candles a cake has ("eight candles"; 0 none said) and whether it is a
    #: chocolate cake
    candles: int = 0
    chocolate: bool = False
    #: CROWDS: the groups of unnamed people the scene slot puts into ``objects`` while they
    #: are in the place ("children"; "soldiers" and "villagers"), first said first, at most
    #: :data:`MAX_CROWDS`, drawn as a few small figures in the backdrop (the animatic's
    #: extras); () none
    crowds: tuple[str, ...] = ()
    #: how many of a shape the shot's own words count where more than one ("three kettles"),
    #: as (shape, count) pairs of :data:`COUNTABLE` shapes; () every shape drawn once
    counts: tuple[tuple[str, int], ...] = ()

    def count(self, shape: str) -> int:
        """How many of ``shape`` to draw: the shot's count, else 1."""
        return dict(self.counts).get(shape, 1)

    @property
    def crowd(self) -> str:
        """The first crowd word (:attr:`crowds`), or ""."""
        return self.crowds[0] if self.crowds else ""

    @property
    def earth(self) -> bool:
        return self.world == "earth"

    @property
    def snow_cover(self) -> bool:
        """Snow lies on the ground, roofs and pines (it is snowing, or it is winter)."""
        return self.earth and (self.winter or self.weather == "snow")

    @property
    def sea(self) -> bool:
        return self.earth and bool(self.shapes & _SEA_SHAPES) and "river" not in self.shapes

    @property
    def estuary(self) -> bool:
        """A river running into the sea the setting names ("Rivers carry the water back to
        the sea"): land with the river in front, the sea along the horizon."""
        return self.earth and "river" in self.shapes and bool(self.place & _SEA_SHAPES)

    @property
    def overcast(self) -> bool:
        return self.weather in {"cloudy", "rain", "storm", "snow", "fog"}

    @property
    def lamp_room(self) -> bool:
        return self.indoor and "lighthouse" in self.shapes


def interpret(spec) -> View:
    """The View of a ShotSpec: spec attributes first, then setting words, then prompt words."""
    setting, prompt = _words(spec.setting), _words(_scene_text(spec))
    time = getattr(spec, "time_of_day", "unknown")
    weather = getattr(spec, "weather", "unknown")
    inout = getattr(spec, "indoor_outdoor", "unknown")
    objects = tuple(getattr(spec, "objects", ()))
    inferred = []
    if time not in TIMES:
        time = _first(setting, _TIME_WORDS) or _first(prompt, _TIME_WORDS) or "day"
        inferred.append("time_of_day")
    if weather not in WEATHERS:
        weather = _first(setting, _WEATHER_WORDS) or _first(prompt, _WEATHER_WORDS) or "clear"
        inferred.append("weather")
    text = _scene_text(spec)
    if spec.setting.strip():  # the shot's own words: the prompt without its setting
        text = re.sub(re.escape(spec.setting.strip()), " ", text, flags=re.I)
    world = _world(spec.setting, text, _scene_text(spec))
    # The first place word of the setting, then of the prompt, says inside or outside, and
    # what the inside is (a room, a cave, a bus ...).
    hit, kind = None, ""
    for words in (_place_words(spec.setting), _place_words(_scene_text(spec))):
        for w in words:
            if w == "station" and world == "space":
                hit, kind = w, "spacecraft"
            elif w in _WORD_KIND or w in _INDOOR_WORDS or w in _OUTDOOR_WORDS:
                hit, kind = w, _WORD_KIND.get(w, "")
            else:
                continue
            break
        if hit:
            break
    if hit in _CABIN_WORDS and not kind:  # a sleeper's or a ship's cabin, not a log cabin
        said = {*setting, *_words(_scene_text(spec)), *(w for o in objects for w in _words(o))}
        if any(_WORD_KIND.get(w) == "train" for w in said):
            kind = "train"
        elif _SHIP_WORDS.intersection(said):
            kind = "ship"
    if inout not in ("indoor", "outdoor"):
        inout = "outdoor" if hit is None or (hit in _OUTDOOR_WORDS and not kind) else "indoor"
        inferred.append("indoor_outdoor")
    if inout == "indoor" and not kind and _TENT.intersection(setting):
        kind = "tent"  # the spec says inside, the setting names a tent ("the tent")
    if world == "underwater":
        weather = "clear"  # no weather under water
        if kind != "cave":  # a cave under water is a cave; else the open water
            inout, kind = "outdoor", ""
    elif world != "earth":
        weather = "clear"  # no air on the Moon or in space: no clouds, rain, fog or wind
        if not kind and inout == "indoor":
            kind = "spacecraft"  # a room on the Moon or in orbit is a spacecraft's module
    if "indoor_outdoor" in inferred and inout == "indoor" and _APPROACHED.search(text.lower()):
        inout = "outdoor"  # "carried it to the police station": the building from outside
    # a crowd word alone is no scene attribute: the prompt's words still count without one
    things = [o for o in objects if not _crowds((o,))]
    no_attributes = len(inferred) == 3 and not things
    named = [w for o in objects for w in _nouns(_words(o), head=True)] + _nouns(setting)
    if no_attributes:
        named += _nouns(prompt)
    outdoor = inout == "outdoor" and world == "earth"
    shapes: set[str] = set()
    for w in named:
        if w in _WORD_SHAPE:
            shapes.add(_WORD_SHAPE[w])
        if not (outdoor and w in _CIVIC_WORDS):  # outside a library: no books on the grass
            shapes.update(_EXPANDS.get(w, ()))
    for shape in list(shapes):
        shapes.update(_EXPANDS.get(shape, ()))
    raw = (
        [w.lower() for o in objects for w in _words(o)]
        + setting
        + (prompt if no_attributes else [])
    )
    if world == "space" and "station" in raw:
        shapes.add("station")  # drawn as a space station, not a capsule
    if kind in ("cave", "spacecraft", "tent"):  # seen from outside: a cave mouth, the ...
        shapes.add(kind)
    if world != "earth":
        shapes.discard("railway")
    if not indoor_fire_ok(inout, named):
        if "campfire" in shapes:  # "Inside the wooden hut, Erik lit a small fire": its hearth
            shapes.add("hearth")
        shapes.discard("campfire")
    if PLAY_SHAPES & shapes:  # outdoors on the Earth only; not a microscope's slide
        said_all = {*(w for o in objects for w in _words(o)), *setting, *_words(text)}
        if not outdoor:
            shapes -= PLAY_SHAPES
        if _NOT_A_SLIDE_SHOT & said_all:
            shapes.discard("slide")
        if _NOT_A_SWING_SHOT & said_all:
            shapes.discard("swing")
        if "playground" in shapes and {"wall", "walls"} & set(named):
            shapes.add("playwall")  # the playground's own wall ("kicked a ball against it")
    said_words = {*setting, *_words(text)}
    party = {"birthday", "birthdays"} & said_words or any(
        w in ("party", "parties") and (i == 0 or ws[i - 1] not in _NOT_A_PARTY)
        for ws in (setting, _words(text))
        for i, w in enumerate(ws)
    )
    indoors_on_earth = inout == "indoor" and world == "earth"
    if party and indoors_on_earth:  # a party room: balloons ...
        shapes.add("balloon")
    wish = {"wish", "wished", "wishes"} & said_words
    if indoors_on_earth and {"candle", "candles"} & {*named, *said_words} and (party or wish):
        # ... and the candles' cake; "made a wish, and blew out all the candles": a cake's too
        shapes.add("cake")
    if "cake" in shapes and not {"lamp", "lamps", "lantern", "lanterns"} & set(named):
        shapes.discard("lamp")  # the candles are the cake's
    civic = ""
    if outdoor:
        said = " ".join(
            [" ".join(_words(o)) for o in objects] + [" ".join(setting)]
            + ([" ".join(prompt)] if no_attributes else [])
        )  # fmt: skip
        civic = _civic(said)
        walls = [i for i, w in enumerate(named) if w in ("wall", "walls")]
        # a bare wall is a long wall over the hills only out in the hills (or with the
        # towers and soldiers of one): in a playground, a city or a field it is that place's
        # wall ("kicked a ball against the wall" had drawn the Great Wall of China)
        country = _WALL_COUNTRY.intersection(setting) or _WALL_FORT.intersection(said_words)
        if country and any(i == 0 or named[i - 1] not in _NOT_A_GREAT_WALL for i in walls):
            shapes.add("wall")
        if _GREAT_WALL.search(f"{spec.setting} {text}".lower()):
            shapes.add("wall")
    # Sand is a desert's when the shot says desert (or pyramid) anywhere, not a beach's.
    if _DESERT_WORDS.intersection((*named, *setting, *prompt)):
        shapes.add("desert")
        if {w for w in named if _WORD_SHAPE.get(w) == "beach"} <= {"sand"}:
            shapes.discard("beach")
    if outdoor and {"door", "doors", "doorstep", "porch"} & set(named):
        shapes.add("house")  # "knocked on her door" in her garden: the door is a house's
    place = frozenset(_WORD_SHAPE[w] for w in _nouns(setting) if w in _WORD_SHAPE)
    # the scene's season (contracts 1.3) carries winter to shots that do not say it
    winter = getattr(spec, "season", "unknown") == "winter" or any(
        w in _WINTER_WORDS for w in (*setting, *prompt)
    )
    season = _season(getattr(spec, "season", "unknown"), setting, prompt)
    return View(
        time,
        weather,
        inout == "indoor",
        frozenset(shapes),
        tuple(inferred),
        place,
        winter and world == "earth",
        world,
        kind,
        _herd(prompt, spec),
        tuple(_COLOURS[w] for w in dict.fromkeys(_words(text)) if w in _COLOURS),
        season if world == "earth" and not winter else "",
        civic=civic,
        goods=_goods([w for o in objects for w in _words(o)] + setting + _words(text))
        if "market" in shapes
        else (),
        candles=_candles(_words(text)) if "cake" in shapes else 0,
        chocolate="cake" in shapes and "chocolate" in (*_words(text), *setting, *named),
        crowds=_crowds(objects),
        counts=tuple((k, n) for k, n in _counts(_words(text)) if k in shapes),
    )


#: A town's buildings seen from outside, as phrases (regular expressions) and the style each
#: is drawn in: columns and a pediment (a museum, library, town hall), a brick school, a
#: white hospital with a cross, a police station with a blue lamp, a post office with a
#: postbox, a fire station's red doors, a shopfront with an awning. A bare "station" stays
#: a railway's; "store" only as a noun ("the store", not "they store grain").
CIVIC = ("columns", "school", "hospital", "police", "post", "fire", "shop")
_CIVIC_PHRASES = (
    ("police", r"\bpolice (?:station|stations|headquarters)\b"),
    ("fire", r"\bfire ?(?:station|stations|house)\b"),
    ("post", r"\bpost ?offices?\b"),
    ("columns", r"\b(?:town|city) ?halls?\b|\bmuseums?\b|\blibrar(?:y|ies)\b|\bcourt ?house\b"),
    ("hospital", r"\bhospitals?\b|\bclinic\b"),
    ("school", r"\bschools?\b|\bschoolhouse\b"),
    (
        "shop",
        r"\b(?<!to )(?<!will )(?<!they )(?<!we )(?<!i )(?:shop|shops|store|stores|shopfront"
        r"|storefront|bakery|bookshop|toyshop|grocer|grocery)\b(?! (?:it|them|the|their|his|her))",
    ),
)
_CIVIC_RES = tuple((style, re.compile(rx)) for style, rx in _CIVIC_PHRASES)
_CIVIC_WORDS = _wordset(
    "library libraries museum museums hospital hospitals school schools bakery bakeries"
)
#: "walked to the library", "carried it to the police station": the building approached,
#: seen from outside (where the spec does not say inside or out).
_APPROACHED = re.compile(
    r"\b(?:to|towards?|outside|reached|approached|past|front of)(?: the| a| an| our| his| her"
    r"| their)?(?: [a-z]+)? (?:police station|fire station|school|library|hospital|museum"
    r"|town hall|post office|shop|store)\b"
)
#: A "wall" after one of these is a room's, a garden's or a house's, not a long wall over the
#: hills (word list); "the Great Wall" is always one.
_NOT_A_GREAT_WALL = _wordset(
    """garden brick kitchen bedroom classroom room house cottage barn cave tent bathroom
    living back front stone low wooden sea harbour harbor"""
)
#: A "party" after one of these is no birthday's (word list).
_NOT_A_PARTY = _wordset("search rescue political hunting working war landing boarding")
_GREAT_WALL = re.compile(r"\bgreat wall\b")
#: A bare "wall" is a long wall over the hills only with one of these in the setting (open,
#: hilly country) ...
_WALL_COUNTRY = _wordset(
    "hill hills hillside mountain mountains ridge ridges valley desert steppe pass frontier"
)
#: ... or one of these in the shot's words (a fortification's towers, guards and foes).
_WALL_FORT = _wordset(
    """tower towers watchtower watchtowers soldier soldiers guard guards guarded raiders
    invaders enemies enemy army armies emperor emperors fort fortress castle ancient"""
)


def _civic(said: str) -> str:
    """The CIVIC style of the first building the words name ("" none)."""
    hits = [(m.start(), style) for style, rx in _CIVIC_RES for m in [rx.search(said)] if m]
    return min(hits)[1] if hits else ""


#: Goods on a market's stalls and their colours (word list); "cloth" and "fabric" are bolts
#: of bright cloth.
_GOODS: dict[str, tuple[RGB, ...]] = {
    "tomato": ((206, 46, 40),),
    "apple": ((196, 40, 44), (130, 180, 60)),
    "mango": ((246, 160, 40), (236, 200, 60)),
    "orange": ((244, 140, 40),),
    "banana": ((244, 214, 70),),
    "lemon": ((246, 226, 80),),
    "lime": ((120, 190, 60),),
    "grape": ((120, 60, 140),),
    "plum": ((110, 40, 90),),
    "melon": ((140, 190, 80),),
    "watermelon": ((60, 140, 60),),
    "pepper": ((220, 50, 40), (60, 150, 60)),
    "carrot": ((236, 120, 40),),
    "cabbage": ((120, 180, 90),),
    "potato": ((190, 150, 100),),
    "onion": ((200, 140, 90),),
    "egg": ((244, 236, 214),),
    "bread": ((196, 140, 76),),
    "honey": ((226, 156, 40),),
    "cloth": ((214, 60, 120), (60, 110, 200), (240, 190, 40)),
    "fabric": ((214, 60, 120), (60, 110, 200), (240, 190, 40)),
    "spice": ((200, 90, 40), (230, 180, 60)),
    "fish": ((170, 180, 190),),
}
_GOODS_PLURAL = {"tomatoes": "tomato", "mangoes": "mango", "potatoes": "potato"}


def _goods(words: list[str]) -> tuple[RGB, ...]:
    """The colours of the goods the words name, first named first (at most six), then
    mixed fruit to make up three."""
    out: list[RGB] = []
    for w in words:
        w = _GOODS_PLURAL.get(w, w[:-1] if w.endswith("s") and w[:-1] in _GOODS else w)
        for c in _GOODS.get(w, ()):
            if c not in out:
                out.append(c)
    out = out[:6]
    return tuple(out + [c for c in GOODS_MIX if c not in out][: max(0, 3 - len(out))])


_NUMBERS = {
    w: k
    for k, w in enumerate(
        ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"), 1
    )
}


#: Counting words that are no numeral ("several pots", "a couple of kettles")
_SOME = {"both": 2, "couple": 2, "pair": 2, "several": 3, "few": 3}
#: Things drawn once per shot unless the shot counts them ("three kettles"): how many at most
COUNTABLE = {"kettle": 4, "pot": 4, "cake": 2, "book": 3, "lamp": 3, "bench": 2, "table": 2}


def _counts(words: list[str]) -> tuple[tuple[str, int], ...]:
    """How many of each :data:`COUNTABLE` thing the words count, where more than one: a
    number or a counting word, then up to two adjectives, then the thing's plural ("three
    kettles", "two large pots", "several jars"). A shape the words count twice keeps its
    first count."""
    out: dict[str, int] = {}
    for i, w in enumerate(words):
        n = _NUMBERS.get(w) or _SOME.get(w) or (int(w) if w.isdigit() and len(w) < 3 else 0)
        if n < 2:
            continue
        for j in range(i + 1, min(i + 5, len(words))):
            if words[j] in ("of", "the", "large", "small", "big", "little", "old", "new"):
                continue  # "a couple of the big kettles"
            word = words[j]
            # a plural: "kettles", "jars" (the table may list only "jar"), "benches"
            shape = word.endswith("s") and next(
                (_WORD_SHAPE[x] for x in (word, word[:-1], word[:-2]) if x in _WORD_SHAPE), None
            )
            if shape in COUNTABLE:
                out.setdefault(shape, min(n, COUNTABLE[shape]))
                break
            if j - i >= 3 or words[j] in _NUMBERS or words[j] in _SOME:
                break
    return tuple(out.items())


def _candles(words: list[str]) -> int:
    """How many candles the words count ("eight candles"), 0 when they say no number."""
    for i, w in enumerate(words[1:], 1):
        if w in ("candle", "candles") and (words[i - 1] in _NUMBERS or words[i - 1].isdigit()):
            return _NUMBERS.get(words[i - 1]) or int(words[i - 1])
    return 0


#: the seasons a View draws; a spec's "fall" is autumn
SEASONS = ("spring", "summer", "autumn")


def _season(said: str, setting: list[str], prompt: list[str]) -> str:
    """The spec's season (contracts 1.3) when it says one, else the first season the setting
    and then the prompt name ("" when none; winter is :attr:`View.winter`)."""
    said = "autumn" if said == "fall" else said
    if said in SEASONS:
        return said
    for words in (setting, prompt):
        for i, w in enumerate(words):
            if w == "spring" and (
                (i and words[i - 1] in _SPRING_BEFORE)
                or (i + 1 < len(words) and words[i + 1] in _SPRING_AFTER)
            ):
                return "spring"
            for season, table in _SEASON_WORDS.items():
                if w in table:
                    return season
        if _AUTUMN_LEAVES.search(" ".join(words)):
            return "autumn"
    return ""


#: Inside a room, a "fire" is the hearth's (not drawn), not a campfire.
def indoor_fire_ok(inout: str, named: list[str]) -> bool:
    """Whether a campfire the words name is drawn: outdoors, or named as one ("campfire")."""
    return inout != "indoor" or bool({"campfire", "campfires", "bonfire", "bonfires"} & set(named))


_TENT = _wordset("tent tents")
#: Colour words and the colours they are drawn in (word list).
_COLOURS: dict[str, RGB] = {
    "red": (214, 64, 60),
    "orange": (244, 140, 50),
    "yellow": (240, 208, 70),
    "green": (80, 170, 90),
    "blue": (70, 120, 220),
    "purple": (150, 84, 190),
    "violet": (150, 84, 190),
    "pink": (238, 120, 160),
    "white": (236, 236, 230),
}
#: Plurals that do not end in "s", and the animal each names (``animals.ANIMALS``).
_IRREGULAR = {
    "geese": "goose",
    "mice": "mouse",
    "wolves": "wolf",
    "sheep": "sheep",
    "deer": "deer",
    "cattle": "cow",
    "oxen": "cow",
    "calves": "calf",
    "fish": "fish",
    "fishes": "fish",
}
#: Before these, an animal word is singular ("a sheep") or a verb ("the rooster crows",
#: "he ducks"): word lists.
_SINGULAR = _wordset("a an one each every this that")
_PRONOUN_SUBJECTS = _wordset("he she it who which that")
#: Animal plurals that are also verbs ("the tree bears fruit", "she ducks", "it dogs him"),
#: and the words after which such a word starts a noun phrase, not a verb ("the brown bears",
#: "three bears"), or ends one ("bears and wolves", "bears ate"): word lists.
_VERB_PLURALS = _wordset("bears ducks dogs cows crows rats foxes parrots monkeys squirrels hounds")
_ADJECTIVES = _wordset(
    """two three four five six seven many few some several little big small great old young
    wild brown black white grey gray polar teddy baby mother father hungry sleepy angry
    friendly fierce giant tiny huge other"""
)
_JOINING = _wordset("while when as then because if so though after before until")
_NOT_AN_OBJECT = _wordset(
    """and or but in on at with of to from for by into onto near under over were are was is
    had have ate sat ran came went slept lay stood lived looked walked"""
)


def _verb_after_subject(words: list[str], i: int) -> bool:
    """Whether ``words[i]`` follows a noun phrase subject ("the tree") and comes before its
    object ("fruit", "a basket"): a verb, not a plural noun."""
    start = next((j for j in range(i - 2, max(-1, i - 5), -1) if words[j] in _DETERMINERS), None)
    if start is None or words[i - 1] in _ADJECTIVES:
        return False
    phrase = words[start + 1 : i]  # "tree", "old apple tree": no verb or joining word in it
    if any(w in _NOT_AN_OBJECT or w in _JOINING or w.endswith("ed") for w in phrase):
        return False
    nxt = words[i + 1] if i + 1 < len(words) else ""
    return bool(nxt) and nxt not in _NOT_AN_OBJECT and not nxt.endswith(("ed", "ing"))


#: Groups of people with no names, as the scene slot puts them into ``objects`` while they
#: are in the place ("When the bell rang, the children ran out to the playground"): the
#: contract's crowd words (``ttv_contracts.v1.CROWD_WORDS``, contracts 1.3; none with an
#: older contracts package, whose scene builders put in none). The animatic draws a few of
#: them small in the backdrop (its extras), child-sized for CHILD_CROWDS. Only ``objects``
#: says so, never the caption or the prompt, so that the scene slot decides who is present.
CROWDS: frozenset[str] = getattr(_contracts_v1, "CROWD_WORDS", frozenset())
CHILD_CROWDS: frozenset[str] = getattr(_contracts_v1, "CHILD_CROWD_WORDS", frozenset())


#: At most this many groups of unnamed people are drawn (the scene slot puts in at most two).
MAX_CROWDS = 2


def _crowds(objects: Iterable[str]) -> tuple[str, ...]:
    """Every crowd word the objects say, first said first, once each, at most
    :data:`MAX_CROWDS`."""
    said = dict.fromkeys(w for o in objects for w in _words(o) if w in CROWDS)
    return tuple(said)[:MAX_CROWDS]


#: At most this many kinds of animal are drawn, each 2-4 times.
MAX_HERDS = 2


def _herd(words: list[str], spec) -> tuple[str, ...]:
    """The animals the shot's words name in the plural ("cows", "chickens", "sheep"), as
    ``animals.ANIMALS`` names (and "fish", drawn only under water), first said first; none
    a character of the shot is (it is drawn as a figure)."""
    from .animals import ANIMALS, animal_of

    cast = {a.name for a in (animal_of(c.descriptors) for c in spec.characters) if a}
    found: list[str] = []
    for i, w in enumerate(words):
        prev = words[i - 1] if i else ""
        name = _IRREGULAR.get(w)
        if name is None and len(w) > 3 and w.endswith("s"):
            for stem in (w[:-1], w[:-2], w[:-3] + "y"):  # cows, foxes, puppies
                if stem in ANIMALS:
                    name = stem
                    break
        if name is None or name in found or name in cast:
            continue
        if prev in _PRONOUN_SUBJECTS or prev in ANIMALS or prev in _IRREGULAR:
            continue  # "it bears", "the rooster crows"
        if w in _VERB_PLURALS and _verb_after_subject(words, i):
            continue  # "the tree bears fruit"
        if w in ("sheep", "deer", "fish") and prev in _SINGULAR:
            continue
        if name != "fish" and name not in ANIMALS:
            continue
        found.append(name)
    return tuple(found[:MAX_HERDS])


# --------------------------------------------------------------------------- colours

_SKY = {  # (zenith, horizon) of a clear sky
    "day": ((70, 130, 205), (188, 216, 240)),
    "dawn": ((72, 88, 152), (252, 186, 132)),
    "dusk": ((44, 40, 98), (236, 118, 74)),
    "night": ((5, 8, 24), (26, 36, 70)),
}
_OVERCAST = {  # weather -> (greyness, brightness, grey tint)
    "cloudy": (0.6, 0.88, (1.0, 1.0, 1.04)),
    "rain": (0.78, 0.66, (0.96, 1.0, 1.06)),
    "storm": (0.86, 0.4, (0.9, 1.0, 1.1)),
    "snow": (0.7, 1.02, (1.0, 1.0, 1.04)),
    "fog": (0.8, 1.05, (1.0, 1.0, 1.0)),
}
_TIME_LIGHT = {
    "day": (1.0, 1.0, 1.0),
    "dawn": (0.9, 0.74, 0.7),
    "dusk": (0.78, 0.56, 0.5),
    "night": (0.2, 0.25, 0.4),
}
_WEATHER_LIGHT = {"cloudy": 0.85, "rain": 0.68, "storm": 0.5, "snow": 0.95, "fog": 0.92}
WARM_LIGHT = (255, 214, 140)
_ROOM_LIGHT = {"day": 1.0, "dawn": 0.8, "dusk": 0.7, "night": 0.34}
_LUMA = np.array([0.299, 0.587, 0.114], np.float32)


def outdoor_light(view: View) -> np.ndarray:
    """RGB factor of the light outside at the view's time and weather. A floor on it: night
    and storm scenes stay dark but their shapes readable. On the Moon and in space the sun
    shines unfiltered whatever the hour on Earth: full light. Under water the light is
    blue-green and dimmer (``UNDERWATER_LIGHT``), and dark at night."""
    if view.world == "underwater":
        light = np.array(UNDERWATER_LIGHT, np.float32)
        return light * np.float32(0.4 if view.time == "night" else 1.0)
    if not view.earth:
        return np.ones(3, np.float32)
    light = np.array(_TIME_LIGHT[view.time], np.float32)
    return np.maximum(light * _WEATHER_LIGHT.get(view.weather, 1.0), 0.27)


#: Where a room's floor meets its wall, as a fraction of the height (Keyframe.ground indoors).
FLOOR = 0.7


#: How bright a cave is inside, whatever the hour: dim (a cave's "dark" is the cave, not
#: night), below animatic.DARK, so figures take their lifted tone off the dark rock.
CAVE_LIGHT = 0.45


def room_light(view: View) -> float:
    """How bright a room is at the view's time (a rainy or stormy sky dims it further); a
    cave is always dim and a spacecraft's module always lit by its own lamps."""
    if view.kind == "cave":
        return CAVE_LIGHT
    if view.kind == "spacecraft":
        return 1.0
    return _ROOM_LIGHT[view.time] * (0.8 if view.weather in ("storm", "rain") else 1.0)


def ambient(view: View) -> float:
    """Brightness (0..1) of the light the characters stand in: the room's inside, the luma of
    the outdoor light outside. Depends only on time of day, weather, inside/outside and the
    kind of place: full light on the Moon, in space and in a spacecraft, ``CAVE_LIGHT`` in a
    cave whatever the hour."""
    return room_light(view) if view.indoor else float(outdoor_light(view) @ _LUMA)


def _mix(a, b, t: float) -> np.ndarray:
    return np.asarray(a, np.float32) * (1 - t) + np.asarray(b, np.float32) * t


#: Hues (degrees) a place's colour may tint grass with at full weight: yellows, greens and
#: teals. A magenta or violet at that weight turned a "green field" mauve-grey.
GRASS_HUES = (20.0, 170.0)


def _grassy(color) -> bool:
    """Whether a place's palette colour can tint grass and leave it grass (its hue within
    :data:`GRASS_HUES`); other colours tint it lightly."""
    r, g, b = (float(c) / 255.0 for c in np.asarray(color, np.float32)[:3])
    hue, sat, _ = colorsys.rgb_to_hsv(r, g, b)
    return sat < 0.15 or GRASS_HUES[0] <= hue * 360.0 <= GRASS_HUES[1]


def _rgb(c) -> RGB:
    c = np.clip(np.asarray(c, np.float32) + 0.5, 0, 255)
    return int(c[0]), int(c[1]), int(c[2])


def sky_colors(time: str, weather: str) -> tuple[np.ndarray, np.ndarray]:
    top, hor = (np.array(c, np.float32) for c in _SKY[time])
    if weather in _OVERCAST:
        grey_t, bright, tint = _OVERCAST[weather]
        out = []
        for c in (top, hor):
            g = 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]
            if weather in ("snow", "fog") and time != "night":
                g = g * 0.5 + 105  # a pale, even sky
            grey = np.array(tint, np.float32) * g
            out.append(_mix(c, grey, grey_t) * bright)
        top, hor = out
    return np.clip(top, 0, 255), np.clip(hor, 0, 255)


# --------------------------------------------------------------------------- painter


#: Half the width of a room's table (``prop("table")`` at 1.4 x the height), in heights
TABLE_HALF = 0.18
#: A rocky ledge at sea (``Painter.ledge``): its top above the frame's bottom (fraction of the
#: height; the figures' feet are 0.1-0.15 above it) and how far it reaches past the figures
LEDGE_TOP = 0.19
LEDGE_MARGIN = 0.07
#: Half the width of a room's fireplace (``Painter.hearth`` at 0.3 x the height), in heights
HEARTH_HALF = 0.18
#: Where a kite flies, across the width (clear of the shot's label at the top left)
KITE_X = 0.62
#: How far down from the horizon the sea reaches where a river runs into it (View.estuary)
ESTUARY_SEA = 0.2

#: Outdoor props (``Painter.prop``: a pot, a table, a kettle ...) stand this far from the
#: horizon towards the frame's bottom (as the campfire, 0.3), drawn at this scale of their
#: indoor size: above the caption band, further back than the figures. Their half widths
#: (fractions of the height at full size) for spacing them apart.
PROP_DEPTH = 0.32
PROP_SCALE = 0.9
PROP_HALF = {"table": 0.13, "bench": 0.16, "cake": 0.13, "wheel": 0.13, "lamp": 0.04}


class Painter:
    """Draws one View on a canvas of ``W`` x ``H`` (already supersampled) pixels."""

    def __init__(self, view: View, W: int, H: int, palette, layout: np.random.Generator,
                 detail: np.random.Generator, horizon: float) -> None:  # fmt: skip
        self.v, self.W, self.H = view, W, H
        self.palette = [np.asarray(p, np.float32) for p in palette]
        self.lay, self.rng = layout, detail
        self.horizon = horizon
        self.u = max(1.0, min(W, H) / 100.0)  # one "unit": 1 % of the short side
        self.light = outdoor_light(view)
        self.sky_top, self.sky_hor = sky_colors(view.time, view.weather)
        if view.world == "underwater":  # the water from its surface down to the sea floor
            self.sky_top, self.sky_hor = (np.array(c, np.float32) * self.light for c in WATER)
        elif not view.earth:  # no air: a black sky by day and night
            self.sky_top, self.sky_hor = (np.array(c, np.float32) for c in SPACE_SKY)
        elif self.palette:  # the scene's palette tints the sky a little
            self.sky_top = _mix(self.sky_top, self.palette[0], 0.12)
            self.sky_hor = _mix(self.sky_hor, self.palette[1 % len(self.palette)], 0.12)
        self.img = Image.new("RGB", (W, H))
        self.d = ImageDraw.Draw(self.img, "RGBA")
        self.aboard = False  # the characters are on the boat: draw its hull in front of them
        self.keep_clear: tuple[tuple[float, float], ...] = ()  # the figures' spans (fractions)
        self.taken: list[tuple[float, float]] = []  # spans of houses and tents (fractions)
        #: where a bird may sit: the tops of the trees' crowns (x, y, the tree's size)
        self.perches: list[tuple[float, float, float]] = []
        self.stands = 0.0  # the lowest base row of an upright object (house, tree, lighthouse)
        self.front: Image.Image | None = None  # RGBA layer drawn over the figures
        self.grass = np.array((92, 140, 70), np.float32)  # the ground's colour (land())
        self.door: tuple[float, float] | None = None  # a civic building's door (fractions)
        self.trees: list[tuple[float, float]] = []  # the trees' spans (fractions)

    # ------------------------------------------------------------ helpers

    def lit(self, c, extra: float = 1.0) -> RGB:
        return _rgb(np.asarray(c, np.float32) * self.light * extra)

    def glow(self, cx: float, cy: float, r: float, color, strength: float) -> None:
        """Additive light: ``color * strength * exp(-(d/r)^2)`` around (cx, cy). A glow is
        smooth, so it is computed on a grid 4x coarser and scaled up bilinearly."""
        reach = r * 2.5
        x0, x1 = max(0, int(cx - reach)), min(self.W, int(cx + reach) + 1)
        y0, y1 = max(0, int(cy - reach)), min(self.H, int(cy + reach) + 1)
        if x1 <= x0 or y1 <= y0:
            return
        q = 4 if min(x1 - x0, y1 - y0) >= 16 else 1
        gx = np.exp(-(((np.arange(x0, x1, q, dtype=np.float32) + q / 2 - cx) / r) ** 2))
        gy = np.exp(-(((np.arange(y0, y1, q, dtype=np.float32) + q / 2 - cy) / r) ** 2))
        k = np.outer(gy, gx)[..., None] * (np.asarray(color, np.float32) * np.float32(strength))
        light = Image.fromarray(np.clip(k + 0.5, 0, 255).astype(np.uint8))
        if q > 1:
            light = light.resize((x1 - x0, y1 - y0), Image.Resampling.BILINEAR)
        box = (x0, y0, x1, y1)
        self.img.paste(ImageChops.add(self.img.crop(box), light), box)

    def rect(self, box, **kw) -> None:
        """``ImageDraw.rectangle`` that accepts boxes of any orientation and size."""
        x0, y0, x1, y1 = box
        self.d.rectangle((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)), **kw)

    def gradient(self, box, top, bottom) -> None:
        """A vertical gradient from ``top`` to ``bottom`` filling ``box``."""
        x0, y0, x1, y1 = (round(v) for v in box)
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(self.W, x1), min(self.H, y1)
        if x1 <= x0 or y1 <= y0:
            return
        t = np.linspace(0, 1, y1 - y0, dtype=np.float32)[:, None, None]
        col = np.asarray(bottom, np.float32) * t + np.asarray(top, np.float32) * (1 - t)
        column = Image.fromarray(np.clip(col + 0.5, 0, 255).astype(np.uint8))
        self.img.paste(column.resize((x1 - x0, y1 - y0), Image.Resampling.NEAREST), (x0, y0))

    # ------------------------------------------------------------ the picture

    def paint(self) -> np.ndarray:
        v = self.v
        if not v.indoor:
            self.exterior(0, 0, self.W, self.H)
        elif v.kind == "cave":
            self.cave()
        elif v.kind == "spacecraft":
            self.module()
        elif v.kind in VEHICLES:
            self.vehicle()
        elif v.kind == "tent":
            self.tent_inside()
        else:
            self.interior()
        if v.weather == "fog" and not v.indoor and v.earth:
            self.fog()
        return np.asarray(self.img)

    # ------------------------------------------------------------ outside

    def exterior(self, x0: int, y0: int, x1: int, y1: int) -> None:
        """The outdoor scene into the box (the whole frame, or a window's view)."""
        v = self.v
        if v.world == "moon":
            self.lunar(x0, y0, x1, y1)
            return
        if v.world == "space":
            self.space(x0, y0, x1, y1)
            return
        if v.world == "underwater":
            self.underwater(x0, y0, x1, y1)
            return
        w, h = x1 - x0, y1 - y0
        hz = y0 + self.horizon * h / self.H
        if v.sea:
            hz = y0 + (hz - y0) * 0.92
        self.gradient((x0, y0, x1, hz + 1), self.sky_top, self.sky_hor)
        sky_box = (x0, y0, x1, hz)
        if v.time == "night" and (not v.overcast or "star" in v.shapes):
            self.stars(sky_box)
        self.sun_or_moon(sky_box)
        if v.overcast or "cloud" in v.shapes or v.weather == "wind" or "rain" in v.shapes:
            self.clouds(sky_box)
        elif v.time in ("day", "dawn"):
            self.clouds(sky_box, few=True)
        if v.weather == "storm":
            self.lightning(sky_box)
        if "kite" in v.shapes and v.earth and v.weather != "storm":
            self.kite(x0 + (x1 - x0) * KITE_X, y0 + (hz - y0) * 0.3, hz - y0)
        if "mountain" in v.shapes:
            self.mountains(x0, x1, hz)
        if "volcano" in v.shapes or "lava" in v.shapes:
            self.volcano(x0, x1, hz, erupting="lava" in v.shapes)
        if v.sea:
            self.sea(x0, hz, x1, y1)
        else:
            self.land(x0, hz, x1, y1, hills=not v.estuary)
        if v.estuary:  # the sea along the horizon, the river running into it
            shore = hz + (y1 - hz) * ESTUARY_SEA
            self.sea(x0, hz, x1, shore)
            self.river(x0, shore - self.u * 3, x1, y1, corner=True)
        elif "river" in v.shapes and not v.sea:
            self.river(x0, hz, x1, y1)
        if "path" in v.shapes and not v.sea:
            self.river(x0, hz, x1, y1, path=True)
        if "railway" in v.shapes and not v.sea:
            self.railway(x0, x1, hz, y1)
        if "pyramid" in v.shapes:
            self.pyramids(x0, x1, hz, h)
        full = w == self.W  # the whole frame, not the view through a window
        town = {"town", "street", "market", "park", "wall"} & v.shapes and not v.sea
        if town:  # the town's things, back to front (each only where the words name it)
            self.townscape(x0, x1, hz, y1, h, full)
        play = bool(PLAY_SHAPES & v.shapes) and not v.sea
        if play and "playground" in v.shapes:  # its sand and fence, under all that stands
            self.play_ground(x0, x1, hz, y1, h)
        # Objects, back to front; where the upright ones stand (the ground plane starts below
        # them: a camera move must not shear a house whose base is below the horizon).
        stands: list[float] = []
        if "house" in v.shapes and not ({"town", "street"} & v.shapes and not v.sea):
            size, base = h * 0.2, hz + h * 0.06
            fx = self.lay.uniform(0.62, 0.8)
            if full:  # the roof's half width, house(): 0.6 * 1.2 * size
                fx = self.clear_spot(fx, 0.72 * size / w)
            self.house(x0 + w * fx, base, size)
            stands.append(base)
            self.taken.append((fx - 0.72 * size / w, fx + 0.72 * size / w))
        if "fence" in v.shapes and not v.sea and "playground" not in v.shapes:
            self.fence(x0, x1, hz + (y1 - hz) * 0.22, h * 0.07)
        if {"castle", "tower"} & v.shapes and not v.sea:  # up-stage, clear of the figures
            lone = "castle" not in v.shapes
            size, base = h * (0.34 if lone else 0.3), hz + h * 0.05
            half = (0.16 if lone else 0.62) * size / w
            fx = 0.3 if "house" in v.shapes else 0.72
            if full:
                fx = self.clear_spot(fx, half)
            self.castle(x0 + w * fx, base, size, lone)
            stands.append(base)
            self.taken.append((fx - half, fx + half))
        if "forest" in v.shapes:  # a far row of trees first
            for k in range(9):
                fx = (k + 0.5) / 9 + self.lay.uniform(-0.03, 0.03)
                self.tree(x0 + w * fx, hz + h * 0.03, h * self.lay.uniform(0.2, 0.26))
            stands.append(hz + h * 0.03)
        if "tree" in v.shapes:
            for k, fx in enumerate((0.1, 0.9, 0.33)):
                base = hz + h * (0.08 + 0.04 * k)
                tx = fx + self.lay.uniform(-0.04, 0.04)
                self.tree(x0 + w * tx, base, h * (0.3 - 0.05 * k))
                stands.append(base)
                crown = 0.3 * h * (0.3 - 0.05 * k) / w  # (a playground thing stands clear)
                self.trees.append((tx - crown, tx + crown))
        if "tent" in v.shapes and not v.sea:
            size, base = h * 0.22, hz + h * 0.07
            fx = self.lay.uniform(0.2, 0.4)
            if full:
                fx = self.clear_spot(fx, 0.6 * size / w)
            self.tent(x0 + w * fx, base, size)
            stands.append(base)
            self.taken.append((fx - 0.8 * size / w, fx + 1.1 * size / w))
        if "park" in v.shapes and not v.sea:
            self.park(x0, x1, hz, y1, h, full)
        if v.civic and not v.sea:
            self.civic_building(x0, x1, hz, y1, h, full)
        if play:
            self.playground(x0, x1, hz, y1, h, full)
        if "flower" in v.shapes and not v.sea:
            self.flowers(x0, x1, y1, h)
        if "cave" in v.shapes:
            self.cave_mouth(x0, x1, hz, h)
        if "spacecraft" in v.shapes:  # a rocket standing on its pad
            size = h * 0.5
            fx = self.lay.uniform(0.64, 0.84)
            if full:
                fx = self.clear_spot(fx, 0.2 * size / w)
            self.rocket(x0 + w * fx, hz + h * 0.05, size)
            stands.append(hz + h * 0.05)
        if "flag" in v.shapes:
            self.flag(x0 + w * self.lay.uniform(0.3, 0.45), hz + h * 0.12, h * 0.3)
        light_x = None
        if "lighthouse" in v.shapes or "island" in v.shapes or "rock" in v.shapes:
            side = 0.2 if self.lay.random() < 0.5 else 0.8
            light_x = x0 + w * side
            self.island(light_x, hz, w, h)
            if "lighthouse" in v.shapes:
                self.lighthouse(light_x, hz + h * 0.03, h * 0.55, y0)
                stands.append(hz + h * 0.03)
        if full and stands:
            self.stands = max(self.stands, *stands)
        # at sea the figures stand on something: the quay or the sand, else a rocky ledge
        # (Tomas stood in the open sea below his lighthouse, and Lina beyond the quay's end)
        standing = v.sea and full and bool(self.keep_clear) and not self.aboard
        if "harbour" in v.shapes or "beach" in v.shapes:
            self.shore(x0, x1, y1, h, quay="harbour" in v.shapes, reach=standing)
        rough = v.sea and v.weather in ("storm", "wind", "rain")
        if v.sea:
            self.foreground_waves(x0, hz, x1, y1)
        if standing and not {"harbour", "beach"} & v.shapes:
            self.ledge(x0, x1, y1, h)
        if "boat" in v.shapes and v.sea and self.aboard and (w, h) == (self.W, self.H):
            self.deck(x0, y0, x1, y1)
        elif "boat" in v.shapes:
            bx = 0.3 + 0.4 * self.lay.random()
            if light_x is not None:
                bx = 0.62 if light_x < x0 + w / 2 else 0.38
            by = y1 - h * 0.2 if rough else hz + (y1 - hz) * (0.45 if v.sea else 0.55)
            self.boat(x0 + w * bx, by, h * (0.26 if rough else 0.2))
        if v.herd and full and not v.sea:
            self.herds(x0, x1, hz, y1)
        if "campfire" in v.shapes and not v.sea:
            # up-stage, in a gap between the characters: above the band where captions are
            # burned in (by their feet it stood under the caption)
            size = h * 0.11
            fx = self.clear_spot(0.5, 0.8 * size / w) if full else 0.5
            self.campfire(x0 + w * fx, hz + (y1 - hz) * 0.3, size)
        props = [
            p
            for p in ("table", "bench", "pot", "book", "lamp", "tool", "wheel", "kettle", "cake")
            if p in v.shapes
            # a lighthouse's lamp is the one at its top (a street lamp stood in the sea)
            and not (p == "lamp" and "lighthouse" in v.shapes and not v.indoor)
        ]
        if props and full and not v.sea:
            # up-stage, clear of the figures and of each other: above the band where captions
            # are burned in (by the figures' feet a pot stood under the caption, and behind
            # the characters' legs), as far back as the campfire and as much smaller
            ground = hz + (y1 - hz) * PROP_DEPTH
            placed: list[tuple[float, float]] = []
            for k, p in enumerate(props):
                half = PROP_HALF.get(p, 0.05) * PROP_SCALE * h / w
                n = v.count(p)  # "two large pots": side by side, as one group
                group = half * (1.0 + 1.2 * (n - 1))
                fx = self._prop_spot(0.12 + 0.16 * k, group, placed)
                placed.append((fx - group, fx + group))
                for c in range(n):
                    cx = fx - group + half + 2.4 * half * c
                    self.prop(p, x0 + w * cx, ground, h * PROP_SCALE)
        else:
            for k, p in enumerate(props):
                self.prop(p, x0 + w * (0.12 + 0.16 * k), y1 - h * 0.06, h)
        if "balloon" in v.shapes:  # a bunch tied to a post, up-stage at the left
            post = x0 + w * 0.07
            self.rect((post - self.u * 0.4, hz, post + self.u * 0.4, hz + (y1 - hz) * 0.3),
                      fill=self.lit((120, 96, 70)))  # fmt: skip
            self.balloons(post, hz - h * 0.2, hz, h * 0.07)
        if v.weather in ("rain", "storm") or "rain" in v.shapes:
            self.rain((x0, y0, x1, y1), heavy=v.weather == "storm")
        if v.weather == "snow":
            self.snow((x0, y0, x1, y1))
        if v.weather == "wind":
            self.wind((x0, y0, x1, hz))

    # ------------------------------------------------------------ towns and cities

    def townscape(self, x0, x1, hz, y1, h, full: bool) -> None:
        """A wall over the hills, a street (a town's or a city's), several houses, a market:
        whichever the shot names, back to front. A park keeps its grass: a city's skyline
        stands far behind it."""
        v = self.v
        if "wall" in v.shapes:
            self.great_wall(x0, x1, hz, y1, h)
        street = "street" in v.shapes
        base = hz + (y1 - hz) * 0.07
        if street and "park" in v.shapes:
            self.buildings(x0, x1, base, h, far=True, village="town" in v.shapes)
        elif street:
            self.street(x0, x1, hz, y1, h, village="town" in v.shapes)
        elif "town" in v.shapes:
            self.houses(x0, x1, hz, y1, h, full)
        if "market" in v.shapes:
            self.market(x0, x1, hz, y1, h, on_street=street and "park" not in v.shapes)
        if full and (street or "market" in v.shapes) and "park" not in v.shapes:
            self.stands = max(self.stands, base)

    def _windows_lit(self) -> bool:
        v = self.v
        return v.time in ("night", "dusk") or v.weather in ("storm", "rain")

    def facade(self, bx0, top, bx1, base, color, rng, door: bool = True) -> None:
        """A building's front: a wall with a grid of windows (some lit at dusk and night) and
        a door on the ground floor."""
        u = self.u
        self.rect((bx0, top, bx1, base), fill=self.lit(color))
        bw, bh = bx1 - bx0, base - top
        cols = max(1, int(bw / (u * 4.2)))
        rows = max(0, int((bh - u * 6) / (u * 5.2)))
        lit_win = self._windows_lit()
        glass = self.lit((132, 160, 184))
        sill = self.lit(np.asarray(color, np.float32) * 0.72)
        pitch = bw / cols
        for r in range(rows):
            wy = top + u * 2.2 + r * u * 5.2
            for c in range(cols):
                wx = bx0 + pitch * (c + 0.5)
                on = lit_win and rng.random() < 0.62
                self.rect((wx - u * 1.1, wy, wx + u * 1.1, wy + u * 3.0),
                          fill=WARM_LIGHT if on else glass)  # fmt: skip
                self.rect((wx - u * 1.3, wy + u * 3.0, wx + u * 1.3, wy + u * 3.5), fill=sill)
        if door:
            dx = bx0 + pitch * (int(rng.integers(cols)) + 0.5)
            self.rect((dx - u * 1.3, base - u * 4.2, dx + u * 1.3, base),
                      fill=self.lit(np.asarray(color, np.float32) * 0.42))  # fmt: skip

    def buildings(self, x0, x1, base, h, far: bool, village: bool) -> list:
        """A row of buildings standing on ``base`` across the width, of varied heights and
        colours: a city's (tall, flat roofs; a hazier, taller row behind with ``far``) or a
        village's (lower, pitched roofs). Returns the front row's (x0, x1, colour)."""
        rng = np.random.default_rng([int(self.lay.integers(1 << 30)), 0x7A1])
        w = x1 - x0
        rows = [(True, 1.0)] if far else [(True, 1.0), (False, 1.0)]
        front = []
        for back, _ in rows:
            if back and village:
                continue  # a village has no skyline behind its street
            x = x0 - w * rng.uniform(0.0, 0.06)
            while x < x1:
                bw = w * (rng.uniform(0.07, 0.12) if back else rng.uniform(0.1, 0.17))
                if village:
                    bh = h * rng.uniform(0.13, 0.2)
                elif back:
                    bh = h * rng.uniform(0.34, 0.52)
                else:
                    bh = h * rng.uniform(0.2, 0.4)
                col = np.asarray(FACADES[int(rng.integers(len(FACADES)))], np.float32)
                if back:  # far off: hazy, toward the sky's colour
                    hazy = _mix(
                        col, np.asarray(self.sky_hor, np.float32) / self.light.clip(0.3), 0.45
                    )
                    self.rect((x, base - bh, x + bw, base), fill=self.lit(hazy, 0.95))
                    for r in range(int(bh / (self.u * 5))):  # faint rows of windows
                        y = base - bh + self.u * (2 + 5 * r)
                        lit = self._windows_lit() and r % 2 == 0
                        c = (*WARM_LIGHT, 120) if lit else (*self.lit(hazy, 0.8), 255)
                        self.rect((x + self.u, y, x + bw - self.u, y + self.u * 1.2), fill=c)
                else:
                    self.facade(x, base - bh, x + bw - self.u * 0.3, base, col, rng)
                    if village:  # a pitched roof over the eaves
                        roof = (
                            (238, 240, 246)
                            if self.v.snow_cover
                            else ROOFS[int(rng.integers(len(ROOFS)))]
                        )
                        self.d.polygon([(x - self.u, base - bh), (x + bw * 0.5, base - bh - h * 0.08),
                                        (x + bw + self.u * 0.7, base - bh)], fill=self.lit(roof))  # fmt: skip
                    else:  # a flat roof's parapet
                        self.rect((x - self.u * 0.3, base - bh - self.u, x + bw, base - bh),
                                  fill=self.lit(col * 0.8))  # fmt: skip
                    front.append((x, x + bw, col))
                x += bw + (self.u * rng.uniform(0, 2) if back else 0)
        return front

    def street(self, x0, x1, hz, y1, h, village: bool) -> None:
        """A street seen from its pavement: buildings across the far side, their pavement,
        the road (wet in rain: the buildings and lamps mirrored as streaks), street lamps
        (lit at dusk and night) and the near pavement where the characters stand."""
        v, u = self.v, self.u
        w, gh = x1 - x0, y1 - hz
        base = hz + gh * 0.07
        road0, road1 = hz + gh * 0.14, hz + gh * 0.43
        front = self.buildings(x0, x1, base, h, far=False, village=village)
        stone = np.asarray((236, 234, 240) if v.snow_cover else (198, 192, 182), np.float32)
        self.rect((x0, base, x1, road0), fill=self.lit(stone, 0.92))
        tar = np.asarray((150, 140, 124) if village else (124, 124, 130), np.float32)
        wet = v.weather in ("rain", "storm")
        if wet:
            tar = _mix(tar, np.asarray(self.sky_hor) / self.light.clip(0.3), 0.15)
        self.gradient((x0, road0, x1, road1), self.lit(tar, 0.9), self.lit(tar))
        if wet:  # reflections: each building's colour streaks down the wet road
            for bx0, bx1, col in front:
                c = (*self.lit(col, 0.9), 70)
                self.rect(
                    (bx0 + (bx1 - bx0) * 0.25, road0, bx1 - (bx1 - bx0) * 0.25, road1), fill=c
                )
        if not village:  # a dashed centre line
            y = (road0 + road1) / 2
            for k in range(12):
                xa = x0 + w * (k + 0.2) / 12
                self.rect(
                    (xa, y - u * 0.3, xa + w * 0.04, y + u * 0.3),
                    fill=(*self.lit((236, 232, 220)), 200),
                )
        self.rect((x0, road1, x1, road1 + gh * 0.035), fill=self.lit(stone * 0.8))  # the kerb
        self.gradient((x0, road1 + gh * 0.035, x1, y1), self.lit(stone), self.lit(stone, 0.84))
        for k in range(1, 7):  # paving joints
            y = road1 + (y1 - road1) * (k / 7) ** 1.3
            self.d.line(
                [(x0, y), (x1, y)], fill=(*self.lit(stone * 0.82), 120), width=max(1, int(u * 0.25))
            )
        lit = self._windows_lit()
        off = self.lay.uniform(0.05, 0.2)
        for k in range(4):  # street lamps along the far pavement
            lx = x0 + w * (off + 0.27 * k)
            self.street_lamp(lx, road0 - gh * 0.01, h * 0.26, lit)
            if wet and lit:
                self.rect((lx - u * 0.8, road0 + u, lx + u * 0.8, road1), fill=(*WARM_LIGHT, 60))

    def street_lamp(self, cx, base, height, lit: bool) -> None:
        """A lamp post: a dark pole, a short arm and a lantern (glowing when lit)."""
        u = self.u
        iron = self.lit((52, 56, 60), 1.6 if lit else 1.0)
        self.rect((cx - u * 0.35, base - height, cx + u * 0.35, base), fill=iron)
        self.rect((cx - u * 0.8, base - u * 1.2, cx + u * 0.8, base), fill=iron)
        head = base - height
        self.d.polygon(
            [(cx - u * 1.4, head), (cx, head - u * 1.4), (cx + u * 1.4, head)], fill=iron
        )
        glass = WARM_LIGHT if lit else self.lit((200, 210, 214))
        self.rect((cx - u * 1.0, head, cx + u * 1.0, head + u * 2.2), fill=glass)
        if lit:
            self.glow(cx, head + u, height * 0.28, WARM_LIGHT, 0.45)

    def houses(self, x0, x1, hz, y1, h, full: bool) -> None:
        """A town or village: a far row of small houses with roofs of several colours along
        the horizon, and two nearer houses at the sides, clear of the figures."""
        rng = np.random.default_rng([int(self.lay.integers(1 << 30)), 0x70E])
        w = x1 - x0
        n = 7
        for k in range(n):
            fx = (k + 0.5) / n + rng.uniform(-0.03, 0.03)
            size = h * rng.uniform(0.08, 0.12)
            self.house(x0 + w * fx, hz + h * 0.015, size, ROOFS[int(rng.integers(len(ROOFS)))],
                       FACADES[int(rng.integers(len(FACADES)))])  # fmt: skip
        for fx in (rng.uniform(0.08, 0.2), rng.uniform(0.8, 0.92)):
            size = h * rng.uniform(0.15, 0.19)
            if full:
                fx = self.clear_spot(fx, 0.72 * size / w)
            self.house(x0 + w * fx, hz + h * 0.06, size, ROOFS[int(rng.integers(len(ROOFS)))])
            self.taken.append((fx - 0.72 * size / w, fx + 0.72 * size / w))
        if full:
            self.stands = max(self.stands, hz + h * 0.06)

    def market(self, x0, x1, hz, y1, h, on_street: bool) -> None:
        """Market stalls in a row: striped awnings on posts over counters piled with goods
        (the colours the words name: red tomatoes, orange mangoes), on a paved square."""
        v = self.v
        w, gh = x1 - x0, y1 - hz
        rng = np.random.default_rng([int(self.lay.integers(1 << 30)), 0x3A2])
        if on_street:
            base = hz + gh * 0.43
        else:  # the square's paving over the grass
            base = hz + gh * 0.22
            stone = np.asarray((236, 234, 240) if v.snow_cover else (206, 190, 160), np.float32)
            self.gradient((x0, hz + gh * 0.05, x1, y1), self.lit(stone, 0.9), self.lit(stone, 0.8))
            for k in range(1, 8):
                y = hz + gh * 0.05 + (y1 - hz - gh * 0.05) * (k / 8) ** 1.3
                self.d.line([(x0, y), (x1, y)], fill=(*self.lit(stone * 0.78), 110),
                            width=max(1, int(self.u * 0.25)))  # fmt: skip
        goods = v.goods or GOODS_MIX
        if not on_street:  # the town round the square, low and far behind the stalls
            self.buildings(x0, x1, hz + gh * 0.05, h * 0.5, far=True, village=False)
        n = 4
        for k in range(n):
            cx = x0 + w * ((k + 0.5) / n + rng.uniform(-0.02, 0.02))
            self.stall(cx, base, w * 0.21, h * 0.27, AWNINGS[(k + int(rng.integers(4))) % 4],
                       [goods[(k * 2 + j) % len(goods)] for j in range(3)])  # fmt: skip

    def stall(self, cx, base, sw, sh, awning, goods) -> None:
        """One stall: two posts, a counter with piles of round goods, a striped awning."""
        u = self.u
        wood, dark = self.lit((150, 104, 64)), self.lit((96, 64, 40))
        top = base - sh
        for px in (cx - sw * 0.46, cx + sw * 0.43):
            self.rect((px, top, px + u * 0.7, base), fill=dark)
        ctop = base - sh * 0.36
        self.rect((cx - sw * 0.48, ctop, cx + sw * 0.48, base), fill=wood)
        self.rect((cx - sw * 0.5, ctop - u * 0.6, cx + sw * 0.5, ctop + u * 0.4), fill=dark)
        r = sw * 0.045
        for j, col in enumerate(goods):  # three piles: rows of 3, 2 and 1
            px = cx + sw * (-0.3 + 0.3 * j)
            c, shade = self.lit(col), self.lit(np.asarray(col, np.float32) * 0.75)
            for row, m in enumerate((3, 2, 1)):
                for i in range(m):
                    bx = px + (i - (m - 1) / 2) * r * 2
                    by = ctop - u * 0.6 - r - row * r * 1.7
                    self.d.ellipse((bx - r, by - r, bx + r, by + r), fill=c, outline=shade)
        stripes = 7
        a0, a1 = top, top + sh * 0.2
        cream = self.lit((246, 240, 226))
        for i in range(stripes):  # the awning widens a little toward its front edge
            t0, t1 = i / stripes, (i + 1) / stripes
            xa0, xa1 = cx - sw * 0.52 + sw * 1.04 * t0, cx - sw * 0.52 + sw * 1.04 * t1
            xb0, xb1 = cx - sw * 0.6 + sw * 1.2 * t0, cx - sw * 0.6 + sw * 1.2 * t1
            col = self.lit(awning) if i % 2 == 0 else cream
            self.d.polygon([(xa0, a0), (xa1, a0), (xb1, a1), (xb0, a1)], fill=col)
            rr = (xb1 - xb0) / 2  # a scalloped edge
            self.d.pieslice((xb0, a1 - rr, xb1, a1 + rr), 0, 180, fill=col)

    def civic_building(self, x0, x1, hz, y1, h, full: bool) -> None:
        """A town's building seen from outside (View.civic): a broad facade on a paved
        forecourt, in its style; no lettering."""
        v, u = self.v, self.u
        style = v.civic
        w, gh = x1 - x0, y1 - hz
        base = hz + gh * 0.12
        shop = style == "shop"
        bw = min(w * (0.46 if shop else 0.62), h * (1.0 if shop else 1.3))
        bh = h * (0.3 if shop else 0.38)
        cx = x0 + w * self.lay.uniform(0.42, 0.58)
        self.door = ((cx - x0 - bw * 0.14) / w, (cx - x0 + bw * 0.14) / w)
        if not {"street", "playground"} & v.shapes:  # a paved walk from its door
            stone = np.asarray((236, 234, 240) if v.snow_cover else (204, 198, 186), np.float32)
            self.rect(
                (cx - bw * 0.55, base - u, cx + bw * 0.55, base + u), fill=self.lit(stone, 0.9)
            )
            self.d.polygon([(cx - bw * 0.12, base), (cx + bw * 0.12, base), (cx + w * 0.2, y1),
                            (cx - w * 0.2, y1)], fill=self.lit(stone, 0.9))  # fmt: skip
        bx0, bx1, top = cx - bw / 2, cx + bw / 2, base - bh
        rng = np.random.default_rng([int(self.lay.integers(1 << 30)), 0xC1C])
        lit_win = self._windows_lit()
        glass = self.lit((132, 160, 184))
        if style == "columns":
            stone = np.asarray((228, 222, 206), np.float32)
            self.rect((bx0, top, bx1, base), fill=self.lit(stone, 0.86))
            for k in range(3):  # steps
                sy = base - u * 1.2 * (k + 1)
                self.rect((bx0 - u * (3 - k), sy, bx1 + u * (3 - k), sy + u * 1.2),
                          fill=self.lit(stone, 1.0 - 0.05 * k))  # fmt: skip
            ctop, cbot = top + bh * 0.2, base - u * 3.6
            self.rect((bx0 - u, ctop - bh * 0.08, bx1 + u, ctop), fill=self.lit(stone, 0.95))
            door = (cx - bw * 0.07, cbot - (cbot - ctop) * 0.55, cx + bw * 0.07, cbot)
            self.rect(door, fill=WARM_LIGHT if lit_win else self.lit((80, 62, 46)))
            n = 6
            for k in range(n):
                px = bx0 + bw * (k + 0.5) / n
                cw = bw * 0.045
                self.rect((px - cw, ctop, px + cw, cbot), fill=self.lit(stone, 1.05))
                self.rect((px + cw * 0.4, ctop, px + cw, cbot), fill=self.lit(stone, 0.8))
                self.rect(
                    (px - cw * 1.4, cbot - u * 0.8, px + cw * 1.4, cbot), fill=self.lit(stone)
                )
            self.d.polygon([(bx0 - u * 2, ctop - bh * 0.08), (cx, top - bh * 0.12),
                            (bx1 + u * 2, ctop - bh * 0.08)], fill=self.lit(stone, 0.98),
                           outline=self.lit(stone, 0.7))  # fmt: skip
            return
        walls = {
            "school": (190, 104, 78),
            "hospital": (236, 236, 230),
            "police": (178, 188, 206),
            "post": (226, 214, 190),
            "fire": (176, 90, 70),
            "shop": FACADES[int(rng.integers(len(FACADES)))],
        }
        col = np.asarray(walls[style], np.float32)
        self.rect((bx0, top, bx1, base), fill=self.lit(col))
        self.rect((bx0 - u * 0.8, top - u * 1.4, bx1 + u * 0.8, top), fill=self.lit(col, 0.75))
        floors = 1 if shop else 2
        rows = [top + bh * (0.12 + 0.3 * r) for r in range(floors)]
        cols = 3 if shop else 8
        for wy in rows:  # upper windows, white-framed
            for c in range(cols):
                wx = bx0 + bw * (c + 0.5) / cols
                if abs(wx - cx) < bw * 0.06 and style in ("hospital", "police", "school"):
                    continue  # the emblem or clock sits above the door
                on = lit_win and rng.random() < 0.7
                self.rect((wx - bw * 0.025 - u * 0.4, wy - u * 0.4, wx + bw * 0.025 + u * 0.4,
                           wy + bh * 0.16 + u * 0.4), fill=self.lit((240, 238, 232)))  # fmt: skip
                self.rect((wx - bw * 0.025, wy, wx + bw * 0.025, wy + bh * 0.16),
                          fill=WARM_LIGHT if on else glass)  # fmt: skip
        dark = self.lit(col, 0.4)
        if style == "fire":  # two tall red doors
            for dx in (-0.22, 0.22):
                ex = cx + bw * dx
                self.rect(
                    (ex - bw * 0.15, base - bh * 0.4, ex + bw * 0.15, base),
                    fill=self.lit((200, 40, 36)),
                )
                for j in range(1, 4):
                    y = base - bh * 0.4 * j / 4
                    self.d.line(
                        [(ex - bw * 0.15, y), (ex + bw * 0.15, y)],
                        fill=dark,
                        width=max(1, int(u * 0.3)),
                    )
        elif shop:  # display windows either side of the door, an awning over them
            for side in (-1, 1):
                wx0 = cx + side * bw * 0.1
                wx1 = cx + side * bw * 0.46
                self.rect((min(wx0, wx1), base - bh * 0.45, max(wx0, wx1), base - u * 1.5),
                          fill=WARM_LIGHT if lit_win else glass)  # fmt: skip
                for j in range(3):  # things on show
                    gx = wx0 + (wx1 - wx0) * (0.25 + 0.25 * j)
                    gc = self.lit(GOODS_MIX[(j + (side > 0) * 2) % len(GOODS_MIX)])
                    self.d.ellipse(
                        (gx - u * 1.3, base - u * 4.6, gx + u * 1.3, base - u * 2), fill=gc
                    )
            self.rect((cx - bw * 0.08, base - bh * 0.5, cx + bw * 0.08, base), fill=dark)
            stripes, a0, a1 = 10, base - bh * 0.6, base - bh * 0.46
            awning = AWNINGS[int(rng.integers(len(AWNINGS)))]
            for i in range(stripes):
                xa = bx0 + bw * i / stripes
                xb = bx0 + bw * (i + 1) / stripes
                c = self.lit(awning) if i % 2 == 0 else self.lit((246, 240, 226))
                self.d.polygon([(xa, a0), (xb, a0), (xb + u * 0.4, a1), (xa - u * 0.4, a1)], fill=c)
        else:
            self.rect((cx - bw * 0.07, base - bh * 0.36, cx + bw * 0.07, base),
                      fill=WARM_LIGHT if lit_win else dark)  # fmt: skip
            self.rect((cx - bw * 0.11, base - bh * 0.4, cx + bw * 0.11, base - bh * 0.36),
                      fill=self.lit(col, 0.7))  # fmt: skip
        emblem_y = top + bh * 0.27
        if style == "hospital":  # a red cross on a white square
            r = bh * 0.09
            self.rect((cx - r, emblem_y - r, cx + r, emblem_y + r), fill=self.lit((250, 250, 250)))
            self.rect(
                (cx - r * 0.25, emblem_y - r * 0.8, cx + r * 0.25, emblem_y + r * 0.8),
                fill=self.lit((210, 40, 40)),
            )
            self.rect(
                (cx - r * 0.8, emblem_y - r * 0.25, cx + r * 0.8, emblem_y + r * 0.25),
                fill=self.lit((210, 40, 40)),
            )
        elif style == "school":  # a clock (two hands, no numbers)
            r = bh * 0.08
            self.d.ellipse((cx - r, emblem_y - r, cx + r, emblem_y + r), fill=self.lit((248, 246, 236)),
                           outline=self.lit((60, 50, 44)), width=max(1, int(u * 0.4)))  # fmt: skip
            hand = self.lit((40, 36, 34))
            self.d.line(
                [(cx, emblem_y), (cx, emblem_y - r * 0.7)], fill=hand, width=max(1, int(u * 0.4))
            )
            self.d.line(
                [(cx, emblem_y), (cx + r * 0.5, emblem_y)], fill=hand, width=max(1, int(u * 0.4))
            )
        elif style == "police":  # a blue lamp over the door
            ly = base - bh * 0.46
            on = lit_win or v.time == "dusk"
            self.rect(
                (cx - u * 1.2, ly - u * 2.4, cx + u * 1.2, ly),
                fill=(70, 120, 240) if on else self.lit((70, 100, 190)),
            )
            if on:
                self.glow(cx, ly - u * 1.2, bh * 0.12, (80, 130, 255), 0.5)
        elif style == "post":  # a red band and a red postbox beside the door
            self.rect((bx0, top + bh * 0.06, bx1, top + bh * 0.1), fill=self.lit((196, 40, 36)))
            px = cx + bw * 0.2
            self.rect(
                (px - u * 1.4, base - bh * 0.2, px + u * 1.4, base), fill=self.lit((206, 36, 32))
            )
            self.d.ellipse((px - u * 1.4, base - bh * 0.2 - u * 1.4, px + u * 1.4, base - bh * 0.2 + u * 1.4),
                           fill=self.lit((206, 36, 32)))  # fmt: skip
        if full:
            self.stands = max(self.stands, base)

    def park(self, x0, x1, hz, y1, h, full: bool) -> None:
        """A park (the trees and the path come with it): a bench on the grass and a lamp
        post beside it, up-stage in a gap between the figures."""
        w, gh = x1 - x0, y1 - hz
        size = h * 0.09
        fx = self.lay.uniform(0.55, 0.72)
        if full:
            fx = self.clear_spot(fx, 1.3 * size / w)
        cx, base = x0 + w * fx, hz + gh * 0.2
        wood, iron = self.lit((150, 100, 60)), self.lit((54, 60, 58))
        for lx in (cx - size * 0.9, cx + size * 0.82):  # legs, the seat, two back slats
            self.rect((lx, base - size * 0.45, lx + size * 0.1, base), fill=iron)
        self.rect((cx - size, base - size * 0.5, cx + size, base - size * 0.4), fill=wood)
        for k in range(2):
            y = base - size * (0.72 + 0.16 * k)
            self.rect((cx - size, y, cx + size, y + size * 0.09), fill=wood)
        self.rect(
            (cx - size * 0.95, base - size * 0.9, cx - size * 0.87, base - size * 0.45), fill=iron
        )
        self.rect(
            (cx + size * 0.87, base - size * 0.9, cx + size * 0.95, base - size * 0.45), fill=iron
        )
        self.street_lamp(cx + size * 1.6, base + gh * 0.01, h * 0.24, self._windows_lit())
        if full:
            self.stands = max(self.stands, base + gh * 0.01)
            self.taken.append((fx - 1.3 * size / w, fx + 1.9 * size / w))

    def great_wall(self, x0, x1, hz, y1, h) -> None:
        """A long stone wall snaking along a ridge of hills from far (thin, high) to near,
        crenellated, with square watchtowers; the ridge's grassy slope below it."""
        w = x1 - x0
        rng = np.random.default_rng([int(self.lay.integers(1 << 30)), 0x3A11])
        xs = np.linspace(x0 - w * 0.02, x1 + w * 0.02, 72)
        t = (xs - x0) / max(w, 1)
        near = t if rng.random() < 0.5 else 1 - t  # 0 far .. 1 near
        ph = rng.uniform(0, 2 * np.pi, 2)
        ridge = 0.6 * np.sin(2 * np.pi * 1.1 * t + ph[0]) + 0.4 * np.sin(
            2 * np.pi * 2.3 * t + ph[1]
        )
        ground = hz - h * (0.1 + 0.07 * ridge) + h * 0.06 * near
        thick = h * (0.025 + 0.045 * near)
        grass = self.grass
        slope = _mix(self.lit(grass, 0.85), self.sky_hor, 0.2)
        self.d.polygon(
            [*zip(xs, ground + thick * 0.3, strict=True), (x1, y1), (x0, y1)], fill=_rgb(slope)
        )
        stone = np.asarray((178, 164, 136), np.float32)
        face, topc = self.lit(stone, 0.82), self.lit(stone, 1.02)
        tops = ground - thick
        self.d.polygon(
            [
                *zip(xs, tops, strict=True),
                *zip(xs[::-1], ground[::-1] + thick[::-1] * 0.3, strict=True),
            ],
            fill=face,
        )
        self.d.line(list(zip(xs, tops, strict=True)), fill=topc, width=max(1, int(self.u * 0.6)))
        for k in range(0, len(xs) - 1):  # merlons on the parapet
            if k % 2:
                continue
            m = thick[k] * 0.35
            self.rect((xs[k], tops[k] - m, xs[k] + (xs[1] - xs[0]) * 0.9, tops[k]), fill=face)
        for f in (0.12, 0.45, 0.8):  # square watchtowers
            k = int(f * (len(xs) - 1) + rng.uniform(-3, 3))
            k = min(max(k, 1), len(xs) - 2)
            tw, th = thick[k] * 1.8, thick[k] * 2.4
            cx, gy = xs[k], ground[k] + thick[k] * 0.3
            self.rect((cx - tw / 2, gy - th, cx + tw / 2, gy), fill=self.lit(stone, 0.9))
            self.rect((cx + tw * 0.2, gy - th, cx + tw / 2, gy), fill=self.lit(stone, 0.72))
            for j in range(3):
                mx = cx - tw / 2 + tw * j / 2.5
                self.rect(
                    (mx, gy - th - tw * 0.2, mx + tw * 0.22, gy - th), fill=self.lit(stone, 0.9)
                )
            self.rect((cx - tw * 0.08, gy - th * 0.7, cx + tw * 0.08, gy - th * 0.45),
                      fill=self.lit((60, 50, 44)))  # fmt: skip
        near_top = max(float(ground.max() + thick.max()), hz + h * 0.06)
        self.gradient((x0, near_top, x1, y1), self.lit(grass), self.lit(grass, 0.7))

    # ------------------------------------------------------------ a playground

    def plit(self, c, extra: float = 1.0) -> RGB:
        """A playground's colour at the scene's light; in dark light (where a figure takes
        its lifted tone, luma ~130) not so dim as night's (a storm by day, rain at dusk)
        darker still, so that the palest of it (the fence, luma ~230 by day) stays at luma
        75 or under, well below the figure's tone (at night it is that dark already)."""
        from .animatic import DARK

        level = ambient(self.v)
        dim = min(1.0, 75.0 / (230.0 * level)) if level < DARK else 1.0
        return self.lit(c, extra * dim)

    def play_ground(self, x0, x1, hz, y1, h) -> None:
        """A playground's ground: a sandy play area from a little below the horizon to the
        front edge, edged with timber, the grass left at its back corners, and a low picket
        fence along its back (a brick wall where the shot names a wall)."""
        v, u = self.v, self.u
        w, gh = x1 - x0, y1 - hz
        back = hz + gh * 0.09
        sand = np.asarray((238, 238, 244) if v.snow_cover else PLAY_SAND, np.float32)
        if not v.snow_cover:
            fence = self.plit((236, 232, 216))
            base, top = hz + gh * 0.07, hz + gh * 0.07 - h * 0.045
            step = max(u * 1.7, 2.0)
            for k in range(int(w / step) + 1):
                px = x0 + k * step
                self.rect((px, top, px + step * 0.45, base), fill=fence)
            for y in (top + (base - top) * 0.25, top + (base - top) * 0.7):
                self.rect((x0, y, x1, y + max(1.0, u * 0.4)), fill=fence)
        poly = [
            (x0 + w * 0.1, back),
            (x1 - w * 0.1, back),
            (x1 + w * 0.12, y1),
            (x0 - w * 0.12, y1),
        ]
        bx0, by0, bx1, by1 = int(x0), int(back), math.ceil(x1), math.ceil(y1)
        if bx1 > bx0 and by1 > by0:
            t = np.linspace(0, 1, by1 - by0, dtype=np.float32)[:, None, None]
            top_c, bot_c = (
                np.asarray(self.plit(sand), np.float32),
                np.asarray(self.plit(sand, 0.86)),
            )
            col = np.clip(bot_c * t + top_c * (1 - t) + 0.5, 0, 255).astype(np.uint8)
            layer = Image.fromarray(col).resize((bx1 - bx0, by1 - by0), Image.Resampling.NEAREST)
            mask = Image.new("L", (bx1 - bx0, by1 - by0), 0)
            ImageDraw.Draw(mask).polygon([(x - bx0, y - by0) for x, y in poly], fill=255)
            self.img.paste(layer, (bx0, by0), mask)
        edge = self.plit((236, 236, 242) if v.snow_cover else PLAY_EDGE)
        self.d.line([*poly[3:], *poly[:3]], fill=edge, width=max(1, int(u * 0.7)))
        if not v.snow_cover:  # a few darker grains and footprints in the sand
            rng = np.random.default_rng([round(x0), round(hz), round(x1), round(y1), 0x5A9D])
            n = max(6, int(w * (y1 - back) / (u * u * 90)))
            ts = rng.uniform(0.05, 1.0, n) ** 0.8
            xs = rng.uniform(x0 + w * 0.05, x1 - w * 0.05, n)
            grain = (*self.plit(sand, 0.9), 160)
            for x, t in zip(xs, ts, strict=True):
                y, r = back + (y1 - back) * t, u * (0.3 + 0.7 * t)
                self.d.ellipse((x - r * 1.6, y - r * 0.5, x + r * 1.6, y + r * 0.5), fill=grain)
        if "playwall" in v.shapes:
            self.play_wall(x0 + w * 0.18, x1 - w * 0.18, hz + gh * 0.1, h * 0.085)

    def playground(self, x0, x1, hz, y1, h, full: bool) -> None:
        """A playground's things, back to front: a climbing frame far back, a swing set and a
        slide at the sides, a seesaw and a sandpit nearer; in a named playground all of the
        first three, else only what the shot names. Each stands where it hides the fewest
        figures (and not on another); figures stand in front of them all."""
        v = self.v
        w, gh = x1 - x0, y1 - hz
        rng = np.random.default_rng([int(self.lay.integers(1 << 30)), 0x91A])
        named = ("swing", "slide", "climbingframe", "seesaw", "sandpit")
        items = [k for k in named if k in v.shapes]
        if "playground" in v.shapes:
            items = ["swing", "slide", "climbingframe", *[k for k in items if k not in named[:3]]]
        left = rng.random() < 0.5
        # (depth of its base below the horizon, height, half width: fractions of gh, h, h)
        look = {
            "climbingframe": (0.14, 0.14, 0.16, 0.5),
            "swing": (0.18, 0.27, 0.28, 0.2 if left else 0.8),
            "slide": (0.22, 0.3, 0.28, 0.8 if left else 0.2),
            "seesaw": (0.34, 0.09, 0.2, 0.35 if left else 0.65),
            "sandpit": (0.5, 0.1, 0.3, 0.65 if left else 0.35),
        }
        placed: list[tuple[float, float]] = []
        spots = []
        # clear of a school's door, the trees, a house, a tent and a park's bench too
        avoid = [*([self.door] if self.door else []), *self.trees, *self.taken]
        for kind in items:
            depth, size, half, fx = look[kind]
            hw = min(0.45, half * h / w)
            fx = self._play_spot(fx, hw, [*avoid, *placed]) if full else fx
            placed.append((fx - hw, fx + hw))
            spots.append((kind, x0 + w * fx, hz + gh * depth, h * size))
        for kind, cx, base, size in spots:  # back to front
            if kind == "swing":
                self.swing_set(cx, base, size)
            elif kind == "slide":
                self.slide(cx, base, size, 1 if cx < x0 + w / 2 else -1)
            elif kind == "climbingframe":
                self.climbing_frame(cx, base, size)
            elif kind == "seesaw":
                self.seesaw(cx, base, size)
            else:
                self.sandpit(cx, base, size)
        if full and spots:
            self.taken.extend(placed)
            self.stands = max(self.stands, *(b for k, _, b, _ in spots if k != "sandpit"), hz)

    def _spot_among(
        self,
        fx: float,
        half: float,
        placed: list[tuple[float, float]],
        spots: np.ndarray,
        weight: float = 1.0,
    ) -> float:
        """Where a thing ``2 * half`` wide stands: among ``spots`` (and ``fx`` itself), the
        place hiding the fewest figures and overlapping the things already ``placed`` least
        (that overlap counted ``weight`` times), nearest ``fx`` among equals."""

        def cost(c: float) -> float:
            def over(spans):
                return sum(max(0.0, min(c + half, b) - max(c - half, a)) for a, b in spans)

            return over(self.keep_clear) + weight * over(placed)

        return float(min((*spots, fx), key=lambda c: (round(cost(c), 3), abs(c - fx))))

    def _play_spot(self, fx: float, half: float, placed: list[tuple[float, float]]) -> float:
        """Where a playground thing ``2 * half`` wide stands: near ``fx``, hiding the fewest
        figures and overlapping the things already placed least."""
        spots = np.linspace(half, 1.0 - half, 61) if half < 0.5 else np.array([0.5])
        return self._spot_among(fx, half, placed, spots, weight=1.5)

    def play_mat(self, cx, base, half, depth) -> None:
        """A rubber safety mat on the ground under a swing or a slide: a flat rounded patch
        ``2 * half`` wide, ``depth`` deep, centred on its ``base`` row."""
        if self.v.snow_cover:
            return
        mat = self.plit((214, 132, 104))
        self.d.rounded_rectangle((cx - half, base - depth * 0.45, cx + half, base + depth * 0.55),
                                 radius=depth * 0.45, fill=mat)  # fmt: skip

    def swing_set(self, cx, base, s) -> None:
        """A swing set: an A-frame of posts at each end of a top bar, three seats hanging on
        pairs of chains (the left one swung forward), a rubber mat under them."""
        u, v = self.u, self.v
        if "playground" in v.shapes:
            self.play_mat(cx, base, s, s * 0.16)
        frame = self.plit(PLAY_PAINT[0])
        half, top = s * 0.78, base - s
        lw = max(1, int(u * 0.8))
        for ex in (cx - half, cx + half):
            for d in (-1, 1):
                self.d.line([(ex, top), (ex + d * s * 0.2, base)], fill=frame, width=lw)
            yb = top + s * 0.6
            self.d.line([(ex - s * 0.12, yb), (ex + s * 0.12, yb)], fill=frame,
                        width=max(1, int(u * 0.5)))  # fmt: skip
        self.d.line([(cx - half - u * 0.8, top), (cx + half + u * 0.8, top)], fill=frame,
                    width=max(1, int(u * 1.1)))  # fmt: skip
        if v.snow_cover:
            self.d.line([(cx - half, top - u * 0.8), (cx + half, top - u * 0.8)],
                        fill=self.plit((246, 246, 250)), width=max(1, int(u * 0.4)))  # fmt: skip
        chain = self.plit((186, 188, 194))
        seats = (PLAY_PAINT[1], PLAY_PAINT[2], PLAY_PAINT[1])
        for k, col in enumerate(seats):
            sx = cx + half * 0.62 * (k - 1)
            sy = base - s * 0.3
            swing = s * 0.22 if k == 0 else 0.0  # swung forward: up and to one side
            lift = s * 0.1 if k == 0 else 0.0
            for dx in (-s * 0.09, s * 0.09):
                self.d.line([(sx + dx, top), (sx + dx + swing, sy - lift)], fill=chain,
                            width=max(1, int(u * 0.3)))  # fmt: skip
            self.rect((sx + swing - s * 0.12, sy - lift, sx + swing + s * 0.12,
                       sy - lift + max(u * 0.8, s * 0.04)), fill=self.plit(col))  # fmt: skip

    def slide(self, cx, base, s, f: int) -> None:
        """A slide: a ladder up to a small platform under a pointed roof, and the chute
        sloping from it down to the ground (toward ``f``: +1 right, -1 left)."""
        u, v = self.u, self.v
        frame, chute = self.plit(PLAY_PAINT[1]), self.plit(PLAY_PAINT[2])
        lx, deck = cx - f * s * 0.34, base - s * 0.6
        if "playground" in v.shapes:
            self.play_mat(cx + f * s * 0.15, base, s * 0.7, s * 0.14)
        lw = max(1, int(u * 0.7))
        rail = s * 0.08
        for dx in (-rail, rail):  # the ladder's rails (and the tower's corner posts)
            self.d.line([(lx + dx, base), (lx + dx, deck - s * 0.22)], fill=frame, width=lw)
        for j in range(1, 6):
            y = base - (base - deck) * j / 5.6
            self.d.line([(lx - rail, y), (lx + rail, y)], fill=frame, width=max(1, int(u * 0.45)))
        self.rect((lx - rail * 1.4, deck - u * 0.5, lx + rail * 1.4, deck + u * 0.6), fill=frame)
        roof = (238, 240, 246) if v.snow_cover else PLAY_PAINT[0]
        self.d.polygon([(lx - rail * 1.8, deck - s * 0.2), (lx, deck - s * 0.36),
                        (lx + rail * 1.8, deck - s * 0.2)], fill=self.plit(roof))  # fmt: skip
        xs, xe = lx + f * rail * 1.2, cx + f * s * 0.62
        lip = xe + f * s * 0.14
        th = s * 0.045
        mid = ((xs + xe) / 2, (deck + base - s * 0.08) / 2)
        self.d.line([mid, (mid[0], base)], fill=frame, width=lw)  # a post under the chute
        top = [(xs, deck - th), (xe, base - s * 0.1 - th), (lip, base - s * 0.08 - th)]
        bottom = [(lip, base - s * 0.08 + th * 0.6), (xe, base - s * 0.1 + th), (xs, deck + th)]
        self.d.polygon(top + bottom, fill=chute)
        self.d.line(top, fill=self.plit(np.asarray(PLAY_PAINT[2], np.float32) * 0.8),
                    width=max(1, int(u * 0.5)))  # fmt: skip

    def climbing_frame(self, cx, base, s) -> None:
        """A climbing frame: a box of bars, its back face a little up and to the side."""
        u = self.u
        bar = self.plit(PLAY_PAINT[3])
        back = self.plit(np.asarray(PLAY_PAINT[3], np.float32) * 0.8)
        half, lw = s * 0.8, max(1, int(u * 0.55))
        ox, oy = s * 0.25, -s * 0.18
        for dx, dy, col in ((ox, oy, back), (0.0, 0.0, bar)):
            for k in range(4):  # uprights
                x = cx - half + 2 * half * k / 3 + dx
                self.d.line([(x, base + dy), (x, base - s + dy)], fill=col, width=lw)
            for j in range(1, 3):  # rungs
                y = base - s * j / 2 + dy
                self.d.line([(cx - half + dx, y), (cx + half + dx, y)], fill=col, width=lw)
        for x in (cx - half, cx + half):
            self.d.line([(x, base - s), (x + ox, base - s + oy)], fill=back, width=lw)

    def seesaw(self, cx, base, s) -> None:
        """A seesaw: a plank tilted on a pivot, a handle at each seat."""
        u = self.u
        self.d.polygon([(cx - s * 0.35, base), (cx + s * 0.35, base), (cx, base - s * 0.6)],
                       fill=self.plit(PLAY_PAINT[0]))  # fmt: skip
        a = (cx - s * 2.0, base - s * 0.1)
        b = (cx + s * 2.0, base - s * 1.1)
        self.d.line([a, b], fill=self.plit(PLAY_PAINT[2]), width=max(1, int(s * 0.2)))
        handle = self.plit(PLAY_PAINT[1])
        for t in (0.12, 0.88):
            hx, hy = a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
            self.d.line([(hx, hy), (hx, hy - s * 0.45)], fill=handle, width=max(1, int(u * 0.5)))
            self.d.line([(hx - s * 0.12, hy - s * 0.45), (hx + s * 0.12, hy - s * 0.45)],
                        fill=handle, width=max(1, int(u * 0.5)))  # fmt: skip

    def sandpit(self, cx, base, s) -> None:
        """A sandpit: a low timber frame of pale sand seen from a little above, a red bucket
        in it."""
        v, u = self.v, self.u
        pale = (244, 244, 248) if v.snow_cover else (242, 222, 170)
        half = s * 3.0
        top = base - s * 1.2
        poly = [
            (cx - half * 0.8, top),
            (cx + half * 0.8, top),
            (cx + half, base),
            (cx - half, base),
        ]
        self.d.polygon(poly, fill=self.plit(pale), outline=self.plit(PLAY_EDGE))
        self.d.line([*poly, poly[0]], fill=self.plit(PLAY_EDGE), width=max(1, int(u * 0.9)))
        bx, by = cx + half * 0.3, base - s * 0.45
        bucket = [(bx - s * 0.3, by - s * 0.5), (bx + s * 0.3, by - s * 0.5),
                  (bx + s * 0.22, by), (bx - s * 0.22, by)]  # fmt: skip
        self.d.polygon(bucket, fill=self.plit(PLAY_PAINT[0]))

    def play_wall(self, xa, xb, base, hh) -> None:
        """A low brick wall at the back of a playground, with a stone coping."""
        u = self.u
        brick = np.asarray((196, 104, 80), np.float32)
        self.rect((xa, base - hh, xb, base), fill=self.plit(brick))
        mortar = (*self.plit((226, 214, 196)), 200)
        rows = 4
        bw = hh * 0.9
        for r in range(rows):
            y = base - hh * r / rows
            self.d.line([(xa, y), (xb, y)], fill=mortar, width=max(1, int(u * 0.25)))
            x = xa + (bw / 2 if r % 2 else 0.0)
            while x < xb:
                self.d.line([(x, y), (x, y - hh / rows)], fill=mortar, width=max(1, int(u * 0.25)))
                x += bw
        stone = (240, 240, 246) if self.v.snow_cover else (214, 206, 190)
        self.rect(
            (xa - u * 0.5, base - hh - u * 0.9, xb + u * 0.5, base - hh), fill=self.plit(stone)
        )

    # ------------------------------------------------------------ a party

    def balloons(self, cx, cy, anchor, size) -> None:
        """A bunch of balloons on strings tied at (cx, anchor): in the colours the words name
        (red and yellow balloons), else in party colours."""
        colors = list(self.v.colors) or [(214, 64, 60), (240, 208, 70), (70, 120, 220)]
        n = max(3, min(5, len(colors) + 1))
        for k in range(n):
            bx = cx + size * (-1.1 + 2.2 * k / max(n - 1, 1))
            by = cy + size * (0.5 if k % 2 else 0.0)
            col = colors[k % len(colors)]
            self.d.line([(bx, by + size * 0.6), (bx * 0.6 + cx * 0.4, (by + anchor) / 2), (cx, anchor)],
                        fill=self.lit((230, 230, 230)), width=max(1, int(self.u * 0.2)))  # fmt: skip
            self.d.ellipse((bx - size * 0.5, by - size * 0.62, bx + size * 0.5, by + size * 0.62),
                           fill=self.lit(col))  # fmt: skip
            self.d.polygon([(bx, by + size * 0.58), (bx - size * 0.1, by + size * 0.72),
                            (bx + size * 0.1, by + size * 0.72)], fill=self.lit(col, 0.8))  # fmt: skip
            self.d.ellipse((bx - size * 0.28, by - size * 0.42, bx - size * 0.12, by - size * 0.18),
                           fill=(255, 255, 255, 150))  # fmt: skip

    def cake(self, cx, top, size) -> None:
        """A round layer cake on a plate, with candles lit (as many as the words count, up to
        eight shown)."""
        v = self.v
        plate = self.lit((240, 240, 236))
        self.d.ellipse(
            (cx - size * 0.75, top - size * 0.1, cx + size * 0.75, top + size * 0.08), fill=plate
        )
        sponge = (116, 70, 44) if v.chocolate else (244, 214, 226)
        cream = (246, 238, 220) if v.chocolate else (236, 120, 160)
        ch = size * 0.55
        self.rect(
            (cx - size * 0.6, top - ch, cx + size * 0.6, top - size * 0.02), fill=self.lit(sponge)
        )
        self.rect(
            (cx - size * 0.6, top - ch * 0.55, cx + size * 0.6, top - ch * 0.45),
            fill=self.lit(cream),
        )
        self.d.ellipse((cx - size * 0.6, top - ch - size * 0.12, cx + size * 0.6, top - ch + size * 0.12),
                       fill=self.lit(np.asarray(sponge, np.float32) * 1.15))  # fmt: skip
        n = min(8, v.candles or 5)
        for k in range(n):
            x = cx + size * 0.5 * (-1 + 2 * (k + 0.5) / n)
            y = top - ch - size * 0.02
            self.rect((x - size * 0.025, y - size * 0.24, x + size * 0.025, y),
                      fill=self.lit(((240, 90, 110), (80, 140, 230), (250, 220, 80))[k % 3]))  # fmt: skip
            self.d.ellipse((x - size * 0.04, y - size * 0.36, x + size * 0.04, y - size * 0.24),
                           fill=(255, 200, 80))  # fmt: skip
        self.glow(cx, top - ch - size * 0.3, size * 0.7, WARM_LIGHT, 0.3)

    def stars(self, box, even: bool = False) -> None:
        """Stars, thinning toward the horizon; ``even``: spread evenly and sparser (space)."""
        x0, y0, x1, y1 = box
        n = int((x1 - x0) * (y1 - y0) / (self.u * self.u * (40 if even else 18))) + 3
        xs = self.rng.uniform(x0, x1, n)
        if even:
            ys = self.rng.uniform(y0, y1, n)
        else:
            ys = y0 + (y1 - y0) * self.rng.uniform(0, 1, n) ** 1.6 * 0.85
        for x, y, b in zip(xs, ys, self.rng.uniform(0.4, 1.0, n), strict=True):
            r = self.u * (0.18 + 0.25 * b)
            self.d.ellipse((x - r, y - r, x + r, y + r), fill=(255, 250, 230, int(255 * b)))

    def sun_or_moon(self, box) -> None:
        v = self.v
        x0, y0, x1, y1 = box
        w, h = x1 - x0, y1 - y0
        force = ("sun" in v.shapes) or ("moon" in v.shapes)
        if v.weather in ("rain", "storm", "fog", "snow") and not force:
            return
        r = self.u * 6.5
        cx = x0 + w * self.lay.uniform(0.55, 0.85)
        if v.time == "night" or ("moon" in v.shapes and "sun" not in v.shapes):
            cy = y0 + h * self.lay.uniform(0.2, 0.35)
            self.glow(cx, cy, r * 2.2, (120, 130, 160), 0.35)
            self.d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(240, 238, 220, 255))
            o = r * 0.55  # a crescent: the sky colour bites the disc
            bite = _rgb(_mix(self.sky_top, self.sky_hor, (cy - y0) / max(h, 1)))
            self.d.ellipse((cx - r + o, cy - r - o * 0.4, cx + r + o, cy + r - o * 0.4), fill=bite)
            return
        if v.time == "day":
            cy = y0 + h * self.lay.uniform(0.15, 0.3)
            color, core = (255, 240, 190), (255, 250, 225)
        else:  # low and large at dawn and dusk
            cy = y0 + h * self.lay.uniform(0.72, 0.88)
            r *= 1.35
            color, core = (255, 170, 90), (255, 222, 160)
        faint = 0.45 if v.weather == "cloudy" else 1.0
        self.glow(cx, cy, r * 3.5, color, 0.45 * faint)
        self.d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(*core, int(255 * faint)))

    def clouds(self, box, few: bool = False) -> None:
        v = self.v
        x0, y0, x1, y1 = box
        w, h = x1 - x0, y1 - y0
        shade = {"storm": 62, "rain": 118, "snow": 205, "fog": 200, "cloudy": 215}.get(
            v.weather, 245
        )
        base = np.array([shade, shade, shade * 1.04 if shade < 200 else shade], np.float32)
        if v.time == "night":
            base = base * np.array([0.28, 0.3, 0.4])
        elif v.time in ("dawn", "dusk"):
            base = _mix(base, (250, 160, 130), 0.3) * 0.85
        n = 3 if few else (12 if v.weather == "storm" else 9)
        for k in range(n):
            # A few fair-weather clouds keep to the left half: the sun is on the right.
            cx = x0 + w * ((k + self.rng.uniform(0.1, 0.9)) / n) * (0.5 if few else 1.0)
            cy = y0 + h * (self.rng.uniform(0.1, 0.4) if few else self.rng.uniform(0.05, 0.55))
            cw = w * (0.12 if few else self.rng.uniform(0.16, 0.28))
            ch = cw * 0.32
            dark = _rgb(base * 0.8)
            alpha = 235 if not few else 200
            for j in range(5):  # puffs: a flat bottom and round tops
                px = cx + (j - 2) * cw * 0.22
                pr = ch * (0.75 + 0.35 * math.sin(j * 1.7 + k))
                self.d.ellipse((px - pr, cy - pr, px + pr, cy + pr * 0.6), fill=(*dark, alpha))
                self.d.ellipse((px - pr, cy - pr * 1.1, px + pr, cy + pr * 0.35),
                               fill=(*_rgb(base), alpha))  # fmt: skip

    def lightning(self, box) -> None:
        x0, y0, x1, y1 = box
        x = x0 + (x1 - x0) * self.rng.uniform(0.25, 0.75)
        y = y0 + (y1 - y0) * 0.25
        pts = [(x, y)]
        while y < y1 - (y1 - y0) * 0.05:
            y += (y1 - y0) * self.rng.uniform(0.08, 0.16)
            x += (x1 - x0) * self.rng.uniform(-0.05, 0.05)
            pts.append((x, y))
        self.glow(
            pts[len(pts) // 2][0], pts[len(pts) // 2][1], (y1 - y0) * 0.5, (170, 170, 230), 0.4
        )
        self.d.line(pts, fill=(200, 200, 255, 120), width=int(self.u * 2.2))
        self.d.line(pts, fill=(255, 255, 240, 255), width=max(1, int(self.u * 0.8)))

    def land(self, x0, hz, x1, y1, hills: bool = True) -> None:
        """The ground from the horizon down, with two ranges of hills behind it (none where
        the sea is the horizon)."""
        v = self.v
        grass = np.array((236, 240, 248) if v.snow_cover else (92, 140, 70), np.float32)
        if "desert" in v.shapes and not v.snow_cover:
            grass = np.array(SAND, np.float32)  # a desert's ground (green hills were drawn)
        elif v.season == "autumn":
            grass = _mix(grass, AUTUMN_GRASS, 0.45)
        elif v.season == "spring":
            grass = _mix(grass, SPRING_GRASS, 0.7)
        if self.palette and not v.snow_cover:  # (sand keeps its colour better: a desert)
            tint = self.palette[-1]
            weight = 0.12 if "desert" in v.shapes or not _grassy(tint) else 0.3
            grass = _mix(grass, tint, weight)
        w = x1 - x0
        far = _mix(self.lit(grass), self.sky_hor, 0.5)
        ranges = ((0.14, far), (0.07, self.lit(grass, 0.92))) if hills else ()
        for depth, (amp, col) in enumerate(ranges):
            ph = self.lay.uniform(0, 2 * np.pi, 3)
            fr = np.array([1.0, 2.3, 4.1]) * self.lay.uniform(0.8)
            xs = np.linspace(x0, x1, 48)
            uu = (xs - x0) / max(w, 1)
            ridge = sum(
                np.sin(2 * np.pi * f * uu + p) / (k + 1)
                for k, (f, p) in enumerate(zip(fr, ph, strict=True))
            )
            top = hz - (y1 - hz) * amp * 2.2 * (0.55 + 0.45 * ridge / 1.84) + depth * self.u * 2
            poly = [*zip(xs, top, strict=True), (x1, y1), (x0, y1)]
            self.d.polygon(poly, fill=_rgb(col))
        self.grass = grass  # the ground's colour, for what stands on it (a wall's hill)
        self.gradient((x0, hz + self.u * 3, x1, y1), self.lit(grass), self.lit(grass, 0.7))
        if v.season in ("autumn", "spring") and "desert" not in v.shapes:
            self.season_ground(x0, hz, x1, y1)

    def season_ground(self, x0, hz, x1, y1) -> None:
        """A few fallen leaves (autumn) or small flowers (spring) on the grass, larger and
        denser toward the front; placed by the ground's own seed (the layout's is kept)."""
        rng = np.random.default_rng([round(x0), round(hz), round(x1), round(y1), 0x5EA5])
        autumn = self.v.season == "autumn"
        n = max(4, int((x1 - x0) * (y1 - hz) / (self.u * self.u * (120 if autumn else 160))))
        t = rng.uniform(0.08, 1.0, n) ** 0.7  # depth: 0 the horizon, 1 the bottom edge
        xs, ys = rng.uniform(x0, x1, n), hz + (y1 - hz) * t
        picks = rng.integers(0, 1 << 16, n)
        for x, y, d, k in zip(xs, ys, t, picks, strict=True):
            r = self.u * (0.25 + 0.6 * d)
            if autumn:
                c = self.lit(AUTUMN_LEAVES[k % 4], 0.9 + 0.1 * (k % 3))
                a = (k >> 3) % 3 - 1  # a leaf lies tilted: an ellipse stretched left or right
                self.d.ellipse((x - r * (1.2 + 0.4 * a), y - r * 0.6, x + r * (1.2 - 0.4 * a), y + r * 0.6),
                               fill=c)  # fmt: skip
            else:
                c = self.lit(((250, 246, 236), (250, 214, 64), (236, 150, 196))[k % 3])
                self.d.ellipse((x - r * 0.8, y - r * 0.8, x + r * 0.8, y + r * 0.8), fill=c)

    def mountains(self, x0, x1, hz) -> None:
        w = x1 - x0
        rock = self.lit(_mix((112, 112, 128), self.sky_hor, 0.25))
        snow = self.lit((244, 246, 252))
        for k in range(3):
            cx = x0 + w * (0.2 + 0.32 * k + self.lay.uniform(-0.06, 0.06))
            hh = (hz) * self.lay.uniform(0.45, 0.75)
            half = w * self.lay.uniform(0.2, 0.3)
            peak = (cx, hz - hh)
            self.d.polygon([(cx - half, hz + self.u), peak, (cx + half, hz + self.u)], fill=rock)
            cap = 0.55 if self.v.snow_cover else 0.32
            f = cap
            self.d.polygon(
                [
                    (cx - half * f, hz - hh * (1 - f)),
                    peak,
                    (cx + half * f, hz - hh * (1 - f)),
                    (cx + half * f * 0.4, hz - hh * (1 - f * 0.7)),
                    (cx, hz - hh * (1 - f * 1.1)),
                    (cx - half * f * 0.5, hz - hh * (1 - f * 0.75)),
                ],
                fill=snow,
            )

    def volcano(self, x0, x1, hz, erupting: bool) -> None:
        """One broad cone with a cut-off top (a volcano was drawn as snowy alps); erupting
        ("lava", "magma", "erupts"), a red glow in the crater, lava down the flanks and an
        ash plume."""
        w = x1 - x0
        cx = x0 + w * self.lay.uniform(0.4, 0.6)
        hh, half, top = hz * 0.62, w * 0.32, w * 0.05
        rock = self.lit(_mix((92, 80, 76), self.sky_hor, 0.2))
        base = hz + self.u
        self.d.polygon(
            [(cx - half, base), (cx - top, hz - hh), (cx + top, hz - hh), (cx + half, base)],
            fill=rock,
        )
        if not erupting:
            return
        lava = (236, 92, 28)
        self.glow(cx, hz - hh, top * 2.5, (255, 120, 40), 0.5)
        for side, reach in ((-1, 0.55), (1, 0.4), (-1, 0.25)):  # streams down the flanks
            tip = (cx + side * half * reach, hz - hh * (1 - reach))
            self.d.polygon(
                [(cx + side * top * 0.2, hz - hh), (cx + side * top * 0.9, hz - hh), tip],
                fill=lava,
            )
        ash = self.lit((96, 92, 92))
        drift = 1 if self.lay.uniform() < 0.5 else -1  # the plume leans with the wind
        for k in range(6):  # puffs rising from the crater, growing and drifting as they go
            r = top * (0.8 + 0.3 * k)
            py = hz - hh - top * (0.7 + 0.85 * k)
            px = cx + drift * top * 0.55 * k + self.lay.uniform(-0.2, 0.2) * r
            self.d.ellipse((px - r, py - r * 0.75, px + r, py + r * 0.75), fill=(*ash, 235))

    def sea(self, x0, hz, x1, y1) -> None:
        v = self.v
        base = {"storm": (30, 44, 54), "rain": (44, 70, 92), "fog": (120, 130, 140)}.get(
            v.weather, (36, 100, 160)
        )
        near = np.asarray(base, np.float32) * (0.7 if v.weather == "storm" else 0.6)
        top = _mix(self.lit(base, 1.1), self.sky_hor, 0.35)
        self.gradient((x0, hz, x1, y1), top, self.lit(near))
        # Waves: short strokes, larger and brighter towards the viewer; storms heave.
        storm = v.weather in ("storm", "wind")
        crest = self.lit((235, 240, 245), 1.2 if storm else 1.0)
        rows = 9 if storm else 7
        for r in range(rows):
            t = (r + 0.5) / rows
            y = hz + (y1 - hz) * t**1.4
            amp = self.u * (0.4 + 2.8 * t) * (2.2 if storm else 1.0)
            n = int(4 + 7 * (1 - t))
            for k in range(n):
                cx = x0 + (x1 - x0) * ((k + self.rng.uniform(0, 1)) / n)
                hw = (x1 - x0) / n * (0.42 if storm else 0.3)
                a = int(90 + 120 * t)
                self.d.arc((cx - hw, y - amp, cx + hw, y + amp), 200, 340, fill=(*crest, a),
                           width=max(1, int(self.u * (0.3 + 0.6 * t))))  # fmt: skip

    def foreground_waves(self, x0, hz, x1, y1) -> None:
        if self.v.weather not in ("storm", "wind", "rain"):
            return
        w, h = x1 - x0, y1 - hz
        dark = self.lit((22, 36, 46) if self.v.weather == "storm" else (34, 70, 100))
        xs = np.linspace(x0, x1, 64)
        ph = self.rng.uniform(0, 6.28)
        top = y1 - h * 0.28 + np.sin((xs - x0) / w * 2 * np.pi * 2.5 + ph) * h * 0.1
        self.d.polygon([*zip(xs, top, strict=True), (x1, y1), (x0, y1)], fill=dark)
        self.d.line(list(zip(xs, top, strict=True)), fill=(*self.lit((230, 236, 240), 1.3), 200),
                    width=max(1, int(self.u * 0.9)))  # fmt: skip

    def river(self, x0, hz, x1, y1, path: bool = False, corner: bool = False) -> None:
        """A river (or, with ``path``, a sandy path) winding from the horizon to the viewer.
        ``corner``: it comes in from a bottom corner, across the frame, so that a burned-in
        caption over the bottom middle does not hide it (a river running into the sea)."""
        w = x1 - x0
        c = x0 + w * (self.lay.uniform(0.15, 0.35) if path else self.lay.uniform(0.35, 0.65))
        end = c
        if corner:  # the mouth towards the middle, the near end at a corner
            end = x0 + w * (0.06 if c < x0 + w / 2 else 0.94)
        pts_l, pts_r = [], []
        for k in range(13):
            t = k / 12
            y = hz + self.u * 3 + (y1 - hz) * t
            cx = c + (end - c) * t**0.8
            cx += math.sin(t * 4 + self.lay.uniform(0, 0.01)) * w * 0.08 * t
            half = w * (0.01 + 0.2 * t)
            pts_l.append((cx - half, y))
            pts_r.append((cx + half, y))
        if path:
            pts_r = [
                (lx + (rx - lx) * 0.45, y) for (lx, _), (rx, y) in zip(pts_l, pts_r, strict=True)
            ]
            self.d.polygon(pts_l + pts_r[::-1], fill=self.lit((206, 178, 128)))
            return
        water = self.lit(_mix((60, 120, 180), self.sky_hor, 0.4))
        self.d.polygon(pts_l + pts_r[::-1], fill=water)
        for k in range(1, 12, 2):
            (lx, y), (rx, _) = pts_l[k], pts_r[k]
            self.d.line([(lx + (rx - lx) * 0.3, y), (lx + (rx - lx) * 0.55, y)],
                        fill=(*self.lit((220, 235, 250)), 150), width=max(1, int(self.u * 0.4)))  # fmt: skip

    def flowers(self, x0, x1, y1, h) -> None:
        """A bed of flowers along the bottom: stems and bright heads."""
        w = x1 - x0
        colors = ((230, 70, 90), (250, 210, 60), (240, 240, 245), (200, 110, 220), (250, 140, 60))
        n = max(6, int(w / (self.u * 4)))
        xs = self.lay.uniform(x0, x1, n)
        ys = y1 - h * self.lay.uniform(0.02, 0.16, n)
        stem = self.lit((60, 120, 50))
        for k, (x, y) in enumerate(zip(xs, ys, strict=True)):
            r = self.u * (0.9 + 0.5 * (k % 3) / 2)
            self.d.line([(x, y), (x, y + self.u * 3)], fill=stem, width=max(1, int(self.u * 0.35)))
            self.d.ellipse((x - r, y - r, x + r, y + r), fill=self.lit(colors[k % len(colors)]))

    def island(self, cx, hz, w, h) -> None:
        rock = self.lit((78, 74, 70))
        hi = self.lit((110, 104, 96))
        half = w * 0.2
        top = hz - h * 0.02
        pts = [(cx - half, hz + h * 0.1), (cx - half * 0.6, top), (cx - half * 0.2, top - h * 0.03),
               (cx + half * 0.4, top), (cx + half, hz + h * 0.1)]  # fmt: skip
        self.d.polygon(pts, fill=rock)
        self.d.line(pts[1:4], fill=hi, width=max(1, int(self.u)))

    def lighthouse(self, cx, base, height, sky_top) -> None:
        v = self.v
        bw, tw = height * 0.16, height * 0.1
        top = base - height
        white, red = self.lit((240, 238, 230)), self.lit((196, 48, 40))
        self.d.polygon([(cx - bw / 2, base), (cx - tw / 2, top + height * 0.2),
                        (cx + tw / 2, top + height * 0.2), (cx + bw / 2, base)], fill=white)  # fmt: skip
        for k in range(3):  # red bands
            a, b = 0.2 + 0.8 * (k * 2 + 1) / 7, 0.2 + 0.8 * (k * 2 + 2) / 7
            wa = tw + (bw - tw) * (a - 0.2) / 0.8
            wb = tw + (bw - tw) * (b - 0.2) / 0.8
            ya, yb = top + height * a, top + height * b
            self.d.polygon(
                [(cx - wa / 2, ya), (cx + wa / 2, ya), (cx + wb / 2, yb), (cx - wb / 2, yb)],
                fill=red,
            )
        gal = top + height * 0.2
        self.rect(
            (cx - tw * 0.8, gal - height * 0.02, cx + tw * 0.8, gal), fill=self.lit((40, 40, 44))
        )
        lit_lamp = v.time in ("night", "dusk") or v.weather in ("storm", "rain", "fog")
        glass = WARM_LIGHT if lit_lamp else self.lit((170, 200, 210))
        lamp_y0, lamp_y1 = top + height * 0.08, gal - height * 0.02
        self.rect((cx - tw * 0.45, lamp_y0, cx + tw * 0.45, lamp_y1), fill=glass)
        self.d.polygon([(cx - tw * 0.6, lamp_y0), (cx, top), (cx + tw * 0.6, lamp_y0)], fill=red)
        if lit_lamp:
            ly = (lamp_y0 + lamp_y1) / 2
            reach = self.W * 0.9
            direction = 1 if cx < self.W / 2 else -1
            spread = height * 0.22
            self.d.polygon([(cx, ly - tw * 0.2), (cx + direction * reach, ly - spread),
                            (cx + direction * reach, ly + spread * 0.8), (cx, ly + tw * 0.2)],
                           fill=(255, 232, 160, 70))  # fmt: skip
            self.glow(cx, ly, tw * 2.2, WARM_LIGHT, 0.8)

    def boat(self, cx, wl, size) -> None:
        v = self.v
        tilt = math.radians(
            14 if v.weather == "storm" else (6 if v.weather in ("wind", "rain") else 0)
        )
        tilt *= 1 if self.lay.random() < 0.5 else -1

        def rot(pts):
            c, s = math.cos(tilt), math.sin(tilt)
            return [
                (cx + (x - cx) * c - (y - wl) * s, wl + (x - cx) * s + (y - wl) * c) for x, y in pts
            ]

        L = size * 1.3
        hull = [(cx - L / 2, wl - size * 0.18), (cx + L / 2, wl - size * 0.24),
                (cx + L * 0.36, wl + size * 0.12), (cx - L * 0.4, wl + size * 0.12)]  # fmt: skip
        cabin = [(cx - L * 0.25, wl - size * 0.18), (cx - L * 0.25, wl - size * 0.42),
                 (cx + L * 0.02, wl - size * 0.42), (cx + L * 0.02, wl - size * 0.18)]  # fmt: skip
        mast = [(cx + L * 0.12, wl - size * 0.2), (cx + L * 0.12, wl - size * 1.15)]
        sail = [
            (cx + L * 0.14, wl - size * 1.1),
            (cx + L * 0.14, wl - size * 0.3),
            (cx + L * 0.45, wl - size * 0.3),
        ]
        self.d.polygon(rot(cabin), fill=self.lit((214, 200, 170)))
        self.d.polygon(rot(sail), fill=self.lit((236, 228, 206)))
        self.d.line(rot(mast), fill=self.lit((70, 50, 36)), width=max(1, int(size * 0.04)))
        self.d.polygon(rot(hull), fill=self.lit((150, 52, 38)))
        self.d.line(rot(hull[:2]), fill=self.lit((240, 230, 210)), width=max(1, int(size * 0.04)))
        if v.time in ("night", "dusk") or v.weather == "storm":  # a lantern on the cabin
            ((lx, ly),) = rot([(cx - L * 0.12, wl - size * 0.32)])
            r = size * 0.05
            self.glow(lx, ly, size * 0.3, WARM_LIGHT, 0.7)
            self.d.ellipse((lx - r, ly - r, lx + r, ly + r), fill=(255, 236, 170))

    def deck(self, x0, y0, x1, y1) -> None:
        """The characters' own boat: mast and sail behind them, the hull in front (on the
        ``front`` layer, composited over the figures so that they stand in the boat)."""
        v = self.v
        w, h = x1 - x0, y1 - y0
        tilt = math.radians(
            4 if v.weather == "storm" else (2 if v.weather in ("wind", "rain") else 0)
        )
        tilt *= 1 if self.lay.random() < 0.5 else -1
        cx, cy = x0 + w / 2, y0 + h * 0.8
        c, sn = math.cos(tilt), math.sin(tilt)

        def rot(pts):
            return [
                (cx + (x - cx) * c - (y - cy) * sn, cy + (x - cx) * sn + (y - cy) * c)
                for x, y in pts
            ]

        mx = x0 + w * 0.88
        self.d.line(
            rot([(mx, y0 + h * 0.12), (mx, cy)]),
            fill=self.lit((70, 50, 36)),
            width=max(1, int(self.u * 1.2)),
        )
        self.d.polygon(rot([(mx - w * 0.01, y0 + h * 0.16), (mx - w * 0.01, y0 + h * 0.62),
                            (mx - w * 0.2, y0 + h * 0.62)]), fill=self.lit((236, 228, 206), 1.6))  # fmt: skip
        if v.time in ("night", "dusk") or v.weather == "storm":  # a lantern on the mast
            ((lx, ly),) = rot([(mx + w * 0.015, y0 + h * 0.45)])
            r = self.u * 1.2
            self.glow(lx, ly, h * 0.12, WARM_LIGHT, 0.6)
            self.d.ellipse((lx - r, ly - r, lx + r, ly + r), fill=(255, 236, 170))
        self.front = Image.new("RGBA", (self.W, self.H), (0, 0, 0, 0))
        d = ImageDraw.Draw(self.front)
        hull = rot([(x0 - w * 0.05, cy), (x1 + w * 0.05, cy - h * 0.02), (x1 + w * 0.05, y1 + h * 0.3),
                    (x0 - w * 0.05, y1 + h * 0.3)])  # fmt: skip
        d.polygon(hull, fill=(*self.lit((150, 52, 38)), 255))
        for k in range(1, 4):  # planks
            y = cy + h * 0.06 * k
            d.line(rot([(x0 - w * 0.05, y), (x1 + w * 0.05, y - h * 0.02)]), fill=(*self.lit((110, 36, 28)), 255),
                   width=max(1, int(self.u * 0.5)))  # fmt: skip
        d.line(hull[:2], fill=(*self.lit((236, 226, 200)), 255), width=max(1, int(self.u * 1.6)))

    def shore(self, x0, x1, y1, h, quay: bool, reach: bool = False) -> None:
        """The near shore along the bottom: a stone quay at the left, or sand. ``reach``: the
        quay reaches past every figure (:attr:`keep_clear`), so that nobody stands in the
        water beyond its end."""
        w = x1 - x0
        if quay:  # a stone quay with bollards along the bottom left
            top = y1 - h * 0.16
            end = max(0.55, min(1.0, max(b for _a, b in self.keep_clear) + 0.06)) if reach else 0.55
            self.d.polygon([(x0, top), (x0 + w * end, top), (x0 + w * (end - 0.05), y1), (x0, y1)],
                           fill=self.lit((128, 118, 104)))  # fmt: skip
            self.d.line([(x0, top), (x0 + w * end, top)], fill=self.lit((170, 160, 140)),
                        width=max(1, int(self.u)))  # fmt: skip
            for k in range(3):
                bx = x0 + w * (0.1 + 0.16 * k)
                self.rect((bx, top - h * 0.04, bx + w * 0.018, top), fill=self.lit((50, 46, 44)))
            self.house(x0 + w * 0.1, top, h * 0.14)
        else:  # sand
            xs = np.linspace(x0, x1, 32)
            top = y1 - h * 0.14 - np.sin((xs - x0) / w * 3.1) * h * 0.03
            self.d.polygon(
                [*zip(xs, top, strict=True), (x1, y1), (x0, y1)],
                fill=self.lit((222, 200, 150)),
            )

    def ledge(self, x0, x1, y1, h) -> None:
        """A low rocky ledge along the bottom under the figures (:attr:`keep_clear`), where at
        sea there is no quay, sand or deck to stand on: the island's rock, near."""
        w = x1 - x0
        lo = max(0.0, min(a for a, _b in self.keep_clear) - LEDGE_MARGIN)
        hi = min(1.0, max(b for _a, b in self.keep_clear) + LEDGE_MARGIN)
        xs = np.linspace(lo, hi, 40)
        t = (xs - lo) / max(hi - lo, 1e-6)
        # flat where the figures stand, falling into the water at both ends, a little rough
        lift = np.clip(np.minimum(t, 1 - t) * 8, 0, 1) ** 0.6 * (1 + 0.08 * np.sin(xs * 37))
        top = y1 - h * LEDGE_TOP * lift
        pts = [(x0 + w * x, y) for x, y in zip(xs, top, strict=True)]
        self.d.polygon([*pts, (x0 + w * hi, y1), (x0 + w * lo, y1)], fill=self.lit((72, 68, 64)))
        self.d.line(pts, fill=self.lit((112, 106, 98)), width=max(1, int(self.u)))

    def _prop_spot(self, fx: float, half: float, placed: list[tuple[float, float]]) -> float:
        """Where a prop ``2 * half`` wide stands outdoors: nearest ``fx`` among the places
        that hide the fewest figures and overlap the props already placed least."""
        return self._spot_among(fx, half, placed, np.linspace(half + 0.02, 0.98 - half, 97))

    def clear_spot(self, fx: float, half: float) -> float:
        """Where an object ``2 * half`` wide (fractions of the width) stands: at ``fx`` when
        that is clear of every figure, else at the clear place nearest to it, else where it
        hides least of them."""

        def hidden(c: float) -> float:
            return sum(max(0.0, min(c + half, b) - max(c - half, a)) for a, b in self.keep_clear)

        if not self.keep_clear or hidden(fx) == 0.0:
            return fx
        spots = np.linspace(half, 1.0 - half, 97)
        return float(min(spots, key=lambda c: (hidden(c), abs(c - fx))))

    def hearth(self, cx, base, size) -> None:
        """A stone fireplace on the back wall: a surround with a mantel, a dark opening with
        logs and flames, a warm glow on the wall and the floor."""
        stone, mortar = self.lit((150, 138, 124)), self.lit((112, 102, 92))
        hw = size * 0.5
        self.rect((cx - hw, base - size, cx + hw, base), fill=stone)
        for k in range(1, 6):  # courses of stone
            y = base - size * k / 6
            self.d.line([(cx - hw, y), (cx + hw, y)], fill=mortar, width=max(1, int(self.u * 0.3)))
        self.rect((cx - hw * 1.15, base - size * 1.06, cx + hw * 1.15, base - size * 0.98),
                  fill=self.lit((110, 74, 46)))  # the mantel  # fmt: skip
        ow, oh = hw * 0.62, size * 0.62
        self.d.rounded_rectangle((cx - ow, base - oh, cx + ow, base), radius=ow * 0.5,
                                 fill=(30, 22, 18))  # fmt: skip
        wood, lw = (96, 62, 36), max(1, int(size * 0.05))
        self.d.line([(cx - ow * 0.7, base - size * 0.03), (cx + ow * 0.5, base - size * 0.1)],
                    fill=wood, width=lw)  # fmt: skip
        self.d.line([(cx + ow * 0.7, base - size * 0.03), (cx - ow * 0.5, base - size * 0.1)],
                    fill=wood, width=lw)  # fmt: skip
        for color, f in (((236, 84, 28), 1.0), ((252, 160, 40), 0.7), ((255, 232, 140), 0.4)):
            fw, fh, y0 = ow * 0.7 * f, oh * 0.75 * f, base - size * 0.06
            self.d.polygon([(cx - fw, y0), (cx - fw * 0.5, y0 - fh * 0.6), (cx, y0 - fh),
                            (cx + fw * 0.4, y0 - fh * 0.55), (cx + fw, y0)], fill=color)  # fmt: skip
        self.glow(cx, base - oh * 0.4, size * 0.9, (255, 150, 60), 0.35)

    def kite(self, cx, cy, sky_h) -> None:
        """A diamond kite with a cross spar and a bowed tail, its string falling away to the
        lower left; the first colour the words say ("the red kite"), else red."""
        size = sky_h * 0.16
        color = self.lit(self.v.colors[0] if self.v.colors else (214, 64, 60))
        pts = [(cx, cy - size), (cx + size * 0.62, cy - size * 0.1), (cx, cy + size),
               (cx - size * 0.62, cy - size * 0.1)]  # fmt: skip
        self.d.polygon(pts, fill=color)
        spar = self.lit((60, 50, 40))
        lw = max(1, int(self.u * 0.3))
        self.d.line([pts[0], pts[2]], fill=spar, width=lw)
        self.d.line([pts[1], pts[3]], fill=spar, width=lw)
        tail = [(cx + math.sin(k * 1.3) * size * 0.18, cy + size + k * size * 0.28)
                for k in range(6)]  # fmt: skip
        self.d.line([pts[2], *tail], fill=spar, width=lw)
        for tx, ty in tail[1::2]:  # bows on the tail
            self.d.polygon([(tx - size * 0.12, ty - size * 0.06), (tx + size * 0.12, ty + size * 0.06),
                            (tx + size * 0.12, ty - size * 0.06), (tx - size * 0.12, ty + size * 0.06)],
                           fill=color)  # fmt: skip
        string = [(cx - k * size * 0.9, cy + size + k * k * size * 0.22) for k in range(8)]
        self.d.line(string, fill=(*self.lit((240, 240, 236)), 170), width=lw)

    def fence(self, x0, x1, base, height) -> None:
        """A low picket fence across the ground: pointed pales on two rails."""
        wood, shade = self.lit((206, 184, 150)), self.lit((150, 128, 98))
        pale = max(2.0, height * 0.22)
        for rail in (0.3, 0.7):
            y = base - height * rail
            self.rect((x0, y - height * 0.06, x1, y + height * 0.06), fill=shade)
        x = x0 + pale * 0.5
        while x < x1:
            self.d.polygon([(x, base), (x, base - height * 0.85), (x + pale / 2, base - height),
                            (x + pale, base - height * 0.85), (x + pale, base)], fill=wood)  # fmt: skip
            x += pale * 2.2

    def castle(self, cx, ground, size, lone: bool) -> None:
        """A stone castle standing on ``ground``: a crenellated keep with an arched gate
        between two taller round towers with pointed roofs; ``lone``, one tall tower with a
        pointed roof and a lit window near the top (a princess's tower)."""
        stone, dark = self.lit((156, 150, 140)), self.lit((104, 98, 92))
        roof = self.lit((84, 60, 120))
        u = size / 20

        def tower(x, width, height) -> None:
            top = ground - height
            self.rect((x - width / 2, top, x + width / 2, ground), fill=stone)
            self.rect(
                (x + width / 6, top, x + width / 2, ground), fill=_rgb(_mix(stone, dark, 0.35))
            )
            self.d.polygon([(x - width * 0.62, top), (x, top - width * 1.1),
                            (x + width * 0.62, top)], fill=roof)  # fmt: skip
            wy = top + height * 0.14  # an arched window near the top, lit
            glass = (250, 214, 130) if self.v.time in ("dusk", "night") else dark  # lit inside
            self.d.rounded_rectangle((x - width * 0.14, wy, x + width * 0.14, wy + width * 0.4),
                                     radius=width * 0.14, fill=glass)  # fmt: skip

        if lone:
            tower(cx, size * 0.3, size)
            return
        kw, kh = size * 1.0, size * 0.55  # the keep: battlements and a gate
        self.rect((cx - kw / 2, ground - kh, cx + kw / 2, ground), fill=stone)
        for k in range(7):
            mx = cx - kw / 2 + kw * k / 6.5
            self.rect((mx, ground - kh - u * 1.6, mx + kw / 13, ground - kh), fill=stone)
        self.d.rounded_rectangle((cx - kw * 0.1, ground - kh * 0.5, cx + kw * 0.1, ground),
                                 radius=kw * 0.1, fill=self.lit((52, 44, 40)))  # fmt: skip
        for side in (-1, 1):
            tower(cx + side * kw / 2, size * 0.26, size * 0.85)

    def house(self, cx, ground, size, roof_color=None, wall_color=None) -> None:
        v = self.v
        w = size * 1.2
        wall = self.lit(
            _mix(
                wall_color or (226, 206, 170),
                self.palette[1] if len(self.palette) > 1 else (200, 180, 150),
                0.2,
            )
        )
        self.rect((cx - w / 2, ground - size * 0.7, cx + w / 2, ground), fill=wall)
        roof = self.lit((238, 240, 246) if v.snow_cover else (roof_color or (150, 62, 48)))
        self.d.polygon([(cx - w * 0.6, ground - size * 0.68), (cx, ground - size * 1.15),
                        (cx + w * 0.6, ground - size * 0.68)], fill=roof)  # fmt: skip
        self.rect(
            (cx - w * 0.1, ground - size * 0.38, cx + w * 0.1, ground), fill=self.lit((90, 58, 40))
        )
        lit_win = v.time in ("night", "dusk") or v.weather in ("storm", "rain")
        win = WARM_LIGHT if lit_win else self.lit((150, 190, 220))
        for side in (-1, 1):
            wx = cx + side * w * 0.3
            self.rect(
                (wx - w * 0.08, ground - size * 0.52, wx + w * 0.08, ground - size * 0.36), fill=win
            )
            if lit_win:
                self.glow(wx, ground - size * 0.44, size * 0.18, WARM_LIGHT, 0.35)

    def tree(self, cx, ground, size) -> None:
        v = self.v
        trunk = self.lit((96, 66, 44))
        lean = size * (0.12 if v.weather in ("wind", "storm") else 0.0)
        self.d.polygon([(cx - size * 0.05, ground), (cx - size * 0.03 + lean * 0.5, ground - size * 0.5),
                        (cx + size * 0.03 + lean * 0.5, ground - size * 0.5), (cx + size * 0.05, ground)],
                       fill=trunk)  # fmt: skip
        top = cx + lean * 2.0
        if v.snow_cover or "mountain" in v.shapes:  # a pine: its top, the lowest tier's ends
            self.perches += [(top, ground - size * 1.15, size), (cx - size * 0.24 + lean,
                             ground - size * 0.28, size), (cx + size * 0.24 + lean, ground - size * 0.28, size)]  # fmt: skip
            green = self.lit((46, 96, 62))
            for k in range(3):
                y = ground - size * (0.25 + 0.25 * k)
                hw = size * (0.3 - 0.07 * k)
                self.d.polygon(
                    [(cx - hw + lean, y), (cx + lean, y - size * 0.4), (cx + hw + lean, y)],
                    fill=green,
                )
                if v.snow_cover:
                    self.d.polygon([(cx - hw * 0.45 + lean, y - size * 0.22), (cx + lean, y - size * 0.4),
                                    (cx + hw * 0.45 + lean, y - size * 0.22)], fill=self.lit((245, 247, 252)))  # fmt: skip
            return
        self.perches += [(cx + lean * 2.1, ground - size * 1.1, size),  # the crown's top
                         (cx - size * 0.2 + lean * 1.75, ground - size * 0.76, size),
                         (cx + size * 0.2 + lean * 1.76, ground - size * 0.77, size)]  # fmt: skip
        green = np.array(SPRING_CROWN if v.season == "spring" else (70, 128, 58), np.float32)
        fog = 0.3 if v.weather == "fog" else 0.0
        if fog:
            green = _mix(green, (150, 150, 150), fog)
        # autumn: each blob of the crown its own leaf colour, picked by the tree's place
        pick = int(abs(cx) * 7 + abs(ground) * 3)
        blobs = ((0, -0.72, 0.3), (-0.2, -0.55, 0.22), (0.2, -0.56, 0.22), (0, -0.92, 0.2))
        for k, (dx, dy, r) in enumerate(blobs):
            px, py, pr = cx + dx * size + lean * (1.2 - dy), ground + dy * size, r * size
            c = green
            if v.season == "autumn":
                c = _mix(AUTUMN_LEAVES[(pick + 2 * k) % len(AUTUMN_LEAVES)], (150, 150, 150), fog)
            self.d.ellipse((px - pr, py - pr, px + pr, py + pr), fill=self.lit(c, 0.85 + 0.06 * k))
        if v.season in ("autumn", "spring"):
            self.crown_dots(cx + lean * 1.9, ground - size * 0.72, size, pick)

    def crown_dots(self, cx, cy, size, pick: int) -> None:
        """Dots over a round crown: pale blossom (spring) or leaves of a second colour and a
        few falling ones (autumn), placed by the tree's own position."""
        rng = np.random.default_rng([pick, 0xB10])
        autumn = self.v.season == "autumn"
        n = 10 if autumn else 16
        ang, rad = rng.uniform(0, 2 * np.pi, n), size * 0.34 * np.sqrt(rng.uniform(0, 1, n))
        r = max(self.u * 0.3, size * 0.028)
        for k, (a, d) in enumerate(zip(ang, rad, strict=True)):
            x, y = cx + d * math.cos(a), cy + d * math.sin(a) * 0.9
            if autumn:
                c = self.lit(AUTUMN_LEAVES[(pick + k) % 4], 1.05)
            else:
                c = self.lit(BLOSSOM[k % len(BLOSSOM)])
            self.d.ellipse((x - r, y - r, x + r, y + r), fill=c)
        if autumn:  # a few leaves on their way down
            for k in range(3):
                x = cx + size * rng.uniform(-0.45, 0.45)
                y = cy + size * rng.uniform(0.3, 0.65)
                c = self.lit(AUTUMN_LEAVES[(pick + k + 1) % 4])
                self.d.ellipse((x - r * 1.3, y - r * 0.7, x + r * 1.3, y + r * 0.7), fill=c)

    def prop(self, kind: str, cx, ground, h) -> None:
        """Small things standing on the ground or floor (also used outside)."""
        s = h * 0.16
        wood, dark = self.lit((140, 96, 60)), self.lit((90, 60, 40))
        if kind == "table":
            self.rect((cx - s * 0.8, ground - s * 0.75, cx + s * 0.8, ground - s * 0.65), fill=wood)
            for lx in (cx - s * 0.7, cx + s * 0.62):
                self.rect((lx, ground - s * 0.65, lx + s * 0.08, ground), fill=dark)
        elif kind == "bench":
            self.rect((cx - s, ground - s * 0.5, cx + s, ground - s * 0.4), fill=wood)
            for lx in (cx - s * 0.9, cx + s * 0.82):
                self.rect((lx, ground - s * 0.4, lx + s * 0.08, ground), fill=dark)
        elif kind == "pot":
            self.pot(cx, ground, s * 0.6, (170, 90, 56))
        elif kind == "book":
            self.book(cx, ground - s * 0.06, s * 0.7)
        elif kind == "lamp":
            self.rect(
                (cx - s * 0.04, ground - s * 1.5, cx + s * 0.04, ground),
                fill=self.lit((50, 50, 54)),
            )
            self.lantern(cx, ground - s * 1.55, s * 0.5)
        elif kind == "tool":
            self.hammer(cx, ground - s * 0.02, s * 0.8, flat=True)
        elif kind == "wheel":
            self.wheel(cx, ground, s * 0.8)
        elif kind == "kettle":
            self.kettle(cx, ground, s * 0.5)
        elif kind == "cake":  # on a little table
            self.prop("table", cx, ground, h)
            self.cake(cx, ground - s * 0.75, s * 0.55)

    def rain(self, box, heavy: bool) -> None:
        x0, y0, x1, y1 = box
        n = int((x1 - x0) * (y1 - y0) / (self.u * self.u * (14 if heavy else 20)))
        slant = 0.35 if heavy or self.v.weather == "wind" else 0.15
        ln = self.u * (5 if heavy else 3.5)
        xs = self.rng.uniform(x0 - ln, x1, n)
        ys = self.rng.uniform(y0 - ln, y1, n)
        col = (200, 210, 225) if self.v.time != "night" else (140, 150, 170)
        width = max(1, int(self.u * 0.25))
        for x, y in zip(xs, ys, strict=True):
            self.d.line([(x, y), (x - ln * slant, y + ln)], fill=(*col, 80), width=width)

    def snow(self, box) -> None:
        x0, y0, x1, y1 = box
        n = int((x1 - x0) * (y1 - y0) / (self.u * self.u * 30))
        for x, y, r in zip(self.rng.uniform(x0, x1, n), self.rng.uniform(y0, y1, n),
                           self.rng.uniform(0.15, 0.45, n) * self.u, strict=True):  # fmt: skip
            self.d.ellipse((x - r, y - r, x + r, y + r), fill=(250, 250, 255, 220))

    def wind(self, box) -> None:
        x0, y0, x1, y1 = box
        for _ in range(7):
            x = self.rng.uniform(x0, x1 - (x1 - x0) * 0.25)
            y = self.rng.uniform(y0 + (y1 - y0) * 0.1, y1)
            ln = (x1 - x0) * self.rng.uniform(0.12, 0.25)
            pts = [(x + ln * t, y + math.sin(t * 5) * self.u * 1.2) for t in np.linspace(0, 1, 12)]
            self.d.line(pts, fill=(245, 248, 255, 150), width=max(1, int(self.u * 0.4)))

    def fog(self) -> None:
        arr = np.asarray(self.img, np.float32)
        ys = np.arange(self.H, dtype=np.float32)[:, None, None]
        near_hz = np.exp(-(((ys - self.horizon) / (self.H * 0.35)) ** 2))
        a = np.float32(0.38) + np.float32(0.37) * near_hz
        fogc = self.sky_hor * np.float32(0.5) + np.float32(0.5 * 200) * (self.light.mean())
        self.img = Image.fromarray(np.clip(arr * (1 - a) + fogc * a + 0.5, 0, 255).astype(np.uint8))
        self.d = ImageDraw.Draw(self.img, "RGBA")

    # ------------------------------------------------------------ deserts, camps, stations

    def pyramids(self, x0, x1, hz, h) -> None:
        """One great pyramid (and a smaller one beside it) of sunlit sand-coloured stone:
        a lit face and a shaded face, courses of blocks as faint lines."""
        w = x1 - x0
        big = self.lay.uniform(0.58, 0.74)
        for k, (fx, size) in enumerate(((big, 0.5), (big - 0.3 if big > 0.5 else big + 0.3, 0.3))):
            cx, base = x0 + w * fx, hz + h * 0.03
            half, top = h * size * 0.95, base - h * size
            lit, shade = self.lit((226, 196, 138), 1.05), self.lit((168, 134, 84))
            apex = (cx + half * 0.12, top)
            self.d.polygon([(cx - half, base), apex, (cx + half * 0.35, base)], fill=lit)
            self.d.polygon([(cx + half * 0.35, base), apex, (cx + half, base)], fill=shade)
            line = (*self.lit((150, 118, 74)), 90)
            for j in range(1, 6):
                y = base - (base - top) * j / 6
                t = (y - top) / max(base - top, 1)
                xl, xr = apex[0] + (cx - half - apex[0]) * t, apex[0] + (cx + half - apex[0]) * t
                self.d.line(
                    [(xl, y), (xr, y)], fill=line, width=max(1, int(self.u * 0.25 / (k + 1)))
                )

    def campfire(self, cx, base, size) -> None:
        """A campfire: a ring of stones, crossed logs and flames, with a warm glow that lights
        the ground around it (strongest at dusk and night)."""
        dark = self.v.time in ("night", "dusk") or self.light.mean() < 0.6
        ground = (255, 150, 70, 70 if dark else 30)
        self.d.ellipse((cx - size * 1.6, base - size * 0.32, cx + size * 1.6, base + size * 0.3),
                       fill=ground)  # fmt: skip
        self.d.ellipse((cx - size * 0.9, base - size * 0.16, cx + size * 0.9, base + size * 0.14),
                       fill=(255, 170, 90, 60 if dark else 20))  # fmt: skip
        wood, stone = (
            self.lit((110, 70, 40), 1.6 if dark else 1.0),
            self.lit((120, 116, 110), 1.6 if dark else 1.0),
        )
        lw = max(1, int(size * 0.14))
        self.d.line(
            [(cx - size * 0.55, base), (cx + size * 0.4, base - size * 0.25)], fill=wood, width=lw
        )
        self.d.line(
            [(cx + size * 0.55, base), (cx - size * 0.4, base - size * 0.25)], fill=wood, width=lw
        )
        for k in range(7):  # stones in a ring (the front half)
            a = math.pi * (k + 0.5) / 7
            sx, sy = cx - math.cos(a) * size * 0.7, base + math.sin(a) * size * 0.12
            r = size * 0.1
            self.d.ellipse((sx - r * 1.3, sy - r, sx + r * 1.3, sy + r * 0.6), fill=stone)
        for color, f in (((236, 84, 28), 1.0), ((252, 160, 40), 0.72), ((255, 232, 140), 0.42)):
            hw, hh = size * 0.36 * f, size * 1.05 * f
            y0 = base - size * 0.12
            self.d.polygon([(cx - hw, y0), (cx - hw * 0.6, y0 - hh * 0.55), (cx - hw * 0.2, y0 - hh * 0.4),
                            (cx, y0 - hh), (cx + hw * 0.3, y0 - hh * 0.5), (cx + hw * 0.6, y0 - hh * 0.7),
                            (cx + hw, y0)], fill=color)  # fmt: skip
        self.glow(cx, base - size * 0.4, size * (0.9 if dark else 0.5), (255, 150, 60),
                  0.55 if dark else 0.25)  # fmt: skip

    def tent(self, cx, base, size) -> None:
        """A ridge tent seen from outside: two sloping sides, a dark triangular door (warm
        light in it at dusk and night), guy lines."""
        c = np.asarray(CANVAS, np.float32)
        if self.palette:
            c = _mix(c, self.palette[0], 0.25)
        half, top = size * 0.75, base - size * 0.8
        self.d.polygon([(cx - half, base), (cx, top), (cx + half * 0.25, top - size * 0.04),
                        (cx + half * 1.3, base - size * 0.05), (cx + half * 1.1, base)],
                       fill=self.lit(c * 0.75))  # fmt: skip
        self.d.polygon([(cx - half, base), (cx, top), (cx + half, base)], fill=self.lit(c))
        night = self.v.time in ("night", "dusk")
        door = WARM_LIGHT if night else self.lit(c * 0.35)
        self.d.polygon([(cx - half * 0.4, base), (cx, top + size * 0.2), (cx + half * 0.4, base)],
                       fill=door)  # fmt: skip
        if night:
            self.glow(cx, base - size * 0.2, size * 0.4, WARM_LIGHT, 0.3)
        rope = (*self.lit((80, 70, 60)), 160)
        for dx in (-1.4, 1.4):
            self.d.line([(cx, top), (cx + half * dx, base + size * 0.02)], fill=rope,
                        width=max(1, int(self.u * 0.2)))  # fmt: skip

    def railway(self, x0, x1, hz, y1) -> None:
        """A railway station seen from its platform: the track on its bed across the middle
        distance, a train standing at it (lit windows at dusk and night), a paved platform
        with a yellow safety line in front, where the characters stand."""
        w, h = x1 - x0, y1 - hz
        plat = hz + h * 0.42
        bed = self.lit((112, 104, 96))
        self.rect((x0, hz + h * 0.12, x1, plat), fill=bed)
        for k in range(2):  # rails
            y = hz + h * (0.3 + 0.05 * k)
            self.d.line(
                [(x0, y), (x1, y)], fill=self.lit((70, 70, 76)), width=max(1, int(self.u * 0.5))
            )
        # the train: a long pale carriage with a stripe, windows and a dark roof
        ty1 = hz + h * 0.3
        ty0 = ty1 - h * 0.6 - (hz - (y1 - h)) * 0.0
        body = self.lit((226, 226, 218))
        self.rect((x0 - w * 0.02, ty0, x1 + w * 0.02, ty1), fill=body)
        self.rect((x0 - w * 0.02, ty0 - h * 0.05, x1 + w * 0.02, ty0), fill=self.lit((90, 92, 100)))
        stripe = self.palette[0] if self.palette else np.array((60, 110, 180), np.float32)
        self.rect(
            (x0 - w * 0.02, ty1 - h * 0.12, x1 + w * 0.02, ty1 - h * 0.08), fill=self.lit(stripe)
        )
        lit_win = self.v.time in ("night", "dusk") or self.v.weather == "storm"
        win = WARM_LIGHT if lit_win else self.lit((120, 150, 176))
        n = 7
        for k in range(n):
            wx0 = x0 + w * (k + 0.18) / n
            self.rect((wx0, ty0 + h * 0.1, wx0 + w * 0.09, ty0 + h * 0.3), fill=win)
            if k % 3 == 1:  # a door
                dx = x0 + w * (k + 0.78) / n
                self.rect((dx, ty0 + h * 0.08, dx + w * 0.035, ty1 - h * 0.02),
                          fill=self.lit((150, 150, 146)))  # fmt: skip
        # the platform: paving, a white edge and a yellow line back from it
        stone = self.lit((176, 172, 164)) if not self.v.snow_cover else self.lit((232, 234, 240))
        self.gradient((x0, plat, x1, y1), stone, np.asarray(stone, np.float32) * 0.82)
        self.rect((x0, plat, x1, plat + h * 0.03), fill=self.lit((236, 232, 220)))
        self.rect((x0, plat + h * 0.07, x1, plat + h * 0.09), fill=self.lit((236, 200, 50)))
        self.stands = max(self.stands, plat) if w == self.W else self.stands

    def herds(self, x0, x1, hz, y1) -> None:
        """The animals the shot names in the plural: two to four of each, small and far
        behind the characters (between the horizon and their feet), in the gaps between
        them; birds ("birds") fly in the sky. Each in the animal's own colour at the
        scene's light."""
        from . import animals as zoo

        w, h = x1 - x0, y1 - hz
        mask = Image.new("L", (self.W, self.H), 0)
        md = ImageDraw.Draw(mask)
        row = 0
        for name in self.v.herd:
            if name == "fish":
                continue  # drawn only under water
            rng = np.random.default_rng([int(self.lay.integers(1 << 30)), row])
            flyer = name == "bird" or zoo.ANIMALS[name].flies
            if flyer and self.perches and not self.v.indoor:  # sitting in the trees
                self.perched(zoo.ANIMALS[name], rng, mask, md)
                row += 1
                continue
            if flyer and name != "bird" and not self.v.indoor:  # owls, crows: in the sky
                self.flock(zoo.ANIMALS[name], rng, x0, w, hz)
                row += 1
                continue
            if name == "bird":  # a flock in the sky: wings as shallow arcs
                self.wings((*self.lit((50, 50, 60)), 230), rng, x0, w, hz, (1.2, 2.0), 0.35)
                row += 1
                continue
            animal = zoo.ANIMALS[name]
            n = int(rng.integers(2, 5))
            feet = hz + h * (0.16 + 0.1 * row)
            height = self.H * 0.32 * min(1.0, animal.size) * (0.55 + 0.15 * row)
            half = zoo.half_width(animal.form) * height / w
            color = animal.rgb or (150, 130, 110)
            # where it hides no character and no house or tent, apart from the others
            blocked = (*self.keep_clear, *self.taken)
            spots = rng.permutation(np.linspace(half, 1 - half, 31))
            placed: list[float] = []
            for spot in spots:
                if len(placed) == n:
                    break
                if any(min(spot + half, b) > max(spot - half, a) for a, b in blocked):
                    continue
                if any(abs(spot - p) < half * 2.05 for p in placed):
                    continue
                placed.append(float(spot))
            drawn = []
            for spot in placed:
                facing = 1 if rng.random() < 0.5 else -1
                jitter = float(rng.uniform(-0.03, 0.03)) * h
                where = (facing, x0 + w * spot, feet + jitter, height)
                zoo.draw(md, animal.form, *where, 1, 0, 0, animal.ears, animal.features)
                drawn.append(where)
            # lifted a little in the dark (as a figure is), so that the herd stays readable
            lift = min(2.2, 0.7 / max(float(self.light @ _LUMA), 0.1))
            self.img.paste(self.lit(color, max(1.0, lift)), (0, 0, self.W, self.H), mask)
            mask.paste(0, (0, 0, self.W, self.H))
            if animal.marked:  # a cow's: dark patches on a light coat (a zebra's stripes)
                for where in drawn:
                    zoo.draw_patches(md, animal.form, *where, 1, 0, 0, animal.features)
                patch = (40, 36, 34) if sum(color) > 384 else (230, 226, 216)
                self.img.paste(self.lit(patch, max(1.0, lift)), (0, 0, self.W, self.H), mask)
                mask.paste(0, (0, 0, self.W, self.H))
            row += 1

    def _bird_color(self, animal) -> RGB:
        """A bird's colour at the scene's light: dark against a lit sky, lifted to a pale
        tone in the dark (owls at night), as a figure is."""
        lift = min(2.2, 0.7 / max(float(self.light @ _LUMA), 0.1))
        rgb = np.asarray(self.lit(animal.rgb or (150, 130, 110), max(1.0, lift)), np.float32)
        if ambient(self.v) < 0.55:
            rgb = rgb * (150.0 / max(float(rgb @ _LUMA), 1.0))
        return _rgb(rgb)

    def perched(self, animal, rng, mask, md) -> None:
        """Two to four birds sitting on the tops of the trees' crowns, facing either way."""
        from . import animals as zoo

        spots = rng.permutation(len(self.perches))[: int(rng.integers(2, 5))]
        for k in spots:
            x, y, size = self.perches[int(k)]
            facing = 1 if rng.random() < 0.5 else -1
            height = size * 0.24 * min(1.0, animal.size / 0.4)
            zoo.draw(md, "bird", facing, x, y + height * 0.05, height, 1, 0, 0)
        self.img.paste(self._bird_color(animal), (0, 0, self.W, self.H), mask)
        mask.paste(0, (0, 0, self.W, self.H))

    def flock(self, animal, rng, x0, w, hz) -> None:
        """Birds of a kind flying in the sky, wings as arcs, in the bird's colour: dark
        against a lit sky, lifted to a pale tone against a dark one (owls at night)."""
        self.wings((*self._bird_color(animal), 235), rng, x0, w, hz, (2.0, 3.0), 0.6)

    def wings(self, col, rng, x0, w, hz, size: tuple[float, float], width: float) -> None:
        """Three to five birds in flight above the horizon ``hz``: shallow arcs ``size``
        units across (a range), ``width`` units thick."""
        for _ in range(int(rng.integers(3, 6))):
            bx, by = x0 + w * rng.uniform(0.1, 0.9), hz * rng.uniform(0.2, 0.6)
            r = self.u * rng.uniform(*size)
            self.d.line([(bx - r, by - r * 0.45), (bx - r * 0.4, by - r * 0.1), (bx, by),
                         (bx + r * 0.4, by - r * 0.1), (bx + r, by - r * 0.45)],
                        fill=col, width=max(1, int(self.u * width)))  # fmt: skip

    def tent_inside(self) -> None:
        """Inside a ridge tent: two sloping canvas walls meeting at the ridge pole, the far
        end with its door flap open onto the outside, a groundsheet for a floor. No window,
        no ceiling lamp; a camping lantern on the groundsheet at dusk and night (or when a
        lamp or torch is named)."""
        v = self.v
        W, H, u = self.W, self.H, self.u
        floor_y = H * FLOOR
        room = room_light(v)
        c = np.asarray(CANVAS, np.float32)
        if self.palette:
            c = _mix(c, self.palette[0], 0.2)
        self.light = np.array([1.0, 0.95, 0.85] if room < 0.75 else [1.0, 1.0, 1.0]) * max(
            room, 0.5
        )
        lit = room * (1.0 if room >= 0.75 else 0.8)
        apex, back_l, back_r = (W * 0.5, H * 0.1), (W * 0.3, floor_y), (W * 0.7, floor_y)
        self.gradient((0, 0, W, H), _rgb(c * lit * 0.7), _rgb(c * lit * 0.95))
        # the side walls: lighter panels, seams from the ridge down
        self.d.polygon(
            [(W * 0.5, -H * 0.4), apex, back_l, (-W * 0.2, H)], fill=_rgb(c * lit * 0.86)
        )
        self.d.polygon([(W * 0.5, -H * 0.4), apex, back_r, (W * 1.2, H)], fill=_rgb(c * lit * 0.74))
        seam = _rgb(c * lit * 0.55)
        lw = max(1, int(u * 0.4))
        for t in (0.35, 0.65):
            self.d.line([(W * 0.5, H * (0.1 - 0.5 * t)), (back_l[0] + (-W * 0.2 - back_l[0]) * t,
                          floor_y + (H - floor_y) * t)], fill=seam, width=lw)  # fmt: skip
            self.d.line([(W * 0.5, H * (0.1 - 0.5 * t)), (back_r[0] + (W * 1.2 - back_r[0]) * t,
                          floor_y + (H - floor_y) * t)], fill=seam, width=lw)  # fmt: skip
        # the far end: a canvas triangle, its door flap open onto the outside
        self.d.polygon([apex, back_l, back_r], fill=_rgb(c * lit * 0.95))
        door = [(W * 0.5, H * 0.24), (W * 0.4, floor_y), (W * 0.6, floor_y)]
        dx0, dy0, dx1, dy1 = round(W * 0.4), round(H * 0.24), round(W * 0.6), round(floor_y)
        outside = self._seen_outside(self._outside_shapes() - {"tent"})
        if dx1 - dx0 >= 2 and dy1 - dy0 >= 2:
            pane = self._window_view(outside, dx1 - dx0, dy1 - dy0, (dy1 - dy0) * 0.7)
            mask = Image.new("L", (dx1 - dx0, dy1 - dy0), 0)
            ImageDraw.Draw(mask).polygon([(p[0] - dx0, p[1] - dy0) for p in door], fill=255)
            self.img.paste(pane, (dx0, dy0), mask)
        flap = _rgb(c * lit * 0.62)  # the flaps, tied back either side
        self.d.polygon([(W * 0.5, H * 0.24), (W * 0.4, floor_y), (W * 0.36, floor_y),
                        (W * 0.43, H * 0.42)], fill=flap)  # fmt: skip
        self.d.polygon([(W * 0.5, H * 0.24), (W * 0.6, floor_y), (W * 0.64, floor_y),
                        (W * 0.57, H * 0.42)], fill=flap)  # fmt: skip
        self.d.line(
            [(W * 0.5, -H * 0.4), apex], fill=_rgb(c * lit * 0.45), width=max(1, int(u * 1.2))
        )
        # the groundsheet
        sheet = np.array((122, 150, 116), np.float32) * lit
        self.d.polygon([back_l, back_r, (W * 1.2, H), (-W * 0.2, H)], fill=_rgb(sheet))
        self.d.line([back_l, back_r], fill=_rgb(sheet * 0.7), width=lw)
        if "lamp" in v.shapes or v.time in ("night", "dusk"):
            lx, ly = W * 0.16, H * 0.86
            self.rect((lx - H * 0.03, ly - H * 0.02, lx + H * 0.03, ly), fill=(60, 50, 40))
            self.lantern(lx, ly - H * 0.075, H * 0.08)
            self.glow(lx, ly - H * 0.05, H * 0.35, WARM_LIGHT, 0.3)

    def underwater(self, x0, y0, x1, y1) -> None:
        """Under the sea: the water from the bright rippled surface above down to the blue
        deep, light rays slanting down, a sandy sea floor with rocks, coral (in the colours
        the shot says, else pink, orange and purple) and weed, fish, bubbles. Dark at night.
        The characters stand (or float) on the sea floor."""
        v = self.v
        w, h = x1 - x0, y1 - y0
        hz = y0 + self.horizon * h / self.H
        full = w == self.W
        self.gradient((x0, y0, x1, hz + 1), self.sky_top, self.sky_hor)
        day = v.time != "night"
        # the surface seen from below: a bright rippled band
        xs = np.linspace(x0, x1, 40)
        band = (
            y0
            + h * 0.04
            + np.sin((xs - x0) / max(w, 1) * 2 * np.pi * 5 + self.lay.uniform(0, 6.28)) * h * 0.012
        )
        self.d.polygon([(x0, y0), (x1, y0), *zip(xs[::-1], band[::-1], strict=True)],
                       fill=(*_rgb(np.asarray(self.sky_top) * 1.25 + 20), 230))  # fmt: skip
        if day:  # light rays from above
            for k in range(5):
                rx = x0 + w * (0.08 + 0.2 * k + self.lay.uniform(-0.05, 0.05))
                rw = w * self.lay.uniform(0.03, 0.06)
                self.d.polygon([(rx, y0), (rx + rw, y0), (rx + rw * 3 + w * 0.12, hz), (rx + w * 0.12, hz)],
                               fill=(230, 250, 255, 26))  # fmt: skip
        # the sea floor: sand under blue water, rocks
        sand = _mix(SAND, WATER[1], 0.4) * self.light
        ph = self.lay.uniform(0, 6.28)
        ridge = hz - (y1 - hz) * (
            0.05 + 0.04 * np.sin((xs - x0) / max(w, 1) * 2 * np.pi * 1.5 + ph)
        )
        self.d.polygon([*zip(xs, ridge, strict=True), (x1, y1), (x0, y1)], fill=_rgb(sand * 0.92))
        self.gradient((x0, hz + self.u * 2, x1, y1), _rgb(sand), _rgb(sand * 0.8))
        rock = np.array((92, 104, 112), np.float32) * self.light
        for _ in range(5):
            t = self.lay.uniform(0.1, 0.9)
            cx, cy = x0 + w * self.lay.uniform(0, 1), hz + (y1 - hz) * t
            r = h * (0.02 + 0.04 * t)
            self.d.ellipse((cx - r * 1.5, cy - r, cx + r * 1.5, cy + r * 0.4), fill=_rgb(rock))
        # coral and weed in clumps along the floor, clear of the characters
        colors = [np.asarray(c, np.float32) for c in v.colors] or [
            np.array(c, np.float32) for c in ((240, 110, 130), (244, 146, 60), (150, 90, 196))
        ]
        spots = (0.07, 0.93, 0.3, 0.7, 0.5)
        for k, fx in enumerate(spots):
            size = h * (0.16 if k < 2 else 0.11)
            if full:
                fx = self.clear_spot(fx, 0.5 * size / w)
                if k >= 2 and any(a < fx < b for a, b in self.keep_clear):
                    continue
            self.coral(
                x0 + w * fx,
                hz + (y1 - hz) * (0.3 + 0.12 * (k % 2)),
                size,
                colors[k % len(colors)],
                k,
            )
        # fish and bubbles, in the water clear of the characters
        fish = 7 + (4 if "fish" in v.herd else 0)
        fcols = ((250, 200, 60), (244, 120, 60), (90, 170, 230), (240, 240, 236))
        for k in range(fish):
            fx = self.lay.uniform(0.05, 0.95)
            if full and any(a - 0.03 < fx < b + 0.03 for a, b in self.keep_clear):
                continue
            fy = y0 + (hz - y0) * self.lay.uniform(0.2, 0.95)
            s = h * self.lay.uniform(0.02, 0.035)
            d = 1 if self.lay.random() < 0.5 else -1
            col = self.lit(fcols[k % len(fcols)], 1.1)
            cx = x0 + w * fx
            self.d.ellipse((cx - s, fy - s * 0.5, cx + s, fy + s * 0.5), fill=col)
            self.d.polygon([(cx - d * s * 0.8, fy), (cx - d * s * 1.6, fy - s * 0.55),
                            (cx - d * s * 1.6, fy + s * 0.55)], fill=col)  # fmt: skip
        for _ in range(14):
            bx = self.rng.uniform(0.03, 0.97)
            if full and any(a < bx < b for a, b in self.keep_clear):
                continue
            by = y0 + (hz - y0) * self.rng.uniform(0.1, 1.0)
            r = self.u * self.rng.uniform(0.4, 1.0)
            cx = x0 + w * bx
            self.d.ellipse((cx - r, by - r, cx + r, by + r), outline=(236, 250, 255, 170),
                           width=max(1, int(self.u * 0.25)))  # fmt: skip
        if v.herd and full:
            self.herds(x0, x1, hz, y1)

    def coral(self, cx, base, size, color, k) -> None:
        """A clump of coral: branching fingers (or a round brain coral) and a strand of weed."""
        col = self.lit(color, 1.1)
        dark = self.lit(np.asarray(color) * 0.7, 1.1)
        lw = max(1, int(size * 0.09))
        if k % 3 == 2:  # brain coral
            self.d.chord((cx - size * 0.5, base - size * 0.6, cx + size * 0.5, base + size * 0.1), 180, 360,
                         fill=col, outline=dark, width=max(1, lw // 2))  # fmt: skip
        else:  # branches
            for j, a in enumerate((-0.6, -0.25, 0.1, 0.45)):
                tx, ty = (
                    cx + math.sin(a) * size * 0.7,
                    base - math.cos(a) * size * (0.85 + 0.1 * (j % 2)),
                )
                mx, my = cx + math.sin(a) * size * 0.3, base - size * 0.35
                self.d.line([(cx, base), (mx, my), (tx, ty)], fill=col, width=lw)
                self.d.line([(mx, my), (mx + (tx - mx) * 0.3 + size * 0.15, my - size * 0.3)], fill=col,
                            width=max(1, lw * 2 // 3))  # fmt: skip
                r = lw * 0.7
                self.d.ellipse((tx - r, ty - r, tx + r, ty + r), fill=col)
        weed = self.lit((60, 140, 90), 1.0)
        wx = cx + size * (0.6 if k % 2 else -0.6)
        pts = [
            (wx + math.sin(t * 2.4 + k) * size * 0.1, base - size * 1.1 * t)
            for t in np.linspace(0, 1, 8)
        ]
        self.d.line(pts, fill=weed, width=max(1, int(size * 0.07)))

    # ------------------------------------------------------------ the Moon and space

    def lunar(self, x0, y0, x1, y1) -> None:
        """The Moon's surface: a black sky with stars and the Earth in it, grey dust to a
        near horizon with low lit hills, craters and rocks with black shadows. No air: no
        haze, no weather, no sun or moon drawn by the hour; the dust is sunlit."""
        v = self.v
        w, h = x1 - x0, y1 - y0
        hz = y0 + self.horizon * h / self.H
        self.gradient((x0, y0, x1, hz + 1), self.sky_top, self.sky_hor)
        self.stars((x0, y0, x1, hz), even=True)
        self.earth_disc(x0 + w * self.lay.uniform(0.6, 0.84),
                        y0 + (hz - y0) * self.lay.uniform(0.25, 0.45), max(2.0, min(w, h) * 0.075))  # fmt: skip
        dust = np.array(REGOLITH, np.float32)
        xs = np.linspace(x0, x1, 40)
        uu = (xs - x0) / max(w, 1)
        ph = self.lay.uniform(0, 2 * np.pi, 2)
        ridge = hz - (y1 - hz) * (0.07 + 0.04 * np.sin(2 * np.pi * 1.3 * uu + ph[0])
                                  + 0.025 * np.sin(2 * np.pi * 3.1 * uu + ph[1]))  # fmt: skip
        self.d.polygon([*zip(xs, ridge, strict=True), (x1, y1), (x0, y1)], fill=_rgb(dust * 1.1))
        self.gradient((x0, hz + self.u * 0.8, x1, y1), _rgb(dust), _rgb(dust * 0.76))
        for k in range(9):  # craters, larger toward the viewer: lit rim, shadowed bowl
            t = (k + self.lay.uniform(0.1, 0.9)) / 9
            cy = hz + (y1 - hz) * (0.1 + 0.85 * t**1.3)
            cx = x0 + w * self.lay.uniform(0.03, 0.97)
            rx = w * (0.02 + 0.08 * t) * self.lay.uniform(0.7, 1.3)
            ry = rx * (0.22 + 0.1 * t)
            ground = dust * (1.0 - 0.24 * (cy - hz) / max(y1 - hz, 1))
            self.d.ellipse((cx - rx * 1.1, cy - ry * 1.3, cx + rx * 1.1, cy + ry * 1.1),
                           fill=_rgb(ground * 1.14))  # fmt: skip
            self.d.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=_rgb(ground * 0.5))
            self.d.ellipse((cx - rx * 0.8, cy - ry * 0.45, cx + rx * 0.95, cy + ry * 0.95),
                           fill=_rgb(ground * 0.8))  # fmt: skip
        for _ in range(7):  # rocks, each with its black shadow away from the sun
            t = self.lay.uniform(0.25, 1.0)
            cy = hz + (y1 - hz) * t
            cx = x0 + w * self.lay.uniform(0.02, 0.98)
            r = self.u * (0.5 + 2.2 * t) * w / self.W
            ground = dust * (1.0 - 0.24 * t)
            self.d.ellipse((cx, cy - r * 0.25, cx + r * 2.4, cy + r * 0.3), fill=_rgb(ground * 0.3))
            self.d.ellipse((cx - r, cy - r * 0.8, cx + r, cy + r * 0.2), fill=_rgb(ground * 0.88))
            self.d.ellipse((cx - r * 0.7, cy - r * 0.75, cx + r * 0.1, cy - r * 0.3),
                           fill=_rgb(ground * 1.12))  # fmt: skip
        full = w == self.W
        if "spacecraft" in v.shapes:  # the lander
            size = h * 0.36
            fx = self.lay.uniform(0.64, 0.82)
            if full:
                fx = self.clear_spot(fx, 0.45 * size / w)
            self.lander(x0 + w * fx, hz + h * 0.07, size)
            if full:
                self.stands = max(self.stands, hz + h * 0.07)
        if "flag" in v.shapes:
            self.flag(x0 + w * self.lay.uniform(0.3, 0.45), hz + h * 0.12, h * 0.3)

    def space(self, x0, y0, x1, y1) -> None:
        """Space: black and full of stars, the Earth's curve below (blue ocean, white
        clouds, some land, a thin bright rim of air); the Moon if named, a spacecraft (a
        station, else a capsule) if named."""
        v = self.v
        w, h = x1 - x0, y1 - y0
        hz = y0 + self.horizon * h / self.H
        self.gradient((x0, y0, x1, y1), self.sky_top, self.sky_hor)
        self.stars((x0, y0, x1, y1), even=True)
        if "moon" in v.shapes:
            r = min(w, h) * 0.06
            mx, my = x0 + w * self.lay.uniform(0.7, 0.88), y0 + h * self.lay.uniform(0.12, 0.25)
            self.d.ellipse((mx - r, my - r, mx + r, my + r), fill=(204, 202, 196))
            for dx, dy, f in ((-0.3, -0.2, 0.35), (0.25, 0.15, 0.28), (-0.1, 0.35, 0.2)):
                self.d.ellipse((mx + (dx - f) * r, my + (dy - f) * r, mx + (dx + f) * r,
                                my + (dy + f) * r), fill=(160, 158, 154))  # fmt: skip
        if "sun" in v.shapes:
            self.glow(x0 + w * 0.92, y0 + h * 0.1, min(w, h) * 0.12, (255, 250, 230), 0.9)
        self.earth_limb(x0, x1, hz, y1)
        if "station" in v.shapes:
            self.station(x0 + w * self.lay.uniform(0.62, 0.8), y0 + h * 0.2, h * 0.2)
        elif "spacecraft" in v.shapes:
            self.capsule(x0 + w * self.lay.uniform(0.55, 0.75), y0 + h * 0.26, h * 0.26)

    def earth_disc(self, cx, cy, r) -> None:
        """The Earth seen from the Moon: a blue disc with land and clouds, its night side
        in shadow (drawn on a small layer pasted through the disc's mask)."""
        self.glow(cx, cy, r * 1.6, (70, 120, 220), 0.25)
        n = max(2, math.ceil(2 * r))
        layer = Image.new("RGB", (n, n), (52, 112, 206))
        ld = ImageDraw.Draw(layer, "RGBA")
        for dx, dy, f, c in ((-0.25, -0.1, 0.35, (92, 138, 78)), (0.3, 0.25, 0.28, (150, 132, 92)),
                             (0.05, -0.5, 0.25, (240, 244, 250)), (0.2, 0.55, 0.22, (240, 244, 250)),
                             (-0.35, 0.35, 0.2, (236, 240, 248))):  # fmt: skip
            ld.ellipse(((1 + dx - f) * r, (1 + dy - f * 0.6) * r, (1 + dx + f) * r,
                        (1 + dy + f * 0.6) * r), fill=c)  # fmt: skip
        o = r * 1.35  # the night side: a dark rim on the side away from the sun
        ld.ellipse((-o, -r * 0.1, 2 * r - o, 2 * r * 1.05), fill=(8, 12, 30, 225))
        mask = Image.new("L", (n, n), 0)
        ImageDraw.Draw(mask).ellipse((0, 0, n - 1, n - 1), fill=255)
        self.img.paste(layer, (round(cx - r), round(cy - r)), mask)

    def earth_limb(self, x0, x1, hz, y1) -> None:
        """The Earth from orbit: a huge disc whose top is the horizon, bulging up."""
        w = x1 - x0
        R = w * 1.5
        cx = x0 + w * self.lay.uniform(0.35, 0.65)
        cy = hz + R
        bx0, by0 = max(0, int(x0)), max(0, int(hz - self.u * 3))
        bx1, by1 = min(self.W, math.ceil(x1)), min(self.H, math.ceil(y1))
        if bx1 - bx0 < 2 or by1 - by0 < 2:
            return
        bw, bh = bx1 - bx0, by1 - by0
        t = np.linspace(0, 1, bh, dtype=np.float32)[:, None, None] ** 0.7
        # a light blue (luma ~120..170), so that a figure's daylight tone stands apart
        ocean = _mix(EARTH_OCEAN[0], EARTH_OCEAN[1], t)
        column = Image.fromarray(np.clip(ocean + 0.5, 0, 255).astype(np.uint8))
        layer = column.resize((bw, bh), Image.Resampling.NEAREST)
        ld = ImageDraw.Draw(layer, "RGBA")

        def limb(x):  # the disc's top edge at x (layer rows)
            return cy - math.sqrt(max(0.0, R * R - (x - cx) ** 2)) - by0

        for k in range(14):  # land, then clouds, flattened by the curve toward the limb
            x = bx0 + bw * self.lay.uniform(0, 1)
            top = limb(x)
            d = self.lay.uniform(0.05, 1.0) ** 1.5
            y = top + (bh - top) * d
            rx = w * self.lay.uniform(0.04, 0.1) * (0.5 + d)
            ry = rx * (0.12 + 0.3 * d)
            land = k < 4
            color = (
                ((86, 132, 74, 255) if k % 2 else (152, 134, 96, 255))
                if land
                else (244, 246, 250, 215)
            )
            ld.ellipse((x - bx0 - rx, y - ry, x - bx0 + rx, y + ry), fill=color)
        mask = Image.new("L", (bw, bh), 0)
        ImageDraw.Draw(mask).ellipse(
            (cx - R - bx0, cy - R - by0, cx + R - bx0, cy + R - by0), fill=255
        )
        self.img.paste(layer, (bx0, by0), mask)
        a = max(1, int(self.u * 3))  # the air: a bright thin rim and a faint glow above it
        self.d.ellipse((cx - R - a * 0.5, cy - R - a * 0.5, cx + R + a * 0.5, cy + R + a * 0.5),
                       outline=(90, 150, 255, 80), width=a)  # fmt: skip
        self.d.ellipse((cx - R, cy - R, cx + R, cy + R), outline=(180, 220, 255, 220),
                       width=max(1, int(self.u * 0.7)))  # fmt: skip

    def lander(self, cx, base, size) -> None:
        """A lunar lander: gold-foiled base on four splayed legs, an angular grey cabin."""
        gold, dark_gold = self.lit((206, 164, 64)), self.lit((150, 112, 40))
        grey, dark = self.lit((196, 196, 192)), self.lit((40, 40, 44))
        lw = max(1, int(size * 0.025))
        self.d.ellipse((cx - size * 0.1, base - size * 0.04, cx + size * 0.9, base + size * 0.06),
                       fill=self.lit((30, 30, 32)))  # fmt: skip
        body_y0, body_y1 = base - size * 0.55, base - size * 0.28
        for fx in (-0.6, 0.6, -0.3, 0.3):  # legs and footpads
            fx_ = cx + size * fx
            self.d.line([(cx + size * fx * 0.5, body_y1), (fx_, base)], fill=grey, width=lw)
            self.d.ellipse((fx_ - size * 0.06, base - size * 0.025, fx_ + size * 0.06, base + size * 0.015),
                           fill=grey)  # fmt: skip
        for k in range(4):  # the ladder on the front leg
            y = body_y1 + (base - body_y1) * (k + 0.5) / 4
            self.d.line([(cx - size * 0.34, y), (cx - size * 0.24, y)], fill=grey, width=lw)
        self.d.polygon([(cx - size * 0.34, body_y1), (cx - size * 0.34, body_y0 + size * 0.04),
                        (cx - size * 0.26, body_y0), (cx + size * 0.26, body_y0),
                        (cx + size * 0.34, body_y0 + size * 0.04), (cx + size * 0.34, body_y1)],
                       fill=gold)  # fmt: skip
        self.rect((cx + size * 0.05, body_y0, cx + size * 0.34, body_y1), fill=dark_gold)
        top = body_y0 - size * 0.38
        self.d.polygon([(cx - size * 0.3, body_y0), (cx - size * 0.32, top + size * 0.12),
                        (cx - size * 0.12, top), (cx + size * 0.2, top + size * 0.02),
                        (cx + size * 0.3, top + size * 0.16), (cx + size * 0.28, body_y0)],
                       fill=grey)  # fmt: skip
        self.d.polygon([(cx - size * 0.22, top + size * 0.14), (cx - size * 0.08, top + size * 0.1),
                        (cx - size * 0.1, top + size * 0.22)], fill=dark)  # fmt: skip
        self.d.line([(cx + size * 0.15, top + size * 0.02), (cx + size * 0.22, top - size * 0.12)],
                    fill=grey, width=lw)  # fmt: skip
        self.d.chord((cx + size * 0.14, top - size * 0.2, cx + size * 0.32, top - size * 0.08), 0, 180,
                     fill=grey)  # fmt: skip

    def capsule(self, cx, cy, size) -> None:
        """A spacecraft in orbit: a cone-shaped capsule on a cylinder with an engine bell."""
        grey, shade, dark = (214, 214, 210), (150, 152, 156), (60, 60, 66)
        self.rect((cx, cy - size * 0.22, cx + size * 0.9, cy + size * 0.22), fill=grey)
        self.rect((cx, cy + size * 0.06, cx + size * 0.9, cy + size * 0.22), fill=shade)
        self.d.polygon([(cx + size * 0.9, cy - size * 0.1), (cx + size * 1.15, cy - size * 0.2),
                        (cx + size * 1.15, cy + size * 0.2), (cx + size * 0.9, cy + size * 0.1)],
                       fill=dark)  # fmt: skip
        self.d.polygon([(cx, cy - size * 0.26), (cx - size * 0.45, cy - size * 0.05),
                        (cx - size * 0.45, cy + size * 0.05), (cx, cy + size * 0.26)], fill=grey)  # fmt: skip
        self.d.ellipse(
            (cx - size * 0.22, cy - size * 0.08, cx - size * 0.12, cy + size * 0.0), fill=dark
        )

    def station(self, cx, cy, size) -> None:
        """A space station: a truss with modules in the middle and wings of solar panels."""
        white, shade = (220, 220, 216), (150, 150, 156)
        panel, grid = (44, 62, 124), (120, 110, 60)
        lw = max(1, int(size * 0.03))
        self.d.line([(cx - size * 1.3, cy), (cx + size * 1.3, cy)], fill=shade, width=lw * 2)
        for side in (-1, 1):
            for k in (0.75, 1.15):
                px = cx + side * size * k
                for dy in (-1, 1):
                    box = (
                        px - size * 0.16,
                        cy + dy * size * 0.06,
                        px + size * 0.16,
                        cy + dy * size * 0.6,
                    )
                    self.rect(box, fill=panel, outline=grid, width=lw)
                    self.d.line([(px, box[1]), (px, box[3])], fill=grid, width=lw)
        self.rect(
            (cx - size * 0.45, cy - size * 0.09, cx + size * 0.35, cy + size * 0.09), fill=white
        )
        self.rect(
            (cx - size * 0.08, cy - size * 0.3, cx + size * 0.08, cy + size * 0.3), fill=white
        )
        self.rect(
            (cx - size * 0.45, cy + size * 0.03, cx + size * 0.35, cy + size * 0.09), fill=shade
        )
        self.rect(
            (cx + size * 0.15, cy - size * 0.42, cx + size * 0.22, cy - size * 0.1),
            fill=(236, 236, 232),
        )

    def rocket(self, cx, base, size) -> None:
        """A rocket standing on its launch pad."""
        white, red, grey = (
            self.lit((238, 238, 232)),
            self.lit((200, 56, 44)),
            self.lit((120, 120, 124)),
        )
        bw = size * 0.07
        self.rect((cx - size * 0.2, base - size * 0.03, cx + size * 0.2, base), fill=grey)
        self.rect((cx - bw, base - size * 0.8, cx + bw, base - size * 0.03), fill=white)
        self.d.polygon([(cx - bw, base - size * 0.8), (cx, base - size), (cx + bw, base - size * 0.8)],
                       fill=red)  # fmt: skip
        for side in (-1, 1):
            self.d.polygon([(cx + side * bw, base - size * 0.2), (cx + side * bw * 2.4, base - size * 0.03),
                            (cx + side * bw, base - size * 0.03)], fill=red)  # fmt: skip
        r = bw * 0.5
        self.d.ellipse(
            (cx - r, base - size * 0.62 - r, cx + r, base - size * 0.62 + r),
            fill=self.lit((90, 140, 190)),
        )

    def flag(self, cx, base, size) -> None:
        """A flag on a pole (a rod along its top, so it needs no wind); the palette's colours."""
        c1 = self.palette[0] if self.palette else np.array((190, 50, 50), np.float32)
        self.d.line(
            [(cx, base), (cx, base - size)],
            fill=self.lit((210, 210, 206)),
            width=max(1, int(self.u * 0.5)),
        )
        fw, fh = size * 0.55, size * 0.34
        self.rect((cx, base - size, cx + fw, base - size + fh), fill=self.lit(c1))
        self.rect(
            (cx, base - size + fh * 0.4, cx + fw, base - size + fh * 0.6),
            fill=self.lit((240, 240, 236)),
        )
        self.d.line([(cx, base - size), (cx + fw, base - size)], fill=self.lit((210, 210, 206)),
                    width=max(1, int(self.u * 0.4)))  # fmt: skip

    def cave_mouth(self, x0, x1, hz, h) -> None:
        """A rocky cliff on one side with the dark arch of a cave in it."""
        w = x1 - x0
        cx = x0 + w * (0.22 if self.lay.random() < 0.5 else 0.78)
        half, top = w * 0.22, hz - h * 0.3
        base = hz + h * 0.12
        pts = [(cx - half, base), (cx - half * 0.8, top + h * 0.08), (cx - half * 0.3, top),
               (cx + half * 0.4, top + h * 0.04), (cx + half * 0.9, top + h * 0.12), (cx + half, base)]  # fmt: skip
        self.d.polygon(pts, fill=self.lit((116, 104, 92)))
        self.d.line(pts[1:5], fill=self.lit((150, 138, 122)), width=max(1, int(self.u)))
        r, rh = half * 0.45, h * 0.2
        self.d.chord((cx - r, base - 2 * rh, cx + r, base), 180, 360, fill=self.lit((24, 20, 18)))

    # ------------------------------------------------------------ caves, vehicles, spacecraft

    def cave(self) -> None:
        """Inside a cave: rock walls under a rough arch of darker rock with stalactites, a
        sandy rock floor, dim light from the way in. No window; no lamp unless one is named."""
        v = self.v
        W, H, u = self.W, self.H, self.u
        floor_y = H * FLOOR
        rock = _mix((122, 106, 90), self.palette[0] if self.palette else (122, 106, 90), 0.15)
        self.light = np.full(3, CAVE_LIGHT, np.float32)
        back = rock * CAVE_LIGHT
        self.gradient((0, 0, W, floor_y), _rgb(back * 0.7), _rgb(back * 1.05))
        for _ in range(14):  # lumps of lighter and darker stone
            cx, cy = W * self.lay.uniform(0, 1), floor_y * self.lay.uniform(0.1, 1.0)
            r = H * self.lay.uniform(0.06, 0.16)
            pts = [(cx + r * 1.4 * math.cos(a) * self.lay.uniform(0.7, 1.3),
                    cy + r * math.sin(a) * self.lay.uniform(0.7, 1.3)) for a in np.linspace(0, 2 * np.pi, 7)[:-1]]  # fmt: skip
            self.d.polygon(pts, fill=_rgb(back * self.lay.uniform(0.8, 1.15)))
        sand = _mix(SAND, rock, 0.5) * CAVE_LIGHT
        self.gradient((0, floor_y, W, H), _rgb(sand * 0.95), _rgb(sand * 0.7))
        xs = np.linspace(0, W, 24)
        edge = floor_y + self.lay.uniform(-1, 1, 24) * u * 1.2
        self.d.line(
            list(zip(xs, edge, strict=True)), fill=_rgb(back * 0.6), width=max(1, int(u * 0.8))
        )
        for _ in range(10):  # pebbles
            px, py = (
                W * self.lay.uniform(0, 1),
                floor_y + (H - floor_y) * self.lay.uniform(0.1, 0.95),
            )
            r = u * self.lay.uniform(0.5, 1.5)
            self.d.ellipse(
                (px - r * 1.4, py - r * 0.6, px + r * 1.4, py + r * 0.6), fill=_rgb(back * 1.2)
            )
        side = 0.15 if self.lay.random() < 0.5 else 0.85  # light from the way in, behind us
        self.glow(W * side, H * 0.2, H * 0.5, (150, 170, 190), 0.1)
        arch = []  # the opening we look through: a rough arch, dark rock around it
        for a in np.linspace(0, np.pi, 25):
            j = 1 + self.lay.uniform(-0.04, 0.04)
            arch.append(
                (
                    W * 0.5 + W * 0.47 * j * math.cos(a),
                    H * 1.05 - H * 0.98 * j * math.sin(a) ** 0.55,
                )
            )
        frame = _rgb(rock * CAVE_LIGHT * 0.42)
        self.d.polygon([(0, H * 1.05), (0, 0), (W, 0), (W, H * 1.05), *arch], fill=frame)
        for _ in range(6):  # stalactites hanging from the arch
            k = int(self.lay.integers(6, 19))
            (ax, ay), half = arch[k], W * self.lay.uniform(0.008, 0.018)
            length = H * self.lay.uniform(0.05, 0.13)
            self.d.polygon(
                [(ax - half, ay - u), (ax + half, ay - u), (ax, ay + length)], fill=frame
            )
        if "lamp" in v.shapes:
            self.lantern(W * 0.2, H * 0.5, H * 0.09)
            self.glow(W * 0.2, H * 0.55, H * 0.35, WARM_LIGHT, 0.3)

    def _seen_outside(self, shapes: frozenset[str]) -> View:
        """What a window of this inside shows: the outdoors at its time, weather and season,
        with ``shapes``."""
        v = self.v
        return View(v.time, v.weather, False, shapes, v.inferred, winter=v.winter, season=v.season)

    def _window_view(self, view: View, w: int, h: int, horizon: float) -> Image.Image:
        """``view`` painted as the outside seen through a ``w`` x ``h`` window."""
        sub = Painter(view, w, h, self.palette, self.lay, self.rng, horizon)
        sub.light = outdoor_light(view)
        sub.exterior(0, 0, w, h)
        if view.weather == "fog" and view.earth:
            sub.fog()
        return sub.img

    def module(self) -> None:
        """Inside a spacecraft: walls of pale metal panels with labels and a handrail, lamp
        strips in the ceiling, a panelled floor, and a round window onto space and the Earth
        (from a lander, the Moon's surface). Lit by its own lamps whatever the hour."""
        v = self.v
        W, H, u = self.W, self.H, self.u
        floor_y = H * FLOOR
        metal = _mix(
            (208, 212, 216), self.palette[1] if len(self.palette) > 1 else (208, 212, 216), 0.1
        )
        self.light = np.ones(3, np.float32)
        top = H * 0.09
        self.gradient((0, 0, W, floor_y), _rgb(metal * 0.82), _rgb(metal))
        labels = ((196, 64, 52), (60, 108, 186), (226, 186, 60), (80, 150, 96))
        lw = max(1, int(u * 0.4))
        for i in range(6):
            for j in range(2):
                px0, px1 = W * i / 6 + u * 0.6, W * (i + 1) / 6 - u * 0.6
                py0 = top + (floor_y - top) * j / 2 + u * 0.6
                py1 = top + (floor_y - top) * (j + 1) / 2 - u * 0.6
                self.rect((px0, py0, px1, py1), fill=_rgb(metal * self.lay.uniform(0.9, 1.03)),
                          outline=_rgb(metal * 0.62), width=lw)  # fmt: skip
                if self.lay.random() < 0.4:
                    lx, ly = (
                        px0 + (px1 - px0) * self.lay.uniform(0.15, 0.6),
                        py0 + (py1 - py0) * 0.2,
                    )
                    self.rect((lx, ly, lx + W * 0.03, ly + H * 0.025),
                              fill=labels[int(self.lay.integers(0, len(labels)))])  # fmt: skip
        self.rect((0, 0, W, top), fill=_rgb(metal * 0.7))
        for x in (0.12, 0.6):
            self.rect((W * x, top * 0.3, W * (x + 0.28), top * 0.75), fill=(250, 250, 244))
        for k in range(2):  # cables along the wall
            y = floor_y * (0.45 + 0.08 * k)
            self.d.arc((-W * 0.1, y - H * 0.05, W * 0.5, y + H * 0.05), 0, 180, fill=_rgb(metal * 0.4),
                       width=max(1, int(u * 0.6)))  # fmt: skip
        rail = floor_y - H * 0.08  # a handrail along the wall
        self.rect((0, rail - u * 0.6, W, rail + u * 0.6), fill=(118, 138, 170))
        for x in np.linspace(W * 0.08, W * 0.92, 4):
            self.rect((x - u * 0.5, rail, x + u * 0.5, rail + u * 2.5), fill=(118, 138, 170))
        self.gradient((0, floor_y, W, H), _rgb(metal * 0.72), _rgb(metal * 0.56))
        for k in range(1, 6):  # floor panel seams
            xb = W * k / 6
            self.d.line([(W / 2 + (xb - W / 2) * 0.8, floor_y), (xb + (xb - W / 2) * 0.3, H)],
                        fill=_rgb(metal * 0.45), width=lw)  # fmt: skip
        self.rect((0, floor_y - u * 1.2, W, floor_y), fill=_rgb(metal * 0.5))
        # The round window: space and the Earth below, or the Moon's surface from a lander.
        r = int(H * 0.17)
        cx, cy = int(W * (0.7 if self.lay.random() < 0.5 else 0.3)), int(H * 0.33)
        outside = View(v.time, "clear", False, v.shapes & {"moon", "sun"}, v.inferred,
                       world="moon" if v.world == "moon" else "space")  # fmt: skip
        if r >= 2:
            view = self._window_view(outside, 2 * r, 2 * r, 2 * r * 0.62)
            mask = Image.new("L", (2 * r, 2 * r), 0)
            ImageDraw.Draw(mask).ellipse((0, 0, 2 * r - 1, 2 * r - 1), fill=255)
            self.img.paste(view, (cx - r, cy - r), mask)
        ring = max(1, int(u * 1.8))
        self.d.ellipse((cx - r - ring, cy - r - ring, cx + r + ring, cy + r + ring),
                       outline=_rgb(metal * 0.45), width=ring)  # fmt: skip
        self.d.ellipse(
            (cx - r, cy - r, cx + r, cy + r), outline=_rgb(metal * 1.08), width=max(1, ring // 2)
        )

    def vehicle(self) -> None:
        """Inside a bus, train, car or plane, across the aisle: a ceiling with a light strip
        and a handrail, windows showing the outside smeared by speed (a plane's small
        rounded windows show sky and clouds), a row of seat backs, a ribbed floor; a bus has
        yellow poles. Lit like a room at the view's time."""
        v = self.v
        W, H, u = self.W, self.H, self.u
        floor_y = H * FLOOR
        room = room_light(v)
        wall, seat = (np.array(c, np.float32) for c in _VEHICLE_LOOK[v.kind])
        self.light = np.array([1.0, 0.95, 0.85] if room < 0.75 else [1.0, 1.0, 1.0]) * max(
            room, 0.5
        )
        self.gradient((0, 0, W, floor_y), _rgb(wall * room * 0.8), _rgb(wall * room))
        self.rect((W * 0.1, H * 0.02, W * 0.9, H * 0.045), fill=self.lit((250, 250, 240), 1.2))
        if room < 0.75:
            self.glow(W * 0.5, H * 0.04, H * 0.3, WARM_LIGHT, 0.25)
        dark = _rgb(np.array((70, 72, 78), np.float32) * max(room, 0.4))
        if v.kind == "plane":
            outside = self._seen_outside(frozenset({"cloud"}))
            self.rect((0, 0, W, H * 0.12), fill=self.lit(wall, 0.9))  # the overhead bins
            self.d.line([(0, H * 0.12), (W, H * 0.12)], fill=dark, width=max(1, int(u * 0.5)))
            for k in range(3):
                bx0, by0 = round(W * (0.14 + 0.3 * k)), round(H * 0.18)
                bw, bh = round(W * 0.12), round(H * 0.22)
                if bw < 2 or bh < 2:
                    continue
                pane = self._window_view(outside, bw, bh, bh * 0.85)
                mask = Image.new("L", (bw, bh), 0)
                ImageDraw.Draw(mask).rounded_rectangle(
                    (0, 0, bw - 1, bh - 1), radius=bw * 0.4, fill=255
                )
                self.img.paste(pane, (bx0, by0), mask)
                self.d.rounded_rectangle((bx0, by0, bx0 + bw, by0 + bh), radius=bw * 0.4, outline=dark,
                                         width=max(1, int(u * 0.8)))  # fmt: skip
            seat_top = H * 0.44
        else:
            shapes = self._outside_shapes() or frozenset({"tree", "house"})
            outside = self._seen_outside(shapes)
            y0, y1 = round(H * 0.12), round(H * 0.46)
            if W >= 2 and y1 - y0 >= 2:
                pane = self._window_view(outside, W, y1 - y0, (y1 - y0) * 0.55)
                # passing by: the outside smeared along the road
                pane = pane.resize((max(1, W // 10), y1 - y0), Image.Resampling.BILINEAR)
                self.img.paste(pane.resize((W, y1 - y0), Image.Resampling.BILINEAR), (0, y0))
                if v.kind == "train" and v.time == "night":  # lights passing in the dark
                    for _ in range(4):
                        lx = W * self.lay.uniform(0.0, 0.9)
                        ly = y0 + (y1 - y0) * self.lay.uniform(0.45, 0.85)
                        self.d.line([(lx, ly), (lx + W * self.lay.uniform(0.04, 0.12), ly)],
                                    fill=(255, 214, 140), width=max(1, int(u * 0.5)))  # fmt: skip
            panes = 2 if v.kind == "car" else 3
            fw = max(1, int(u * 1.4))
            self.rect((0, y0 - fw, W, y0 + fw), fill=dark)
            self.rect((0, y1 - fw, W, y1 + fw * 2), fill=dark)
            for k in range(panes + 1):
                x = W * k / panes
                self.rect((x - fw * 1.5, y0, x + fw * 1.5, y1), fill=dark)
            if v.kind in ("bus", "train"):  # a handrail with straps
                self.d.line(
                    [(0, H * 0.08), (W, H * 0.08)],
                    fill=_rgb(wall * room * 0.6),
                    width=max(1, int(u * 0.6)),
                )
                for k in range(6):
                    x = W * (k + 0.5) / 6
                    self.d.line([(x, H * 0.08), (x, H * 0.14)], fill=_rgb(wall * room * 0.6),
                                width=max(1, int(u * 0.5)))  # fmt: skip
                    self.d.ellipse((x - u, H * 0.14, x + u, H * 0.14 + u * 2), outline=_rgb(wall * room * 0.6),
                                   width=max(1, int(u * 0.4)))  # fmt: skip
            seat_top = H * 0.42
        fl = np.array((150, 150, 146), np.float32)
        self.gradient((0, floor_y, W, H), _rgb(fl * room * 0.9), _rgb(fl * room * 0.7))
        for k in range(1, 7):  # the floor's ribs
            y = floor_y + (H - floor_y) * (k / 7) ** 1.2
            self.d.line([(0, y), (W, y)], fill=_rgb(fl * room * 0.6), width=max(1, int(u * 0.3)))
        n = 2 if v.kind == "car" else 4
        for k in range(n):
            sx0, sx1 = W * (k + 0.1) / n, W * (k + 0.9) / n
            leg = (sx0 + sx1) / 2
            self.rect((leg - u, floor_y + H * 0.08, leg + u, floor_y + H * 0.14), fill=dark)
            self.d.rounded_rectangle((sx0, seat_top, sx1, floor_y + H * 0.09), radius=u * 2.5,
                                     fill=self.lit(seat))  # fmt: skip
            head = (230, 230, 226) if v.kind == "train" else seat * 1.12
            self.d.rounded_rectangle((sx0 + u, seat_top + u, sx1 - u, seat_top + H * 0.07), radius=u * 2,
                                     fill=self.lit(head))  # fmt: skip
        if v.kind == "bus":  # yellow poles at both ends
            for x in (W * 0.025, W * 0.975):
                self.rect((x - u * 0.8, 0, x + u * 0.8, H), fill=self.lit((232, 188, 40)))

    # ------------------------------------------------------------ inside

    def interior(self) -> None:
        v = self.v
        W, H = self.W, self.H
        night = v.time == "night"
        room = room_light(v)
        wall = _mix(
            (206, 186, 152), self.palette[1] if len(self.palette) > 1 else (206, 186, 152), 0.3
        )
        if v.lamp_room:
            wall = _mix(wall, (150, 150, 160), 0.5)
        outdoor_light = self.light
        # Things in the room are lit by the room (and a warm lamp at night), not the sky.
        self.light = np.array([1.0, 0.95, 0.85] if room < 0.75 else [1.0, 1.0, 1.0]) * max(
            room, 0.5
        )
        floor_y = H * FLOOR
        self.gradient((0, 0, W, floor_y), _rgb(wall * room * 0.85), _rgb(wall * room))
        fl = np.array((128, 84, 52), np.float32)
        self.gradient((0, floor_y, W, H), _rgb(fl * room * 0.9), _rgb(fl * room * 0.6))
        for k in range(1, 9):  # floor boards converge a little
            xb = W * k / 9
            self.d.line([(W / 2 + (xb - W / 2) * 0.75, floor_y), (xb + (xb - W / 2) * 0.4, H)],
                        fill=_rgb(fl * room * 0.45), width=max(1, int(self.u * 0.35)))  # fmt: skip
        self.rect((0, floor_y - self.u * 1.5, W, floor_y), fill=_rgb(fl * room * 0.55))
        # Windows: what is outside, as the exterior seen through glass.
        if v.lamp_room:
            panes = [
                (W * (0.04 + 0.32 * k), H * 0.08, W * (0.32 + 0.32 * k), H * 0.5) for k in range(3)
            ]
        else:
            wx = W * (0.58 if "workshop" in v.shapes or "bench" in v.shapes else 0.62)
            panes = [(wx, H * 0.14, wx + W * 0.26, H * 0.48)]
        outside = self._seen_outside(self._outside_shapes())
        if v.kind == "ship":  # a ship's cabin: a porthole onto the sea
            self.porthole(W * 0.74, H * 0.3, H * 0.13, outside, outdoor_light)
            panes = []
        for box in panes:
            bx0, by0, bx1, by1 = (round(c) for c in box)
            if bx1 - bx0 < 2 or by1 - by0 < 2:
                continue
            pane = self._window_view(outside, bx1 - bx0, by1 - by0, (by1 - by0) * 0.55)
            self.img.paste(pane, (bx0, by0))
            frame = _rgb(np.array((90, 64, 44), np.float32) * max(room, 0.5))
            x0, y0, x1, y1 = box
            lw = max(1, int(self.u * 1.2))
            self.rect(box, outline=frame, width=lw)
            self.d.line([((x0 + x1) / 2, y0), ((x0 + x1) / 2, y1)], fill=frame, width=lw)
            self.d.line([(x0, (y0 + y1) / 2), (x1, (y0 + y1) / 2)], fill=frame, width=lw)
            self.rect((x0 - self.u, y1, x1 + self.u, y1 + self.u * 1.5), fill=frame)
            if v.time in ("day", "dawn") and not v.overcast:  # sunlight falls on the floor
                self.d.polygon([(x0, y1), (x1, y1), (x1 - W * 0.08, H), (x0 - W * 0.2, H)],
                               fill=(255, 240, 200, 40))  # fmt: skip
        if v.herd:  # animals the shot names (a barn's cows), on the floor by the wall
            self.herds(0, W, floor_y, H)
        # Furniture and things.
        if v.lamp_room:  # the room's subject: in the middle, unless a figure stands there
            self.big_lamp(W * self.clear_spot(0.5, 0.12 * H / W), floor_y + H * 0.02, H * 0.42)
        # on the back wall, clear of the figures; a kitchen's fire is its stove's
        if "hearth" in v.shapes and not v.kind and "kitchen" not in v.shapes:
            fx = self.clear_spot(0.2, HEARTH_HALF * H / W)
            self.hearth(W * fx, floor_y + H * 0.01, H * 0.3)
        if "bench" in v.shapes:
            self.workbench(W * 0.04, W * 0.4, floor_y + H * 0.06, H)
        if "tool" in v.shapes:
            for k in range(3):
                self.wall_tool(k, W * (0.08 + 0.1 * k), H * 0.22, H * 0.14)
        if "pot" in v.shapes:
            self.shelf_pots(W * 0.62 if v.lamp_room else W * 0.05, H * 0.56, W * 0.3)
        if "wheel" in v.shapes:
            self.wheel(W * 0.86, floor_y + H * 0.2, H * 0.3)
        if "board" in v.shapes:  # a blackboard, never with writing on it
            bx0, bx1 = W * (0.26 if "book" in v.shapes else 0.06), W * 0.56
            self.rect((bx0, H * 0.12, bx1, H * 0.44), fill=self.lit((58, 52, 40)))
            self.rect((bx0 + self.u, H * 0.12 + self.u, bx1 - self.u, H * 0.44 - self.u),
                      fill=self.lit((44, 84, 62)))  # fmt: skip
            self.rect((bx0, H * 0.44, bx1, H * 0.455), fill=self.lit((110, 90, 60)))
        if "kitchen" in v.shapes:
            self.kitchen(W * 0.0, W * 0.46, floor_y, H)
        if "book" in v.shapes:
            self.bookshelf(
                W * 0.04 if "bench" not in v.shapes else W * 0.42, H * 0.12, W * 0.18, floor_y
            )
        # the table where no figure stands in front of it ("everyone sat down at the table":
        # four figures hid it); what stands on it goes with it
        tx = self.clear_spot(0.3, TABLE_HALF * H / W) if "table" in v.shapes else 0.3
        if "table" in v.shapes:
            self.prop("table", W * tx, floor_y + H * 0.2, H * 1.4)
            top = floor_y + H * 0.2 - H * 1.4 * 0.16 * 0.75
            if "book" in v.shapes:
                self.book(W * (tx - 0.02), top, H * 0.1)
            if "kettle" in v.shapes and "kitchen" not in v.shapes:
                for c in range(v.count("kettle")):  # along the table top
                    self.kettle(W * (tx + 0.06 - 0.05 * c), top, H * 0.09)
        elif "kettle" in v.shapes and "kitchen" not in v.shapes:
            for c in range(v.count("kettle")):
                self.kettle(W * 0.3 + H * 0.14 * c, floor_y + H * 0.2, H * 0.1)
        if "cake" in v.shapes:  # on the table (a table of its own, clear of the figures)
            fx = tx if "table" in v.shapes else self.clear_spot(0.3, 0.12)
            if "table" not in v.shapes:
                self.prop("table", W * fx, floor_y + H * 0.2, H * 1.4)
            top = floor_y + H * 0.2 - H * 1.4 * 0.16 * 0.75
            self.cake(W * (fx + (0.05 if "table" in v.shapes else 0.0)), top, H * 0.1)
        if "balloon" in v.shapes:  # two bunches tied low by the walls
            self.balloons(W * 0.1, H * 0.2, floor_y + H * 0.06, H * 0.08)
            self.balloons(W * 0.92, H * 0.3, floor_y + H * 0.06, H * 0.08)
        lamp = "lamp" in v.shapes or night or v.time == "dusk"
        if lamp and not v.lamp_room:
            lx = W * (0.2 if "bench" not in v.shapes else 0.46)
            self.d.line(
                [(lx, 0), (lx, H * 0.2)],
                fill=_rgb(np.array((40, 40, 40)) * room * 2),
                width=max(1, int(self.u * 0.4)),
            )
            self.lantern(lx, H * 0.24, H * 0.09)
            self.glow(lx, H * 0.3, H * 0.45, WARM_LIGHT, 0.38)

    def porthole(self, cx, cy, r, outside: View, light) -> None:
        """A ship's round window: the sea outside, in a thick brass ring."""
        room = room_light(self.v)
        r = max(1, round(r))
        cx, cy = round(cx), round(cy)
        if r >= 2:
            sea = View(outside.time, outside.weather, False, outside.shapes | {"sea"},
                       outside.inferred, winter=outside.winter, season=outside.season)  # fmt: skip
            view = Painter(sea, 2 * r, 2 * r, self.palette, self.lay, self.rng, 2 * r * 0.5)
            view.light = light
            view.exterior(0, 0, 2 * r, 2 * r)
            mask = Image.new("L", (2 * r, 2 * r), 0)
            ImageDraw.Draw(mask).ellipse((0, 0, 2 * r - 1, 2 * r - 1), fill=255)
            self.img.paste(view.img, (cx - r, cy - r), mask)
        ring = max(1, int(self.u * 1.6))
        brass = np.array((176, 136, 60), np.float32) * max(room, 0.5)
        self.d.ellipse((cx - r - ring, cy - r - ring, cx + r + ring, cy + r + ring),
                       outline=_rgb(brass), width=ring)  # fmt: skip

    def kitchen(self, x0, x1, floor_y, H) -> None:
        """Cupboards on the wall, a counter with doors, a stove with a kettle on it."""
        wood, dark = self.lit((176, 132, 86)), self.lit((120, 84, 52))
        top = floor_y - H * 0.02
        self.rect((x0, top - H * 0.2, x1, floor_y + H * 0.12), fill=wood)
        self.rect((x0, top - H * 0.22, x1, top - H * 0.2), fill=self.lit((200, 196, 186)))
        for k in range(4):  # doors with knobs
            dx0 = x0 + (x1 - x0) * k / 4 + self.u
            dx1 = x0 + (x1 - x0) * (k + 1) / 4 - self.u
            self.rect(
                (dx0, top - H * 0.17, dx1, floor_y + H * 0.1),
                outline=dark,
                width=max(1, int(self.u * 0.4)),
            )
            self.d.ellipse(
                (dx1 - self.u * 2, top - H * 0.05, dx1 - self.u, top - H * 0.05 + self.u), fill=dark
            )
        self.rect(
            (x0, H * 0.1, x1, H * 0.3), fill=wood, outline=dark, width=max(1, int(self.u * 0.4))
        )
        stove = x1 - (x1 - x0) * 0.3
        self.rect(
            (stove - H * 0.09, top - H * 0.23, stove + H * 0.09, top - H * 0.2),
            fill=self.lit((40, 40, 44)),
        )
        self.kettle(stove, top - H * 0.23, H * 0.1)
        for c in range(1, self.v.count("kettle")):  # "three kettles": the others on the counter
            self.kettle(stove - H * 0.15 * (c + 0.4), top - H * 0.2, H * 0.1)

    def kettle(self, cx, base, size) -> None:
        body = self.lit((170, 176, 186))
        self.d.ellipse((cx - size * 0.5, base - size * 0.8, cx + size * 0.5, base), fill=body)
        self.rect((cx - size * 0.5, base - size * 0.3, cx + size * 0.5, base), fill=body)
        self.d.polygon([(cx + size * 0.4, base - size * 0.4), (cx + size * 0.85, base - size * 0.75),
                        (cx + size * 0.9, base - size * 0.65), (cx + size * 0.45, base - size * 0.2)],
                       fill=body)  # fmt: skip
        self.d.arc((cx - size * 0.35, base - size * 1.15, cx + size * 0.35, base - size * 0.55), 180, 360,
                   fill=self.lit((60, 60, 64)), width=max(1, int(size * 0.08)))  # fmt: skip
        if self.v.snow_cover or self.v.time in ("dawn", "night"):  # steam
            for k in range(3):
                y = base - size * (1.2 + 0.3 * k)
                self.d.ellipse((cx + size * (0.8 + 0.1 * k), y - size * 0.12, cx + size * (1.05 + 0.1 * k), y + size * 0.12),
                               fill=(240, 240, 245, 110))  # fmt: skip

    def _outside_shapes(self) -> frozenset[str]:
        keep = {"sea", "boat", "tree", "forest", "house", "mountain", "river", "sun", "moon", "star",
                "cloud", "rain", "island", "harbour", "beach", "rock", "path", "flower", "town",
                "street", "park"}  # fmt: skip
        shapes = set(self.v.shapes) & keep
        if self.v.lamp_room:
            shapes.add("sea")
        return frozenset(shapes)

    def big_lamp(self, cx, floor, size) -> None:
        """The lighthouse lamp: a pedestal, a ribbed lens and its light."""
        self.rect(
            (cx - size * 0.12, floor - size * 0.5, cx + size * 0.12, floor),
            fill=self.lit((60, 60, 66), 2.5),
        )
        r = size * 0.3
        cy = floor - size * 0.5 - r
        self.glow(cx, cy, size * 1.1, WARM_LIGHT, 0.55)
        self.d.ellipse((cx - r * 0.8, cy - r, cx + r * 0.8, cy + r), fill=(255, 226, 140), outline=(150, 110, 60),
                       width=max(1, int(self.u * 0.6)))  # fmt: skip
        for k in range(1, 6):
            y = cy - r + 2 * r * k / 6
            half = r * 0.8 * math.sqrt(max(0.0, 1 - ((y - cy) / r) ** 2))
            self.d.line(
                [(cx - half, y), (cx + half, y)],
                fill=(200, 150, 70),
                width=max(1, int(self.u * 0.4)),
            )
        self.d.ellipse(
            (cx - r * 0.25, cy - r * 0.25, cx + r * 0.25, cy + r * 0.25), fill=(255, 252, 230)
        )
        self.glow(cx, cy, size * 0.35, (255, 240, 200), 0.6)

    def lantern(self, cx, cy, size) -> None:
        self.d.polygon(
            [(cx - size * 0.35, cy), (cx, cy - size * 0.35), (cx + size * 0.35, cy)],
            fill=(60, 50, 40),
        )
        self.rect(
            (cx - size * 0.25, cy, cx + size * 0.25, cy + size * 0.55),
            fill=(255, 222, 140),
            outline=(60, 50, 40),
        )
        self.glow(cx, cy + size * 0.3, size * 1.2, WARM_LIGHT, 0.6)

    def workbench(self, x0, x1, top, H) -> None:
        wood, dark = self.lit((150, 104, 64)), self.lit((96, 64, 40))
        self.rect((x0, top, x1, top + H * 0.04), fill=wood)
        for lx in (x0 + H * 0.02, x1 - H * 0.05):
            self.rect((lx, top + H * 0.04, lx + H * 0.03, top + H * 0.24), fill=dark)
        self.rect((x0 + H * 0.02, top + H * 0.16, x1 - H * 0.03, top + H * 0.18), fill=dark)
        self.hammer(x0 + (x1 - x0) * 0.3, top, H * 0.1, flat=True)
        self.pot(x0 + (x1 - x0) * 0.75, top, H * 0.09, (176, 96, 60))

    def wall_tool(self, k: int, cx, y, size) -> None:
        metal, handle = self.lit((150, 152, 160)), self.lit((120, 80, 48))
        self.d.ellipse(
            (cx - self.u * 0.5, y - self.u * 0.5, cx + self.u * 0.5, y + self.u * 0.5),
            fill=(40, 40, 40),
        )
        if k == 0:
            self.hammer(cx, y + size, size)
        elif k == 1:  # saw
            self.rect((cx - size * 0.12, y, cx + size * 0.12, y + size * 0.25), fill=handle)
            self.d.polygon([(cx - size * 0.1, y + size * 0.25), (cx + size * 0.1, y + size * 0.25),
                            (cx + size * 0.04, y + size * 1.1), (cx - size * 0.1, y + size * 1.1)], fill=metal)  # fmt: skip
        else:  # wrench
            w = max(1, int(size * 0.1))
            self.d.line([(cx, y + size * 0.15), (cx, y + size)], fill=metal, width=w)
            self.d.ellipse(
                (cx - size * 0.15, y, cx + size * 0.15, y + size * 0.3), outline=metal, width=w
            )

    def hammer(self, cx, base, size, flat: bool = False) -> None:
        metal, handle = self.lit((130, 132, 140)), self.lit((150, 100, 60))
        if flat:  # lying on a surface
            self.rect((cx - size * 0.5, base - size * 0.08, cx + size * 0.3, base), fill=handle)
            self.rect((cx + size * 0.3, base - size * 0.25, cx + size * 0.45, base), fill=metal)
            return
        self.rect((cx - size * 0.05, base - size * 0.8, cx + size * 0.05, base), fill=handle)
        self.rect((cx - size * 0.25, base - size, cx + size * 0.25, base - size * 0.8), fill=metal)

    def pot(self, cx, base, size, color) -> None:
        c = self.lit(color, 1.0)
        self.d.ellipse((cx - size * 0.45, base - size * 0.8, cx + size * 0.45, base), fill=c)
        self.rect((cx - size * 0.22, base - size, cx + size * 0.22, base - size * 0.6), fill=c)
        self.d.ellipse((cx - size * 0.26, base - size * 1.06, cx + size * 0.26, base - size * 0.94),
                       fill=self.lit(np.asarray(color) * 0.6))  # fmt: skip

    def shelf_pots(self, x0, y, width) -> None:
        self.rect((x0, y, x0 + width, y + self.u * 1.4), fill=self.lit((110, 76, 48)))
        colors = ((176, 96, 60), (150, 120, 80), (190, 140, 90), (120, 80, 60))
        for k in range(4):
            self.pot(x0 + width * (0.12 + 0.25 * k), y, width * (0.2 + 0.05 * (k % 2)), colors[k])

    def wheel(self, cx, floor, size) -> None:
        dark, clay = self.lit((70, 60, 54)), self.lit((168, 110, 74))
        self.rect((cx - size * 0.06, floor - size * 0.6, cx + size * 0.06, floor), fill=dark)
        self.d.ellipse(
            (cx - size * 0.5, floor - size * 0.72, cx + size * 0.5, floor - size * 0.55), fill=dark
        )
        self.d.ellipse(
            (cx - size * 0.2, floor - size * 0.95, cx + size * 0.2, floor - size * 0.62), fill=clay
        )

    def book(self, cx, base, size) -> None:
        """An open book: two pages and a spine."""
        page = self.lit((246, 240, 222), 1.3)
        self.d.polygon([(cx - size * 0.6, base - size * 0.1), (cx, base), (cx, base - size * 0.35),
                        (cx - size * 0.6, base - size * 0.45)], fill=page, outline=self.lit((90, 60, 40)))  # fmt: skip
        self.d.polygon([(cx + size * 0.6, base - size * 0.1), (cx, base), (cx, base - size * 0.35),
                        (cx + size * 0.6, base - size * 0.45)], fill=page, outline=self.lit((90, 60, 40)))  # fmt: skip
        self.d.polygon([(cx - size * 0.62, base - size * 0.06), (cx, base + size * 0.06),
                        (cx + size * 0.62, base - size * 0.06), (cx, base)], fill=self.lit((140, 40, 40)))  # fmt: skip

    def bookshelf(self, x0, y0, width, floor) -> None:
        wood = self.lit((110, 72, 44))
        self.rect((x0, y0, x0 + width, floor), fill=self.lit((80, 52, 32)))
        rows = 4
        colors = ((150, 40, 40), (40, 80, 140), (60, 120, 60), (170, 140, 60), (110, 60, 120))
        for r in range(rows):
            sy = y0 + (floor - y0) * (r + 1) / rows
            self.rect((x0, sy - self.u, x0 + width, sy), fill=wood)
            x = x0 + self.u
            k = r
            while x < x0 + width - self.u * 2:
                bw = self.u * (1.2 + (k * 7 % 5) * 0.3)
                bh = (floor - y0) / rows * (0.6 + (k * 3 % 4) * 0.08)
                self.rect((x, sy - self.u - bh, x + bw, sy - self.u), fill=self.lit(colors[k % 5]))
                x += bw + self.u * 0.2
                k += 1


def paint(
    view: View,
    w: int,
    h: int,
    s: int,
    palette,
    layout_seed: int,
    seed: int,
    aboard: bool = False,
    keep_clear: tuple[tuple[float, float], ...] = (),
) -> tuple[np.ndarray, float, np.ndarray | None]:
    """The backdrop (uint8 h x w x 3), the ground row in output pixels (where the ground plane
    begins: the horizon, or the base of the lowest house, tree or lighthouse standing below
    it, so that a camera move keeps them upright), and a layer to draw over the figures
    (uint8 h x w x 4 RGBA) or None. ``aboard``: the shot has characters and
    a boat at sea, so they stand in the boat (its hull is the front layer). ``keep_clear``:
    the figures' spans across the width, as fractions (x0, x1); a house stands in a gap
    between them where there is one, not behind a head."""
    W, H = w * s, h * s
    layout = np.random.default_rng([layout_seed, 0x5C])
    detail = np.random.default_rng([seed, 0x4B46])
    horizon = H * (float(layout.uniform(0.54, 0.62)) + float(detail.uniform(-0.02, 0.02)))
    painter = Painter(view, W, H, palette, layout, detail, horizon)
    painter.aboard = aboard
    painter.keep_clear = tuple(keep_clear)
    big = painter.paint()
    img = big if s == 1 else np.asarray(Image.fromarray(big).resize((w, h), Image.Resampling.BOX))
    front = None
    if painter.front is not None:
        layer = painter.front if s == 1 else painter.front.resize((w, h), Image.Resampling.BOX)
        front = np.ascontiguousarray(np.asarray(layer))
    return np.ascontiguousarray(img), max(horizon, painter.stands) / s, front
