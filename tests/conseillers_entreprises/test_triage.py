import datetime
import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from relais.conseillers_entreprises.cancellation import load_cancellation_templates
from relais.conseillers_entreprises.enums import (
    MatchStatus,
    NeedStatus,
    SolicitationAction,
    SolicitationSource,
    SolicitationStatus,
    ZoneType,
)
from relais.conseillers_entreprises.models import (
    CancellationTemplate,
    Diagnosis,
    Match,
    SolicitationAnswer,
    SolicitationEvent,
    SubjectQuestion,
)
from relais.conseillers_entreprises.services import NeedDraft, cancel_solicitation, transmit_solicitation
from relais.notifications.models import Email
from tests.accounts.factories import UserFactory
from tests.companies.factories import (
    CommuneFactory,
    CompanyFactory,
    DepartmentFactory,
    EstablishmentFactory,
    RegionFactory,
)

from .factories import (
    ExpertFactory,
    ExpertSubjectFactory,
    SolicitationFactory,
    SubjectFactory,
    TerritorialZoneFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    lyon = CommuneFactory(
        insee_code="69123",
        name="Lyon",
        department=DepartmentFactory(insee_code="69", name="Rhône", region=RegionFactory(insee_code="84")),
    )
    bordeaux = CommuneFactory(
        insee_code="33063",
        name="Bordeaux",
        department=DepartmentFactory(
            insee_code="33", name="Gironde", region=RegionFactory(insee_code="75", name="Nouvelle-Aquitaine")
        ),
    )
    return {"lyon": lyon, "bordeaux": bordeaux}


@pytest.fixture
def establishment(places):
    return EstablishmentFactory(
        company=CompanyFactory(name="ATELIER SOIERIE CROIX-ROUSSE"), commune=places["lyon"], commune_insee_code="69123"
    )


@pytest.fixture
def subject():
    return SubjectFactory(slug="recruter", label="Recruter un ou plusieurs salariés")


def team(subject, *, department="69", name=None):
    """An expert team holding `subject` whose antenne covers `department`."""
    expert = ExpertFactory(**({"name": name} if name else {}))
    ExpertSubjectFactory(expert=expert, institution_subject__subject=subject)
    TerritorialZoneFactory(antenne=expert.antenne, zone_type=ZoneType.DEPARTMENT, code=department)
    return expert


@pytest.fixture
def experts(subject):
    return [team(subject, name="Conseil RH CCI"), team(subject, name="Emploi CMA"), team(subject, name="Apec")]


@pytest.fixture
def solicitation(establishment, subject):
    return SolicitationFactory(
        subject=subject,
        establishment=establishment,
        siret=establishment.siret,
        first_name="Camille",
        last_name="Rivoire",
        email="camille.rivoire@soierie.fr",
        phone="+33478000000",
        description="Nous cherchons deux techniciens de maintenance pour nos métiers à tisser.",
        terms_accepted_at=timezone.now(),
    )


def detail_url(solicitation):
    return reverse("conseillers_entreprises:triage_solicitation", kwargs={"public_id": solicitation.public_id})


def cancel_url(solicitation):
    return reverse("conseillers_entreprises:triage_cancel", kwargs={"public_id": solicitation.public_id})


def need_post(forms, action="transmit", **extra):
    """The triage form as the browser posts it; `forms` is a list of dicts (subject, description, experts…)."""
    data = {
        "besoins-TOTAL_FORMS": str(len(forms)),
        "besoins-INITIAL_FORMS": str(len(forms)),
        "besoins-MIN_NUM_FORMS": "1",
        "besoins-MAX_NUM_FORMS": "10",
        "action": action,
    }
    for index, form in enumerate(forms):
        prefix = f"besoins-{index}-"
        data[prefix + "subject"] = str(form["subject"].pk) if form.get("subject") else ""
        data[prefix + "description"] = form.get("description", "")
        data[prefix + "experts"] = [str(expert.public_id) for expert in form.get("experts", [])]
        data[prefix + "added"] = [str(expert.public_id) for expert in form.get("added", [])]
        data[prefix + "routed_for"] = str(form.get("routed_for", form["subject"].pk if form.get("subject") else ""))
        data[prefix + "expert_query"] = form.get("expert_query", "")
    data.update(extra)
    return data


# Permissions


def triage_urls():
    solicitation = SolicitationFactory()
    return [reverse("conseillers_entreprises:triage_queue"), detail_url(solicitation), cancel_url(solicitation)]


def test_anonymous_is_sent_to_login(client):
    for url in triage_urls():
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))


def test_logged_in_user_without_the_permission_gets_403(client):
    client.force_login(UserFactory())
    for url in triage_urls():
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403


def test_header_shows_the_queue_to_support_only(client, support):
    client.force_login(UserFactory())
    assert "Demandes reçues" not in client.get("/").content.decode()
    client.force_login(support)
    assert "Demandes reçues" in client.get("/").content.decode()


def test_unknown_solicitation_is_404(client, support):
    client.force_login(support)
    assert client.get(reverse("conseillers_entreprises:triage_solicitation", args=[uuid.uuid4()])).status_code == 404


# Queue


def test_queue_tabs_with_counts(client, support):
    waiting = SolicitationFactory(description="Demande à traiter")
    SolicitationFactory(status=SolicitationStatus.PROCESSED, description="Demande transmise")
    SolicitationFactory(status=SolicitationStatus.CANCELED, description="Demande abandonnée")
    SolicitationFactory(status=SolicitationStatus.DRAFT, description="Brouillon invisible")
    client.force_login(support)
    url = reverse("conseillers_entreprises:triage_queue")
    response = client.get(url)
    assert [(tab.label, tab.count) for tab in response.context["tabs"]] == [
        ("À traiter", 1),
        ("Traitées", 1),
        ("Abandonnées", 1),
    ]
    assert [solicitation for solicitation, _ in response.context["cards"]] == [waiting]
    content = response.content.decode()
    assert "Demande à traiter" in content
    assert "Brouillon invisible" not in content
    assert "Demande transmise" in client.get(url, {"onglet": "traitees"}).content.decode()
    assert "Demande abandonnée" in client.get(url, {"onglet": "abandonnees"}).content.decode()


def test_queue_filters_and_search(client, support, establishment, places, subject):
    in_lyon = SolicitationFactory(subject=subject, establishment=establishment, siret=establishment.siret)
    in_bordeaux = SolicitationFactory(
        establishment=EstablishmentFactory(commune=places["bordeaux"], commune_insee_code="33063"),
        source=SolicitationSource.API,
        last_name="Darrieux",
        description="Vendre nos vins à l’export",
    )
    client.force_login(support)
    url = reverse("conseillers_entreprises:triage_queue")

    def listed(**params):
        return [solicitation for solicitation, _ in client.get(url, params).context["cards"]]

    assert set(listed()) == {in_lyon, in_bordeaux}
    assert listed(region="84") == [in_lyon]
    assert listed(region="75") == [in_bordeaux]
    assert listed(subject="recruter") == [in_lyon]
    assert listed(source="api") == [in_bordeaux]
    assert listed(q="darrieux") == [in_bordeaux]
    assert listed(q="soierie") == [in_lyon]
    assert listed(q=establishment.siret) == [in_lyon]
    assert listed(q="vins export") == [in_bordeaux]
    assert listed(q=in_lyon.email) == [in_lyon]


def test_queue_warns_about_earlier_requests_and_duplicates(client, support, establishment):
    now = timezone.now()
    old = SolicitationFactory(
        siret=establishment.siret,
        email="autre@soierie.fr",
        status=SolicitationStatus.PROCESSED,
        submitted_at=now - datetime.timedelta(days=200),
    )
    first = SolicitationFactory(
        siret=establishment.siret, email="Camille@soierie.fr", submitted_at=now - datetime.timedelta(days=2)
    )
    second = SolicitationFactory(siret="", email="camille@soierie.fr", submitted_at=now - datetime.timedelta(days=1))
    alone = SolicitationFactory(siret="", email="seul@ailleurs.fr")
    client.force_login(support)
    response = client.get(reverse("conseillers_entreprises:triage_queue"))
    warnings = dict(response.context["cards"])
    assert warnings[first].earlier_same_siret == 1
    assert warnings[first].duplicates == [second]
    assert warnings[second].earlier_same_email == 1
    assert warnings[second].duplicates == [first]
    # Processed long ago: an earlier request, not a duplicate.
    assert old not in warnings[first].duplicates
    assert not warnings[alone]
    assert "Doublon probable" in response.content.decode()


@pytest.mark.parametrize("count", [5, 30])
def test_queue_query_count_does_not_grow(client, support, establishment, count, django_assert_max_num_queries):
    for index in range(count):
        SolicitationFactory(establishment=establishment, siret=establishment.siret, email=f"d{index % 3}@ex.fr")
    client.force_login(support)
    client.get(reverse("conseillers_entreprises:triage_queue"))
    # The page itself makes 6 (tab counts, page count, page, warnings, regions, subjects); the rest is session,
    # user, permissions and the other apps' middleware and context processors: the same for 5 or 30 requests.
    with django_assert_max_num_queries(20):
        response = client.get(reverse("conseillers_entreprises:triage_queue"), {"q": "techniciens"})
    assert len(response.context["cards"]) == min(count, 20)


# Solicitation page


def test_page_shows_company_contact_and_routed_experts_with_reasons(client, support, solicitation, experts, subject):
    question = SubjectQuestion.objects.create(subject=subject, key="cdi", label="Le poste est-il en CDI ?")
    SolicitationAnswer.objects.create(solicitation=solicitation, question=question, answer=True)
    # Excluded candidates are listed from the establishment's region: a team of the Loire (42), not of Lyon.
    DepartmentFactory(insee_code="42", name="Loire", region=RegionFactory(insee_code="84"))
    elsewhere = team(subject, department="42", name="Équipe ligérienne")
    client.force_login(support)
    response = client.get(detail_url(solicitation))
    content = response.content.decode()
    for text in (
        "ATELIER SOIERIE CROIX-ROUSSE",
        solicitation.siret,
        "5710",
        "62.01Z",
        "Camille Rivoire",
        "04 78 00 00 00",
    ):
        assert text in content
    assert "Le poste est-il en CDI ?" in content
    (need, panel) = response.context["needs"][0]
    assert [candidate.expert for candidate in panel.candidates] == sorted(
        experts, key=lambda e: (e.antenne.institution.name, e.antenne.name, e.name)
    )
    assert all(candidate.checked for candidate in panel.candidates)
    assert "Département 69" in panel.candidates[0].reason
    assert [exclusion.expert for exclusion in panel.excluded] == [elsewhere]
    assert "Hors territoire" in content
    assert "Candidats écartés (1)" in content


def test_off_theme_request_shows_suggested_subjects(client, support, solicitation, subject):
    other = SubjectFactory(slug="autre-demande", label="Autre besoin non référencé", is_other_need=True)
    solicitation.subject = other
    solicitation.description = "Je veux recruter un salarié"
    solicitation.save()
    client.force_login(support)
    response = client.get(detail_url(solicitation))
    assert subject in [suggested for suggested, _score in response.context["suggested_subjects"]]


def team_recipients(experts) -> list[str]:
    return [address for expert in experts for address in [expert.email, *(user.email for user in expert.users.all())]]


def test_uncheck_one_expert_and_transmit_notifies_the_other_teams(
    client, support, solicitation, experts, subject, django_capture_on_commit_callbacks
):
    kept, dropped = experts[:2], experts[2]
    kept[0].users.add(UserFactory(email="agent.rh@cci.fr"))
    client.force_login(support)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            detail_url(solicitation),
            need_post([{"subject": subject, "description": solicitation.description, "experts": kept}]),
        )
    assert response.status_code == 302
    solicitation.refresh_from_db()
    assert solicitation.status == SolicitationStatus.PROCESSED
    assert solicitation.processed_at is not None
    diagnosis = Diagnosis.objects.get(solicitation=solicitation)
    assert diagnosis.advisor == support
    assert diagnosis.establishment == solicitation.establishment
    need = diagnosis.needs.get()
    assert need.status == NeedStatus.QUO
    assert {match.expert for match in need.matches.all()} == set(kept)
    assert all(match.status == MatchStatus.QUO and match.sent_at for match in need.matches.all())
    # The team's mailbox and each of its agents, every agent with a link bound to them.
    assert sorted(message.to[0] for message in mail.outbox) == sorted(team_recipients(kept))
    first = next(message for message in mail.outbox if message.to == ["agent.rh@cci.fr"])
    assert first.cc == []
    assert first.subject == "L’entreprise ATELIER SOIERIE CROIX-ROUSSE a besoin de vous"
    assert "04 78 00 00 00" in first.body and "camille.rivoire@soierie.fr" in first.body
    assert solicitation.description in first.body
    assert "/lien/" in first.body
    sent_to = [address for message in mail.outbox for address in message.to]
    assert not set(team_recipients([dropped])) & set(sent_to)
    removed = SolicitationEvent.objects.get(solicitation=solicitation, action=SolicitationAction.EXPERT_REMOVED)
    assert removed.author == support
    assert removed.details["expert"]["name"] == dropped.name
    transmitted = SolicitationEvent.objects.get(solicitation=solicitation, action=SolicitationAction.TRANSMITTED)
    assert transmitted.author == support
    assert {expert["name"] for expert in transmitted.details["needs"][0]["experts"]} == {e.name for e in kept}


def test_double_transmit_creates_one_diagnosis(client, support, solicitation, experts, subject):
    client.force_login(support)
    data = need_post([{"subject": subject, "description": "Besoin", "experts": experts}])
    client.post(detail_url(solicitation), data)
    response = client.post(detail_url(solicitation), data, follow=True)
    assert Diagnosis.objects.filter(solicitation=solicitation).count() == 1
    assert Email.objects.count() == len(team_recipients(experts))
    assert "n’est plus à traiter" in response.content.decode()
    with pytest.raises(ValidationError):
        transmit_solicitation(solicitation=solicitation, needs=[NeedDraft(subject, "Besoin", experts)], actor=support)
    assert Diagnosis.objects.count() == 1


def test_transmit_refuses_a_need_without_expert(client, support, solicitation, experts, subject):
    client.force_login(support)
    response = client.post(
        detail_url(solicitation), need_post([{"subject": subject, "description": "Besoin", "experts": []}])
    )
    assert response.status_code == 200
    assert "cochez au moins un expert" in response.content.decode()
    solicitation.refresh_from_db()
    assert solicitation.status == SolicitationStatus.IN_PROGRESS
    assert not Diagnosis.objects.exists()


def test_add_expert_outside_the_territory_shows_and_records_the_warning(
    client, support, solicitation, experts, subject
):
    girondin = team(subject, department="33", name="Équipe girondine")
    client.force_login(support)
    base = [{"subject": subject, "description": "Besoin", "experts": experts, "expert_query": "girondine"}]
    searched = client.post(detail_url(solicitation), need_post(base, action="update"))
    (_form, panel) = searched.context["needs"][0]
    assert [expert for expert, _warning in panel.search_results] == [girondin]
    assert "Hors territoire" in panel.search_results[0][1]

    added = client.post(
        detail_url(solicitation),
        need_post(base, action="update", add_expert=f"0:{girondin.public_id}"),
    )
    (_form, panel) = added.context["needs"][0]
    candidate = next(candidate for candidate in panel.candidates if candidate.expert == girondin)
    assert candidate.checked
    assert "Hors territoire" in candidate.warning
    assert "Hors périmètre : Hors territoire" in added.content.decode()

    client.post(
        detail_url(solicitation),
        need_post(
            [{"subject": subject, "description": "Besoin", "experts": [*experts, girondin], "added": [girondin]}]
        ),
    )
    event = SolicitationEvent.objects.get(solicitation=solicitation, action=SolicitationAction.EXPERT_ADDED)
    assert event.author == support
    assert event.details["expert"]["name"] == "Équipe girondine"
    assert event.details["warning"].startswith("Hors territoire")
    assert Match.objects.filter(expert=girondin).exists()


def test_change_subject_reroutes_and_is_logged(client, support, solicitation, experts, subject):
    training = SubjectFactory(slug="former", label="Former vos salariés")
    trainer = team(training, name="Opco formation")
    client.force_login(support)
    # The subject is changed in the form: the experts of the new subject replace those of the old one.
    changed = need_post([{"subject": training, "description": "Besoin", "experts": experts}], action="update")
    changed["besoins-0-routed_for"] = str(subject.pk)
    response = client.post(detail_url(solicitation), changed)
    (_form, panel) = response.context["needs"][0]
    assert [(candidate.expert, candidate.checked) for candidate in panel.candidates] == [(trainer, True)]

    client.post(
        detail_url(solicitation), need_post([{"subject": training, "description": "Besoin", "experts": [trainer]}])
    )
    event = SolicitationEvent.objects.get(solicitation=solicitation, action=SolicitationAction.SUBJECT_CHANGED)
    assert event.author == support
    assert event.details == {"previous": subject.label, "new": training.label}
    assert Diagnosis.objects.get(solicitation=solicitation).needs.get().subject == training


def test_transmit_with_a_changed_subject_not_yet_rerouted_is_held_back(client, support, solicitation, experts):
    training = SubjectFactory(slug="former", label="Former vos salariés")
    client.force_login(support)
    data = need_post([{"subject": training, "description": "Besoin", "experts": experts}])
    data["besoins-0-routed_for"] = str(solicitation.subject_id)
    response = client.post(detail_url(solicitation), data)
    assert response.status_code == 200
    assert "Le sujet a changé" in response.content.decode()
    assert not Diagnosis.objects.exists()


def test_split_into_two_needs(client, support, solicitation, experts, subject, django_capture_on_commit_callbacks):
    training = SubjectFactory(slug="former", label="Former vos salariés")
    trainer = team(training, name="Opco formation")
    client.force_login(support)
    one = {"subject": subject, "description": "Recruter deux techniciens", "experts": experts[:1]}
    response = client.post(detail_url(solicitation), need_post([one], action="add_need"))
    assert len(response.context["needs"]) == 2
    assert "Besoin 2" in response.content.decode()

    two = {"subject": training, "description": "Former l’équipe au nouveau métier", "experts": [trainer]}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(detail_url(solicitation), need_post([one, two]))
    needs = Diagnosis.objects.get(solicitation=solicitation).needs.order_by("pk")
    assert [(need.subject, need.content) for need in needs] == [
        (subject, "Recruter deux techniciens"),
        (training, "Former l’équipe au nouveau métier"),
    ]
    assert sorted(message.to[0] for message in mail.outbox) == sorted(team_recipients([experts[0], trainer]))
    split = SolicitationEvent.objects.get(solicitation=solicitation, action=SolicitationAction.SPLIT)
    assert split.author == support
    assert split.details["subjects"] == [subject.label, training.label]


def test_remove_need_keeps_the_others(client, support, solicitation, experts, subject):
    training = SubjectFactory(slug="former", label="Former vos salariés")
    client.force_login(support)
    forms = [
        {"subject": subject, "description": "Premier", "experts": experts},
        {"subject": training, "description": "Second"},
    ]
    response = client.post(detail_url(solicitation), need_post(forms, action="update", remove_need="1"))
    assert len(response.context["needs"]) == 1
    assert response.context["needs"][0][0].initial["description"] == "Premier"


# Cancellation


@pytest.fixture
def templates():
    load_cancellation_templates()
    return {template.slug: template for template in CancellationTemplate.objects.all()}


def test_loading_templates_is_idempotent_and_keeps_admin_edits(templates):
    assert {"bad_quality", "siret", "no_expert", "creation", "administrations_collectivites", "spam"} <= set(templates)
    CancellationTemplate.objects.filter(slug="siret").update(email_body="Texte revu par le support")
    assert load_cancellation_templates() == 0
    assert CancellationTemplate.objects.get(slug="siret").email_body == "Texte revu par le support"


@pytest.mark.parametrize(
    "slug", ["bad_quality", "siret", "no_expert", "creation", "administrations_collectivites", "employee_labor_law"]
)
def test_cancel_with_a_template_emails_the_company(
    client, support, solicitation, templates, slug, django_capture_on_commit_callbacks
):
    client.force_login(support)
    preview = client.post(cancel_url(solicitation), {"template": slug, "action": "preview"})
    assert preview.status_code == 200
    assert templates[slug].email_body.splitlines()[0] in preview.content.decode()
    solicitation.refresh_from_db()
    assert solicitation.status == SolicitationStatus.IN_PROGRESS

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel_url(solicitation), {"template": slug, "action": "confirm"})
    assert response.status_code == 302
    solicitation.refresh_from_db()
    assert solicitation.status == SolicitationStatus.CANCELED
    assert solicitation.canceled_at is not None
    assert solicitation.cancellation == templates[slug]
    (message,) = mail.outbox
    assert message.to == ["camille.rivoire@soierie.fr"]
    assert message.subject == "Votre demande sur le Service Public Conseillers entreprises"
    assert "Bonjour Camille Rivoire" in message.body
    event = SolicitationEvent.objects.get(solicitation=solicitation, action=SolicitationAction.CANCELED)
    assert event.author == support
    assert event.details["template"] == slug
    assert event.details["email_sent"] is True


def test_cancel_as_spam_sends_nothing(client, support, solicitation, templates, django_capture_on_commit_callbacks):
    client.force_login(support)
    preview = client.post(cancel_url(solicitation), {"template": "spam", "action": "preview"})
    assert "Aucun courriel ne sera envoyé" in preview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(cancel_url(solicitation), {"template": "spam", "action": "confirm"})
    solicitation.refresh_from_db()
    assert solicitation.status == SolicitationStatus.CANCELED
    assert mail.outbox == []
    assert SolicitationEvent.objects.get(action=SolicitationAction.CANCELED).details["email_sent"] is False


def test_cancel_twice_and_after_processing(support, solicitation, templates, experts, subject):
    transmit_solicitation(solicitation=solicitation, needs=[NeedDraft(subject, "Besoin", experts)], actor=support)
    cancel_solicitation(solicitation=solicitation, template=templates["siret"], actor=support)
    cancel_solicitation(solicitation=solicitation, template=templates["no_expert"], actor=support)
    solicitation.refresh_from_db()
    assert solicitation.cancellation == templates["no_expert"]
    assert SolicitationEvent.objects.filter(action=SolicitationAction.CANCELED).count() == 2


def test_draft_cannot_be_canceled(support, templates):
    draft = SolicitationFactory(status=SolicitationStatus.DRAFT)
    with pytest.raises(ValidationError):
        cancel_solicitation(solicitation=draft, template=templates["spam"], actor=support)


def test_cancel_requires_a_reason(client, support, solicitation, templates):
    client.force_login(support)
    response = client.post(cancel_url(solicitation), {"action": "preview"})
    assert "Choisissez un motif d’abandon." in response.content.decode()


def test_history_shows_actions_with_their_author(client, support, solicitation, experts, subject, templates):
    transmit_solicitation(
        solicitation=solicitation, needs=[NeedDraft(subject, "Besoin", experts[:1], routed=experts)], actor=support
    )
    cancel_solicitation(solicitation=solicitation, template=templates["no_expert"], actor=support)
    client.force_login(support)
    content = client.get(detail_url(solicitation)).content.decode()
    assert "Expert retiré par Sacha Support" in content
    assert "Demande transmise aux experts par Sacha Support" in content
    assert "Demande abandonnée par Sacha Support" in content
    assert "Besoins transmis" in content
