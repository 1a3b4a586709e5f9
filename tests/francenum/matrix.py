"""The France Num objects of the permission matrix: structure A (published, Lyon, region 84) with its referent,
a proof, a logo, a member photo, a thread attachment, a contact and a survey; structure B (another referent) and
structure C (suspended) in Paris; a national reviewer, the regional reviewer of A's region and one of another."""

from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from relais.core.access import Role
from relais.francenum.enums import Status
from relais.francenum.models import Invitation, SurveyCampaign, ThreadMessage
from relais.francenum.permissions import REVIEWERS_GROUP
from relais.francenum.services import contacts, survey
from tests.accounts.factories import UserFactory
from tests.francenum import factories


def targets(world) -> dict[str, dict]:
    users = world.users
    group, _ = Group.objects.get_or_create(name=REVIEWERS_GROUP)
    group.permissions.add(Permission.objects.get(codename="review_activator"))
    users[Role.FN_MEMBER] = UserFactory(email="referent@activateur-a.fr")
    users[Role.FN_OTHER_MEMBER] = UserFactory(email="referent@activateur-b.fr")
    users[Role.FN_SUSPENDED_MEMBER] = UserFactory(email="referent@activateur-c.fr")
    users[Role.FN_REVIEWER] = factories.national_reviewer(email="instructeur@francenum.gouv.fr")
    lyon, paris = factories.lyon(), factories.paris()
    users[Role.FN_REGIONAL_REVIEWER] = factories.regional_reviewer(lyon.region, email="dreets@ara.gouv.fr")
    users[Role.FN_OTHER_REGIONAL_REVIEWER] = factories.regional_reviewer(paris.region, email="dreets@idf.gouv.fr")

    structure_a = factories.activator(name="Activateur A", referent=users[Role.FN_MEMBER], commune=lyon)
    structure_a.logo.save("logo.png", factories.logo_file())
    structure_a.foreign_proof.save("preuve.png", factories.logo_file())
    factories.activator(name="Activateur B", referent=users[Role.FN_OTHER_MEMBER], commune=paris)
    factories.activator(
        name="Activateur C", referent=users[Role.FN_SUSPENDED_MEMBER], commune=paris, status=Status.SUSPENDED
    )
    referent_a = structure_a.members.get()
    referent_a.photo.save("photo.png", factories.logo_file())
    message = ThreadMessage.objects.create(activator=structure_a, body="Voici le justificatif.")
    message.attachment.save("piece.png", factories.logo_file())
    contact = contacts.create_contact(
        activator=structure_a,
        data={
            "contact_name": "Jean Dupont",
            "company_name": "Boulangerie Dupont",
            "email": "jean@boulangerie.fr",
            "message": "Nous voulons un site internet.",
        },
    )
    today = timezone.localdate()
    campaign = SurveyCampaign.objects.create(
        title="Questionnaire 2026", opens_on=today, closes_on=today + timedelta(days=30)
    )
    invitation = Invitation.objects.create(activator=structure_a, email=users[Role.PERSON].email)
    return {
        "francenum.open_data": {"fmt": "csv"},
        "francenum.profile": {"slug": structure_a.slug},
        "francenum.member_photo": {"slug": structure_a.slug, "member_id": referent_a.public_id},
        "francenum.acknowledge": {"token": contacts.acknowledgement_token(contact=contact, member=referent_a)},
        "francenum.survey": {"token": survey.survey_token(campaign=campaign, member=referent_a)},
        "francenum.invitation": {"public_id": invitation.public_id},
        "francenum.campaign": {"public_id": campaign.public_id},
        "francenum.activator": {"public_id": structure_a.public_id},
        "francenum.api_profile": {"identifiant": structure_a.public_id},
        "francenum.member": {"public_id": structure_a.public_id, "member_id": referent_a.public_id},
        "francenum.proof": {"public_id": structure_a.public_id, "name": "justificatif-existence"},
        "francenum.attachment": {"public_id": message.public_id},
    }
