"""Exports of needs and matches as CSV and XLSX, row by row so that memory does not grow with the row count.

Both formats read the same `values_list(...).iterator(chunk_size=...)`: rows come from the database by chunks
(a server-side cursor on PostgreSQL) and are written out one by one, never held in a list. Text cells are
neutralised against formulas (relais.core.exports).
"""

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce
from openpyxl import Workbook

from relais.core.exports import neutralize

from ..enums import MatchStatus, NeedStatus
from .statistics import PARIS, UNKNOWN_REGION, StatsScope, scoped_matches, transmitted_needs

CHUNK_SIZE = 2000
# Excel opens a UTF-8 CSV as Windows-1252 unless it starts with a byte order mark.
UTF8_BOM = "\ufeff"
# French spreadsheets use the comma as decimal separator, so Excel in French splits CSV columns on ";".
CSV_DELIMITER = ";"

NEED_STATUSES = dict(NeedStatus.choices)
MATCH_STATUSES = dict(MatchStatus.choices)


@dataclass(frozen=True)
class Export:
    """One export: its columns and, for each database row, the cells in the same order."""

    name: str
    sheet_title: str
    headers: tuple[str, ...]
    queryset: QuerySet
    fields: tuple[str, ...]

    def rows(self, progress: Callable[[int], None] | None = None) -> Iterator[tuple]:
        """The rows, cells neutralised; `progress` is told the count of rows written every CHUNK_SIZE rows."""
        statuses = {"need_status": NEED_STATUSES, "match_status": MATCH_STATUSES}
        positions = {index: statuses[field] for index, field in enumerate(self.fields) if field in statuses}
        values_iterator = self.queryset.values_list(*self.fields).iterator(chunk_size=CHUNK_SIZE)
        for count, values in enumerate(values_iterator, start=1):
            row = list(values)
            for index, labels in positions.items():
                row[index] = labels.get(row[index], row[index])
            yield tuple(neutralize(_local(value)) for value in row)
            if progress and count % CHUNK_SIZE == 0:
                progress(count)


def _local(value):
    # Dates as people in France read them; openpyxl cannot write time-zone-aware datetimes anyway.
    if isinstance(value, datetime.datetime):
        return value.astimezone(PARIS).replace(tzinfo=None, microsecond=0)
    return "" if value is None else value


COMMON_HEADERS = ("Date", "Entreprise", "SIRET", "Région", "Thème", "Sujet", "Statut du besoin")


def _company_columns(prefix: str) -> dict:
    return {
        "need_created_at": F(f"{prefix}created_at"),
        "company": Coalesce(
            F(f"{prefix}diagnosis__establishment__company__name"),
            F(f"{prefix}diagnosis__solicitation__establishment__company__name"),
        ),
        "siret": Coalesce(F(f"{prefix}diagnosis__establishment__siret"), F(f"{prefix}diagnosis__solicitation__siret")),
        "region": Coalesce(F(f"{prefix}diagnosis__establishment__commune__region__name"), Value(UNKNOWN_REGION)),
        "theme": F(f"{prefix}subject__theme__label"),
        "subject_label": F(f"{prefix}subject__label"),
        "need_status": F(f"{prefix}status"),
    }


def needs_export(scope: StatsScope) -> Export:
    """One row per need transmitted in the period, with its first transmission, first take-charge, last closing."""
    queryset = transmitted_needs(scope).annotate(**_company_columns("")).order_by("first_sent_at", "pk")
    return Export(
        name="besoins",
        sheet_title="Besoins",
        headers=(*COMMON_HEADERS, "Première transmission", "Première prise en charge", "Dernière clôture"),
        queryset=queryset,
        fields=(
            "need_created_at",
            "company",
            "siret",
            "region",
            "theme",
            "subject_label",
            "need_status",
            "first_sent_at",
            "first_taken_at",
            "last_closed_at",
        ),  # fmt: skip
    )


def matches_export(scope: StatsScope) -> Export:
    """One row per match sent in the period, to the teams of the scope."""
    queryset = scoped_matches(scope).filter(sent_at__gte=scope.start_at, sent_at__lt=scope.end_before)
    if scope.region_code:
        queryset = queryset.filter(need__diagnosis__establishment__commune__region__insee_code=scope.region_code)
    if scope.subject is not None:
        queryset = queryset.filter(need__subject=scope.subject)
    if scope.source:
        queryset = queryset.filter(need__diagnosis__solicitation__source=scope.source)
    queryset = queryset.annotate(
        **_company_columns("need__"),
        match_status=F("status"),
        expert_name=F("expert__name"),
        antenne_name=F("expert__antenne__name"),
        institution_name=F("expert__antenne__institution__name"),
    ).order_by("sent_at", "pk")
    return Export(
        name="mises-en-relation",
        sheet_title="Mises en relation",
        headers=(
            *COMMON_HEADERS,
            "Statut de la mise en relation",
            "Expert",
            "Antenne",
            "Institution",
            "Transmise le",
            "Prise en charge le",
            "Clôturée le",
        ),  # fmt: skip
        queryset=queryset,
        fields=(
            "need_created_at",
            "company",
            "siret",
            "region",
            "theme",
            "subject_label",
            "need_status",
            "match_status",
            "expert_name",
            "antenne_name",
            "institution_name",
            "sent_at",
            "taken_care_of_at",
            "closed_at",
        ),  # fmt: skip
    )


class _Echo:
    """csv.writer writes into this and gets the line back, so each line can be yielded to the response."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value):
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return value


def csv_lines(export: Export, progress: Callable[[int], None] | None = None) -> Iterable[str]:
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER)
    yield UTF8_BOM + writer.writerow(export.headers)
    for row in export.rows(progress):
        yield writer.writerow([_csv_cell(value) for value in row])


def write_xlsx(export: Export, progress: Callable[[int], None] | None = None) -> tempfile.SpooledTemporaryFile:
    """The workbook in a temporary file, positioned at its start.

    A write-only workbook streams each appended row to disk instead of keeping cell objects: memory stays bounded
    by the distinct strings (openpyxl's shared strings table), not by the row count. The file spills to disk past
    a few megabytes and disappears once the response closes it.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(export.sheet_title)
    sheet.append(export.headers)
    for row in export.rows(progress):
        sheet.append(row)
    # Not a `with` block: FileResponse owns the file from here and closes it once sent.
    output = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return output
