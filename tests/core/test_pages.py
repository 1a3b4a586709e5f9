import pytest
from django.urls import path
from dsfr.models import DsfrConfig

from relais.core import views

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/accessibilite/",
    "/mentions-legales/",
    "/donnees-personnelles/",
    "/cgu/",
    "/plan-du-site/",
    "/compte/connexion/",
    "/compte/mot-de-passe/oubli/",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_render_with_the_dsfr_layout(client, url):
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "dsfr.min.css" in content
    assert 'class="fr-header"' in content
    assert 'href="#contenu"' in content  # skip link
    for footer_link in ["/accessibilite/", "/mentions-legales/", "/donnees-personnelles/", "/cgu/", "/plan-du-site/"]:
        assert f'href="{footer_link}"' in content


def test_home_presents_the_four_services(client):
    content = client.get("/").content.decode()
    for name in [
        "Conseillers-Entreprises",
        "Portail de service",
        "Activateurs France Num",
        "Conseiller numérique France Services",
    ]:
        assert name in content


def test_home_service_cards_are_links(client):
    content = client.get("/").content.decode()
    assert '<h3 class="fr-card__title"><a href="/aide-entreprise/accueil/">Conseillers-Entreprises</a></h3>' in content
    assert '<a href="/organisations/mes-habilitations/">Portail de service</a>' in content
    assert content.count("fr-card fr-enlarge-link relais-service-card") == 4


def test_home_needs_no_query_once_the_caches_are_warm(client, django_assert_num_queries):
    client.get("/")
    with django_assert_num_queries(0):
        client.get("/")


def test_dsfr_config_row_is_created_by_migration():
    config = DsfrConfig.objects.get()
    assert config.site_title == "Relais"


def test_login_is_required_by_default(client, settings, urlconf_with_private_view):
    response = client.get("/privee/")
    assert response.status_code == 302
    assert response["Location"] == "/compte/connexion/?next=/privee/"


@pytest.fixture
def urlconf_with_private_view(settings):
    from config import urls

    module = type(urls)("private_urls")
    module.urlpatterns = [path("privee/", lambda request: views.HttpResponse("secret")), *urls.urlpatterns]
    settings.ROOT_URLCONF = module
    return module


def test_404_page_is_dsfr_and_french(client, settings):
    settings.DEBUG = False
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()


def test_403_page(rf):
    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = views.permission_denied(request)
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_500_page_renders_without_database_access(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = views.server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Erreur inattendue" in response.content.decode()


def test_security_headers(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
