from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from relais.core.ratelimit import client_ip

from . import services
from .enums import AccessRequestStatus, MembershipRole
from .forms import (
    AccessManagerCodeForm,
    AccessRequestForm,
    AppointManagerForm,
    DecisionForm,
    InvitationForm,
    JoinOrganizationForm,
    RightsForm,
)
from .models import (
    AccessRequest,
    AccessRight,
    AuditEvent,
    DigitalService,
    Invitation,
    Membership,
    Organization,
)

# The accounts app owns sign-up; its URL is part of the contract between our two apps.
SIGNUP_PATH = "/compte/inscription/"
# The invitation link of a person who still has to log in or sign up waits here (see signals.py).
PENDING_INVITATION_SESSION_KEY = "organizations:pending_invitation"


def _error_messages(error: ValidationError) -> str:
    return " ".join(error.messages)


# ---------------------------------------------------------------------------------------------------------------
# "Gérer mes habilitations" (§6.2.2)


def my_rights(request):
    return render(request, "organizations/my_rights.html", _my_rights_context(request))


def _my_rights_context(request, *, join_form=None) -> dict:
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("organization", "declarant_organization")
        .prefetch_related(
            Prefetch(
                "access_rights",
                queryset=AccessRight.objects.select_related("service").prefetch_related("rights"),
            ),
            Prefetch(
                "access_requests",
                queryset=AccessRequest.objects.pending().select_related("service"),
                to_attr="pending_requests",
            ),
        )
        .order_by("role", "organization__name")
    )
    catalogue = list(DigitalService.objects.all())
    memberships = list(memberships)
    for membership in memberships:
        # Services the person may still ask for: a member, with neither access nor a pending request there.
        taken = {access.service_id for access in membership.access_rights.all()}
        taken |= {access_request.service_id for access_request in membership.pending_requests}
        membership.requestable_services = (
            [service for service in catalogue if service.pk not in taken]
            if membership.role == MembershipRole.MEMBER
            else []
        )
    return {
        "memberships": memberships,
        "join_form": join_form or JoinOrganizationForm(),
        "code_form": AccessManagerCodeForm(),
        "administered_services": DigitalService.objects.administered_by(request.user),
    }


@require_POST
def join(request):
    form = JoinOrganizationForm(request.POST)
    if form.is_valid():
        try:
            membership = services.join_organization(user=request.user, siren=form.cleaned_data["siren"])
        except ValidationError as error:
            form.add_error("siren", error)
        else:
            messages.success(request, f"Vous êtes rattaché à {membership.organization.name}.")
            return redirect("organizations:my_rights")
    # The bound form keeps what was typed and shows the error on its field.
    return render(request, "organizations/my_rights.html", _my_rights_context(request, join_form=form), status=400)


def redeem_code(request):
    form = AccessManagerCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access = services.redeem_access_manager_code(
                user=request.user, code=form.cleaned_data["code"], ip=client_ip(request)
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            messages.success(
                request,
                f"Vous êtes responsable des accès de {access.membership.organization.name} "
                f"pour {access.service.display_name}.",
            )
            return redirect("organizations:users", access.membership.organization.public_id, access.service.slug)
    return render(request, "organizations/redeem_code.html", {"form": form})


# ---------------------------------------------------------------------------------------------------------------
# Access request (§6.3)


def request_access(request, organization_id, service_slug):
    membership = get_object_or_404(
        Membership.objects.select_related("organization"),
        user=request.user,
        organization__public_id=organization_id,
        role=MembershipRole.MEMBER,
    )
    organization = membership.organization
    service = get_object_or_404(DigitalService, slug=service_slug)
    managers = services.managers_of(organization=organization, service=service)
    form = AccessRequestForm(request.POST or None, service=service)
    if request.method == "POST" and managers and form.is_valid():
        try:
            services.request_access(
                user=request.user,
                organization=organization,
                service=service,
                rights=form.cleaned_data["rights"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Votre demande a été transmise aux responsables des accès de votre organisation.")
            return redirect("organizations:my_rights")
    return render(
        request,
        "organizations/request_access.html",
        {
            "organization": organization,
            "service": service,
            "form": form,
            "has_managers": bool(managers),
            "application_administrators": service.application_administrators.filter(is_active=True),
        },
    )


# ---------------------------------------------------------------------------------------------------------------
# "Gérer les accès de mon entreprise/structure" (§6.2.3, §7)


def _managed(request, organization_id, service_slug) -> tuple[Organization, DigitalService]:
    """The organisation and service, for their access managers only; 404 for everyone else, so that nobody
    learns which organisations exist."""
    organization = get_object_or_404(Organization, public_id=organization_id)
    service = get_object_or_404(DigitalService, slug=service_slug)
    if not services.can_manage_access(user=request.user, organization=organization, service=service):
        raise Http404
    return organization, service


def _tabs_context(organization, service, active: str) -> dict:
    return {
        "organization": organization,
        "service": service,
        "active_tab": active,
        "pending_count": AccessRequest.objects.pending()
        .filter(membership__organization=organization, service=service)
        .count(),
    }


def users(request, organization_id, service_slug):
    organization, service = _managed(request, organization_id, service_slug)
    memberships = Membership.objects.acting_in(organization=organization, service=service)
    return render(
        request,
        "organizations/manage_users.html",
        {**_tabs_context(organization, service, "users"), "memberships": memberships},
    )


def user_detail(request, organization_id, service_slug, membership_id):
    organization, service = _managed(request, organization_id, service_slug)
    membership = get_object_or_404(
        Membership.objects.acting_in(organization=organization, service=service), public_id=membership_id
    )
    access = membership.service_access[0] if membership.service_access else None
    form = RightsForm(
        request.POST or None,
        service=service,
        initial={"rights": list(access.rights.all()) if access else []},
    )
    if request.method == "POST" and form.is_valid():
        services.set_access_rights(
            actor=request.user, membership=membership, service=service, rights=form.cleaned_data["rights"]
        )
        messages.success(request, f"Les habilitations de {membership.user} ont été enregistrées.")
        return redirect("organizations:users", organization.public_id, service.slug)
    return render(
        request,
        "organizations/manage_user.html",
        {
            **_tabs_context(organization, service, "users"),
            "membership": membership,
            "access": access,
            "form": form,
            "is_self": membership.user_id == request.user.pk,
        },
    )


@require_POST
def change_manager(request, organization_id, service_slug, membership_id):
    organization, service = _managed(request, organization_id, service_slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), organization=organization, public_id=membership_id
    )
    if request.POST.get("appoint") == "1":
        try:
            services.appoint_access_manager(actor=request.user, membership=membership, service=service)
        except ValidationError as error:
            messages.error(request, _error_messages(error))
        else:
            messages.success(request, f"{membership.user} est désormais responsable des accès.")
    else:
        services.revoke_access_manager(actor=request.user, membership=membership, service=service)
        messages.success(request, f"{membership.user} n'est plus responsable des accès.")
        if membership.user_id == request.user.pk:
            return redirect("organizations:my_rights")
    return redirect("organizations:users", organization.public_id, service.slug)


@require_POST
def remove_user_access(request, organization_id, service_slug, membership_id):
    organization, service = _managed(request, organization_id, service_slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "declarant_organization"),
        organization=organization,
        public_id=membership_id,
    )
    services.remove_access(actor=request.user, membership=membership, service=service)
    messages.success(request, f"{membership.user} n'a plus accès à {service.display_name} pour {organization.name}.")
    return redirect("organizations:users", organization.public_id, service.slug)


def access_requests(request, organization_id, service_slug):
    organization, service = _managed(request, organization_id, service_slug)
    requests = (
        AccessRequest.objects.filter(membership__organization=organization, service=service)
        .select_related("membership__user", "decided_by")
        .prefetch_related("requested_rights")
        .order_by("-created_at")
    )
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "organizations/manage_requests.html",
        {**_tabs_context(organization, service, "requests"), "page": page},
    )


def decide_request(request, organization_id, service_slug, request_id):
    organization, service = _managed(request, organization_id, service_slug)
    access_request = get_object_or_404(
        AccessRequest.objects.select_related("membership__user"),
        membership__organization=organization,
        service=service,
        public_id=request_id,
    )
    form = DecisionForm(
        request.POST or None, service=service, initial={"rights": list(access_request.requested_rights.all())}
    )
    if request.method == "POST" and access_request.status == AccessRequestStatus.PENDING and form.is_valid():
        try:
            if form.cleaned_data["decision"] == DecisionForm.ACCEPT:
                services.accept_access_request(
                    actor=request.user, access_request=access_request, rights=form.cleaned_data["rights"]
                )
                messages.success(request, f"La demande de {access_request.membership.user} est acceptée.")
            else:
                services.refuse_access_request(
                    actor=request.user, access_request=access_request, comment=form.cleaned_data["comment"]
                )
                messages.success(request, f"La demande de {access_request.membership.user} est refusée.")
        except ValidationError as error:
            messages.error(request, _error_messages(error))
        return redirect("organizations:requests", organization.public_id, service.slug)
    return render(
        request,
        "organizations/decide_request.html",
        {
            **_tabs_context(organization, service, "requests"),
            "access_request": access_request,
            "form": form,
            "accept": DecisionForm.ACCEPT,
            "refuse": DecisionForm.REFUSE,
        },
    )


def invite(request, organization_id, service_slug):
    organization, service = _managed(request, organization_id, service_slug)
    form = InvitationForm(request.POST or None, service=service)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_user(
                actor=request.user,
                organization=organization,
                service=service,
                email=form.cleaned_data["email"],
                rights=form.cleaned_data["rights"],
                declarant_siren=form.cleaned_data["declarant_siren"],
            )
        except ValidationError as error:
            form.add_error("declarant_siren", error)
        else:
            messages.success(request, f"Une invitation a été envoyée à {invitation.email}.")
            return redirect("organizations:invite", organization.public_id, service.slug)
    invitations = (
        Invitation.objects.pending()
        .filter(organization=organization, service=service)
        .select_related("declarant_organization", "invited_by")
        .prefetch_related("rights")
    )
    return render(
        request,
        "organizations/invite.html",
        {**_tabs_context(organization, service, "invite"), "form": form, "invitations": invitations},
    )


@require_POST
def revoke_invitation(request, organization_id, service_slug, invitation_id):
    organization, service = _managed(request, organization_id, service_slug)
    invitation = get_object_or_404(Invitation, organization=organization, service=service, public_id=invitation_id)
    services.revoke_invitation(actor=request.user, invitation=invitation)
    messages.success(request, f"L'invitation de {invitation.email} est annulée.")
    return redirect("organizations:invite", organization.public_id, service.slug)


def audit_log(request, organization_id):
    organization = get_object_or_404(Organization, public_id=organization_id)
    managed = AccessRight.objects.filter(
        membership__user=request.user,
        membership__organization=organization,
        membership__role=MembershipRole.MEMBER,
        is_access_manager=True,
    ).values("service_id")
    if not request.user.is_active or not managed.exists():
        raise Http404
    # Each access manager sees what happened in the services they manage, plus the organisation-wide events.
    events = (
        AuditEvent.objects.filter(organization=organization)
        .filter(Q(service__in=managed) | Q(service__isnull=True))
        .select_related("service")
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "organizations/audit_log.html", {"organization": organization, "page": page})


# ---------------------------------------------------------------------------------------------------------------
# Invitations (§7.4): the link works with or without an account


@login_not_required
def invitation(request, token):
    found = services.find_invitation(token=token)
    try:
        services.check_invitation_usable(found)
    except ValidationError as error:
        return render(request, "organizations/invitation_invalid.html", {"error": _error_messages(error)}, status=404)
    if not request.user.is_authenticated:
        request.session[PENDING_INVITATION_SESSION_KEY] = token
        here = reverse("organizations:invitation", args=[token])
        return render(
            request,
            "organizations/invitation_anonymous.html",
            {
                "invitation": found,
                "login_url": f"{reverse('accounts:login')}?{urlencode({'next': here})}",
                "signup_url": f"{SIGNUP_PATH}?{urlencode({'next': here, 'email': found.email})}",
            },
        )
    if request.method == "POST":
        try:
            membership = services.accept_invitation(user=request.user, token=token)
        except ValidationError as error:
            messages.error(request, _error_messages(error))
        else:
            request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
            messages.success(request, f"Vous agissez désormais pour {membership.organization.name}.")
            return redirect("organizations:my_rights")
    return render(
        request,
        "organizations/invitation.html",
        {"invitation": found, "rights": found.rights.all(), "email_matches": found.email == request.user.email},
    )


# ---------------------------------------------------------------------------------------------------------------
# Application administrators (§7): name access managers, hand out access-manager codes


def _administered(request, service_slug) -> DigitalService:
    service = get_object_or_404(DigitalService, slug=service_slug)
    if not services.can_administer_service(user=request.user, service=service):
        raise Http404
    return service


def service_admin(request, service_slug):
    service = _administered(request, service_slug)
    organizations = Organization.objects.annotate(
        manager_count=Count(
            "memberships__access_rights",
            filter=Q(
                memberships__access_rights__service=service,
                memberships__access_rights__is_access_manager=True,
                memberships__user__is_active=True,
            ),
        )
    ).order_by("name", "siren")
    query = request.GET.get("q", "").strip()
    if query:
        organizations = organizations.filter(Q(name__icontains=query) | Q(siren__startswith=query.replace(" ", "")))
    page = Paginator(organizations, 50).get_page(request.GET.get("page"))
    return render(request, "organizations/service_admin.html", {"service": service, "page": page, "query": query})


def service_admin_organization(request, service_slug, organization_id):
    service = _administered(request, service_slug)
    organization = get_object_or_404(Organization, public_id=organization_id)
    form = AppointManagerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        membership = (
            Membership.objects.select_related("user", "organization")
            .filter(organization=organization, user__email=form.cleaned_data["email"].strip().lower())
            .first()
        )
        if membership is None:
            form.add_error(
                "email",
                "Personne n'est rattaché à cette organisation avec cette adresse : la personne doit d'abord "
                "indiquer le SIREN de son organisation dans « Mes habilitations ».",
            )
        else:
            try:
                services.appoint_access_manager(actor=request.user, membership=membership, service=service)
            except ValidationError as error:
                form.add_error("email", error)
            else:
                messages.success(request, f"{membership.user} est responsable des accès pour {service}.")
                return redirect("organizations:service_admin_organization", service.slug, organization.public_id)
    return render(
        request,
        "organizations/service_admin_organization.html",
        {
            "service": service,
            "organization": organization,
            "memberships": Membership.objects.acting_in(organization=organization, service=service),
            "form": form,
            "code": request.session.pop("organizations:new_code", ""),
        },
    )


@require_POST
def generate_code(request, service_slug, organization_id):
    service = _administered(request, service_slug)
    organization = get_object_or_404(Organization, public_id=organization_id)
    try:
        code = services.generate_access_manager_code(actor=request.user, organization=organization, service=service)
    except PermissionDenied:
        raise Http404 from None
    # Shown once, on the next page only (post/redirect/get): the database keeps nothing but its hash.
    request.session["organizations:new_code"] = code
    return redirect("organizations:service_admin_organization", service.slug, organization.public_id)
