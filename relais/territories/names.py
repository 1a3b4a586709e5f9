import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-'’‘`]+")
# Abbreviations people type for the very common "Saint-" names; expanded in queries only.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def normalize_name(text: str) -> str:
    """Accent- and case-free form of a place name, hyphens and apostrophes as single spaces.

    "Saint-Étienne" and "L'Haÿ-les-Roses" become "saint etienne" and "l hay les roses".
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SEPARATORS.sub(" ", bare.lower().replace("œ", "oe").replace("æ", "ae")).strip()


def normalize_query(text: str) -> str:
    """`normalize_name` for what a person types, reading "st"/"ste" as "saint"/"sainte".

    The last word is left alone: it may be the beginning of a longer one ("st" of "Strasbourg").
    """
    *words, last = normalize_name(text).split(" ")
    return " ".join([*(_ABBREVIATIONS.get(word, word) for word in words), last])
