"""The normalised text of a profile: what free-text search compares, accents, case and punctuation aside."""

from relais.companies.models import normalize_search_text

# Words too common to narrow a search.
STOP_WORDS = frozenset({"de", "du", "des", "la", "le", "les", "et", "en", "a", "au", "aux", "d", "l", "un", "une"})
MAX_WORD_LENGTH = 60


def normalize(text: str) -> str:
    return normalize_search_text(text)


def words_of(text: str) -> list[str]:
    """The distinct searchable words of `text`, in order."""
    seen = []
    for word in normalize(text).split():
        word = word[:MAX_WORD_LENGTH]
        if word not in STOP_WORDS and word not in seen:
            seen.append(word)
    return seen
