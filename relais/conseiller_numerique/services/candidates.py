"""The candidate's workflows: application, confirmation, account, their space, withdrawal."""

from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction

from relais.accounts.models import User, UserManager
from relais.core.uploads import delete_after_commit
from relais.privacy.enums import AuditAction
from relais.privacy.services.audit import record

from ..enums import CandidateStatus
from ..matching import pair_inputs, sync_candidate
from ..models import Candidate
from ..tasks import candidate_changed
from .common import TransitionError, now, pix_url, place_on, send, sign

CANDIDATE_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "is_job_seeker",
    "is_employed",
    "is_in_training",
    "has_diploma",
    "diploma_name",
    "has_experience",
    "available_from",
    "max_distance_km",
    "motivation",
)
SPACE_FIELDS = ("phone", "is_job_seeker", "is_employed", "is_in_training", "available_from", "max_distance_km")


def confirmation_path(candidate: Candidate) -> str:
    from django.urls import reverse

    return reverse("conseiller_numerique:candidate_confirm", kwargs={"token": sign("candidate", candidate.public_id)})


def apply_as_candidate(*, data: dict, commune, cv=None) -> Candidate:
    """A new application, to be confirmed from the email it sends; not matched before."""
    candidate = Candidate(**{name: data[name] for name in CANDIDATE_FIELDS})
    candidate.email = UserManager.normalize_email(candidate.email)
    place_on(candidate, commune)
    if cv:
        candidate.cv = cv
        candidate.cv_uploaded_at = now()
    with transaction.atomic():
        candidate.save()
        send(
            to=[candidate.email],
            template="candidate_confirm",
            context={"candidate": candidate, "link_path": confirmation_path(candidate)},
        )
    return candidate


def confirm_candidate(*, candidate: Candidate) -> Candidate:
    """The email is confirmed: the retention clock starts, the candidate is matched and invited to Pix."""
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if candidate.confirmed_at is not None:
            return candidate
        candidate.confirmed_at = candidate.last_activity_at = candidate.pix_invited_at = now()
        candidate.status = CandidateStatus.AVAILABLE
        candidate.save(update_fields=["confirmed_at", "last_activity_at", "pix_invited_at", "status", "updated_at"])
        sync_candidate(candidate)
        send(to=[candidate.email], template="pix_invitation", context={"candidate": candidate, "pix_url": pix_url()})
        candidate_changed(candidate.pk)
    return candidate


def attach_account(*, candidate: Candidate, password: str | None) -> User:
    """The candidate's Relais account: the one of their address if it exists (they sign in with it), else a new one
    with this password. The confirmation link proved the address."""
    user = User.objects.filter(email=candidate.email).first()
    if user is None:
        if not password:
            raise TransitionError("Choisissez un mot de passe.")
        validate_password(password)
        try:
            with transaction.atomic():
                user = User.objects.create_user(email=candidate.email, password=password, email_verified_at=now())
                user.first_name, user.last_name = candidate.first_name, candidate.last_name
                user.save(update_fields=["first_name", "last_name"])
        except IntegrityError:
            user = User.objects.get(email=candidate.email)
    if Candidate.objects.filter(user=user).exclude(pk=candidate.pk).exists():
        raise TransitionError("Ce compte suit déjà une autre candidature.")
    Candidate.objects.filter(pk=candidate.pk).update(user=user)
    candidate.user = user
    return user


def update_candidate(*, candidate: Candidate, actor: User, data: dict, commune=None, cv=None) -> Candidate:
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        inputs = pair_inputs(candidate)
        for name in SPACE_FIELDS:
            if name in data:
                setattr(candidate, name, data[name])
        if commune is not None:
            place_on(candidate, commune)
        if cv:
            if candidate.cv:
                delete_after_commit(candidate.cv)
            candidate.cv = cv
            candidate.cv_uploaded_at = now()
        candidate.last_activity_at = now()
        candidate.save()
        sync_candidate(candidate)
        if pair_inputs(candidate) != inputs:
            candidate_changed(candidate.pk)
    return candidate


def set_availability(*, candidate: Candidate, actor: User, available: bool) -> Candidate:
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        allowed = {CandidateStatus.AVAILABLE, CandidateStatus.UNAVAILABLE}
        if candidate.status not in allowed:
            raise TransitionError("Votre disponibilité ne peut pas changer dans votre situation actuelle.")
        inputs = pair_inputs(candidate)
        candidate.status = CandidateStatus.AVAILABLE if available else CandidateStatus.UNAVAILABLE
        candidate.last_activity_at = now()
        candidate.save(update_fields=["status", "last_activity_at", "updated_at"])
        sync_candidate(candidate)
        if pair_inputs(candidate) != inputs:
            candidate_changed(candidate.pk)
    return candidate


def share_pix(*, candidate: Candidate, actor: User, shared: bool) -> Candidate:
    Candidate.objects.filter(pk=candidate.pk).update(pix_shared=shared, last_activity_at=now())
    candidate.pix_shared = shared
    return candidate


def set_publication_opposition(*, candidate: Candidate, actor: User, opposes: bool) -> Candidate:
    """The right of opposition: the advisor's name and contact leave the map and the open data at once."""
    with transaction.atomic():
        Candidate.objects.filter(pk=candidate.pk).update(opposes_publication=opposes, last_activity_at=now())
        candidate.opposes_publication = opposes
        record(
            action=AuditAction.OBJECTION_CHANGED,
            actor=actor,
            target=candidate,
            details={"carte publique": "opposition" if opposes else "retrait de l'opposition"},
        )
    return candidate


def update_advisor_profile(*, candidate: Candidate, actor: User, email: str, phone: str) -> Candidate:
    Candidate.objects.filter(pk=candidate.pk).update(professional_email=email, professional_phone=phone)
    candidate.professional_email, candidate.professional_phone = email, phone
    return candidate


def withdraw_candidate(*, candidate: Candidate, actor: User | None) -> None:
    """The application is deleted at once, with its CV, its pairs and its matches."""
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if candidate.status == CandidateStatus.RECRUITED:
            raise TransitionError("Vous êtes en poste : votre structure doit d'abord déclarer la fin du contrat.")
        if candidate.cv:
            delete_after_commit(candidate.cv)
        candidate.delete()
