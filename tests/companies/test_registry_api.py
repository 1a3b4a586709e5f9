"""The client of the API Recherche d'entreprises, against recorded answers: no test reaches the network."""

import datetime
import json
from pathlib import Path

import httpx
import pytest

from relais.companies.enums import CompanySource
from relais.companies.models import Company, Establishment
from relais.companies.registry import Officer, RechercheEntreprisesBackend, RegistryUnavailable

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


def recorded(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


class FakeApi:
    """Answers the queued responses in order and remembers the requests."""

    def __init__(self, *responses):
        self.responses = list(responses)
        self.requests = []
        self.sleeps = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        response = self.responses.pop(0)
        if isinstance(response, Exception):
            raise response
        return response

    def backend(self) -> RechercheEntreprisesBackend:
        return RechercheEntreprisesBackend(
            base_url="https://recherche-entreprises.test",
            transport=httpx.MockTransport(self.handler),
            sleep=self.sleeps.append,
        )


def ok(name: str) -> httpx.Response:
    return httpx.Response(200, json=recorded(name))


def test_get_establishment_of_la_poste():
    api = FakeApi(ok("search_siret_la_poste.json"))

    establishment = api.backend().get_establishment("356 000 000 53166")

    assert establishment.siret == "35600000053166"
    assert establishment.display == "LA POSTE (DIRECTION GENERALE DE LA POSTE) — 1 PLACE CARNEGIE, 02700 TERGNIER"
    assert establishment.commune_insee_code == "02738"
    assert establishment.latitude == pytest.approx(49.65875)
    assert not establishment.is_head_office
    [request] = api.requests
    assert request.url.path == "/search"
    assert request.url.params["q"] == "35600000053166"
    assert request.headers["User-Agent"].startswith("Relais")


def test_fetched_data_are_stored_locally():
    RechercheEntreprisesBackend.get_establishment(FakeApi(ok("search_siret_la_poste.json")).backend(), "35600000053166")

    company = Company.objects.get(siren="356000000")
    assert company.name == "LA POSTE (DIRECTION GENERALE DE LA POSTE)"
    assert company.legal_form_code == "5510"
    assert company.naf_code == "53.10Z"
    assert company.staff_size_code == "53"
    assert company.creation_date == datetime.date(1991, 1, 1)
    assert company.source == CompanySource.RECHERCHE_ENTREPRISES
    assert company.officers == [
        {"first_name": "MARTIN", "last_name": "AJDARI", "role": "Administrateur"},
        {"first_name": "", "last_name": "KPMG S.A.", "role": "Commissaire aux comptes titulaire"},
    ]
    head_office = Establishment.objects.get(siret="35600000000048")
    assert head_office.is_head_office
    # The collective agreements (routing finds the OPCO from them), without leading zeros.
    assert head_office.idcc_codes == ["5516", "9999"]
    assert head_office.address == "DIRECTION GENERALE DE LA POSTE 9 RUE DU COLONEL PIERRE AVIA"
    assert head_office.postal_code == "75015"
    assert head_office.commune_name == "PARIS"
    assert Establishment.objects.get(siret="35600000053166").company_id == "356000000"


def test_get_company():
    api = FakeApi(ok("search_siret_la_poste.json"))

    company = api.backend().get_company("356000000")

    assert company.name == "LA POSTE (DIRECTION GENERALE DE LA POSTE)"
    assert company.officers[0] == Officer(first_name="MARTIN", last_name="AJDARI", role="Administrateur")
    assert company.head_office.siret == "35600000000048"
    assert company.head_office.staff_size_code == "51"


def test_search_by_text_keeps_open_establishments_only():
    api = FakeApi(ok("search_text_villers.json"))

    results = api.backend().search("la poste villers", limit=10)

    assert [result.siret for result in results] == ["35600000053210", "84215937800012"]
    assert results[0].display == "LA POSTE (DIRECTION GENERALE DE LA POSTE) — 1 RUE DE VERDUN, 02600 VILLERS-COTTERETS"
    assert api.requests[0].url.params["q"] == "la poste villers"
    assert api.requests[0].url.params["per_page"] == "10"
    # The closed one is stored all the same, without its undisclosed coordinates.
    closed = Establishment.objects.get(siret="35600000053215")
    assert not closed.is_active
    assert closed.latitude is None


def test_no_result():
    api = FakeApi(ok("search_empty.json"), ok("search_empty.json"))
    backend = api.backend()

    assert backend.search("zzzzzz introuvable") == []
    assert backend.get_establishment("84215937800012") is None
    assert not Company.objects.exists()


def test_a_404_means_no_result():
    api = FakeApi(httpx.Response(404, json={"erreur": "Not found"}))

    assert api.backend().get_company("842159378") is None


def test_an_invalid_number_is_not_sent():
    api = FakeApi()

    assert api.backend().get_establishment("84215937800013") is None
    assert api.requests == []


def test_a_server_error_is_retried():
    api = FakeApi(httpx.Response(500), httpx.Response(502), ok("search_siret_la_poste.json"))

    establishment = api.backend().get_establishment("35600000053166")

    assert establishment.siret == "35600000053166"
    assert len(api.requests) == 3
    assert api.sleeps == [0.5, 1.0]


def test_too_many_requests_waits_as_long_as_retry_after_says():
    api = FakeApi(httpx.Response(429, headers={"Retry-After": "1"}), ok("search_siret_la_poste.json"))

    assert api.backend().get_company("356000000") is not None
    assert api.sleeps == [1.0]


def test_a_long_retry_after_gives_up_at_once():
    api = FakeApi(httpx.Response(429, headers={"Retry-After": "60"}))

    with pytest.raises(RegistryUnavailable):
        api.backend().get_company("356000000")
    assert api.sleeps == []


def test_timeouts_end_in_a_french_error():
    timeout = httpx.ReadTimeout("timed out")
    api = FakeApi(timeout, timeout, timeout)

    with pytest.raises(RegistryUnavailable) as error:
        api.backend().search("boulangerie")

    assert str(error.value) == (
        "Le service de recherche des entreprises est momentanément indisponible. "
        "Réessayez dans quelques minutes ou saisissez le SIRET."
    )
    assert len(api.requests) == 3


def test_an_unreadable_answer_is_an_unavailability():
    api = FakeApi(httpx.Response(200, text="<html>maintenance</html>"))

    with pytest.raises(RegistryUnavailable):
        api.backend().search("boulangerie")


def test_answers_are_cached():
    api = FakeApi(ok("search_siret_la_poste.json"), ok("search_text_villers.json"))
    backend = api.backend()

    first = backend.get_establishment("35600000053166")
    assert backend.get_establishment("35600000053166") == first
    assert len(api.requests) == 1

    backend.search("La Poste  Villers")
    assert backend.search("la poste villers") == backend.search("LA POSTE VILLERS")
    assert len(api.requests) == 2


def test_no_result_is_cached_too():
    api = FakeApi(ok("search_empty.json"))
    backend = api.backend()

    assert backend.get_company("842159378") is None
    assert backend.get_company("842159378") is None
    assert len(api.requests) == 1
