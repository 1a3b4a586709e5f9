"""Suggest the subjects an off-theme request ("autre besoin") most likely belongs to.

Method: Okapi BM25 over French-normalized tokens of each subject's label (counted twice: it is the most telling
text), its description (the examples of needs shown to companies), its theme's label, the words business owners use
for it (data/subject_vocabulary.csv: synonyms, everyday phrasings, acronyms) and requests labelled with it
(data/subject_examples.csv); mixed with a multinomial Naive Bayes learned from the same phrases (SubjectIndex).
Tokens are lowercased, split on anything that is not a letter or digit (so "l'embauche" gives "embauche"), stripped
of French stop words, folded to ASCII, because companies type without accents as often as with, then stemmed with
the Snowball French stemmer ("recrutement", "recruter" → "recrut"). Folding comes first so that "salariés" and
"salaries" give one stem. To absorb the typos of hurried writers ("tresorerie", "electricté"), a word that is not in
the vocabulary falls back to the vocabulary stems that share its first five letters.

Both models ship with the code as data and are built in a few milliseconds on the CPU, nothing downloaded; the Naive
Bayes part is the small model trained on labelled examples, the only ones available until Relais has a history of
requests. bench/subjects.py measures the whole on labelled requests that tuned nothing.

The index is built once per process and rebuilt when a theme or subject changes: saving or deleting one bumps a
version number in the shared cache, which every process compares with the version of its own index.
"""

from __future__ import annotations

import csv
import functools
import math
import re
import unicodedata
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import snowballstemmer
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ..models import Subject, Theme

DATA = Path(__file__).resolve().parent.parent / "data"
VERSION_CACHE_KEY = "conseillers_entreprises:classifier:version"
LABEL_WEIGHT = 2
# Okapi BM25's usual constants: k1 bounds the gain of a repeated word, b the penalty of long documents.
K1 = 1.2
B = 0.75
TYPO_PREFIX_LENGTH = 5
# Laplace smoothing of the Naive Bayes counts, and the posterior under which a subject sharing no word with the
# request is not proposed.
BAYES_SMOOTHING = 0.1
BAYES_FLOOR = 0.05
# Share of BM25 in a subject's score, the rest being the Naive Bayes posterior.
BM25_WEIGHT = 0.65

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
    """A subject as the classifier knows it: its public texts, the words business owners use for it
    (`vocabulary`, phrases separated by ";") and requests labelled with it (`examples`)."""

    key: object
    label: str
    description: str = ""
    theme_label: str = ""
    vocabulary: str = ""
    examples: tuple[str, ...] = ()

    @property
    def phrases(self) -> list[str]:
        """The short texts the Naive Bayes model learns from: one per vocabulary phrase, example, description line."""
        lines = [self.label, *self.description.splitlines(), *self.vocabulary.split(";"), *self.examples]
        return [line for line in (line.strip() for line in lines) if line]

    def tokens(self) -> list[str]:
        return (
            tokenize(self.label) * LABEL_WEIGHT
            + tokenize(self.description)
            + tokenize(self.theme_label)
            + tokenize(self.vocabulary)
            + [token for example in self.examples for token in tokenize(example)]
        )


def with_bigrams(tokens: list[str]) -> list[str]:
    """The stems and their consecutive pairs: "chomag partiel" tells more than "chomag" and "partiel" apart."""
    return tokens + [f"{first}_{second}" for first, second in zip(tokens, tokens[1:], strict=False)]


@dataclass
class SubjectIndex:
    """Two scorers over a few dozen subjects, plain dictionaries being enough and fast:

    - Okapi BM25 over each subject's whole text (vocabulary and examples included): it rewards the rare words a
      request shares with a subject;
    - a multinomial Naive Bayes learned from the subject's phrases (words and word pairs): it weighs the words
      that tell subjects apart, including common ones ("payer", "cherche") that BM25 discounts.

    A subject's score mixes its two shares (BM25_WEIGHT), each normalised over the subjects.
    """

    documents: list[Document]
    version: str | None = None
    _term_frequencies: list[Counter] = field(init=False)
    _lengths: list[int] = field(init=False)
    _idf: dict[str, float] = field(init=False)
    _by_prefix: dict[str, set[str]] = field(init=False)
    _log_likelihoods: list[dict[str, float]] = field(init=False)
    _unseen: list[float] = field(init=False)

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
        self._train_bayes()

    def _train_bayes(self) -> None:
        counts = [
            Counter(term for phrase in document.phrases for term in with_bigrams(tokenize(phrase)))
            for document in self.documents
        ]
        vocabulary = set().union(*counts) if counts else set()
        self._log_likelihoods, self._unseen = [], []
        for frequencies in counts:
            total = sum(frequencies.values()) + BAYES_SMOOTHING * len(vocabulary)
            self._log_likelihoods.append(
                {term: math.log((count + BAYES_SMOOTHING) / total) for term, count in frequencies.items()}
            )
            self._unseen.append(math.log(BAYES_SMOOTHING / total))
        self._bayes_vocabulary = vocabulary

    def _query_terms(self, text: str) -> set[str]:
        terms = set()
        for token in tokenize(text):
            if token in self._idf:
                terms.add(token)
            elif len(token) >= TYPO_PREFIX_LENGTH:
                terms.update(self._by_prefix.get(token[:TYPO_PREFIX_LENGTH], ()))
        return terms

    def _bm25(self, terms: set[str]) -> list[float]:
        scores = []
        for frequencies, length in zip(self._term_frequencies, self._lengths, strict=True):
            score = 0.0
            for term in terms:
                frequency = frequencies.get(term)
                if frequency:
                    norm = K1 * (1 - B + B * length / self._average_length)
                    score += self._idf[term] * frequency * (K1 + 1) / (frequency + norm)
            scores.append(score)
        return scores

    def _bayes(self, text: str) -> list[float]:
        """The posterior of each subject given the request's known words, uniform prior."""
        terms = [term for term in with_bigrams(tokenize(text)) if term in self._bayes_vocabulary]
        if not terms:
            return [0.0] * len(self.documents)
        logs = [
            sum(likelihoods.get(term, unseen) for term in terms)
            for likelihoods, unseen in zip(self._log_likelihoods, self._unseen, strict=True)
        ]
        top = max(logs)
        weights = [math.exp(value - top) for value in logs]
        total = sum(weights)
        return [weight / total for weight in weights]

    def search(self, text: str, *, limit: int) -> list[tuple[object, float]]:
        """The `limit` best documents' keys with their score (0 to 1); no word known to BM25, no result."""
        bm25 = self._bm25(self._query_terms(text))
        total = sum(bm25)
        if not total:
            return []
        bayes = self._bayes(text)
        scores = [
            (document.key, BM25_WEIGHT * share / total + (1 - BM25_WEIGHT) * posterior)
            for document, share, posterior in zip(self.documents, bm25, bayes, strict=True)
            if share or posterior > BAYES_FLOOR
        ]
        scores.sort(key=lambda item: item[1], reverse=True)
        return scores[:limit]


_index: SubjectIndex | None = None


def _current_version() -> str:
    version = cache.get(VERSION_CACHE_KEY)
    if version is None:
        version = uuid.uuid4().hex
        # add(): two processes starting together agree on the first one's version.
        if not cache.add(VERSION_CACHE_KEY, version, timeout=None):
            version = cache.get(VERSION_CACHE_KEY, version)
    return version


@functools.cache
def _vocabulary() -> dict[str, str]:
    with (DATA / "subject_vocabulary.csv").open(encoding="utf-8", newline="") as file:
        return {row["subject_slug"]: row["terms"] for row in csv.DictReader(file)}


@functools.cache
def _examples() -> dict[str, tuple[str, ...]]:
    by_slug: dict[str, list[str]] = {}
    with (DATA / "subject_examples.csv").open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            by_slug.setdefault(row["subject_slug"], []).append(row["text"])
    return {slug: tuple(texts) for slug, texts in by_slug.items()}


def subject_document(*, key, slug: str, label: str, description: str, theme_label: str) -> Document:
    """A subject with the vocabulary and the labelled requests shipped in data/ for its slug."""
    return Document(
        key=key,
        label=label,
        description=description,
        theme_label=theme_label,
        vocabulary=_vocabulary().get(slug, ""),
        examples=_examples().get(slug, ()),
    )


def _subject_index() -> SubjectIndex:
    global _index
    version = _current_version()
    if _index is None or _index.version != version:
        subjects = Subject.objects.filter(is_archived=False, is_other_need=False, theme__is_archived=False)
        _index = SubjectIndex(
            [
                subject_document(
                    key=subject,
                    slug=subject.slug,
                    label=subject.label,
                    description=subject.description,
                    theme_label=subject.theme.label,
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
