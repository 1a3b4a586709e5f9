"""The audit log: one append-only trail of the sensitive actions of every app.

Apps call `record(...)` where the action happens (one line). Sign-ins, sign-outs, failed sign-ins and every change
made in the Django admin are recorded here through signals, so no app has to think of them.
"""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.db.models.signals import m2m_changed, post_save

from relais.core.ratelimit import client_ip

from ..enums import AuditAction
from ..models import AuditEntry

ADMIN_ACTIONS = {ADDITION: "ajout", CHANGE: "modification", DELETION: "suppression"}
# `record(actor=...)` left out: the request's user acts. Given as None: nobody is named (a job, an erased person).
FROM_REQUEST = object()


def describe(user) -> str:
    """How a person is named in the log: name and address, so that the entry stays readable after a deletion."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    name = user.get_full_name()
    return f"{name} <{user.email}>" if name else user.email


def record(
    *,
    action: AuditAction,
    actor=FROM_REQUEST,
    request=None,
    target: models.Model | None = None,
    target_label: str = "",
    details: dict | None = None,
) -> AuditEntry:
    """Append one entry. `actor` defaults to the request's user; `target` is the object acted on (its label and
    identifier are copied); `details` must be JSON and should not repeat personal data needlessly."""
    if actor is FROM_REQUEST:
        actor = request.user if request is not None and request.user.is_authenticated else None
    object_type = object_id = ""
    if target is not None:
        object_type = target._meta.label_lower
        object_id = str(getattr(target, "public_id", None) or target.pk)
        target_label = target_label or (describe(target) if hasattr(target, "get_full_name") else str(target))
    return AuditEntry.objects.create(
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        actor_label=describe(actor)[:255],
        ip=client_ip(request) or None,
        object_type=object_type,
        object_id=object_id[:64],
        object_label=target_label[:255],
        details=details or {},
    )


def _on_logged_in(sender, request, user, **kwargs):
    record(action=AuditAction.SIGN_IN, actor=user, request=request, target=user)


def _on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(action=AuditAction.SIGN_OUT, actor=user, request=request, target=user)


def _on_login_failed(sender, credentials, request=None, **kwargs):
    # The address typed is kept (security events, 12 months): it tells an attack on one account from a typo.
    attempted = str(credentials.get("username") or credentials.get("email") or "")
    record(action=AuditAction.SIGN_IN_FAILED, request=request, target_label=attempted)


def _on_admin_log_entry(sender, instance: LogEntry, created, **kwargs):
    if not created:
        return
    AuditEntry.objects.create(
        action=AuditAction.ADMIN_CHANGE,
        actor=instance.user,
        actor_label=describe(instance.user)[:255],
        object_type=instance.content_type.model_class()._meta.label_lower if instance.content_type else "",
        object_id=str(instance.object_id or "")[:64],
        object_label=instance.object_repr[:255],
        details={
            "opération": ADMIN_ACTIONS.get(instance.action_flag, ""),
            "changements": instance.get_change_message(),
        },
    )


def audited_delete_selected(modeladmin, request, queryset):
    """Django's bulk deletion writes its admin log entries in bulk, without signals: they are recorded here (a
    single object's entry is saved one by one, and reaches `_on_admin_log_entry`)."""
    from django.contrib.admin.actions import delete_selected

    confirmed = request.POST.get("post") and modeladmin.has_delete_permission(request)
    labels = [(str(obj.pk), str(obj)) for obj in queryset] if confirmed else []
    response = delete_selected(modeladmin, request, queryset)
    if confirmed and response is None and len(labels) > 1:
        AuditEntry.objects.bulk_create(
            AuditEntry(
                action=AuditAction.ADMIN_CHANGE,
                actor=request.user,
                actor_label=describe(request.user)[:255],
                ip=client_ip(request) or None,
                object_type=queryset.model._meta.label_lower,
                object_id=pk[:64],
                object_label=label[:255],
                details={"opération": "suppression"},
            )
            for pk, label in labels
        )
    return response


audited_delete_selected.allowed_permissions = ("delete",)
audited_delete_selected.short_description = "Supprimer les %(verbose_name_plural)s sélectionnés"


def _on_groups_changed(sender, instance, action, pk_set, model, **kwargs):
    """Roles are groups: adding someone to the support team or the DPO group changes what they may see."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    from django.contrib.auth import get_user_model

    if not isinstance(instance, get_user_model()):
        return
    names = sorted(model.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True))
    record(
        action=AuditAction.RIGHTS_CHANGED,
        target=instance,
        details={"groupes": names, "opération": {"post_add": "ajout", "post_remove": "retrait"}.get(action, "vidage")},
    )


def connect_receivers() -> None:
    from django.contrib import admin
    from django.contrib.auth import get_user_model

    admin.site.disable_action("delete_selected")
    admin.site.add_action(audited_delete_selected, "delete_selected")

    user_logged_in.connect(_on_logged_in, dispatch_uid="privacy.audit.logged_in")
    user_logged_out.connect(_on_logged_out, dispatch_uid="privacy.audit.logged_out")
    user_login_failed.connect(_on_login_failed, dispatch_uid="privacy.audit.login_failed")
    post_save.connect(_on_admin_log_entry, sender=LogEntry, dispatch_uid="privacy.audit.admin_log_entry")
    m2m_changed.connect(
        _on_groups_changed, sender=get_user_model().groups.through, dispatch_uid="privacy.audit.groups_changed"
    )
