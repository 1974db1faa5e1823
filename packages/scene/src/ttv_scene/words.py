"""Closed word tables for the scene graph: place nouns, time-of-day words, colour words.

These are small vocabularies of the domain (where a shot can happen, how light is named),
typed here on purpose; the look of a place comes from them plus a hash of its name.
"""

from __future__ import annotations

# Place nouns, with an optional base colour for the place's palette.
PLACES: dict[str, str] = {
    "beach": "#d9c8a0", "shore": "#cdbb92", "sea": "#2f6690", "ocean": "#1f4e79",
    "lake": "#3a7ca5", "river": "#4f8fb0", "riverbank": "#6b8f5e", "stream": "#5fa3c0",
    "pond": "#4d7f6f", "harbour": "#5b7083", "harbor": "#5b7083", "port": "#5b7083",
    "island": "#7fb069", "forest": "#2d5a27", "woods": "#35602f", "jungle": "#1e5128",
    "meadow": "#8db255", "field": "#a3b755", "farm": "#9c7b4a", "garden": "#5e9a4b",
    "park": "#6aa84f", "orchard": "#7a9e3b", "mountain": "#6b6f7a", "hill": "#7c9a5a",
    "hills": "#7c9a5a", "valley": "#6e9c5c", "desert": "#d8b36a", "cave": "#3b3631",
    "sky": "#87b5e5", "space": "#0b1026", "village": "#a67c52", "town": "#8c7b6b",
    "city": "#6d6f78", "street": "#7a7a7a", "road": "#80766a", "bridge": "#7d6e63",
    "square": "#9a8f80", "market": "#c47a3a", "bazaar": "#c47a3a", "shop": "#b5835a",
    "bakery": "#d9a066", "cafe": "#8b5e3c", "restaurant": "#8b4c39", "station": "#6f7c85",
    "house": "#b08b6b", "home": "#b08b6b", "cottage": "#a9805c", "hut": "#8d6e4f",
    "tent": "#a58f5c", "camp": "#7f6a4a", "kitchen": "#d4b483", "room": "#b7a58f",
    "bedroom": "#9b8ab0", "hall": "#a08f7a", "attic": "#8c7560", "basement": "#4a4540",
    "barn": "#9c3d2e", "stable": "#8a5a3b", "yard": "#8a9a5b", "courtyard": "#b29e80",
    "porch": "#a68a64", "workshop": "#8a6a4f", "studio": "#c9c2b8", "office": "#9aa3ab",
    "school": "#c9a66b", "classroom": "#c9a66b", "library": "#7b4b2a", "lab": "#c7d3dc",
    "laboratory": "#c7d3dc", "museum": "#b9b1a3", "theatre": "#7a1f2b", "theater": "#7a1f2b",
    "hospital": "#dfe6e9", "temple": "#c98b3a", "church": "#a99f92", "castle": "#7d7a73",
    "palace": "#c9a227", "tower": "#6e6a66", "well": "#7a6f62", "boat": "#8a5a3b",
    "ship": "#5a4a3a", "train": "#5b5f66", "factory": "#5e5b58", "mine": "#3e3a35",
    "playground": "#d98c3f", "stadium": "#4f8a3b",
}

PREPOSITIONS = {"in", "at", "by", "on", "near", "inside", "into", "to", "across", "through",
                "toward", "towards", "along", "under", "beside", "outside", "from", "over",
                "around", "behind"}
DETERMINERS = {"the", "a", "an", "his", "her", "their", "our", "my", "your", "its", "this",
               "that"}

# Time of day: words and phrases -> contract value.
TIME_WORDS: dict[str, str] = {
    "dawn": "dawn", "sunrise": "dawn", "daybreak": "dawn", "morning": "dawn",
    "noon": "day", "midday": "day", "afternoon": "day", "daylight": "day", "daytime": "day",
    "sunny": "day", "sunlit": "day", "day": "day",
    "dusk": "dusk", "sunset": "dusk", "evening": "dusk", "twilight": "dusk", "nightfall": "dusk",
    "night": "night", "midnight": "night", "moonlight": "night", "moonlit": "night",
    "starlight": "night", "tonight": "night", "dark": "night", "darkness": "night",
}

# Colour words in a setting ("a red barn", "golden fields").
COLOURS: dict[str, str] = {
    "red": "#b23a3a", "crimson": "#8c1c2c", "orange": "#d9822b", "amber": "#d99a2b",
    "yellow": "#e3c14f", "golden": "#d4a93c", "gold": "#d4a93c", "green": "#4f8a3b",
    "emerald": "#2e8b57", "teal": "#2a7f7f", "blue": "#3a6ea5", "azure": "#4f94cd",
    "navy": "#1f3a5f", "purple": "#6b4c9a", "violet": "#7f5aa2", "pink": "#d98ca6",
    "brown": "#7a5230", "grey": "#808080", "gray": "#808080", "silver": "#b8bcc2",
    "white": "#eeeeea", "black": "#1a1a1a", "snowy": "#e8eef2", "misty": "#b9c2c7",
    "foggy": "#aab3b8", "rainy": "#5f6b73", "stormy": "#3f4a52",
}

# Light of each time of day, used only to colour the place where the setting itself names
# the time ("a beach at dawn"); time_of_day is carried per shot for the frame makers.
TIME_LIGHT = {"dawn": "#e8a87c", "day": "#f2e6c9", "dusk": "#c0605a", "night": "#1c2541"}
