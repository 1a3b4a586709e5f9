"""How a partner integrates a landing: its mode (service, theme, subjects, form), allowed origins, prefill carried
from page to page, pause and archive."""

import uuid

import pytest
from django.urls import reverse

from relais.conseillers_entreprises.enums import LandingIntegration
from relais.conseillers_entreprises.models import Landing, Solicitation, Subject, Theme
from relais.conseillers_entreprises.taxonomy import import_taxonomy

from .factories import InstitutionFactory

pytestmark = pytest.mark.django_db

SLUG = "mon-entreprise-urssaf-fr"
PREFILL = "siret=41816609600069&email=paul%40garage.fr&mtm_campaign=printemps"


@pytest.fixture
def landing(db):
    import_taxonomy()
    return Landing.objects.get(slug=SLUG)


def home_url(slug=SLUG):
    return reverse("conseillers_entreprises:landing", args=[slug])


def form_url(subject, slug=SLUG):
    return reverse("conseillers_entreprises:file_request", args=[slug, subject])


def test_service_mode_carries_the_prefill_to_the_theme_and_form_links(client, landing):
    response = client.get(f"{home_url()}?{PREFILL}", HTTP_REFERER="https://mon-entreprise.urssaf.fr/aides")
    content = response.content.decode()
    theme_link = reverse("conseillers_entreprises:theme", args=[SLUG, "recrutement-formation"])
    assert f"{theme_link}?email=paul%40garage.fr&amp;siret=41816609600069&amp;mtm_campaign=printemps" in content
    assert "origin=https%3A%2F%2Fmon-entreprise.urssaf.fr%2Faides" in content
    theme = client.get(f"{theme_link}?{PREFILL}&origin=https://mon-entreprise.urssaf.fr/aides")
    assert f"{form_url('recruter')}?email=paul%40garage.fr&amp;siret=41816609600069" in theme.content.decode()


def test_form_prefill_and_campaign_are_kept_with_the_request(client, landing):
    response = client.get(f"{form_url('former')}?{PREFILL}&first_name=Paul&origin=https://mon-entreprise.urssaf.fr/x")
    form = response.context["form"]
    assert form.initial["siret"] == "41816609600069" and form.initial["mtm_campaign"] == "printemps"
    assert form.initial["origin_url"] == "https://mon-entreprise.urssaf.fr/x"
    assert 'name="mtm_campaign" value="printemps"' in response.content.decode()
    response = client.post(
        form_url("former"),
        {
            "description": "Former deux mécaniciens au diagnostic des véhicules électriques cette année.",
            "siret": "41816609600069",
            "first_name": "Paul",
            "last_name": "Durand",
            "phone": "0478000000",
            "email": "paul@garage.fr",
            "terms_accepted": "on",
            "submission_token": str(uuid.uuid4()),
            "origin_url": form.initial["origin_url"],
            "mtm_campaign": "printemps",
            "mtm_kwd": "",
            "question_formee_est_salariee_de_lentreprise": "oui",
        },
    )
    assert response.status_code == 302
    assert Solicitation.objects.get().tracking == {"mtm_campaign": "printemps"}


def test_theme_mode_opens_on_its_theme(client, landing):
    landing.integration = LandingIntegration.THEME
    landing.save()
    landing.themes.set([Theme.objects.get(slug="recrutement-formation")])
    response = client.get(home_url())
    assert response.status_code == 200
    assert response.context["theme"].slug == "recrutement-formation"
    assert "fr-breadcrumb" not in response.content.decode()
    other = reverse("conseillers_entreprises:theme", args=[SLUG, "droit-du-travail"])
    assert client.get(other).status_code == 404
    assert client.get(form_url("droit-du-travail")).status_code == 404


def test_subjects_mode_lists_its_subjects_only(client, landing):
    landing.integration = LandingIntegration.SUBJECTS
    landing.save()
    landing.subjects.set(Subject.objects.filter(slug__in=["recruter", "former"]))
    response = client.get(home_url())
    assert sorted(subject.slug for subject in response.context["subjects"]) == ["former", "recruter"]
    assert client.get(form_url("recruter")).status_code == 200
    assert client.get(form_url("tresorerie")).status_code == 404
    assert client.get(reverse("conseillers_entreprises:file_other_need", args=[SLUG])).status_code == 404
    assert client.get(reverse("conseillers_entreprises:theme", args=[SLUG, "recrutement-formation"])).status_code == 404


def test_form_mode_goes_straight_to_its_form_with_the_prefill(client, landing):
    landing.integration = LandingIntegration.FORM
    landing.save()
    landing.subjects.set([Subject.objects.get(slug="recruter")])
    response = client.get(f"{home_url()}?{PREFILL}")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{form_url('recruter')}?email=paul%40garage.fr&siret=41816609600069")
    page = client.get(response["Location"])
    assert page.context["back_url"] == ""


def test_paused_landing_takes_no_request(client, landing):
    Landing.objects.filter(pk=landing.pk).update(is_paused=True)
    for url in (home_url(), form_url("recruter")):
        response = client.get(url)
        assert response.status_code == 200
        assert "momentanément indisponible" in response.content.decode()
    response = client.post(form_url("recruter"), {"description": "x"})
    assert "momentanément indisponible" in response.content.decode()
    assert not Solicitation.objects.exists()


def test_archived_landing_is_gone(client, landing):
    Landing.objects.filter(pk=landing.pk).update(is_active=False)
    assert client.get(home_url()).status_code == 404


def test_institution_origins_may_frame_its_landings(client, landing):
    landing.institution = InstitutionFactory(iframe_origins=["https://www.urssaf.fr", "https://autre.urssaf.fr"])
    landing.save()
    policy = client.get(home_url()).headers["Content-Security-Policy"]
    ancestors = policy.split("frame-ancestors")[1].split(";")[0]
    assert ancestors.split() == ["https://mon-entreprise.urssaf.fr", "https://www.urssaf.fr", "https://autre.urssaf.fr"]


def test_framed_pages_load_the_resize_script(client, landing):
    content = client.get(home_url()).content.decode()
    assert "conseillers_entreprises/iframe_child.js" in content
    assert "iframe_child.js" not in client.get(home_url("accueil")).content.decode()


def test_origins_are_validated(db):
    institution = InstitutionFactory(iframe_origins=["https://ok.fr", "https://pas-une-origine.fr/chemin"])
    with pytest.raises(Exception, match="n’est pas une origine"):
        institution.full_clean()


def test_admin_checks_the_mode_against_the_themes_and_subjects(landing):
    from django.forms.models import model_to_dict

    from relais.conseillers_entreprises.admin.solicitations import LandingAdminForm

    data = {key: value for key, value in model_to_dict(landing).items() if value is not None}
    data["themes"] = [theme.pk for theme in Theme.objects.all()[:2]]
    form = LandingAdminForm(instance=landing, data={**data, "integration": LandingIntegration.THEME})
    assert "un thème proposé, et un seul" in str(form.errors["themes"])
    form = LandingAdminForm(instance=landing, data={**data, "integration": LandingIntegration.FORM, "subjects": []})
    assert "un sujet proposé, et un seul" in str(form.errors["subjects"])
    recruit = Subject.objects.get(slug="recruter")
    form = LandingAdminForm(
        instance=landing, data={**data, "integration": LandingIntegration.FORM, "subjects": [recruit.pk]}
    )
    assert form.is_valid(), form.errors
