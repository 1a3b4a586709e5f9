from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("mes-habilitations/", views.my_rights, name="my_rights"),
    path("rattachement/", views.join, name="join"),
    path("code-responsable/", views.redeem_code, name="redeem_code"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("<uuid:organization_id>/journal/", views.audit_log, name="audit_log"),
    path("<uuid:organization_id>/<slug:service_slug>/demander/", views.request_access, name="request_access"),
    path("<uuid:organization_id>/<slug:service_slug>/acces/", views.users, name="users"),
    path(
        "<uuid:organization_id>/<slug:service_slug>/acces/<uuid:membership_id>/",
        views.user_detail,
        name="user_detail",
    ),
    path(
        "<uuid:organization_id>/<slug:service_slug>/acces/<uuid:membership_id>/responsable/",
        views.change_manager,
        name="change_manager",
    ),
    path(
        "<uuid:organization_id>/<slug:service_slug>/acces/<uuid:membership_id>/retirer/",
        views.remove_user_access,
        name="remove_access",
    ),
    path("<uuid:organization_id>/<slug:service_slug>/demandes/", views.access_requests, name="requests"),
    path(
        "<uuid:organization_id>/<slug:service_slug>/demandes/<uuid:request_id>/",
        views.decide_request,
        name="decide_request",
    ),
    path("<uuid:organization_id>/<slug:service_slug>/inviter/", views.invite, name="invite"),
    path(
        "<uuid:organization_id>/<slug:service_slug>/invitations/<uuid:invitation_id>/annuler/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("administration/<slug:service_slug>/", views.service_admin, name="service_admin"),
    path(
        "administration/<slug:service_slug>/<uuid:organization_id>/",
        views.service_admin_organization,
        name="service_admin_organization",
    ),
    path(
        "administration/<slug:service_slug>/<uuid:organization_id>/code/",
        views.generate_code,
        name="generate_code",
    ),
]
