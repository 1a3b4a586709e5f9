"""The structure's space: its matches nearest first, a candidate's page, the recruitment."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from relais.core.navigation import Tab
from relais.core.uploads import file_response
from relais.organizations.models import AccessRequest

from .. import matching, services
from ..catalogue import SERVICE_SLUG
from ..enums import MatchStatus, StructureStatus
from ..forms import ContractForm, MatchFilterForm, MatchStatusForm, MissionForm, PlaceForm, RuptureForm, commune_label
from ..models import Candidate, HostStructure, RecruitmentMatch
from ..permissions import candidate_for_structure, structure_for_member
from ..querysets import distance_expression

PAGE_SIZE = 20
TABS = (
    (MatchStatus.NEW, "Nouvelles"),
    (MatchStatus.PRESELECTED, "Présélectionnées"),
    (MatchStatus.NOT_RETAINED, "Non retenues"),
    (MatchStatus.VALIDATED, "Candidatures validées"),
    (MatchStatus.RECRUITED, "Recrutées"),
    (MatchStatus.RUPTURED, "Contrats rompus"),
)


def my_structures(request):
    structures = HostStructure.objects.of_user(request.user).select_related("commune").order_by("name")
    # Asked of an organisation's access managers (a contact whose organisation already had structures).
    requests = (
        AccessRequest.objects.pending()
        .filter(membership__user=request.user, service__slug=SERVICE_SLUG)
        .select_related("membership__organization")
    )
    return render(
        request, "conseiller_numerique/my_structures.html", {"structures": structures, "access_requests": requests}
    )


def structure_matches(request, structure_id):
    structure = structure_for_member(request.user, structure_id)
    tab = request.GET.get("statut", MatchStatus.NEW)
    if tab not in MatchStatus.values:
        tab = MatchStatus.NEW
    filters = MatchFilterForm(request.GET or None)
    today = timezone.localdate()
    if tab == MatchStatus.NEW:
        rows = filters.apply(Candidate.objects.new_for_structure(structure, today=today)).select_related("commune")
    else:
        rows = filters.apply(
            Candidate.objects.filter(matches__structure=structure, matches__status=tab)
            .prefetch_related("commune")
            .annotate(distance=distance_expression(structure.latitude, structure.longitude))
            .order_by("distance", "pk")
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    recruited = RecruitmentMatch.objects.filter(structure=structure, status=MatchStatus.RECRUITED).count()
    return render(
        request,
        "conseiller_numerique/structure_matches.html",
        {
            "structure": structure,
            "page": page,
            "filters": filters,
            "tab": tab,
            "tabs": [Tab(label, f"?statut={status.value}", status == tab) for status, label in TABS],
            "recruited": recruited,
            "today": today,
            "deadline": max(structure.mission_start, today),
            "validated": structure.status == StructureStatus.VALIDATED,
        },
    )


def structure_candidate(request, structure_id, candidate_id):
    structure = structure_for_member(request.user, structure_id)
    candidate = candidate_for_structure(structure, candidate_id)
    match = RecruitmentMatch.objects.filter(structure=structure, candidate=candidate).first()
    distance = matching.distance_km(
        (candidate.latitude, candidate.longitude), (structure.latitude, structure.longitude)
    )
    return render(
        request,
        "conseiller_numerique/structure_candidate.html",
        {
            "structure": structure,
            "candidate": candidate,
            "match": match,
            "status": MatchStatus(match.status) if match else MatchStatus.NEW,
            "distance": distance,
            "deadline": max(structure.mission_start, timezone.localdate()),
            "contract_form": ContractForm(),
        },
    )


def structure_candidate_cv(request, structure_id, candidate_id):
    structure = structure_for_member(request.user, structure_id)
    candidate = candidate_for_structure(structure, candidate_id)
    if not candidate.cv:
        raise Http404
    return file_response(candidate.cv, filename=f"CV {candidate.full_name}.pdf")


@require_POST
def structure_candidate_status(request, structure_id, candidate_id):
    structure = structure_for_member(request.user, structure_id)
    candidate = candidate_for_structure(structure, candidate_id)
    form = MatchStatusForm(request.POST)
    if form.is_valid():
        try:
            services.change_status(
                actor=request.user,
                structure=structure,
                candidate=candidate,
                status=MatchStatus(form.cleaned_data["status"]),
            )
        except services.TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Le statut de la mise en relation est enregistré.")
    return redirect("conseiller_numerique:structure_candidate", structure.public_id, candidate.public_id)


def structure_candidate_contract(request, structure_id, candidate_id):
    structure = structure_for_member(request.user, structure_id)
    candidate = candidate_for_structure(structure, candidate_id)
    form = ContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.validate_candidacy(
                actor=request.user, structure=structure, candidate=candidate, **form.cleaned_data
            )
        except services.TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "La candidature est validée avec son contrat.")
            return redirect("conseiller_numerique:structure_candidate", structure.public_id, candidate.public_id)
    return render(
        request,
        "conseiller_numerique/contract_form.html",
        {"structure": structure, "candidate": candidate, "form": form},
    )


@require_POST
def structure_candidate_recruit(request, structure_id, candidate_id):
    structure = structure_for_member(request.user, structure_id)
    candidate = candidate_for_structure(structure, candidate_id)
    try:
        services.recruit(actor=request.user, structure=structure, candidate=candidate)
    except services.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{candidate.full_name} est recruté(e).")
    return redirect("conseiller_numerique:structure_candidate", structure.public_id, candidate.public_id)


def structure_rupture(request, structure_id, match_id):
    structure = structure_for_member(request.user, structure_id)
    match = get_object_or_404(
        RecruitmentMatch.objects.select_related("candidate"),
        public_id=match_id,
        structure=structure,
        status=MatchStatus.RECRUITED,
    )
    form = RuptureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_contract(actor=request.user, match=match, **form.cleaned_data)
        except services.TransitionError as error:
            form.add_error("date", str(error))
        else:
            messages.success(request, "La rupture du contrat est enregistrée.")
            return redirect("conseiller_numerique:structure_matches", structure.public_id)
    return render(
        request, "conseiller_numerique/rupture_form.html", {"structure": structure, "match": match, "form": form}
    )


def structure_mission(request, structure_id):
    structure = structure_for_member(request.user, structure_id)
    form = MissionForm(
        request.POST or None,
        initial={"mission_start": structure.mission_start, "commune": commune_label(structure.commune)},
    )
    if request.method == "POST" and form.is_valid():
        services.update_mission(actor=request.user, structure=structure, **form.cleaned_data)
        messages.success(request, "La mission est mise à jour : les candidats proposés suivent.")
        return redirect("conseiller_numerique:structure_matches", structure.public_id)
    return render(request, "conseiller_numerique/mission_form.html", {"structure": structure, "form": form})


def _advisor_of(structure, candidate_id) -> Candidate:
    return get_object_or_404(
        Candidate.objects.filter(matches__structure=structure, matches__status=MatchStatus.RECRUITED),
        public_id=candidate_id,
    )


def structure_advisors(request, structure_id):
    structure = structure_for_member(request.user, structure_id)
    advisors = (
        Candidate.objects.filter(matches__structure=structure, matches__status=MatchStatus.RECRUITED)
        .prefetch_related("places__commune")
        .order_by("last_name", "first_name")
    )
    return render(
        request, "conseiller_numerique/structure_advisors.html", {"structure": structure, "advisors": advisors}
    )


def structure_place_create(request, structure_id, candidate_id):
    structure = structure_for_member(request.user, structure_id)
    advisor = _advisor_of(structure, candidate_id)
    form = PlaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.save_place(advisor=advisor, place=None, data=form.cleaned_data, actor=request.user)
        messages.success(request, f"Le lieu d'activité de {advisor.full_name} est enregistré.")
        return redirect("conseiller_numerique:structure_advisors", structure.public_id)
    return render(
        request,
        "conseiller_numerique/place_form.html",
        {
            "form": form,
            "place": None,
            "cancel_url": reverse("conseiller_numerique:structure_advisors", args=[structure.public_id]),
        },
    )
