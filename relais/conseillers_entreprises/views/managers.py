"""Pages of an antenne manager: their antennes, the needs of each antenne's teams, its agents and their absences.

Antennes and absences appear in URLs by their public UUID, and every view looks the antenne up among the antennes
the user manages, so that anyone else (another antenne's manager, an agent) gets a 404 that says nothing.
"""

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from relais.accounts.models import User
from relais.core.navigation import Tab

from ..enums import TAKEN_STATUSES, MatchStatus
from ..forms.managers import AbsenceForm
from ..models import Absence, Antenne, Expert, Match
from ..services.absences import add_absence, remove_absence
from ..services.inbox import count_statuses
from .inbox import matches_page


def antennes(request):
    managed = list(
        request.user.managed_antennes.select_related("institution")
        .annotate(team_count=Count("experts"))
        .order_by("institution__name", "name")
    )
    return render(request, "conseillers_entreprises/managers/antennes.html", {"antennes": managed})


def antenne_detail(request, public_id):
    antenne = _managed_antenne(request.user, public_id)
    matches = Match.objects.sent_to(Expert.objects.filter(antenne=antenne).values("pk"))
    counts = count_statuses(matches)
    total = sum(counts.values())
    taken = sum(counts[status] for status in TAKEN_STATUSES)
    context = {
        "antenne": antenne,
        "total": total,
        "status_counts": [(label, counts[value]) for value, label in MatchStatus.choices],
        "taken_share": round(100 * taken / total) if total else None,
        "antenne_tabs": _antenne_tabs(antenne, "besoins"),
        **matches_page(request, matches),
    }
    return render(request, "conseillers_entreprises/managers/antenne.html", context)


def antenne_agents(request, public_id):
    antenne = _managed_antenne(request.user, public_id)
    agents = _agents(antenne)
    form = AbsenceForm(request.POST or None, agents=agents)
    if request.method == "POST" and form.is_valid():
        agent = form.cleaned_data["agent"]
        add_absence(
            user=agent,
            starts_on=form.cleaned_data["starts_on"],
            ends_on=form.cleaned_data["ends_on"],
            actor=request.user,
        )
        messages.success(request, f"L’absence de {agent.get_full_name() or agent.email} est enregistrée.")
        return redirect("conseillers_entreprises:antenne_agents", public_id=antenne.public_id)
    today = timezone.localdate()
    agents = agents.prefetch_related(
        Prefetch("absences", queryset=Absence.objects.filter(ends_on__gte=today).order_by("starts_on")),
        Prefetch("experts", queryset=Expert.objects.filter(antenne=antenne).order_by("name"), to_attr="antenne_teams"),
    )
    context = {
        "antenne": antenne,
        "agents": agents,
        "form": form,
        "today": today,
        "antenne_tabs": _antenne_tabs(antenne, "agents"),
    }
    return render(request, "conseillers_entreprises/managers/agents.html", context, status=400 if form.errors else 200)


@require_POST
def absence_delete(request, public_id, absence_id):
    antenne = _managed_antenne(request.user, public_id)
    absence = get_object_or_404(
        Absence.objects.select_related("user"), public_id=absence_id, user__in=_agents(antenne).values("pk")
    )
    remove_absence(absence=absence, actor=request.user)
    messages.success(request, f"L’absence de {absence.user.get_full_name() or absence.user.email} est supprimée.")
    return redirect("conseillers_entreprises:antenne_agents", public_id=antenne.public_id)


def _antenne_tabs(antenne: Antenne, current: str) -> list[Tab]:
    pages = (("besoins", "Besoins", "antenne"), ("agents", "Agents et absences", "antenne_agents"))
    return [
        Tab(label, reverse(f"conseillers_entreprises:{name}", args=[antenne.public_id]), active=slug == current)
        for slug, label, name in pages
    ]


def _managed_antenne(user, public_id) -> Antenne:
    return get_object_or_404(user.managed_antennes.select_related("institution"), public_id=public_id)


def _agents(antenne: Antenne):
    return User.objects.filter(experts__antenne=antenne).distinct().order_by("last_name", "first_name", "email")
