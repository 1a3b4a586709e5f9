"""Writes a referential read from a source into the tables, in bulk, as an update-or-create."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone

from .geometry import Centre
from .models import Commune, CommuneKind, Department, Epci, PostalCode, ReferentialImport, Region
from .names import normalize_name
from .sources import CommuneRecord, Progress, Referential, locate_from_postal_areas

BATCH_SIZE = 500
UPDATE_BATCH_SIZE = 100


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    postal_codes_created: int = 0
    postal_codes_deleted: int = 0
    without_centre: list[str] = field(default_factory=list)
    outlines: int = 0

    def summary(self) -> str:
        return (
            f"{self.created} communes créées, {self.updated} mises à jour, {self.unchanged} inchangées ; "
            f"codes postaux : {self.postal_codes_created} ajoutés, {self.postal_codes_deleted} retirés ; "
            f"{len(self.without_centre)} sans centre ; {self.outlines} contours de départements"
        )


def is_up_to_date(source: str, checksum: str) -> bool:
    return ReferentialImport.objects.filter(source=source, checksum=checksum).exists()


def _no_progress(iterable: Iterable, description: str, total: int) -> Iterable:
    return iterable


def _chunks(items: list, size: int = BATCH_SIZE) -> list[list]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def _upsert(
    model: type[models.Model],
    key: str,
    wanted: dict[str, dict],
    existing: dict[str, models.Model],
    progress: Progress = _no_progress,
    description: str = "",
) -> tuple[int, int]:
    """Create the missing rows and update the changed ones; `existing` (key → instance) is kept current."""
    to_create, to_update = [], defaultdict(list)
    for code, values in wanted.items():
        instance = existing.get(code)
        if instance is None:
            instance = existing[code] = model(**{key: code}, **values)
            to_create.append(instance)
            continue
        changed = frozenset(name for name, value in values.items() if getattr(instance, name) != value)
        if changed:
            for name in changed:
                setattr(instance, name, values[name])
            to_update[changed].append(instance)
    batches = _chunks(to_create)
    for batch in progress(batches, description, len(batches)) if batches else ():
        model.objects.bulk_create(batch)
    # Grouped by changed fields, in small batches: bulk_update's CASE WHEN costs grow with both.
    for fields, instances in to_update.items():
        for batch in _chunks(instances, UPDATE_BATCH_SIZE):
            model.objects.bulk_update(batch, sorted(fields))
    return len(to_create), sum(map(len, to_update.values()))


def _commune_values(record: CommuneRecord, ids: dict[str, dict[str, int]], parent_id: int | None) -> dict:
    values = {
        "name": record.name,
        "search_name": normalize_name(record.name),
        "kind": record.kind,
        "parent_id": parent_id,
        "department_id": ids["department"][record.department_code],
        "region_id": ids["region"][record.region_code],
        "epci_id": ids["epci"].get(record.epci_siren) if record.epci_siren else None,
    }
    # A source without a value never erases the one another source gave.
    if record.population is not None:
        values["population"] = record.population
    if record.centre:
        values |= {
            "latitude": record.centre.latitude,
            "longitude": record.centre.longitude,
            "centre_source": record.centre_source,
        }
    return values


def _locate_new_communes(records: list[CommuneRecord], existing: dict[str, Commune]) -> None:
    """A commune that no source locates gets the mean centre of the stored communes sharing its postal codes."""
    unlocated = [
        record
        for record in records
        if record.centre is None and (record.insee_code not in existing or existing[record.insee_code].latitude is None)
    ]
    if not unlocated:
        return
    codes_by_id = defaultdict(set)
    for code, commune_id in PostalCode.objects.values_list("code", "commune_id"):
        codes_by_id[commune_id].add(code)
    located = [
        CommuneRecord(
            insee_code=commune.insee_code,
            name=commune.name,
            kind=commune.kind,
            department_code="",
            region_code="",
            postal_codes=codes_by_id[commune.pk],
            centre=Centre(commune.longitude, commune.latitude, 1.0),
        )
        for commune in existing.values()
        if commune.latitude is not None
    ]
    locate_from_postal_areas(unlocated, located)


@transaction.atomic
def import_referential(referential: Referential, progress: Progress = _no_progress) -> ImportResult:
    ids = {}
    regions = {region.insee_code: region for region in Region.objects.all()}
    _upsert(Region, "insee_code", {code: {"name": name} for code, name in referential.regions.items()}, regions)
    ids["region"] = {code: region.pk for code, region in regions.items()}

    departments = {department.insee_code: department for department in Department.objects.all()}
    wanted_departments = {
        code: {"name": name, "region_id": ids["region"][region_code]}
        for code, (name, region_code) in referential.departments.items()
    }
    # A source without outlines (decoupage-administratif) keeps the stored ones.
    for code, outline in referential.outlines.items():
        wanted_departments[code]["outline"] = outline
    _upsert(Department, "insee_code", wanted_departments, departments)
    ids["department"] = {code: department.pk for code, department in departments.items()}

    epcis = {epci.siren: epci for epci in Epci.objects.all()}
    wanted_epcis = {siren: {"name": name, "kind": kind} for siren, (name, kind) in referential.epcis.items()}
    _upsert(Epci, "siren", wanted_epcis, epcis)
    ids["epci"] = {siren: epci.pk for siren, epci in epcis.items()}

    communes = {commune.insee_code: commune for commune in Commune.objects.all()}
    _locate_new_communes(referential.communes, communes)
    result = ImportResult(outlines=len(referential.outlines))
    # Communes before arrondissements, whose parent must have an id.
    for kind in (CommuneKind.COMMUNE, CommuneKind.ARRONDISSEMENT):
        wanted = {}
        for record in referential.communes:
            if record.kind == kind:
                parent = communes.get(record.parent_code) if record.parent_code else None
                wanted[record.insee_code] = _commune_values(record, ids, parent.pk if parent else None)
        created, updated = _upsert(
            Commune, "insee_code", wanted, communes, progress, f"Enregistrement ({CommuneKind(kind).label.lower()})"
        )
        result.created += created
        result.updated += updated
    result.unchanged = len(referential.communes) - result.created - result.updated
    result.without_centre = sorted(
        record.insee_code for record in referential.communes if communes[record.insee_code].latitude is None
    )

    _sync_postal_codes(referential.communes, communes, result)
    ReferentialImport.objects.update_or_create(
        source=referential.source,
        defaults={"checksum": referential.checksum, "imported_at": timezone.now(), "summary": result.summary()},
    )
    return result


def _sync_postal_codes(records: list[CommuneRecord], communes: dict[str, Commune], result: ImportResult) -> None:
    """Make the links of the imported communes those of the source; a commune the source gives no postal code
    keeps its own."""
    wanted = {(code, communes[record.insee_code].pk) for record in records for code in record.postal_codes}
    synced_ids = {commune_id for _code, commune_id in wanted}
    stored = {
        (code, commune_id): pk
        for pk, code, commune_id in PostalCode.objects.values_list("pk", "code", "commune_id")
        if commune_id in synced_ids
    }
    obsolete = [pk for link, pk in stored.items() if link not in wanted]
    for batch in _chunks(obsolete):
        PostalCode.objects.filter(pk__in=batch).delete()
    missing = [PostalCode(code=code, commune_id=commune_id) for code, commune_id in sorted(wanted - stored.keys())]
    PostalCode.objects.bulk_create(missing, batch_size=BATCH_SIZE)
    result.postal_codes_created, result.postal_codes_deleted = len(missing), len(obsolete)
