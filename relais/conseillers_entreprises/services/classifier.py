"""Suggest the subjects an off-theme request ("autre besoin") most likely belongs to.

Method: Okapi BM25 over French-normalized tokens of each subject's label (counted twice: it is the most telling
text), its description (the examples of needs shown to companies) and its theme's label. Tokens are lowercased,
split on anything that is not a letter or digit (so "l'embauche" gives "embauche"), stripped of French stop words,
folded to ASCII, because companies type without accents as often as with, then stemmed with the Snowball French
stemmer ("recrutement", "recruter" → "recrut"). Folding comes first so that "salariés" and "salaries" give one
stem. To absorb the typos of hurried writers ("tresorerie", "electricté"), a word that is not in the vocabulary
falls back to the vocabulary stems that share its first five letters.

Why not a trained model: there is no labelled history of requests in Relais yet, the 42 subjects change rarely and
their texts are written for this purpose; BM25 needs no training data, explains itself (shared words) and builds in
a few milliseconds. bench/subjects.py measures it on hand-labelled requests.

The index is built once per process and rebuilt when a theme or subject changes: saving or deleting one bumps a
version number in the shared cache, which every process compares with the version of its own index.
"""

from __future__ import annotations

import math
import re
import unicodedata
import uuid
from collections import Counter
from dataclasses import dataclass, field

import snowballstemmer
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ..models import Subject, Theme

VERSION_CACHE_KEY = "conseillers_entreprises:classifier:version"
LABEL_WEIGHT = 2
# Okapi BM25's usual constants: k1 bounds the gain of a repeated word, b the penalty of long documents.
K1 = 1.2
B = 0.75
TYPO_PREFIX_LENGTH = 5

STOP_WORDS = frozenset(
    """
    a ai aie ait alors as au aucun aussi autre aux avec avoir avons ayant bonjour c ca car ce ceci cela celle
    celles celui ces cet cette chez ci comme comment d dans de des deja depuis dois doit donc dont du elle
    elles en encore est et etc ete etre eu faire fait faut il ils j je jusqu l la le les leur leurs lui m ma
    mais me meme merci mes moi mon n ne ni nos notre nous on ont ou par pas peu peut peux plus pour pourquoi
    pouvez qu quand que quel quelle quelles quels qui s sa sans se ses si son sont sur t ta te tes toi ton tous
    tout toute toutes tres tu un une vers voila vos votre vous vouloir voudrais voudrait voudrions voulons y
    """.split()  # noqa: SIM905 - a word list reads better as text
)

_WORD = re.compile(r"[^\W_]+")
_stemmer = snowballstemmer.stemmer("french")


def fold(text: str) -> str:
    """Lowercase without accents: "Été" → "ete"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def tokenize(text: str) -> list[str]:
    """Stems of the meaningful words of `text`, accents folded."""
    words = [word for word in _WORD.findall(fold(text)) if len(word) > 1 and word not in STOP_WORDS]
    return _stemmer.stemWords(words)


@dataclass(frozen=True)
class Document:
    key: object
    label: str
    description: str = ""
    theme_label: str = ""

    def tokens(self) -> list[str]:
        return tokenize(self.label) * LABEL_WEIGHT + tokenize(self.description) + tokenize(self.theme_label)


@dataclass
class SubjectIndex:
    """BM25 index of a few dozen documents: plain dictionaries are enough and fast."""

    documents: list[Document]
    version: str | None = None
    _term_frequencies: list[Counter] = field(init=False)
    _lengths: list[int] = field(init=False)
    _idf: dict[str, float] = field(init=False)
    _by_prefix: dict[str, set[str]] = field(init=False)

    def __post_init__(self):
        self._term_frequencies = [Counter(document.tokens()) for document in self.documents]
        self._lengths = [sum(frequencies.values()) for frequencies in self._term_frequencies]
        self._average_length = (sum(self._lengths) / len(self._lengths)) if self._lengths else 0.0
        document_frequency: Counter = Counter()
        for frequencies in self._term_frequencies:
            document_frequency.update(frequencies.keys())
        count = len(self.documents)
        self._idf = {
            term: math.log(1 + (count - frequency + 0.5) / (frequency + 0.5))
            for term, frequency in document_frequency.items()
        }
        self._by_prefix = {}
        for term in self._idf:
            if len(term) >= TYPO_PREFIX_LENGTH:
                self._by_prefix.setdefault(term[:TYPO_PREFIX_LENGTH], set()).add(term)

    def _query_terms(self, text: str) -> set[str]:
        terms = set()
        for token in tokenize(text):
            if token in self._idf:
                terms.add(token)
            elif len(token) >= TYPO_PREFIX_LENGTH:
                terms.update(self._by_prefix.get(token[:TYPO_PREFIX_LENGTH], ()))
        return terms

    def search(self, text: str, *, limit: int) -> list[tuple[object, float]]:
        """The `limit` best documents' keys with their share of the total score (0 to 1); no match, no result."""
        terms = self._query_terms(text)
        scores = []
        for document, frequencies, length in zip(self.documents, self._term_frequencies, self._lengths, strict=True):
            score = 0.0
            for term in terms:
                frequency = frequencies.get(term)
                if frequency:
                    norm = K1 * (1 - B + B * length / self._average_length)
                    score += self._idf[term] * frequency * (K1 + 1) / (frequency + norm)
            if score > 0:
                scores.append((document.key, score))
        total = sum(score for _, score in scores)
        scores.sort(key=lambda item: item[1], reverse=True)
        return [(key, score / total) for key, score in scores[:limit]]


_index: SubjectIndex | None = None


def _current_version() -> str:
    version = cache.get(VERSION_CACHE_KEY)
    if version is None:
        version = uuid.uuid4().hex
        # add(): two processes starting together agree on the first one's version.
        if not cache.add(VERSION_CACHE_KEY, version, timeout=None):
            version = cache.get(VERSION_CACHE_KEY, version)
    return version


def _subject_index() -> SubjectIndex:
    global _index
    version = _current_version()
    if _index is None or _index.version != version:
        subjects = Subject.objects.filter(is_archived=False, is_other_need=False, theme__is_archived=False)
        _index = SubjectIndex(
            [
                Document(
                    key=subject, label=subject.label, description=subject.description, theme_label=subject.theme.label
                )
                for subject in subjects.select_related("theme")
            ],
            version=version,
        )
    return _index


def suggest_subjects(text: str, *, limit: int = 3) -> list[tuple[Subject, float]]:
    """The `limit` subjects that best match `text`, best first, each with its share of the score (0 to 1)."""
    return _subject_index().search(text, limit=limit)


@receiver(post_save, sender=Subject)
@receiver(post_delete, sender=Subject)
@receiver(post_save, sender=Theme)
@receiver(post_delete, sender=Theme)
def _invalidate_index(**kwargs) -> None:
    cache.set(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)
