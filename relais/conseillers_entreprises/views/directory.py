"""Coverage of the territory by the directory, per subject, for support: where would a need find no team?

Coverage is territory and subject only (active teams holding the subject through their institution, in their
zones); match filters and absences depend on the company and the day, so they are left out. Arrondissements are
not counted: their parent commune is.
"""

from django import forms
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404, render
from dsfr.forms import DsfrBaseForm

from relais.territories.models import Commune, CommuneKind, Department

from ..enums import TerritorialLevel, ZoneType
from ..models import Expert, ExpertSubject, Subject, TerritorialZone
from ..permissions import support_required

ZONE_LOOKUPS = {
    ZoneType.COMMUNE: "insee_code__in",
    ZoneType.EPCI: "epci__siren__in",
    ZoneType.DEPARTMENT: "department__insee_code__in",
    ZoneType.REGION: "region__insee_code__in",
}


class CoverageForm(DsfrBaseForm):
    subject = forms.ModelChoiceField(
        label="Sujet",
        queryset=Subject.objects.filter(is_archived=False, is_other_need=False),
        to_field_name="slug",
        empty_label="Choisir un sujet",
    )


def _covered_q(subject: Subject) -> Q | None:
    """Communes covered by at least one active team holding the subject; None when a national team covers all."""
    holders = ExpertSubject.objects.filter(
        institution_subject__subject=subject,
        institution_subject__institution=F("expert__antenne__institution"),
    ).values("expert_id")
    experts = Expert.objects.filter(
        pk__in=holders, is_active=True, antenne__is_active=True, antenne__institution__is_active=True
    )
    if experts.filter(has_own_zones=False, antenne__territorial_level=TerritorialLevel.NATIONAL).exists():
        return None
    zones = TerritorialZone.objects.filter(
        Q(expert__in=experts.filter(has_own_zones=True))
        | Q(antenne__in=experts.filter(has_own_zones=False).values("antenne_id"))
    )
    codes: dict[str, set[str]] = {zone_type: set() for zone_type in ZONE_LOOKUPS}
    for zone_type, code in zones.values_list("zone_type", "code").distinct():
        codes[zone_type].add(code)
    covered = Q(pk__in=[])
    for zone_type, lookup in ZONE_LOOKUPS.items():
        if codes[zone_type]:
            covered |= Q(**{lookup: sorted(codes[zone_type])})
    return covered


def _per_department(communes) -> dict[int, int]:
    return dict(communes.order_by().values_list("department_id").annotate(count=Count("pk")))


@support_required
def coverage(request):
    """Departments with their count of communes where no team covers the chosen subject."""
    form = CoverageForm(request.GET or None)
    subject = rows = None
    total = uncovered = 0
    if form.is_valid():
        subject = form.cleaned_data["subject"]
        communes = Commune.objects.filter(kind=CommuneKind.COMMUNE)
        covered_q = _covered_q(subject)
        totals = _per_department(communes)
        covered = totals if covered_q is None else _per_department(communes.filter(covered_q))
        rows = []
        for department in Department.objects.select_related("region").order_by("insee_code"):
            count = totals.get(department.pk, 0)
            rows.append((department, count, count - covered.get(department.pk, 0)))
        total = sum(row[1] for row in rows)
        uncovered = sum(row[2] for row in rows)
    return render(
        request,
        "conseillers_entreprises/directory/coverage.html",
        {"form": form, "subject": subject, "rows": rows, "total": total, "uncovered": uncovered},
    )


@support_required
def coverage_department(request, subject_slug, department_code):
    """The communes of one department where no team covers the subject."""
    subject = get_object_or_404(Subject, slug=subject_slug)
    department = get_object_or_404(Department.objects.select_related("region"), insee_code=department_code)
    communes = Commune.objects.filter(kind=CommuneKind.COMMUNE, department=department).select_related("epci")
    covered_q = _covered_q(subject)
    if covered_q is None:
        communes = communes.none()
    else:
        communes = communes.exclude(pk__in=Commune.objects.filter(covered_q).values("pk"))
    return render(
        request,
        "conseillers_entreprises/directory/coverage_department.html",
        {"subject": subject, "department": department, "communes": list(communes.order_by("name", "insee_code"))},
    )
