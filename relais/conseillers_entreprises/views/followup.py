"""Support's reminder baskets (/support/relances/): needs waiting too long, abandoned or refused by every team."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ..enums import ReminderBasket
from ..forms.followup import BasketActionForm, CompanyReplyForm
from ..models import CompanyEmailSent, Match, Need
from ..permissions import support_required
from ..services.followup import (
    COMPANY_REPLY_SUBJECT,
    REMINDABLE_BASKETS,
    WRITABLE_BASKETS,
    basket_counts,
    basket_needs,
    company_reply_draft,
    mark_done,
    remind_experts,
    write_to_company,
)
from .navigation import tabs

PAGE_SIZE = 20
BASKET_SLUGS = {
    "sans-reponse": ReminderBasket.POKE,
    "risque-abandon": ReminderBasket.LAST_CHANCE,
    "abandonnes": ReminderBasket.ABANDON,
    "refuses": ReminderBasket.REFUSED,
    "non-rappelees": ReminderBasket.NOT_CONTACTED,
}
SLUG_OF_BASKET = {basket: slug for slug, basket in BASKET_SLUGS.items()}
INSTRUCTIONS = {
    ReminderBasket.POKE: "Transmis il y a 9 à 21 jours, personne ne les a pris en charge : relancez les experts.",
    ReminderBasket.LAST_CHANCE: "Transmis il y a 21 à 45 jours : dernière relance des experts avant l’abandon.",
    ReminderBasket.ABANDON: (
        "Sans prise en charge 45 jours après leur envoi : l’entreprise reçoit automatiquement un courriel d’échec. "
        "Proposez-lui un autre interlocuteur si vous en connaissez un."
    ),
    ReminderBasket.REFUSED: (
        "Toutes les équipes ont refusé : ajoutez un expert depuis la fiche du besoin ou écrivez à l’entreprise."
    ),
    ReminderBasket.NOT_CONTACTED: (
        "L’entreprise signale sur sa page de suivi qu’aucun conseiller ne l’a rappelée cinq jours ouvrés après "
        "l’envoi : relancez les experts ou écrivez-lui."
    ),
}


_DONE_MESSAGES = {remind_experts: "experts relancés.", mark_done: "besoin sorti du panier."}


def baskets_url(basket: str) -> str:
    return f"{reverse('conseillers_entreprises:followup_baskets')}?onglet={SLUG_OF_BASKET[basket]}"


@support_required
def baskets(request):
    basket = BASKET_SLUGS.get(request.GET.get("onglet"), ReminderBasket.POKE)
    counts = basket_counts()
    listing = (
        basket_needs(basket)
        .select_related("subject", "diagnosis__solicitation", "diagnosis__establishment__company")
        .prefetch_related(
            Prefetch("matches", queryset=Match.objects.select_related("expert__antenne").order_by("expert__name")),
            Prefetch("company_emails", queryset=CompanyEmailSent.objects.order_by("created_at")),
        )
        .order_by("first_sent", "pk")
    )
    page = Paginator(listing, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "conseillers_entreprises/followup/baskets.html",
        {
            "tabs": tabs(
                request,
                [(slug, ReminderBasket(value).label, counts[value]) for slug, value in BASKET_SLUGS.items()],
                current=SLUG_OF_BASKET[basket],
            ),
            "basket": basket,
            "basket_label": ReminderBasket(basket).label,
            "instructions": INSTRUCTIONS[basket],
            "can_remind": basket in REMINDABLE_BASKETS,
            "can_write": basket in WRITABLE_BASKETS,
            "page_obj": page,
        },
    )


def _basket_action(request, public_id, action):
    need = get_object_or_404(Need, public_id=public_id)
    form = BasketActionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Panier inconnu.")
    basket = form.cleaned_data["basket"]
    try:
        action(need=need, basket=basket, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"« {need.subject} » : {_DONE_MESSAGES[action]}")
    return redirect(baskets_url(basket))


@require_POST
@support_required
def remind(request, public_id):
    return _basket_action(request, public_id, remind_experts)


@require_POST
@support_required
def done(request, public_id):
    return _basket_action(request, public_id, mark_done)


@support_required
def write_company(request, public_id):
    need = get_object_or_404(
        Need.objects.select_related("subject", "diagnosis__solicitation", "diagnosis__establishment__company"),
        public_id=public_id,
    )
    basket = request.POST.get("basket") or request.GET.get("panier", "")
    if basket not in WRITABLE_BASKETS:
        return HttpResponseBadRequest("Panier inconnu.")
    if request.method == "POST":
        form = CompanyReplyForm(request.POST)
        if form.is_valid():
            try:
                write_to_company(
                    need=need,
                    basket=basket,
                    actor=request.user,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Votre courriel est envoyé à l’entreprise.")
                return redirect(baskets_url(basket))
    else:
        form = CompanyReplyForm(
            initial={"basket": basket, "subject": COMPANY_REPLY_SUBJECT, "body": company_reply_draft(need)}
        )
    return render(
        request,
        "conseillers_entreprises/followup/write_company.html",
        {
            "need": need,
            "solicitation": need.diagnosis.solicitation,
            "form": form,
            "back_url": baskets_url(basket),
        },
    )
