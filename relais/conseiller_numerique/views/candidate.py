"""The candidate's space (and the advisor's, once recruited)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from relais.core.phones import format_phone
from relais.core.uploads import file_response

from .. import services
from ..forms import AdvisorProfileForm, CandidateUpdateForm, PlaceForm, commune_label
from ..models import ActivityPlace, RecruitmentMatch
from ..permissions import candidate_of


def _candidate(request):
    candidate = candidate_of(request.user)
    if candidate is None:
        raise Http404
    return candidate


def candidate_space(request):
    candidate = _candidate(request)
    situations = [name for name in ("job_seeker", "employed", "in_training") if getattr(candidate, f"is_{name}")]
    initial = {
        "situations": situations,
        "available_from": candidate.available_from,
        "max_distance_km": candidate.max_distance_km,
        "phone": format_phone(candidate.phone),
        "commune": commune_label(candidate.commune),
    }
    form = CandidateUpdateForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_candidate(
            candidate=candidate,
            actor=request.user,
            data={
                **form.situation_data(),
                **{k: form.cleaned_data[k] for k in ("phone", "available_from", "max_distance_km")},
            },
            commune=form.cleaned_data["commune"],
            cv=form.cleaned_data["cv"],
        )
        messages.success(request, "Votre candidature est mise à jour.")
        return redirect("conseiller_numerique:candidate_space")
    recruitment = (
        RecruitmentMatch.objects.filter(candidate=candidate, status="recruited").select_related("structure").first()
    )
    return render(
        request,
        "conseiller_numerique/candidate_space.html",
        {"candidate": candidate, "form": form, "recruitment": recruitment},
    )


@require_POST
def candidate_availability(request):
    candidate = _candidate(request)
    try:
        services.set_availability(
            candidate=candidate, actor=request.user, available=request.POST.get("available") == "oui"
        )
    except services.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Votre disponibilité est enregistrée.")
    return redirect("conseiller_numerique:candidate_space")


@require_POST
def candidate_pix(request):
    candidate = _candidate(request)
    services.share_pix(candidate=candidate, actor=request.user, shared=request.POST.get("shared") == "oui")
    messages.success(request, "Votre choix de partage du résultat Pix est enregistré.")
    return redirect("conseiller_numerique:candidate_space")


def candidate_withdraw(request):
    candidate = _candidate(request)
    if request.method == "POST":
        try:
            services.withdraw_candidate(candidate=candidate, actor=request.user)
        except services.TransitionError as error:
            messages.error(request, str(error))
            return redirect("conseiller_numerique:candidate_space")
        messages.success(request, "Votre candidature et votre CV sont supprimés.")
        return redirect("conseiller_numerique:home")
    return render(request, "conseiller_numerique/candidate_withdraw.html", {"candidate": candidate})


def candidate_cv(request):
    candidate = _candidate(request)
    if not candidate.cv:
        raise Http404
    return file_response(candidate.cv, filename=f"CV {candidate.full_name}.pdf")


def _advisor(request):
    candidate = _candidate(request)
    if not RecruitmentMatch.objects.filter(candidate=candidate, status="recruited").exists():
        raise PermissionDenied
    return candidate


def advisor_space(request):
    advisor = _advisor(request)
    form = AdvisorProfileForm(
        request.POST or None,
        initial={"professional_email": advisor.professional_email, "professional_phone": advisor.professional_phone},
    )
    if request.method == "POST" and form.is_valid():
        services.update_advisor_profile(
            candidate=advisor,
            actor=request.user,
            email=form.cleaned_data["professional_email"],
            phone=form.cleaned_data["professional_phone"],
        )
        messages.success(request, "Votre profil professionnel est enregistré.")
        return redirect("conseiller_numerique:advisor_space")
    places = advisor.places.select_related("commune")
    return render(
        request, "conseiller_numerique/advisor_space.html", {"advisor": advisor, "form": form, "places": places}
    )


@require_POST
def advisor_opposition(request):
    advisor = _advisor(request)
    opposes = request.POST.get("opposes") == "oui"
    services.set_publication_opposition(candidate=advisor, actor=request.user, opposes=opposes)
    messages.success(
        request,
        "Votre nom et vos coordonnées ne sont plus publiés sur la carte."
        if opposes
        else "Votre nom et vos coordonnées sont de nouveau publiés sur la carte.",
    )
    return redirect("conseiller_numerique:advisor_space")


def place_edit(request, place_id=None):
    advisor = _advisor(request)
    place = get_object_or_404(ActivityPlace, public_id=place_id, advisor=advisor) if place_id else None
    initial = {}
    if place is not None:
        initial = {
            name: getattr(place, name)
            for name in ("name", "address", "phone", "email", "website", "opening_hours", "access")
        }
        initial["commune"] = commune_label(place.commune)
    form = PlaceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_place(advisor=advisor, place=place, data=form.cleaned_data, actor=request.user)
        messages.success(request, "Le lieu d'activité est enregistré.")
        return redirect("conseiller_numerique:advisor_space")
    return render(
        request,
        "conseiller_numerique/place_form.html",
        {"form": form, "place": place, "cancel_url": reverse("conseiller_numerique:advisor_space")},
    )


@require_POST
def place_delete(request, place_id):
    advisor = _advisor(request)
    place = get_object_or_404(ActivityPlace, public_id=place_id, advisor=advisor)
    services.delete_place(place=place, actor=request.user)
    messages.success(request, "Le lieu d'activité est supprimé.")
    return redirect("conseiller_numerique:advisor_space")
