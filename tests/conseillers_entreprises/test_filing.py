import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse

from relais.companies.models import Company, Establishment
from relais.companies.registry import RegistryUnavailable
from relais.conseillers_entreprises.enums import SolicitationAction, SolicitationSource, SolicitationStatus
from relais.conseillers_entreprises.models import BlockedEmail, Landing, Solicitation, SubjectQuestion
from relais.conseillers_entreprises.taxonomy import import_taxonomy
from relais.notifications.models import Email

pytestmark = pytest.mark.django_db

SIRET = "41816609600069"  # a valid Luhn key
GUIDANCE = "le type de poste\nsi l’offre est déjà connue de France Travail"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def taxonomy(db):
    import_taxonomy()


@pytest.fixture
def home(taxonomy):
    return Landing.objects.get(slug="accueil")


@pytest.fixture
def establishment(db):
    company = Company.objects.create(siren=SIRET[:9], name="BOULANGERIE MARTIN")
    return Establishment.objects.create(
        siret=SIRET, company=company, address="3 RUE DES LILAS", postal_code="69003", commune_name="Lyon"
    )


def form_url(subject="recruter", landing="accueil"):
    return reverse("conseillers_entreprises:file_request", args=[landing, subject])


def payload(**overrides):
    data = {
        "description": "Nous cherchons deux boulangers en CDI pour notre nouvelle boutique, le recrutement traîne.",
        "siret": "418 166 096 00069",
        "first_name": "Claire",
        "last_name": "Martin",
        "phone": "06 12 34 56 78",
        "email": "claire@boulangerie-martin.fr",
        "terms_accepted": "on",
        "website": "",
        "submission_token": str(uuid.uuid4()),
        "question_recrutement_premier": "oui",
        "question_recrutement_identifie": "non",
        "question_recrutement_en_apprentissage": "non",
        "question_recrutement_poste_cadre": "non",
        "question_recrutement_handicape": "oui",
        "action": "submit",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_form_page_shows_guidance_questions_and_cgu_link(client, home):
    response = client.get(form_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "le type de poste" in content
    assert "d’un premier recrutement pour votre entreprise ?" in content
    assert reverse("core:terms") in content
    assert 'name="submission_token"' in content
    assert "ce-honeypot" in content


def test_submit_files_the_request(client, home, establishment):
    response = client.post(form_url(), payload())
    solicitation = Solicitation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("conseillers_entreprises:filing_confirmation", args=[solicitation.public_id])
    assert solicitation.status == SolicitationStatus.IN_PROGRESS
    assert solicitation.submitted_at and solicitation.terms_accepted_at
    assert solicitation.siret == SIRET
    assert solicitation.phone == "+33612345678"
    assert solicitation.establishment == establishment
    assert solicitation.landing == home and solicitation.subject.slug == "recruter"
    assert solicitation.source == SolicitationSource.SITE
    answers = {answer.question.key: answer.answer for answer in solicitation.answers.select_related("question")}
    assert answers["recrutement_premier"] is True and answers["recrutement_identifie"] is False
    assert list(solicitation.events.values_list("action", flat=True)) == [SolicitationAction.SUBMITTED]
    email = Email.objects.get()
    assert email.to == ["claire@boulangerie-martin.fr"]
    assert email.subject == "Confirmation de votre demande « Recruter un ou plusieurs salariés »"
    page = client.get(response["Location"])
    assert "Votre demande a bien été enregistrée" in page.content.decode()


def test_double_submit_creates_one_solicitation(client, home):
    data = payload()
    first = client.post(form_url(), data)
    second = client.post(form_url(), data)
    assert Solicitation.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert Email.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("description", "Besoin d’aide.", "ajoutez au moins 16 caractères"),
        ("description", "", "Décrivez votre besoin en quelques phrases."),
        ("siret", "12345", "Le numéro SIRET doit comporter 14 chiffres."),
        ("siret", "41816609600068", "Ce numéro SIRET n'est pas valide"),
        ("first_name", "", "Indiquez votre prénom."),
        ("last_name", "", "Indiquez votre nom."),
        ("phone", "12 34", "Saisissez un numéro de téléphone valide"),
        ("email", "claire@", "Saisissez une adresse électronique valide"),
        ("terms_accepted", None, "Acceptez les conditions générales d’utilisation"),
        ("question_recrutement_premier", None, "Répondez par oui ou par non."),
    ],
)
def test_bad_input_gets_a_french_error_and_keeps_what_was_typed(client, home, field, value, message):
    data = payload(**{field: value})
    response = client.post(form_url(), data)
    assert response.status_code == 200
    assert not Solicitation.objects.exists()
    assert message in response.context["form"].errors[field][0]
    content = response.content.decode()
    assert "claire@boulangerie-martin.fr" in content or field == "email"
    assert "Nous cherchons deux boulangers" in content or field == "description"


def test_description_equal_to_the_guidance_is_refused(client, home):
    from relais.conseillers_entreprises.models import Subject

    subject = Subject.objects.get(slug="recruter")
    response = client.post(form_url(), payload(description=subject.guidance))
    assert "propres mots" in response.context["form"].errors["description"][0]
    response = client.post(form_url(), payload(description="- " + subject.guidance.replace("\n", "\n- ") + " ok"))
    assert "propres mots" in response.context["form"].errors["description"][0]


def test_valid_siret_shows_the_establishment(client, home, establishment):
    response = client.post(form_url(), payload(phone=""))
    assert "Votre établissement : BOULANGERIE MARTIN — 3 RUE DES LILAS, 69003 Lyon" in response.content.decode()


def test_registry_down_accepts_the_siret_with_a_warning(client, home, monkeypatch):
    class DownRegistry:
        def get_establishment(self, siret):
            raise RegistryUnavailable()

    monkeypatch.setattr("relais.conseillers_entreprises.services.filing.get_registry", lambda: DownRegistry())
    response = client.post(form_url(), payload(phone=""))
    assert "momentanément indisponible" in response.content.decode()
    assert "siret" not in response.context["form"].errors
    response = client.post(form_url(), payload())
    assert response.status_code == 302
    assert Solicitation.objects.get().establishment is None


def test_honeypot_refuses(client, home):
    response = client.post(form_url(), payload(website="http://spam.example"))
    assert response.status_code == 200
    assert not Solicitation.objects.exists()
    assert "détection des envois automatiques" in response.content.decode()


def test_rate_limit_per_ip(client, home, settings):
    settings.CE_INTAKE_RATE_LIMIT = "2/600"
    for _ in range(2):
        assert client.post(form_url(), payload()).status_code == 302
    response = client.post(form_url(), payload())
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
    assert "Nous cherchons deux boulangers" in response.content.decode()
    assert Solicitation.objects.count() == 2
    other_ip = client.post(form_url(), payload(), REMOTE_ADDR="10.0.0.9")
    assert other_ip.status_code == 302


def test_rate_limit_disabled(client, home, settings):
    settings.CE_INTAKE_RATE_LIMIT = "0"
    for _ in range(7):
        assert client.post(form_url(), payload()).status_code == 302


@pytest.mark.parametrize("pattern", ["claire@boulangerie-martin.fr", "@boulangerie-martin.fr"])
def test_blocked_email(client, home, pattern):
    BlockedEmail.objects.create(pattern=pattern)
    response = client.post(form_url(), payload())
    assert "ne permet pas de déposer une demande" in response.context["form"].errors["email"][0]
    assert not Solicitation.objects.exists()


def test_draft_and_resume(client, home):
    data = payload(action="draft", siret="418 166", phone="", description="brouillon")
    response = client.post(form_url(), data)
    draft = Solicitation.objects.get()
    assert draft.status == SolicitationStatus.DRAFT
    assert draft.submitted_at is None and draft.siret == "418166" and draft.description == "brouillon"
    resume_url = reverse("conseillers_entreprises:filing_resume", args=[draft.public_id])
    assert response["Location"] == resume_url
    email = Email.objects.get()
    assert email.to == ["claire@boulangerie-martin.fr"]
    assert resume_url in email.text_body
    # A second click on "save" does not send the link again.
    client.post(form_url(), data)
    assert Solicitation.objects.count() == 1 and Email.objects.count() == 1

    page = client.get(resume_url)
    content = page.content.decode()
    assert "brouillon" in content and "418166" in content and str(draft.submission_token) in content
    response = client.post(resume_url, payload(submission_token=str(draft.submission_token)))
    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.status == SolicitationStatus.IN_PROGRESS and draft.submitted_at
    assert Solicitation.objects.count() == 1
    assert client.get(resume_url)["Location"].endswith("/confirmation/")


def test_draft_needs_a_valid_email_only(client, home):
    response = client.post(form_url(), payload(action="draft", email="pas-une-adresse", description=""))
    form = response.context["form"]
    assert list(form.errors) == ["email"]
    assert not Solicitation.objects.exists()


def test_off_theme_form(client, home):
    url = reverse("conseillers_entreprises:file_other_need", args=["accueil"])
    assert client.get(url).status_code == 200
    data = payload(description="Nous voulons installer des ruches sur le toit de notre entrepôt logistique.")
    response = client.post(url, data)
    assert response.status_code == 302
    assert Solicitation.objects.get().subject.slug == "autre-demande"


def test_unknown_or_inactive_landing_is_404(client, taxonomy):
    Landing.objects.filter(slug="brexit").update(is_active=False)
    assert client.get(reverse("conseillers_entreprises:landing", args=["brexit"])).status_code == 404
    assert client.get(reverse("conseillers_entreprises:landing", args=["nope"])).status_code == 404


def test_subject_outside_the_landing_themes_is_404(client, taxonomy):
    url = form_url(subject="recruter", landing="france-transition-ecologique")
    assert client.get(url).status_code == 404


def test_theme_and_subject_lists_have_constant_queries(client, home, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get(reverse("conseillers_entreprises:landing", args=["accueil"]))
    assert response.status_code == 200
    assert "Recruter ou former vos salariés" in response.content.decode()
    with django_assert_max_num_queries(6):
        response = client.get(reverse("conseillers_entreprises:theme", args=["accueil", "recrutement-formation"]))
    assert "Recruter un ou plusieurs salariés" in response.content.decode()


def test_taxonomy_import_is_idempotent(taxonomy):
    counts = (SubjectQuestion.objects.count(), Landing.objects.count())
    result = import_taxonomy()
    assert (result.subjects_created, result.subjects_updated, result.questions_created, result.landings_created) == (
        0,
        0,
        0,
        0,
    )
    assert (SubjectQuestion.objects.count(), Landing.objects.count()) == counts


def test_draft_values_are_cleaned_as_a_submission(client, home):
    """No NUL byte nor non-character is stored, and only a web address is kept as the page of origin."""
    data = payload(
        action="draft",
        description="Recruter\x00 un boulanger\ufffe",
        first_name="Cla\x00ire",
        phone="06 12 34 56 78",
        origin_url="javascript:alert(document.cookie)",
    )
    client.post(form_url(), data)
    draft = Solicitation.objects.get()
    assert draft.description == "Recruter un boulanger"
    assert draft.first_name == "Claire"
    assert draft.phone == "+33612345678"
    assert draft.origin_url == ""
    client.post(form_url(), payload(action="draft", origin_url="https://www.partenaire.fr/aides"))
    assert Solicitation.objects.exclude(pk=draft.pk).get().origin_url == "https://www.partenaire.fr/aides"


def test_submission_keeps_only_a_web_origin(client, home, establishment):
    client.post(form_url(), payload(origin_url="data:text/html,<script>alert(1)</script>"))
    assert Solicitation.objects.get().origin_url == ""


@pytest.mark.parametrize("debug", [True, False])
def test_too_many_query_parameters_answer_400_in_every_environment(client, home, settings, debug):
    settings.DEBUG = debug
    query = "&".join(f"p{index}=1" for index in range(1200))
    response = client.get(f"{form_url()}?{query}")
    assert response.status_code == 400
