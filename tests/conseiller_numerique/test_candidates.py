"""The candidate's journey: application, confirmation, account, space, withdrawal."""

import datetime
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from relais.accounts.models import User
from relais.conseiller_numerique import matching
from relais.conseiller_numerique.enums import CandidateStatus
from relais.conseiller_numerique.models import Candidate, MatchPair
from relais.territories.models import Commune, CommuneKind, PostalCode
from tests.conseiller_numerique import factories as f
from tests.conseiller_numerique.conftest import PDF

pytestmark = pytest.mark.django_db

LYON = (45.7578, 4.8320)
APPLY = reverse("conseiller_numerique:candidate_apply")


def north_of(km: float) -> tuple[float, float]:
    return LYON[0] + km / matching.KM_PER_DEGREE, LYON[1]


def form_data(**overrides) -> dict:
    data = {
        "first_name": "Alix",
        "last_name": "Martin",
        "email": "Alix.Martin@Exemple.fr",
        "phone": "06 12 34 56 78",
        "commune": "69001",
        "situations": ["job_seeker"],
        "has_diploma": "non",
        "diploma_name": "",
        "has_experience": "oui",
        "available_from": timezone.localdate().isoformat(),
        "max_distance_km": "20",
        "motivation": "J'aime aider les gens à se servir du numérique.",
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def home(db):
    return f.commune(*LYON, postal_code="69001", name="Lyon")


def test_apply_confirm_create_account_and_appear_at_15_km_not_at_25(client, home, committed):
    near = f.structure(f.commune(*north_of(15)))
    far = f.structure(f.commune(*north_of(25)))
    cv = SimpleUploadedFile("mon cv.pdf", PDF, content_type="application/pdf")
    with committed():
        response = client.post(APPLY, {**form_data(), "cv": cv})
    assert response.status_code == 302
    candidate = Candidate.objects.get()
    assert candidate.email == "alix.martin@exemple.fr"
    assert candidate.commune == home and candidate.status == CandidateStatus.UNCONFIRMED
    assert candidate.cv.name.endswith(".pdf") and "mon cv" not in candidate.cv.name
    assert [message.to for message in mail.outbox] == [["alix.martin@exemple.fr"]]
    assert mail.outbox[0].subject == "Confirmez votre candidature de conseiller numérique"
    assert not Candidate.objects.matching_structure(near, today=timezone.localdate()).exists()

    link = re.search(r"/conseiller-numerique/candidature/confirmer/[^/\s]+/", mail.outbox[0].body).group(0)
    with committed():
        page = client.get(link)
    assert page.status_code == 200 and "Créer votre compte" in page.content.decode()
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.AVAILABLE and candidate.confirmed_at is not None
    assert mail.outbox[-1].subject == "Évaluez vos compétences numériques avec Pix"

    response = client.post(link, {"password": "Un-mot-de-passe-solide-2026"})
    assert response.status_code == 302 and response["Location"] == reverse("conseiller_numerique:candidate_space")
    user = User.objects.get(email="alix.martin@exemple.fr")
    candidate.refresh_from_db()
    assert candidate.user == user
    assert client.get(reverse("conseiller_numerique:candidate_space")).status_code == 200

    today = timezone.localdate()
    assert list(Candidate.objects.matching_structure(near, today=today)) == [candidate]
    assert not Candidate.objects.matching_structure(far, today=today).exists()


def test_the_link_never_signs_in_to_an_existing_account(client, home, committed):
    User.objects.create_user(email="alix.martin@exemple.fr", password="Un-mot-de-passe-solide-2026")
    with committed():
        client.post(APPLY, form_data(email="alix.martin@exemple.fr"))
    link = re.search(r"/conseiller-numerique/candidature/confirmer/[^/\s]+/", mail.outbox[0].body).group(0)
    page = client.get(link)
    assert "Se connecter" in page.content.decode()
    assert client.post(link, {"password": "Autre-mot-de-passe-2026!"}).status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"situations": []}, "situations", "Cochez au moins une situation."),
        ({"has_diploma": "oui"}, "diploma_name", "Indiquez l'intitulé de votre diplôme."),
        (
            {"available_from": (timezone.localdate() - datetime.timedelta(days=1)).isoformat()},
            "available_from",
            "La date de disponibilité doit être aujourd'hui ou plus tard.",
        ),
        ({"motivation": "x" * 2501}, "motivation", "Votre texte est trop long"),
        ({"max_distance_km": "30"}, "max_distance_km", "Sélectionnez un choix valide"),
        ({"commune": "99999"}, "commune", "Aucune commune ne correspond"),
    ],
)
def test_errors_in_french_on_the_field_and_nothing_typed_lost(client, home, overrides, field, message):
    response = client.post(APPLY, form_data(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "Alix" in response.content.decode()
    assert response.content.decode().count("Erreur :") == 1
    assert not Candidate.objects.exists()


def test_a_cv_that_is_not_a_pdf_is_refused_by_its_content(client, home):
    fake = SimpleUploadedFile("cv.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = client.post(APPLY, {**form_data(), "cv": fake})
    assert "Le fichier doit être au format PDF" in " ".join(response.context["form"].errors["cv"])
    assert not Candidate.objects.exists()


def test_several_communes_for_a_postal_code_are_listed(client, home):
    f.commune(45.9, 4.9, postal_code="69001", name="Autre commune")
    response = client.post(APPLY, form_data())
    assert "Plusieurs communes correspondent" in " ".join(response.context["form"].errors["commune"])
    response = client.post(APPLY, form_data(commune="69001 Lyon"))
    assert response.status_code == 302


def test_each_commune_the_error_proposes_is_accepted_as_written(client, home):
    """Lyon and its 1st arrondissement share the postal code 69001, and one name begins the other: "69001 Lyon", as
    proposed (and as the candidate's space shows the commune), is Lyon itself."""
    arrondissement = f.commune(45.767, 4.834, postal_code="69001", name="Lyon 1er Arrondissement")
    response = client.post(APPLY, form_data(commune="69001"))
    errors = " ".join(response.context["form"].errors["commune"])
    assert "« 69001 Lyon »" in errors and "« 69001 Lyon 1er Arrondissement »" in errors
    assert client.post(APPLY, form_data(commune="69001 Lyon", email="lyon@exemple.fr")).status_code == 302
    assert Candidate.objects.get(email="lyon@exemple.fr").commune == home
    response = client.post(APPLY, form_data(commune="69001 Lyon 1er Arrondissement", email="arr@exemple.fr"))
    assert response.status_code == 302
    assert Candidate.objects.get(email="arr@exemple.fr").commune == arrondissement


def test_a_postal_code_of_one_arrondissement_is_that_arrondissement(client, home):
    """Lyon and its 3rd arrondissement share 69003: the arrondissement is where the person lives, no question."""
    arrondissement = f.commune(45.759, 4.851, postal_code="69003", name="Lyon 3e Arrondissement")
    Commune.objects.filter(pk=arrondissement.pk).update(kind=CommuneKind.ARRONDISSEMENT, parent=home)
    PostalCode.objects.create(code="69003", commune=home)
    assert client.post(APPLY, form_data(commune="69003")).status_code == 302
    assert Candidate.objects.get().commune == arrondissement
    # Written with the city's name, it is the city.
    assert client.post(APPLY, form_data(commune="69003 Lyon", email="ville@exemple.fr")).status_code == 302
    assert Candidate.objects.get(email="ville@exemple.fr").commune == home


def test_honeypot_and_rate_limit(client, home):
    assert client.post(APPLY, form_data(website="http://spam")).status_code == 302
    assert not Candidate.objects.exists()
    for _ in range(9):
        client.post(APPLY, form_data())
    response = client.post(APPLY, form_data())
    assert response.status_code == 200 and "Trop de candidatures" in response.content.decode()


def test_space_update_unavailable_and_withdraw_with_cv(client, home, committed):
    user = User.objects.create_user(email="alix@exemple.fr", password=None)
    candidate = f.candidate(home, user=user, email="alix@exemple.fr")
    candidate.cv.save("cv.pdf", SimpleUploadedFile("cv.pdf", PDF), save=True)
    hosting = f.structure(f.commune(*north_of(30)))
    client.force_login(user)
    space = reverse("conseiller_numerique:candidate_space")
    with committed():
        response = client.post(
            space,
            {
                "phone": "0612345678",
                "commune": "69001",
                "situations": ["employed"],
                "available_from": timezone.localdate().isoformat(),
                "max_distance_km": "40",
            },
        )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.max_distance_km == 40 and candidate.is_employed and not candidate.is_job_seeker
    assert MatchPair.objects.filter(candidate=candidate, structure=hosting).exists()

    with committed():
        client.post(reverse("conseiller_numerique:candidate_availability"), {"available": "non"})
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.UNAVAILABLE
    assert not MatchPair.objects.filter(candidate=candidate).exists()

    storage, name = candidate.cv.storage, candidate.cv.name
    assert storage.exists(name)
    with committed():
        client.post(reverse("conseiller_numerique:candidate_withdraw"))
    assert not Candidate.objects.exists()
    assert not storage.exists(name)


def test_a_date_already_passed_stays_while_the_rest_changes(client, home, committed):
    """Available since a date now past: the candidate changes their distance without having to move the date; a
    new date in the past is refused."""
    user = User.objects.create_user(email="alix@exemple.fr", password=None)
    since = timezone.localdate() - datetime.timedelta(days=20)
    candidate = f.candidate(home, user=user, email="alix@exemple.fr", available_from=since, phone="+33612345678")
    client.force_login(user)
    space = reverse("conseiller_numerique:candidate_space")
    page = client.get(space).content.decode()
    assert 'value="06 12 34 56 78"' in page and "Retirer ma candidature" in page
    data = {"phone": "06 12 34 56 78", "commune": "69001", "situations": ["job_seeker"], "max_distance_km": "40"}
    with committed():
        response = client.post(space, {**data, "available_from": since.isoformat()})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.available_from, candidate.max_distance_km) == (since, 40)
    earlier = since - datetime.timedelta(days=1)
    response = client.post(space, {**data, "available_from": earlier.isoformat()})
    assert "aujourd'hui ou plus tard" in " ".join(response.context["form"].errors["available_from"])


def test_pix_is_shown_to_structures_only_when_shared(client, home):
    user = User.objects.create_user(email="alix@exemple.fr", password=None)
    candidate = f.candidate(home, user=user, email="alix@exemple.fr", pix_level=3)
    client.force_login(user)
    client.post(reverse("conseiller_numerique:candidate_pix"), {"shared": "oui"})
    candidate.refresh_from_db()
    assert candidate.pix_shared
    client.post(reverse("conseiller_numerique:candidate_pix"), {"shared": "non"})
    candidate.refresh_from_db()
    assert not candidate.pix_shared
