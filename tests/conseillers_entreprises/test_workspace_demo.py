from datetime import timedelta

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from relais.conseillers_entreprises import demo_triage, demo_workspace
from relais.conseillers_entreprises.enums import MatchStatus, ReminderBasket
from relais.conseillers_entreprises.models import Match, Need, SatisfactionAnswer
from relais.conseillers_entreprises.services.followup import basket_counts
from relais.notifications.models import Email

pytestmark = pytest.mark.django_db

CLOSED = (MatchStatus.DONE, MatchStatus.DONE_NO_HELP, MatchStatus.DONE_NOT_REACHABLE)


def inbox_tabs(agent_email):
    expired_before = timezone.now() - timedelta(days=45)
    return Match.objects.filter(expert__users__email=agent_email, sent_at__isnull=False).aggregate(
        new=Count("pk", filter=Q(status=MatchStatus.QUO, sent_at__gt=expired_before)),
        taken=Count("pk", filter=Q(status=MatchStatus.TAKING_CARE)),
        closed=Count("pk", filter=Q(status__in=CLOSED)),
        refused=Count("pk", filter=Q(status=MatchStatus.NOT_FOR_ME)),
        expired=Count("pk", filter=Q(status=MatchStatus.QUO, sent_at__lte=expired_before)),
    )


def test_demo_fills_every_tab_and_basket_and_is_idempotent(client):
    demo_triage.load_demo()
    demo_workspace.load_demo()
    needs, emails = Need.objects.count(), Email.objects.count()
    demo_workspace.load_demo()
    assert (Need.objects.count(), Email.objects.count()) == (needs, emails)

    for agent in (demo_workspace.FRANCE_TRAVAIL_AGENT, demo_workspace.BPIFRANCE_AGENT):
        assert all(inbox_tabs(agent).values()), (agent, inbox_tabs(agent))
    counts = basket_counts()
    assert all(counts[basket] for basket in ReminderBasket.values), counts
    assert SatisfactionAnswer.objects.filter(shared_with_experts=True).count() == 1

    client.force_login(demo_triage.User.objects.get(email=demo_triage.SUPPORT_EMAIL))
    for tab in ("sans-reponse", "risque-abandon", "abandonnes", "refuses", "non-rappelees"):
        response = client.get(f"/support/relances/?onglet={tab}")
        assert response.status_code == 200
        assert "Aucun besoin dans ce panier." not in response.text
    assert "Le conseiller m’a rappelé" in client.get("/support/satisfaction/").text
