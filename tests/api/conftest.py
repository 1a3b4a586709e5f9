import pytest
from django.core.cache import cache

from relais.api.enums import Scope
from relais.api.models import Partner
from relais.api.services.keys import create_key
from relais.companies.models import Company, Establishment
from relais.conseillers_entreprises.models import Landing
from relais.conseillers_entreprises.taxonomy import import_taxonomy
from tests.conseillers_entreprises.factories import InstitutionFactory

SIRET = "41816609600069"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def taxonomy(db):
    import_taxonomy()


@pytest.fixture
def institution(db):
    return InstitutionFactory(name="URSSAF", slug="urssaf")


@pytest.fixture
def landing(taxonomy, institution):
    landing = Landing.objects.get(slug="mon-entreprise-urssaf-fr")
    landing.institution = institution
    landing.save()
    return landing


@pytest.fixture
def partner(institution):
    return Partner.objects.create(
        name="Mon entreprise (URSSAF)", institution=institution, allowed_scopes=[Scope.CE_READ, Scope.CE_FILE]
    )


@pytest.fixture
def key_and_secret(partner):
    return create_key(partner=partner, name="Production", scopes=[Scope.CE_READ, Scope.CE_FILE], actor=None)


@pytest.fixture
def secret(key_and_secret):
    return key_and_secret[1]


@pytest.fixture
def api_key(key_and_secret):
    return key_and_secret[0]


@pytest.fixture
def auth(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def other_partner(taxonomy):
    other = InstitutionFactory(name="CCI", slug="cci")
    Landing.objects.filter(slug="cci-les-aides-fr").update(institution=other)
    partner = Partner.objects.create(name="Les aides", institution=other, allowed_scopes=[Scope.CE_READ, Scope.CE_FILE])
    _key, secret = create_key(partner=partner, name="Autre", scopes=[Scope.CE_READ, Scope.CE_FILE], actor=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def establishment(db):
    company = Company.objects.create(siren=SIRET[:9], name="BOULANGERIE MARTIN")
    return Establishment.objects.create(
        siret=SIRET, company=company, address="3 RUE DES LILAS", postal_code="69003", commune_name="Lyon"
    )


def filing_payload(**overrides) -> dict:
    data = {
        "landing": "mon-entreprise-urssaf-fr",
        "subject": "recruter",
        "description": "Nous cherchons deux boulangers en CDI pour notre nouvelle boutique, le recrutement traîne.",
        "siret": "418 166 096 00069",
        "first_name": "Claire",
        "last_name": "Martin",
        "phone": "06 12 34 56 78",
        "email": "claire@boulangerie-martin.fr",
        "terms_accepted": True,
        "questions": {
            "recrutement_premier": True,
            "recrutement_identifie": False,
            "recrutement_en_apprentissage": False,
            "recrutement_poste_cadre": False,
            "recrutement_handicape": True,
        },
        "origin_url": "https://mon-entreprise.urssaf.fr/simulateurs/embauche",
        "tracking": {"mtm_campaign": "printemps"},
    }
    data.update(overrides)
    return data
