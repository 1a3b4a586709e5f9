"""Pages of an antenne manager: their antennes, the needs of each antenne's teams, its agents and their absences.

An antenne has no public UUID: its pages use its primary key, and every view looks it up among the antennes the
user manages, so that anyone else (another antenne's manager, an agent) gets a 404 that says nothing.
"""

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from relais.accounts.models import User

from ..enums import MatchStatus
from ..forms.managers import AbsenceForm
from ..models import Absence, Antenne, Expert
from ..services.absences import add_absence, remove_absence
from ..services.inbox import TAKEN_STATUSES, count_statuses, sent_matches
from .inbox import matches_page


def antennes(request):
    managed = list(
        request.user.managed_antennes.select_related("institution")
        .annotate(team_count=Count("experts"))
        .order_by("institution__name", "name")
    )
    return render(request, "conseillers_entreprises/managers/antennes.html", {"antennes": managed})


def antenne_detail(request, pk):
    antenne = _managed_antenne(request.user, pk)
    matches = sent_matches(expert_ids=Expert.objects.filter(antenne=antenne).values("pk"))
    counts = count_statuses(matches)
    total = sum(counts.values())
    taken = sum(counts[status] for status in TAKEN_STATUSES)
    context = {
        "antenne": antenne,
        "total": total,
        "status_counts": [(label, counts[value]) for value, label in MatchStatus.choices],
        "taken_share": round(100 * taken / total) if total else None,
        **matches_page(request, matches),
    }
    return render(request, "conseillers_entreprises/managers/antenne.html", context)


def antenne_agents(request, pk):
    antenne = _managed_antenne(request.user, pk)
    agents = _agents(antenne)
    form = AbsenceForm(request.POST or None, agents=agents)
    if request.method == "POST" and form.is_valid():
        agent = form.cleaned_data["agent"]
        add_absence(
            user=agent,
            starts_on=form.cleaned_data["starts_on"],
            ends_on=form.cleaned_data["ends_on"],
            created_by=request.user,
        )
        messages.success(request, f"L’absence de {agent.get_full_name() or agent.email} est enregistrée.")
        return redirect("conseillers_entreprises:antenne_agents", pk=antenne.pk)
    today = timezone.localdate()
    agents = agents.prefetch_related(
        Prefetch("absences", queryset=Absence.objects.filter(ends_on__gte=today).order_by("starts_on")),
        Prefetch("experts", queryset=Expert.objects.filter(antenne=antenne).order_by("name"), to_attr="antenne_teams"),
    )
    context = {"antenne": antenne, "agents": agents, "form": form, "today": today}
    return render(request, "conseillers_entreprises/managers/agents.html", context, status=400 if form.errors else 200)


@require_POST
def absence_delete(request, pk, absence_pk):
    antenne = _managed_antenne(request.user, pk)
    absence = get_object_or_404(
        Absence.objects.select_related("user"), pk=absence_pk, user__in=_agents(antenne).values("pk")
    )
    remove_absence(absence=absence)
    messages.success(request, f"L’absence de {absence.user.get_full_name() or absence.user.email} est supprimée.")
    return redirect("conseillers_entreprises:antenne_agents", pk=antenne.pk)


def _managed_antenne(user, pk) -> Antenne:
    return get_object_or_404(user.managed_antennes.select_related("institution"), pk=pk)


def _agents(antenne: Antenne):
    return User.objects.filter(experts__antenne=antenne).distinct().order_by("last_name", "first_name", "email")
