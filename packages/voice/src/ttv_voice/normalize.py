"""Text normalisation before synthesis: what eSpeak should *say* for symbols and numbers.

eSpeak NG reads "70–90%" as "seventy ninety percent", "→" as "right arrow", "°C" as
"degrees C" and "i.e." as "I E". :func:`normalize` rewrites such spans into words and keeps a
map from every span of the spoken text back to the original text, so word timings can be
reported against the words the viewer reads in the subtitles (which keep the original text).

Rules (English; other languages pass through unchanged except quotes and brackets):

* numbers through ``num2words``: integers, thousands separators (``1,200``), decimals
  (``3.5`` → "three point five"), negatives, ordinals (``21st``), years (a bare 4-digit number
  from 1100 to 2099 with no unit → "nineteen ninety"), times (``9:30``), currency
  (``$5``, ``£2.50``, ``€10``);
* ranges: ``70–90``, ``5-10 km``, ``1990–2000`` → "seventy to ninety" (en dash, em dash, hyphen
  or "to" between two numbers);
* percentages: ``45%`` → "forty five percent"; units after a number: ``°C`` → "degrees
  Celsius", ``°F``, ``°``, ``km``, ``kg``, ``m/s``, ``km/h``, ``m²``... (singular for 1);
* arrows ``→ -> ⟶ ⇒ =>``: "to" between numbers, times or quantities ("10 → 20"), otherwise
  "becomes" ("ice → water"); ``←`` "from", ``↔`` "and";
* abbreviations: i.e. → "that is", e.g. → "for example", etc. → "et cetera", vs. →
  "versus", approx. → "approximately", cf. → "compare", no. 5 → "number five";
  titles are spoken in full: Dr. → "Doctor", Mr. → "Mister", Mrs. → "Missus", Ms. → "Miz",
  Prof. → "Professor", St. → "Saint" before a name (else "Street"), Mt. → "Mount";
* symbols between words or numbers: ``&`` "and", ``+`` "plus", ``=`` "equals", ``×`` "times",
  ``÷`` "divided by", ``±`` "plus or minus", ``≈`` / ``~`` before a number "about",
  ``<`` "less than", ``>`` "more than";
* quotes are dropped (curly or straight, eSpeak does not read them but they confuse its word
  positions); brackets become commas, so "(like this)" is read as an aside.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Normalized", "Segment", "normalize", "say_number"]


@dataclass(frozen=True)
class Segment:
    """``out[out_start:out_end]`` is spoken for ``text[src_start:src_end]``."""

    out_start: int
    out_end: int
    src_start: int
    src_end: int
    changed: bool


@dataclass(frozen=True)
class Normalized:
    source: str
    text: str
    segments: tuple[Segment, ...]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The original-text span that spoken characters ``[start, end)`` come from.

        Unchanged text maps character for character; a rewritten span (a number, a symbol,
        an abbreviation) maps to the whole original span it replaced.
        """
        lo: int | None = None
        hi: int | None = None
        for seg in self.segments:
            if seg.out_end <= start or seg.out_start >= end:
                continue  # outside the span (or an empty rewrite: a dropped quote)
            if seg.changed:
                a, b = seg.src_start, seg.src_end
            else:
                a = seg.src_start + max(start, seg.out_start) - seg.out_start
                b = seg.src_start + min(end, seg.out_end) - seg.out_start
            lo = a if lo is None else min(lo, a)
            hi = b if hi is None else max(hi, b)
        if lo is None or hi is None:
            n = len(self.source)
            return min(start, n), min(end, n)
        return lo, hi


# --------------------------------------------------------------------------- numbers


def _n2w(value: float | int, to: str = "cardinal") -> str:
    from num2words import num2words

    words = num2words(value, lang="en", to=to)
    # "twenty-five" -> "twenty five": eSpeak reports a hyphenated word as its first part
    return words.replace("-", " ").replace(",", "")


def say_number(raw: str) -> str:
    """A number as words: "1,200" → "one thousand two hundred", "3.05" → "three point zero five"."""
    s = raw.replace(",", "").replace("\u2212", "-")
    neg = s.startswith("-")
    s = s.lstrip("+-")
    if "." in s:
        whole, _, frac = s.partition(".")
        words = _n2w(int(whole or "0")) + " point " + " ".join(_n2w(int(d)) for d in frac)
    else:
        words = _n2w(int(s))
    return ("minus " + words) if neg else words


def _say_year_or_number(raw: str, year: bool) -> str:
    if year and raw.isdigit() and len(raw) == 4 and 1100 <= int(raw) <= 2099:
        return _n2w(int(raw), to="year")
    return say_number(raw)


_YEAR_BEFORE = re.compile(
    r"(?:\b(?:in|since|by|from|until|till|of|year|before|after|around)\s+)$", re.I
)


def _looks_like_year(text: str, start: int, end: int) -> bool:
    """A 4-digit number read as a year: after "in", "since"... or before "BC"/"AD"."""
    if _YEAR_BEFORE.search(text[:start]):
        return True
    return bool(re.match(r"\s?(?:BC|AD|BCE|CE)\b", text[end:]))


def _is_one(raw: str) -> bool:
    try:
        return float(raw.replace(",", "")) == 1.0
    except ValueError:
        return False


# unit symbol -> (singular, plural); longest symbols first in the pattern
_UNITS: dict[str, tuple[str, str]] = {
    "°C": ("degree Celsius", "degrees Celsius"),
    "℃": ("degree Celsius", "degrees Celsius"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "℉": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°": ("degree", "degrees"),
    "km/h": ("kilometre per hour", "kilometres per hour"),
    "kph": ("kilometre per hour", "kilometres per hour"),
    "mph": ("mile per hour", "miles per hour"),
    "m/s²": ("metre per second squared", "metres per second squared"),
    "m/s": ("metre per second", "metres per second"),
    "km²": ("square kilometre", "square kilometres"),
    "m²": ("square metre", "square metres"),
    "cm²": ("square centimetre", "square centimetres"),
    "m³": ("cubic metre", "cubic metres"),
    "cm³": ("cubic centimetre", "cubic centimetres"),
    "km": ("kilometre", "kilometres"),
    "cm": ("centimetre", "centimetres"),
    "mm": ("millimetre", "millimetres"),
    "µm": ("micrometre", "micrometres"),
    "nm": ("nanometre", "nanometres"),
    "m": ("metre", "metres"),
    "kg": ("kilogram", "kilograms"),
    "mg": ("milligram", "milligrams"),
    "g": ("gram", "grams"),
    "ml": ("millilitre", "millilitres"),
    "mL": ("millilitre", "millilitres"),
    "L": ("litre", "litres"),
    "l": ("litre", "litres"),
    "kWh": ("kilowatt hour", "kilowatt hours"),
    "kW": ("kilowatt", "kilowatts"),
    "W": ("watt", "watts"),
    "kHz": ("kilohertz", "kilohertz"),
    "Hz": ("hertz", "hertz"),
    "V": ("volt", "volts"),
    "K": ("kelvin", "kelvin"),
    "ms": ("millisecond", "milliseconds"),
    "s": ("second", "seconds"),
    "sec": ("second", "seconds"),
    "min": ("minute", "minutes"),
    "h": ("hour", "hours"),
    "hr": ("hour", "hours"),
    "hrs": ("hour", "hours"),
    "ft": ("foot", "feet"),
    "in": ("inch", "inches"),
    "mi": ("mile", "miles"),
    "lb": ("pound", "pounds"),
    "lbs": ("pound", "pounds"),
    "oz": ("ounce", "ounces"),
}
# symbols that are also words or letters: a unit only when glued to the number ("5in", "3s")
_SPACED_NOT_UNITS = {"in", "s", "l", "h", "K", "V", "W", "mi"}
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))

_NUM = r"[-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-−]?\d+(?:\.\d+)?"
_CURRENCY = {"$": ("dollar", "dollars", "cent", "cents"), "£": ("pound", "pounds", "penny", "pence"),
             "€": ("euro", "euros", "cent", "cents")}  # fmt: skip


def _say_unit(unit: str, raw_number: str) -> str:
    one, many = _UNITS[unit]
    return one if _is_one(raw_number) else many


def _say_currency(symbol: str, raw: str) -> str:
    one, many, sub_one, sub_many = _CURRENCY[symbol]
    s = raw.replace(",", "")
    whole, _, frac = s.partition(".")
    w = int(whole or "0")
    out = f"{_n2w(w)} {one if w == 1 else many}"
    if frac:
        cents = int((frac + "0")[:2])
        if cents:
            out += f" {_n2w(cents)} {sub_one if cents == 1 else sub_many}"
    return out


# --------------------------------------------------------------------------- rules

_ABBREVIATIONS: dict[str, str] = {
    "i.e.": "that is",
    "ie.": "that is",
    "e.g.": "for example",
    "eg.": "for example",
    "etc.": "et cetera",
    "vs.": "versus",
    "vs": "versus",
    "approx.": "approximately",
    "cf.": "compare",
    "Dr.": "Doctor",
    "Mr.": "Mister",
    "Mrs.": "Missus",
    "Ms.": "Miz",
    "Prof.": "Professor",
    "Mt.": "Mount",
    "Jr.": "Junior",
    "Sr.": "Senior",
    "Fig.": "Figure",
    "fig.": "figure",
}
_ARROWS_FORWARD = ("→", "->", "⟶", "⇒", "=>", "➔", "➜", "⇾")
_QUOTES = '"“”„‟«»‹›'

_Rule = tuple[re.Pattern[str], Callable[[re.Match[str], str], str | None]]


def _sentence_end_after(text: str, end: int) -> bool:
    rest = text[end:]
    return not rest.strip() or bool(re.match(r"\s+[A-Z\"“(]", rest))


def _rule_abbreviation(m: re.Match[str], text: str) -> str | None:
    raw = m.group(0)
    key = raw if raw in _ABBREVIATIONS else raw.lower()
    if raw.lower() in ("i.e.", "e.g.", "etc.", "vs.", "approx.", "cf.", "ie.", "eg."):
        key = raw.lower()
    said = _ABBREVIATIONS.get(key)
    if said is None:
        return None
    if raw.endswith(".") and key in ("etc.", "approx.") and _sentence_end_after(text, m.end()):
        said += "."  # the abbreviation's dot also ended the sentence
    return said


def _rule_saint(m: re.Match[str], text: str) -> str | None:
    nxt = text[m.end() :].lstrip()
    return "Saint" if nxt[:1].isupper() else "Street"


def _rule_number_no(m: re.Match[str], text: str) -> str | None:
    return "number " + say_number(m.group(2))


def _rule_range(m: re.Match[str], text: str) -> str | None:
    a, b, pct, unit = m.group("a"), m.group("b"), m.group("pct"), m.group("unit")
    year = not (pct or unit) and (
        _looks_like_year(text, m.start(), m.end()) or (len(a) == len(b) == 4)
    )
    out = f"{_say_year_or_number(a, year)} to {_say_year_or_number(b, year)}"
    if pct:
        out += " percent"
    elif unit:
        if unit in _SPACED_NOT_UNITS and m.group("usp"):
            return out + m.group("usp") + unit  # "5-10 in the box"
        out += " " + _say_unit(unit, b)
    return out


def _rule_currency(m: re.Match[str], text: str) -> str | None:
    mult = m.group("mult")
    if mult:
        # "$5 million", "$2.5 billion": the amount, the multiplier, the currency in plural
        return f"{say_number(m.group('num'))} {mult.lower()} {_CURRENCY[m.group('cur')][1]}"
    return _say_currency(m.group("cur"), m.group("num"))


def _rule_percent(m: re.Match[str], text: str) -> str | None:
    return say_number(m.group("num")) + " percent"


def _rule_unit(m: re.Match[str], text: str) -> str | None:
    num, unit = m.group("num"), m.group("unit")
    if unit in _SPACED_NOT_UNITS and m.group("sp"):
        return None  # "5 in the box", "a 3 s" : a unit only when glued ("5in", "3s")
    return f"{say_number(num)} {_say_unit(unit, num)}"


def _rule_ordinal(m: re.Match[str], text: str) -> str | None:
    return _n2w(int(m.group(1).replace(",", "")), to="ordinal")


def _rule_time(m: re.Match[str], text: str) -> str | None:
    h, mm = int(m.group(1)), m.group(2)
    if h > 24 or int(mm) > 59:
        return None
    if mm == "00":
        return f"{_n2w(h)} o'clock"
    if mm.startswith("0"):
        return f"{_n2w(h)} oh {_n2w(int(mm))}"
    return f"{_n2w(h)} {_n2w(int(mm))}"


def _rule_number(m: re.Match[str], text: str) -> str | None:
    raw = m.group(0)
    return _say_year_or_number(raw, _looks_like_year(text, m.start(), m.end()))


def _quantity_before(text: str, pos: int) -> bool:
    return bool(re.search(r"(\d[^\s]*|\d\s*[A-Za-z°%/]+|[ap]\.?m\.?)\s*$", text[:pos]))


def _quantity_after(text: str, pos: int) -> bool:
    return bool(re.match(r"\s*[-−$£€~≈]?\d", text[pos:]))


def _rule_arrow(m: re.Match[str], text: str) -> str | None:
    sym = m.group("arrow")
    if sym == "←":
        return " from "
    if sym == "↔":
        return " and "
    between_quantities = _quantity_before(text, m.start()) and _quantity_after(text, m.end())
    return " to " if between_quantities else " becomes "


def _rule_symbol(m: re.Match[str], text: str) -> str | None:
    sym = m.group(0).strip()
    if sym in ("~", "≈"):
        return "about " if _quantity_after(text, m.end()) or sym == "≈" else None
    words = {
        "&": "and",
        "+": "plus",
        "=": "equals",
        "×": "times",
        "÷": "divided by",
        "±": "plus or minus",
        "<": "less than",
        ">": "more than",
        "≤": "at most",
        "≥": "at least",
    }
    said = words.get(sym)
    return f" {said} " if said else None


def _rule_bracket(m: re.Match[str], text: str) -> str | None:
    return ","  # an aside: a short pause either side


def _rule_decade(m: re.Match[str], text: str) -> str | None:
    words = _n2w(int(m.group(1)), to="year")
    return words[:-1] + "ies" if words.endswith("y") else words + "s"


def _rule_quote(m: re.Match[str], text: str) -> str | None:
    raw = m.group(0)
    if raw in "’‘" and m.start() > 0 and text[m.start() - 1].isalpha():
        nxt = text[m.end() : m.end() + 1]
        if nxt.isalpha():
            return "'"  # "don’t": an apostrophe
    return ""


_BRACKETS: _Rule = (re.compile(r"[()\[\]{}]"), _rule_bracket)
_QUOTE_RULE: _Rule = (re.compile("[" + _QUOTES + "‘’]"), _rule_quote)

_RULES: list[_Rule] = [
    _BRACKETS,
    _QUOTE_RULE,
    # abbreviations and titles (before numbers: "No. 5", "St. Ives")
    (
        re.compile(
            r"(?<![\w.])(?:i\.e\.|e\.g\.|etc\.|vs\.?(?=\s)|approx\.|cf\.|Dr\.|Mr\.|Mrs\.|Ms\.|"
            r"Prof\.|Mt\.|Jr\.|Sr\.|[Ff]ig\.)",
            re.I,
        ),
        _rule_abbreviation,
    ),
    (re.compile(r"(?<![\w.])St\.(?=\s)"), _rule_saint),
    (re.compile(r"(?<![\w.])(No\.|no\.|#)\s?(\d+)"), _rule_number_no),
    # arrows
    (re.compile(r"\s*(?P<arrow>→|->|⟶|⇒|=>|➔|➜|⇾|←|↔)\s*"), _rule_arrow),
    # currency
    (
        re.compile(
            r"(?P<cur>[$£€])\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
            r"(?:\s(?P<mult>million|billion|thousand|trillion)\b)?"
        ),
        _rule_currency,
    ),
    # ranges: 70–90%, 5-10 km, 1990–2000
    (
        re.compile(
            r"(?<![\w.,])(?P<a>\d+(?:\.\d+)?)\s?(?:[–—-]|\s+to\s+)\s?(?P<b>\d+(?:\.\d+)?)"
            r"(?:(?P<pct>\s?%)|(?P<usp>\s?)(?P<unit>" + _UNIT_ALT + r")(?![\w²³/]))?"
        ),
        _rule_range,
    ),
    (re.compile(r"(?P<num>" + _NUM + r")\s?%"), _rule_percent),
    (re.compile(r"(?<![\w.])((?:1[1-9]|20)\d0)s\b"), _rule_decade),
    (
        re.compile(
            r"(?<![\w.])(?P<num>" + _NUM + r")(?P<sp>\s?)"
            r"(?P<unit>" + _UNIT_ALT + r")(?![\w²³/])"
        ),
        _rule_unit,
    ),
    (re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})*|\d+)(?:st|nd|rd|th)\b"), _rule_ordinal),
    (re.compile(r"(?<![\w.:])(\d{1,2}):(\d{2})(?![\d:])"), _rule_time),
    (re.compile(r"(?<![\w.])(?:" + _NUM + r")(?![\d])"), _rule_number),
    (re.compile(r"\s*(?:&|\+|=|×|÷|±|≤|≥|≈)\s*|(?<=\s)[<>](?=\s)|~(?=\s?\d)"), _rule_symbol),
]
_BASIC_RULES: list[_Rule] = [_BRACKETS, _QUOTE_RULE]  # other languages


def normalize(text: str, language: str = "en") -> Normalized:
    """What to speak for ``text``, with a map back to it (see :class:`Normalized`)."""
    rules = _RULES if language.lower().startswith("en") else _BASIC_RULES
    # (start, end, replacement) in the original text, earliest rule wins on overlap
    taken: list[tuple[int, int, str]] = []
    for pattern, fn in rules:
        for m in pattern.finditer(text):
            if m.end() == m.start():
                continue
            if any(m.start() < e and s < m.end() for s, e, _ in taken):
                continue
            said = fn(m, text)
            if said is None:
                continue
            taken.append((m.start(), m.end(), said))
    taken.sort()
    out: list[str] = []
    segs: list[Segment] = []
    pos = o = 0
    for s, e, said in taken:
        if s > pos:
            out.append(text[pos:s])
            segs.append(Segment(o, o + s - pos, pos, s, False))
            o += s - pos
        # keep words apart where a rewrite touches a word ("x+y", "(note)")
        if said[:1].isalnum() and s > 0 and text[s - 1].isalnum():
            said = " " + said
        if said[-1:].isalnum() and e < len(text) and text[e].isalnum():
            said += " "
        if said == "," and e < len(text) and text[e].isalnum():
            said = ", "
        out.append(said)
        segs.append(Segment(o, o + len(said), s, e, True))
        o += len(said)
        pos = e
    if pos < len(text):
        out.append(text[pos:])
        segs.append(Segment(o, o + len(text) - pos, pos, len(text), False))
    spoken = "".join(out)
    # tidy what brackets and symbols leave behind (", ," and doubled spaces) without
    # moving text: replace with spaces so every offset stays valid
    spoken = re.sub(r",(\s*),", lambda m: " " + m.group(1) + ",", spoken)
    spoken = re.sub(r",(\s*)([.!?;:])", lambda m: " " + m.group(1) + m.group(2), spoken)
    return Normalized(text, spoken, tuple(segs))
