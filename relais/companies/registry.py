"""The company registry: one interface, two backends.

`RechercheEntreprisesBackend` calls the public API Recherche d'entreprises (https://recherche-entreprises.api.gouv.fr)
and stores what it fetched in the local tables; `OfflineBackend` answers from those tables only (the embedded
default and the tests). `get_registry()` picks one from settings.COMPANIES_BACKEND.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from . import services
from .enums import CompanySource
from .models import Company, Establishment, normalize_idcc, normalize_search_text

logger = logging.getLogger(__name__)

# "No such company" is cached too, so a miss must be told apart from a cached None.
_MISSING = object()


@dataclass(frozen=True)
class Officer:
    first_name: str
    last_name: str
    role: str


@dataclass(frozen=True)
class EstablishmentResult:
    siret: str
    company_name: str = ""
    name: str = ""
    address: str = ""
    postal_code: str = ""
    commune_insee_code: str = ""
    commune_name: str = ""
    naf_code: str = ""
    nafa_code: str = ""
    staff_size_code: str = ""
    idcc_codes: tuple[str, ...] = ()
    is_head_office: bool = False
    is_active: bool = True
    latitude: float | None = None
    longitude: float | None = None

    @property
    def siren(self) -> str:
        return self.siret[:9]

    @property
    def label(self) -> str:
        """The company name, with the establishment's own sign when it adds something to it."""
        if self.name and normalize_search_text(self.name) not in normalize_search_text(self.company_name):
            return f"{self.company_name} ({self.name})" if self.company_name else self.name
        return self.company_name or self.name

    @property
    def full_address(self) -> str:
        """ "address, postal code commune", without the parts the registry does not give."""
        place = " ".join(part for part in (self.postal_code, self.commune_name) if part)
        return ", ".join(part for part in (self.address, place) if part)

    @property
    def display(self) -> str:
        """One line for lists and autocompletion: "NAME — address, postal code commune"."""
        where = self.full_address
        return f"{self.label} — {where}" if where else self.label


@dataclass(frozen=True)
class CompanyResult:
    siren: str
    name: str
    legal_form_code: str = ""
    naf_code: str = ""
    creation_date: datetime.date | None = None
    staff_size_code: str = ""
    activity_natures: tuple[str, ...] = ()
    idcc_codes: tuple[str, ...] = ()
    officers: tuple[Officer, ...] = ()
    is_active: bool = True
    head_office: EstablishmentResult | None = field(default=None, compare=False)


class RegistryUnavailable(Exception):
    """The registry did not answer usably; the message is meant for users."""

    def __init__(
        self,
        message: str = (
            "Le service de recherche des entreprises est momentanément indisponible. "
            "Réessayez dans quelques minutes ou saisissez le SIRET."
        ),
    ):
        super().__init__(message)


def _identifier(text: str) -> str | None:
    """The SIREN or SIRET typed in `text` (spaces and dots allowed), or None when it is a name."""
    compact = re.sub(r"[\s.]", "", text)
    return compact if compact.isdigit() and len(compact) in (9, 14) else None


class OfflineBackend:
    """Answers from the local tables: those the demo data, the SIRENE import and earlier API answers filled."""

    def search(self, text: str, limit: int = 10) -> list[EstablishmentResult]:
        establishments = Establishment.objects.select_related("company", "commune").order_by(
            "-is_head_office", "search_name", "siret"
        )
        compact = re.sub(r"[\s.]", "", text)
        if compact.isdigit():
            if len(compact) == 9:
                found = establishments.filter(company_id=compact)
            else:
                found = establishments.filter(siret__startswith=compact)
            return [_from_model(establishment) for establishment in found[:limit]]

        normalized = normalize_search_text(text)
        if not normalized:
            return []
        active = establishments.filter(is_active=True)
        # Names that start with the text come first and can use the index; then the other matches of every word.
        found = list(active.filter(search_name__startswith=normalized)[:limit])
        if len(found) < limit:
            others = active.exclude(siret__in=[establishment.siret for establishment in found])
            for word in normalized.split():
                others = others.filter(search_name__contains=word)
            found += others[: limit - len(found)]
        return [_from_model(establishment) for establishment in found]

    def get_company(self, siren: str) -> CompanyResult | None:
        company = Company.objects.filter(siren=stdnum_siren.compact(siren)).first()
        if company is None:
            return None
        head_office = (
            company.establishments.select_related("commune").filter(is_head_office=True).order_by("-is_active").first()
        )
        return CompanyResult(
            siren=company.siren,
            name=company.name,
            legal_form_code=company.legal_form_code,
            naf_code=company.naf_code,
            creation_date=company.creation_date,
            staff_size_code=company.staff_size_code,
            activity_natures=tuple(company.activity_natures),
            idcc_codes=tuple(company.idcc_codes),
            officers=tuple(
                Officer(
                    first_name=officer.get("first_name", ""),
                    last_name=officer.get("last_name", ""),
                    role=officer.get("role", ""),
                )
                for officer in company.officers
            ),
            is_active=company.is_active,
            head_office=_from_model(head_office, company_name=company.name) if head_office else None,
        )

    def get_establishment(self, siret: str) -> EstablishmentResult | None:
        establishments = Establishment.objects.select_related("company", "commune")
        establishment = establishments.filter(siret=stdnum_siret.compact(siret)).first()
        return _from_model(establishment) if establishment else None


def _from_model(establishment: Establishment, *, company_name: str | None = None) -> EstablishmentResult:
    commune = establishment.commune
    return EstablishmentResult(
        siret=establishment.siret,
        company_name=company_name if company_name is not None else establishment.company.name,
        name=establishment.name,
        address=establishment.address,
        postal_code=establishment.postal_code,
        commune_insee_code=establishment.commune_insee_code,
        commune_name=commune.name if commune else establishment.commune_name,
        naf_code=establishment.naf_code,
        nafa_code=establishment.nafa_code,
        staff_size_code=establishment.staff_size_code,
        idcc_codes=tuple(establishment.idcc_codes),
        is_head_office=establishment.is_head_office,
        is_active=establishment.is_active,
        latitude=establishment.latitude,
        longitude=establishment.longitude,
    )


class RechercheEntreprisesBackend:
    """Client of the public API Recherche d'entreprises (GET /search), with timeouts, retries and a cache.

    The API allows 7 requests per second and answers 429 beyond: we wait as long as its Retry-After says
    when that is short, and give up otherwise rather than keep a person waiting.
    """

    TIMEOUT = httpx.Timeout(5.0, connect=3.0)
    RETRIES = 2
    BACKOFF_SECONDS = 0.5
    MAX_RETRY_AFTER_SECONDS = 3.0
    CACHE_SECONDS = 24 * 60 * 60
    # A company created this morning must not stay unknown for a whole day.
    EMPTY_CACHE_SECONDS = 60 * 60
    MAX_PER_PAGE = 25

    def __init__(
        self,
        *,
        base_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.base_url = (base_url or settings.RECHERCHE_ENTREPRISES_URL).rstrip("/")
        self.transport = transport
        self.sleep = sleep

    def search(self, text: str, limit: int = 10) -> list[EstablishmentResult]:
        text = " ".join(text.split())
        identifier = _identifier(text)
        key = identifier or normalize_search_text(text)
        if not key:
            return []
        cache_key = self._cache_key("search", f"{key}:{limit}")
        cached = cache.get(cache_key)
        if cached is not None:
            return cached
        items = self._fetch({"q": identifier or text, "page": 1, "per_page": min(limit, self.MAX_PER_PAGE)})
        establishments = [establishment for item in items for establishment in _establishments_from_api(item)]
        self._store([_company_from_api(item) for item in items], establishments)
        # A name search is for picking a place where the company works today; a number is typed on purpose.
        found = [establishment for establishment in establishments if identifier or establishment.is_active][:limit]
        cache.set(cache_key, found, self.CACHE_SECONDS if found else self.EMPTY_CACHE_SECONDS)
        return found

    def get_company(self, siren: str) -> CompanyResult | None:
        siren = stdnum_siren.compact(siren)
        if not stdnum_siren.is_valid(siren):
            return None
        return self._lookup("company", siren, lambda items: self._company_in(items, siren))

    def get_establishment(self, siret: str) -> EstablishmentResult | None:
        siret = stdnum_siret.compact(siret)
        if not stdnum_siret.is_valid(siret):
            return None
        return self._lookup("establishment", siret, lambda items: self._establishment_in(items, siret))

    def _lookup(self, kind: str, number: str, pick: Callable[[list[dict]], tuple | None]):
        cache_key = self._cache_key(kind, number)
        cached = cache.get(cache_key, default=_MISSING)
        if cached is not _MISSING:
            return cached
        picked = pick(self._fetch({"q": number, "page": 1, "per_page": 1}))
        result = None
        if picked is not None:
            company, establishments, result = picked
            self._store([company], establishments)
        cache.set(cache_key, result, self.CACHE_SECONDS if result is not None else self.EMPTY_CACHE_SECONDS)
        return result

    @staticmethod
    def _company_in(items: list[dict], siren: str):
        for item in items:
            if item.get("siren") == siren:
                company = _company_from_api(item)
                return company, [company.head_office] if company.head_office else [], company
        return None

    @staticmethod
    def _establishment_in(items: list[dict], siret: str):
        for item in items:
            if item.get("siren") != siret[:9]:
                continue
            company = _company_from_api(item)
            establishments = _establishments_from_api(item)
            if company.head_office:
                establishments.append(company.head_office)
            for establishment in establishments:
                if establishment.siret == siret:
                    return company, establishments, establishment
        return None

    def _cache_key(self, kind: str, key: str) -> str:
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        return f"companies:recherche-entreprises:{kind}:{digest}"

    @staticmethod
    def _store(companies: list[CompanyResult], establishments: list[EstablishmentResult]) -> None:
        with transaction.atomic():
            services.save_companies(companies=companies, source=CompanySource.RECHERCHE_ENTREPRISES)
            services.save_establishments(establishments=establishments, source=CompanySource.RECHERCHE_ENTREPRISES)

    def _fetch(self, params: dict) -> list[dict]:
        """The `results` of GET /search, retrying on network errors, 429 and 5xx."""
        with httpx.Client(
            base_url=self.base_url,
            timeout=self.TIMEOUT,
            transport=self.transport,
            headers={"Accept": "application/json", "User-Agent": f"Relais ({settings.SITE_URL})"},
        ) as client:
            for attempt in range(self.RETRIES + 1):
                delay = self.BACKOFF_SECONDS * 2**attempt
                try:
                    response = client.get("/search", params=params)
                except httpx.TransportError as error:
                    logger.warning("Recherche d'entreprises injoignable (essai %d) : %r", attempt + 1, error)
                else:
                    if response.status_code == 200:
                        try:
                            return response.json().get("results") or []
                        except ValueError:
                            logger.warning("Recherche d'entreprises : réponse illisible")
                            raise RegistryUnavailable() from None
                    if response.status_code in (400, 404):
                        # 400: a query the API does not accept (too short, odd characters); nothing to find.
                        logger.info("Recherche d'entreprises : %s pour %r", response.status_code, params)
                        return []
                    if response.status_code == 429:
                        retry_after = _retry_after_seconds(response)
                        if retry_after is not None:
                            if retry_after > self.MAX_RETRY_AFTER_SECONDS:
                                break
                            delay = retry_after
                    elif response.status_code < 500:
                        logger.error("Recherche d'entreprises : statut inattendu %s", response.status_code)
                        break
                    logger.warning("Recherche d'entreprises : statut %s (essai %d)", response.status_code, attempt + 1)
                if attempt < self.RETRIES:
                    self.sleep(delay)
        raise RegistryUnavailable()


def _retry_after_seconds(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers["Retry-After"]))
    except (KeyError, ValueError):
        return None


def _company_from_api(item: dict) -> CompanyResult:
    siege = item.get("siege") or {}
    name = item.get("nom_complet") or item.get("nom_raison_sociale") or ""
    return CompanyResult(
        siren=item["siren"],
        name=name,
        legal_form_code=item.get("nature_juridique") or "",
        naf_code=item.get("activite_principale") or "",
        creation_date=_date(item.get("date_creation")),
        staff_size_code=_staff_code(item.get("tranche_effectif_salarie")),
        idcc_codes=_idcc_codes((item.get("complements") or {}).get("liste_idcc")),
        officers=tuple(_officer(officer) for officer in item.get("dirigeants") or []),
        is_active=item.get("etat_administratif", "A") == "A",
        head_office=_establishment_from_api(siege, company_name=name) if siege.get("siret") else None,
    )


def _establishments_from_api(item: dict) -> list[EstablishmentResult]:
    """The establishments that matched the query, or the head office; each once."""
    name = item.get("nom_complet") or item.get("nom_raison_sociale") or ""
    raw = item.get("matching_etablissements") or [item.get("siege") or {}]
    by_siret = {}
    for establishment in raw:
        if establishment.get("siret") and establishment["siret"] not in by_siret:
            by_siret[establishment["siret"]] = _establishment_from_api(establishment, company_name=name)
    return list(by_siret.values())


def _establishment_from_api(data: dict, *, company_name: str) -> EstablishmentResult:
    postal_code = data.get("code_postal") or ""
    commune_name = data.get("libelle_commune") or ""
    signs = data.get("liste_enseignes") or []
    return EstablishmentResult(
        siret=data["siret"],
        company_name=company_name,
        name=(signs[0] if signs else data.get("nom_commercial")) or "",
        address=_street_line(data.get("adresse") or "", postal_code),
        postal_code=postal_code,
        commune_insee_code=data.get("commune") or "",
        commune_name=commune_name,
        naf_code=data.get("activite_principale") or "",
        nafa_code=(data.get("activite_principale_registre_metier") or "")[:8],
        staff_size_code=_staff_code(data.get("tranche_effectif_salarie")),
        idcc_codes=_idcc_codes(data.get("liste_idcc")),
        is_head_office=bool(data.get("est_siege")),
        is_active=data.get("etat_administratif", "A") == "A",
        latitude=_float(data.get("latitude")),
        longitude=_float(data.get("longitude")),
    )


def _street_line(address: str, postal_code: str) -> str:
    """ "9 RUE DU COLONEL PIERRE AVIA 75015 PARIS" → "9 RUE DU COLONEL PIERRE AVIA": the API gives one string."""
    if postal_code:
        position = address.rfind(f" {postal_code} ")
        if position == -1 and address.endswith(f" {postal_code}"):
            position = len(address) - len(postal_code) - 1
        if position != -1:
            return address[:position].strip()
    return address.strip()


def _officer(data: dict) -> Officer:
    if data.get("type_dirigeant") == "personne morale":
        return Officer(first_name="", last_name=data.get("denomination") or "", role=data.get("qualite") or "")
    return Officer(
        first_name=data.get("prenoms") or "", last_name=data.get("nom") or "", role=data.get("qualite") or ""
    )


def _staff_code(value) -> str:
    return value if isinstance(value, str) and len(value) <= 2 else ""


def _idcc_codes(value) -> tuple[str, ...]:
    """ "0016" and "16" are the same agreement: IDCC are kept without leading zeros, as the IDCC → OPCO table."""
    if not isinstance(value, list):
        return ()
    return tuple(sorted({normalize_idcc(code) for code in value if normalize_idcc(code)}))


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _float(value) -> float | None:
    # Non-diffusible establishments come with "[NON-DIFFUSIBLE]" instead of coordinates.
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def get_registry() -> OfflineBackend | RechercheEntreprisesBackend:
    backend = settings.COMPANIES_BACKEND
    if backend == "offline":
        return OfflineBackend()
    if backend == "api":
        return RechercheEntreprisesBackend()
    raise ValueError(f"COMPANIES_BACKEND inconnu : {backend!r} (attendu : offline ou api)")
