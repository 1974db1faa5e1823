"""Packaged word lists the scene analysis looks words up in (English).

The part-of-speech tagger finds the noun phrases; these lists say what a phrase's head noun
*is*: a place (and whether it is inside, outside, or a building whose side depends on the
preposition), a concrete thing worth drawing, a weather word, a time-of-day word. Written for
this project; extend them here and re-run ``packages/scene/eval/evaluate.py``.
"""

from __future__ import annotations


def _set(words: str) -> frozenset[str]:
    """A word set from a whitespace-separated list (easier to read and extend than a literal)."""
    return frozenset(words.split())


# Places whose inside is the scene ("in the kitchen", "the library was silent").
INDOOR_PLACES = _set(
    """kitchen room bedroom hall attic basement cellar workshop studio office classroom
    library lab laboratory museum theatre theater hospital bakery cafe restaurant shop store
    cave mine carriage cabin parlour parlor nursery corridor factory classroom gym
    """
)
# Buildings and vehicles: inside with in/inside/into/within, outside otherwise
# ("in the cottage" is indoor, "near the cottage" outdoor, "at home" indoor).
BUILDINGS = _set(
    """house home cottage hut tent barn stable castle palace tower lighthouse church temple
    school station mill farmhouse shed train bus igloo inn hotel spaceship spacecraft
    """
)
#: Vehicles are places in a prepositional phrase ("on the boat"), never as a subject
#: ("the boat reached the island": the island is the place).
VEHICLES = frozenset({"boat", "ship", "train", "bus", "carriage"})
INSIDE_PREPOSITIONS = frozenset({"in", "inside", "into", "within"})

# Parts of a place: "the edge of the forest", "the door of the hill", "the barn roof".
PLACE_PARTS = _set(
    """top edge middle bottom side foot end bank banks shore corner centre center heart depth
    depths roof door gate wall walls window stair stairs step steps entrance floor outskirts
    """
)
# "a picture of a sunny beach": what follows names no place, time or weather of the shot.
REPRESENTATIONS = _set(
    """picture painting photo photograph drawing map model poster image story book film word
    song poem postcard
    """
)
MEASURES = _set(
    """millimetre millimetres millimeter millimeters centimetre centimetres inch inches litre
    litres liter liters amount amounts mm cm gallon gallons
    """
)

LOCATIVE_PREPOSITIONS = _set(
    """in at on inside near by beside outside under across through along over behind around
    among up down within upon beneath below above past throughout amid alongside aboard
    """
)
MOTION_PREPOSITIONS = frozenset({"to", "into", "onto", "toward", "towards"})
MOTION_VERBS = frozenset({"reached", "reach", "reaches", "reaching", "entered", "enter", "enters"})

# Unnamed people a shot shows as a crowd ("the children ran out to the playground",
# "Villagers gathered"), by the lemma of a plural head noun (or "crowd"): the plural word goes
# into the shot's objects, and the frame makers draw it as background people. Named people are
# the cast's business; a group that is the named ones ("Two girls, Ama and Sofia") is not one.
CROWDS: dict[str, str] = {
    "child": "children", "kid": "kids", "pupil": "pupils", "student": "students",
    "villager": "villagers", "soldier": "soldiers", "guard": "guards", "worker": "workers",
    "farmer": "farmers", "sailor": "sailors", "fisherman": "fishermen", "person": "people",
    "crowd": "crowd", "dancer": "dancers", "player": "players", "shopper": "shoppers",
    "traveller": "travellers", "traveler": "travellers", "passenger": "passengers",
    "monk": "monks", "visitor": "visitors", "tourist": "tourists", "audience": "audience",
    "boy": "boys", "girl": "girls", "parent": "parents",
}  # fmt: skip
#: Crowd nouns that are often people the story already has ("the two boys" after Leo and Sam,
#: "her parents"): a crowd only when unowned and not "the" ("five other girls", "Parents sat
#: on benches")
KNOWN_OFTEN = frozenset({"boy", "girl", "parent"})
#: Collective nouns that are people when they do what only people do ("the whole school
#: gathered", "The whole class cheered", "The village celebrated"), as the crowd they are
COLLECTIVES: dict[str, str] = {"school": "children", "class": "children", "team": "players",
                               "village": "villagers", "town": "people", "city": "people"}  # fmt: skip
#: ... and what only people do
PEOPLE_VERBS = _set(
    """gathered gather gathers cheered cheer cheers clapped clap claps sang sing sings laughed
    laugh laughs shouted shout shouts waved wave waves danced dance dances celebrated
    celebrate celebrates applauded applaud applauds marched march lined queued sat sit sits
    prayed pray prays"""
)
#: A place said to be full of people is crowded ("the busy market", "The stadium was full"):
#: its crowd is "people"
BUSY = frozenset({"busy", "crowded", "packed", "full", "bustling", "thronged"})
#: Words that take the people of the shot before along to a new place ("the teacher called
#: everyone back inside")
EVERYONE = frozenset({"everyone", "everybody"})

# Concrete things a picture can show. People and animals are the cast's business; body parts
# belong to whoever has them; abstract nouns (way, patience, price) are not here on purpose.
OBJECTS = _set(
    """
    lighthouse boat ship raft canoe train bus car cart wagon carriage bicycle kite balloon
    lamp lantern candle torch fire campfire fireplace stove oven chimney clock bell
    window door gate fence wall roof stair ladder bridge tower well windmill mill barn shed
    tent house cottage hut castle palace temple church
    table chair bench bed shelf cupboard curtain rug carpet mirror box basket bag chest
    book page map letter picture board desk pen pencil paper
    pot pan kettle cup mug bowl plate jug pitcher jar bottle glass beaker burner thermometer
    spoon knife fork tray bucket pail barrel sack net rope anchor oar sail mast deck
    wheel hammer saw axe spade shovel rake plough plow tool needle thread loom
    ball doll toy drum flute violin
    shoe boot hat cap coat cloak scarf apron dress shirt umbrella
    bread loaf cake cheese honey milk egg apple pear grape orange berry nut corn barley
    grain rice flour dough soup tea cocoa sugar salt pasta food marshmallow pie jam
    lettuce bean radish cabbage carrot potato pumpkin tomato onion
    tree leaf branch twig root flower rose daisy grass reed plant seed stem thorn bush hedge
    cactus tamarisk milkweed vine moss mushroom log stick wood hay straw
    rock stone pebble boulder sand shell mud clay soil dust ash smoke lava magma crystal
    mineral gold coin jewel
    water ice steam vapour vapor droplet drop puddle wave stream waterfall fountain
    sun moon star sky cloud rain snow snowflake snowman fog mist lightning thunder hail rainbow
    horizon sunlight sunshine moonlight starlight light beam shadow shade air ground
    match stall firework nest hole vane field leather can cloth wool
    path track trail fountain statue pillar column arch dome flag banner sign post pole
    chimney porch balcony rooftop gutter pipe tap sink bath bathtub towel soap brush comb
    blanket pillow sheet quilt cushion sofa couch stool cradle crib lamppost streetlight
    wire cable battery bulb switch plug magnet circuit screen computer phone radio camera
    telescope microscope lens compass ruler scale globe calculator clipboard notebook
    envelope stamp parcel ticket coin purse wallet key lock chain string ribbon button
    crown ring necklace bracelet mask wand sword shield helmet armour armor bow arrow spear
    nightcap glove mitten sock belt boot sandal jacket sweater cape veil hood
    wine juice water lemonade coffee meat fish rice noodle sausage biscuit cookie sandwich
    candy chocolate butter egg jam peach plum cherry banana lemon melon grapevine
    paint brush canvas easel crayon chalk ink glue scissors paintbrush
    trunk bark acorn pinecone sunflower tulip lily lotus fern palm oak pine willow seaweed
    coral pool tide ripple frost icicle dew raindrop hailstone puddle waterfall spring
    cliffside pebble gravel dirt dune boulder iceberg volcano crater meteor comet planet
    rocket satellite spaceship engine wheelbarrow tractor truck lorry van taxi plane
    airplane helicopter sled sledge skateboard scooter swing slide seesaw
    jar vase tin can crate chest trunk suitcase backpack cage fishbowl aquarium
        """
)

# Weather words by category; "clear" also comes from cues in the analysis ("a clear sky",
# "the sun shone", a storm that "had passed").
WEATHER_WORDS: dict[str, str] = {}
for _cat, _words in {
    "rain": "rain rains rained raining rainy drizzle drizzled drizzling downpour raindrop "
    "raindrops showers",
    "storm": "storm storms stormy thunder thundered thunderstorm thunderstorms lightning gale "
    "gales hurricane tempest",
    "snow": "snow snows snowed snowing snowy snowflake snowflakes blizzard sleet snowfall "
    "snowstorm",
    "fog": "fog fogs foggy mist misty haze hazy",
    "wind": "wind winds windy breeze breezy gust gusts",
    "cloudy": "cloud clouds cloudy overcast",
    "clear": "sunny sunshine sunlight sunlit cloudless calm star stars",
}.items():
    for _w in _words.split():
        WEATHER_WORDS[_w] = _cat
#: Weather nouns that open out of doors when nothing says the shot is inside.
SKY_WORDS = _set(
    """sun moon star stars sky skies cloud clouds rain snow fog mist wind lightning thunder
    storm rainbow blizzard snowstorm thunderstorm hail gale downpour drizzle"""
)
WEATHER_ENDED = frozenset(
    {"passed", "stopped", "lifted", "cleared", "ended", "eased", "died", "faded", "gone"}
)
SUN_SHINING = _set(
    """shone shines shine shining warms warmed warm blazed blazing beat beating hot bright
    brightly glared"""
)
SUN_RISING = frozenset({"rose", "rises", "rising", "risen", "rise"})
SUN_SETTING = frozenset({"set", "sets", "setting", "sank", "sinks", "sinking"})
MODALS = frozenset({"would", "will", "might", "could", "may", "shall", "should", "'ll"})
NEGATIONS = frozenset({"no", "without", "not", "never"})

# Time of day: explicit words (first one in the shot wins).
TIME_EXPLICIT: dict[str, str] = {
    "dawn": "dawn",
    "sunrise": "dawn",
    "daybreak": "dawn",
    "noon": "day",
    "midday": "day",
    "afternoon": "day",
    "daylight": "day",
    "daytime": "day",
    "dusk": "dusk",
    "sunset": "dusk",
    "evening": "dusk",
    "twilight": "dusk",
    "nightfall": "dusk",
    "night": "night",
    "midnight": "night",
    "nighttime": "night",
    "tonight": "night",
    "moonlight": "night",
    "moonlit": "night",
    "starlight": "night",
    "starlit": "night",
    "candlelight": "night",
    "darkness": "night",
}
# Weak cues, used when no explicit word is found: what is in the sky.
TIME_WEAK: dict[str, str] = {
    "sun": "day",
    "sunlight": "day",
    "sunshine": "day",
    "sunny": "day",
    "sunlit": "day",
    "moon": "night",
    "star": "night",
    "stars": "night",
}
#: "day" names a time after these ("during the day", "all day", "a hot summer day"), but not
#: after "one", "every", "next" ("one day" starts a story at no particular hour).
DAY_NOT_AFTER = _set(
    """one every each next that this same following other some whole previous the a another
    any"""
)

IRREGULAR_PLURALS = {
    "men": "man",
    "women": "woman",
    "children": "child",
    "feet": "foot",
    "teeth": "tooth",
    "mice": "mouse",
    "geese": "goose",
    "people": "person",
    "skies": "sky",
}
