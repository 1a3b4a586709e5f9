import pytest

from relais.conseillers_entreprises.enums import LandingIntegration
from relais.conseillers_entreprises.models import InstitutionSubject, Landing, Subject, Theme

pytestmark = pytest.mark.django_db


def test_lists_only_the_partners_own_active_landings(client, landing, auth, other_partner):
    Landing.objects.filter(slug="rh-mon-entreprise-urssaf-fr").update(institution=landing.institution, is_paused=True)
    Landing.objects.filter(slug="zetwal").update(institution=landing.institution, is_active=False)
    response = client.get("/api/v1/landings", **auth)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [item["slug"] for item in results] == ["mon-entreprise-urssaf-fr", "rh-mon-entreprise-urssaf-fr"]
    assert results[1]["paused"] is True
    assert sorted(results[1]["themes"]) == ["droit-du-travail", "recrutement-formation", "sante-securite-travail"]
    assert results[0]["url"].endswith("/aide-entreprise/mon-entreprise-urssaf-fr/")


def test_landing_list_queries_do_not_grow(client, landing, auth, django_assert_max_num_queries):
    for slug in (
        "rh-mon-entreprise-urssaf-fr",
        "activite-partielle-mon-entreprise-urssaf-fr",
        "rh-simulateur-urssaf-fr",
    ):
        Landing.objects.filter(slug=slug).update(institution=landing.institution)
    # The key, its last use (once a minute), the landings, their themes and their subjects.
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/landings", **auth).json()["count"] == 4


def test_another_partners_landing_is_404(client, landing, auth, other_partner):
    assert client.get("/api/v1/landings/mon-entreprise-urssaf-fr", **auth).status_code == 200
    response = client.get("/api/v1/landings/mon-entreprise-urssaf-fr", **other_partner)
    assert response.status_code == 404
    assert response.json() == {
        "errors": [{"source": "slug", "message": "Aucune de vos pages d’accueil n’a cet identifiant."}]
    }
    response = client.get("/api/v1/landing_subjects?landing=mon-entreprise-urssaf-fr", **other_partner)
    assert response.status_code == 404


def test_search_by_url_and_by_slug(client, landing, auth):
    found = client.get("/api/v1/landings/search?url=https://mon-entreprise.urssaf.fr/simulateurs/salarie", **auth)
    assert [item["slug"] for item in found.json()["results"]] == ["mon-entreprise-urssaf-fr"]
    assert client.get("/api/v1/landings/search?url=https://ailleurs.fr/", **auth).json()["count"] == 0
    by_slug = client.get("/api/v1/landings/search?slug=mon-entreprise-urssaf-fr", **auth).json()
    assert by_slug["count"] == 1
    assert client.get("/api/v1/landings/search?slug=cci-les-aides-fr", **auth).json()["count"] == 0


def test_landing_themes(client, landing, auth):
    response = client.get("/api/v1/landing_themes?landing=mon-entreprise-urssaf-fr", **auth)
    assert response.status_code == 200
    themes = response.json()["results"]
    assert len(themes) == Theme.objects.filter(is_archived=False, subjects__isnull=False).distinct().count() - 1
    assert all(theme["subject_count"] > 0 for theme in themes)


def test_landing_subjects_with_questions_siret_and_institutions(client, landing, auth, institution):
    recruit = Subject.objects.get(slug="recruter")
    InstitutionSubject.objects.create(institution=institution, subject=recruit)
    response = client.get(
        "/api/v1/landing_subjects?landing=mon-entreprise-urssaf-fr&theme=recrutement-formation", **auth
    )
    assert response.status_code == 200
    subjects = {item["slug"]: item for item in response.json()["results"]}
    item = subjects["recruter"]
    assert item["siret_required"] is True
    assert {"key": "recrutement_premier", "label": recruit.questions.get(key="recrutement_premier").label} in item[
        "questions"
    ]
    assert item["institutions"] == [{"slug": "urssaf", "name": "URSSAF"}]
    assert item["guidance"][0] == "le type de poste"
    assert item["form_url"].endswith("/aide-entreprise/mon-entreprise-urssaf-fr/demande/recruter/")
    one = client.get("/api/v1/landing_subjects/recruter?landing=mon-entreprise-urssaf-fr", **auth)
    assert one.json()["slug"] == "recruter"


def test_subject_list_queries_do_not_grow(client, landing, auth, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        response = client.get("/api/v1/landing_subjects?landing=mon-entreprise-urssaf-fr", **auth)
    assert response.json()["count"] > 30


def test_subjects_follow_the_landing_integration_mode(client, landing, auth):
    landing.integration = LandingIntegration.SUBJECTS
    landing.save()
    landing.subjects.set(Subject.objects.filter(slug__in=["recruter", "former"]))
    response = client.get("/api/v1/landing_subjects?landing=mon-entreprise-urssaf-fr", **auth)
    assert sorted(item["slug"] for item in response.json()["results"]) == ["former", "recruter"]
    assert client.get("/api/v1/landing_themes?landing=mon-entreprise-urssaf-fr", **auth).json()["count"] == 0
    assert (
        client.get("/api/v1/landing_subjects/autre-demande?landing=mon-entreprise-urssaf-fr", **auth).status_code == 404
    )


def test_missing_landing_parameter_is_422_in_the_error_format(client, landing, auth):
    response = client.get("/api/v1/landing_subjects", **auth)
    assert response.status_code == 422
    assert response.json() == {"errors": [{"source": "landing", "message": "Ce champ est obligatoire."}]}
