"""The satisfaction survey the company opens from its email, and the answers support reads and shares."""

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ..forms.followup import SatisfactionForm
from ..models import SatisfactionAnswer
from ..permissions import support_required
from ..services.satisfaction import LinkExpired, need_from_token, record_answer, share_with_experts

PAGE_SIZE = 30


@login_not_required
def survey(request, token):
    try:
        need = need_from_token(token)
    except LinkExpired:
        return render(request, "conseillers_entreprises/followup/survey_invalid.html", {"expired": True}, status=410)
    if need is None:
        return render(request, "conseillers_entreprises/followup/survey_invalid.html", {"expired": False}, status=404)
    if SatisfactionAnswer.objects.filter(need=need).exists():
        return render(request, "conseillers_entreprises/followup/survey_thanks.html", {"need": need})
    form = SatisfactionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Answered from another tab meanwhile: the thanks page the redirect shows says so.
        with contextlib.suppress(ValidationError):
            record_answer(need=need, **form.cleaned_data)
        return redirect(reverse("conseillers_entreprises:satisfaction_survey", kwargs={"token": token}))
    return render(request, "conseillers_entreprises/followup/survey.html", {"need": need, "form": form})


@support_required
def answers(request):
    listing = SatisfactionAnswer.objects.select_related(
        "need__subject", "need__diagnosis__solicitation", "need__diagnosis__establishment__company", "shared_by"
    ).order_by("-created_at", "-pk")
    page = Paginator(listing, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "conseillers_entreprises/followup/answers.html", {"page_obj": page})


@require_POST
@support_required
def share(request, public_id):
    answer = get_object_or_404(SatisfactionAnswer, public_id=public_id)
    share_with_experts(answer=answer, actor=request.user)
    messages.success(request, "La réponse est visible des experts sur la fiche du besoin.")
    return redirect("conseillers_entreprises:satisfaction_answers")
