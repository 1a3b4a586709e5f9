"""The OpenID Connect provider, mounted at /oidc/: django-oauth-toolkit's endpoints minus the ones we do not
offer (device flow, dynamic registration, self-service application management: clients are created by staff
with `create_oidc_client` or in the admin)."""

from django.urls import path, re_path
from oauth2_provider import views as oauth2_views

from . import views

# django-oauth-toolkit reverses its own URL names in this namespace.
app_name = "oauth2_provider"

authorize = views.AuthorizationView.as_view()
# The legal app asks the view which terms, beyond the portal's, one accepts to go on (a catalogue service's own).
authorize.terms_scopes = views.terms_scopes

urlpatterns = [
    path("authorize/", authorize, name="authorize"),
    path("token/", oauth2_views.TokenView.as_view(), name="token"),
    path("revoke_token/", oauth2_views.RevokeTokenView.as_view(), name="revoke-token"),
    path("introspect/", views.IntrospectTokenView.as_view(), name="introspect"),
    re_path(
        r"^\.well-known/openid-configuration/?$",
        views.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", oauth2_views.JwksInfoView.as_view(), name="jwks-info"),
    path("userinfo/", views.UserInfoView.as_view(), name="user-info"),
    path("logout/", views.RPInitiatedLogoutView.as_view(), name="rp-initiated-logout"),
]
