"""Export of the directory in the import's CSV format (services/directory_csv.py): importing the file back changes
nothing. Teams are read by pages with their relations prefetched, so memory does not grow with the directory."""

import csv
from collections.abc import Iterator

from django.db.models import Prefetch

from relais.core.exports import neutralize_row

from ..models import Expert, ExpertSubject, MatchFilter
from .directory_csv import (
    COLUMNS,
    format_active,
    format_filters,
    format_level,
    format_people,
    format_zones,
)
from .directory_import import filter_specs

PAGE_SIZE = 500


def _filters(lookup: str) -> Prefetch:
    return Prefetch(lookup, queryset=MatchFilter.objects.prefetch_related("subjects").order_by("pk"))


def directory_rows() -> Iterator[list[str]]:
    """The header, then one row per team, ordered by institution, antenne and team."""
    yield list(COLUMNS)
    teams = (
        Expert.objects.select_related("antenne__institution")
        .prefetch_related(
            "zones",
            "users",
            "antenne__zones",
            "antenne__managers",
            _filters("match_filters"),
            _filters("antenne__match_filters"),
            _filters("antenne__institution__match_filters"),
            Prefetch(
                "expert_subjects",
                queryset=ExpertSubject.objects.select_related("institution_subject__subject").order_by(
                    "institution_subject__subject__slug"
                ),
            ),
        )
        .order_by("antenne__institution__name", "antenne__name", "name", "pk")
    )
    for team in teams.iterator(chunk_size=PAGE_SIZE):
        antenne = team.antenne
        institution = antenne.institution
        held = list(team.expert_subjects.all())
        yield neutralize_row(
            [
                institution.name,
                institution.siren,
                " ".join(institution.categories),
                format_active(institution.is_active),
                format_filters(filter_specs(institution.match_filters.all())),
                antenne.name,
                format_level(antenne.territorial_level),
                format_zones((zone.zone_type, zone.code) for zone in antenne.zones.all()),
                format_active(antenne.is_active),
                format_people(antenne.managers.all()),
                format_filters(filter_specs(antenne.match_filters.all())),
                team.name,
                team.email,
                team.phone,
                format_zones((zone.zone_type, zone.code) for zone in team.zones.all()),
                format_active(team.is_active),
                format_filters(filter_specs(team.match_filters.all())),
                ";".join(item.institution_subject.subject.slug for item in held),
                # One criteria cell per row: the import gives it to every subject of the team.
                next((item.intervention_criteria for item in held if item.intervention_criteria), ""),
                format_people(team.users.all()),
            ]
        )


def write_directory(file) -> int:
    """Write the directory to an open text file; return the number of teams written."""
    writer = csv.writer(file)
    count = -1
    for row in directory_rows():
        writer.writerow(row)
        count += 1
    return count
