"""Who may reach the OpenID Connect endpoints and "Services connectés" (see relais.core.access)."""

from relais.core.access import EVERYONE, NOBODY, SIGNED_IN, Access, Role, only

ACCESS = {
    "sso:connected_services": Access(SIGNED_IN),
    # A consent of the organisation member: only they may withdraw it.
    "sso:withdraw_consent": Access(only(Role.MEMBER), target="sso.consent", method="POST"),
    "oauth2_provider:authorize": Access(SIGNED_IN),
    # Called by the services' servers with their own credentials, never by a browser session.
    "oauth2_provider:token": Access(NOBODY, method="POST"),
    "oauth2_provider:revoke-token": Access(NOBODY, method="POST"),
    "oauth2_provider:introspect": Access(NOBODY, method="POST"),
    "oauth2_provider:user-info": Access(NOBODY),
    "oauth2_provider:oidc-connect-discovery-info": Access(EVERYONE),
    "oauth2_provider:jwks-info": Access(EVERYONE),
    "oauth2_provider:rp-initiated-logout": Access(EVERYONE),
}
