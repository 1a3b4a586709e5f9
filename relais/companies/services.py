"""Writes into the local company tables: the one path used by the API client, the SIRENE import and the demo."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import timezone

from relais.territories.models import Commune

from .enums import CompanySource
from .models import Company, Establishment, establishment_search_name, normalize_search_text

if TYPE_CHECKING:
    from .registry import CompanyResult, EstablishmentResult

COMPANY_UPDATE_FIELDS = [
    "name",
    "search_name",
    "legal_form_code",
    "naf_code",
    "creation_date",
    "staff_size_code",
    "activity_natures",
    "idcc_codes",
    "officers",
    "is_active",
    "source",
    "fetched_at",
]
ESTABLISHMENT_UPDATE_FIELDS = [
    "company",
    "name",
    "search_name",
    "address",
    "postal_code",
    "commune",
    "commune_insee_code",
    "commune_name",
    "naf_code",
    "nafa_code",
    "staff_size_code",
    "idcc_codes",
    "is_head_office",
    "is_active",
    "latitude",
    "longitude",
]


def save_companies(*, companies: Iterable[CompanyResult], source: CompanySource) -> int:
    """Insert or update the companies by SIREN; return how many rows were written."""
    now = timezone.now()
    # One row per key: PostgreSQL refuses an upsert that touches the same row twice.
    rows = {
        company.siren: Company(
            siren=company.siren,
            name=company.name[:255],
            search_name=normalize_search_text(company.name)[:255],
            legal_form_code=company.legal_form_code,
            naf_code=company.naf_code,
            creation_date=company.creation_date,
            staff_size_code=company.staff_size_code,
            activity_natures=list(company.activity_natures),
            idcc_codes=list(company.idcc_codes),
            officers=[dataclasses.asdict(officer) for officer in company.officers],
            is_active=company.is_active,
            source=source,
            fetched_at=now,
        )
        for company in companies
    }
    if not rows:
        return 0
    update_fields = COMPANY_UPDATE_FIELDS
    if source == CompanySource.SIRENE_STOCK:
        # The stock file has no officers, natures nor collective agreements: keep those another source gave.
        update_fields = [
            field for field in update_fields if field not in {"officers", "activity_natures", "idcc_codes"}
        ]
    Company.objects.bulk_create(
        rows.values(), update_conflicts=True, unique_fields=["siren"], update_fields=update_fields
    )
    return len(rows)


def save_establishments(*, establishments: Iterable[EstablishmentResult], source: CompanySource) -> int:
    """Insert or update the establishments by SIRET; those whose company is not stored are skipped.

    Return how many rows were written.
    """
    results = {establishment.siret: establishment for establishment in establishments}
    if not results:
        return 0
    company_names = dict(
        Company.objects.filter(siren__in={result.siren for result in results.values()}).values_list("siren", "name")
    )
    communes = dict(
        Commune.objects.filter(
            insee_code__in={result.commune_insee_code for result in results.values() if result.commune_insee_code}
        ).values_list("insee_code", "id")
    )
    rows = [
        Establishment(
            siret=result.siret,
            company_id=result.siren,
            name=result.name[:255],
            search_name=establishment_search_name(
                company_name=company_names[result.siren],
                name=result.name,
                postal_code=result.postal_code,
                commune_name=result.commune_name,
            ),
            address=result.address[:255],
            postal_code=result.postal_code[:10],
            commune_id=communes.get(result.commune_insee_code),
            commune_insee_code=result.commune_insee_code,
            commune_name=result.commune_name[:100],
            naf_code=result.naf_code,
            nafa_code=result.nafa_code,
            staff_size_code=result.staff_size_code,
            idcc_codes=list(result.idcc_codes),
            is_head_office=result.is_head_office,
            is_active=result.is_active,
            latitude=result.latitude,
            longitude=result.longitude,
        )
        for result in results.values()
        if result.siren in company_names
    ]
    if not rows:
        return 0
    update_fields = ESTABLISHMENT_UPDATE_FIELDS
    if source == CompanySource.SIRENE_STOCK:
        # The stock file gives Lambert 93 coordinates only and no collective agreement: keep those another source gave.
        update_fields = [field for field in update_fields if field not in {"latitude", "longitude", "idcc_codes"}]
    Establishment.objects.bulk_create(rows, update_conflicts=True, unique_fields=["siret"], update_fields=update_fields)
    return len(rows)


def record_idcc_codes(*, by_siret: dict[str, set[str]]) -> int:
    """Set the collective agreements of the known establishments of `by_siret`, and add them to their companies.

    Return how many establishments were updated.
    """
    establishments = list(Establishment.objects.filter(siret__in=by_siret).only("siret", "company_id", "idcc_codes"))
    by_company: dict[str, set[str]] = {}
    for establishment in establishments:
        establishment.idcc_codes = sorted(by_siret[establishment.siret], key=int)
        by_company.setdefault(establishment.company_id, set()).update(establishment.idcc_codes)
    Establishment.objects.bulk_update(establishments, ["idcc_codes"])
    companies = list(Company.objects.filter(siren__in=by_company).only("siren", "idcc_codes"))
    for company in companies:
        company.idcc_codes = sorted(set(company.idcc_codes) | by_company[company.siren], key=int)
    Company.objects.bulk_update(companies, ["idcc_codes"])
    return len(establishments)
