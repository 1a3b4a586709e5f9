import pytest

from relais.conseillers_entreprises.models import Subject
from relais.conseillers_entreprises.services.classifier import Document, SubjectIndex, suggest_subjects, tokenize
from relais.conseillers_entreprises.taxonomy import import_taxonomy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def taxonomy(db):
    import_taxonomy()


def test_tokenize_folds_accents_stems_and_drops_stop_words():
    assert tokenize("Nous voulons RECRUTER des salariés") == tokenize("recrutement salaries")


def test_recruiting_text_suggests_recruter():
    suggestions = suggest_subjects("je cherche a embaucher un serveur pour cet été, personne ne répond à mon annonce")
    assert len(suggestions) == 3
    assert "recruter" in [subject.slug for subject, _ in suggestions]
    assert all(isinstance(subject, Subject) and 0 < score <= 1 for subject, score in suggestions)
    assert [score for _, score in suggestions] == sorted((score for _, score in suggestions), reverse=True)


def test_other_need_and_archived_subjects_are_never_suggested():
    Subject.objects.filter(slug="tresorerie").update(is_archived=True)
    Subject.objects.get(slug="tresorerie").save()
    slugs = [subject.slug for subject, _ in suggest_subjects("problème de trésorerie, autre demande", limit=42)]
    assert "tresorerie" not in slugs and "autre-demande" not in slugs


def test_index_follows_subject_changes():
    assert suggest_subjects("apiculture ruches") == []
    subject = Subject.objects.get(slug="demarche-ecologie")
    subject.description += "\nInstaller des ruches, favoriser l’apiculture"
    subject.save()
    assert suggest_subjects("apiculture ruches")[0][0].slug == "demarche-ecologie"


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        # Words of the shipped vocabulary, none of them in the subject's public texts.
        ("le compte est dans le rouge et l'urssaf nous relance", "tresorerie"),
        ("on veut passer nos camionnettes à l'électrique avant la ZFE", "transport-mobilite"),
        ("un faux RIB nous a coûté 20 000 €", "proteger-vos-donnees"),
    ],
)
def test_shipped_vocabulary_and_examples_bring_the_words_of_business_owners(text, slug):
    assert slug in [subject.slug for subject, _ in suggest_subjects(text)]


def test_naive_bayes_learns_from_the_phrases_of_each_subject():
    index = SubjectIndex(
        [
            Document(key="a", label="Alpha", vocabulary="pomme; poire", examples=("je mange une pomme",)),
            Document(key="b", label="Beta", vocabulary="carotte; poireau", examples=("soupe de poireau",)),
        ]
    )
    assert [key for key, _ in index.search("une pomme et une poire", limit=2)][0] == "a"
    assert index.search("soupe de poireau et carotte", limit=2)[0][0] == "b"
