"""Who may reach the API and the partners' pages (see relais.core.access). The API's data answers only a key
(no role of the matrix holds one: a session never opens it); its documents and the open statistics are public; a
partner's keys are managed by that partner's administrators only."""

from relais.core.access import EVERYONE, NOBODY, SIGNED_IN, Access, Role, only

PARTNER_ADMIN = only(Role.PARTNER_ADMIN)

ACCESS = {
    "api-v1:openapi-json": Access(EVERYONE),
    "api-v1:openapi-view": Access(EVERYONE),
    "api-v1:conseillers_entreprises_stats": Access(EVERYONE),
    "api-v1:cn_places": Access(EVERYONE),
    "api-v1:cn_places_list": Access(EVERYONE),
    "api-v1:cn_stats": Access(EVERYONE),
    "api-v1:api-root": Access(NOBODY),
    "api-v1:list_landings": Access(NOBODY),
    "api-v1:search_landings": Access(NOBODY),
    "api-v1:get_landing": Access(NOBODY, target="api.landing"),
    "api-v1:list_landing_themes": Access(NOBODY),
    "api-v1:list_landing_subjects": Access(NOBODY),
    "api-v1:get_landing_subject": Access(NOBODY, target="api.subject"),
    "api-v1:create_solicitation": Access(NOBODY, method="POST"),
    "api-v1:get_solicitation": Access(NOBODY, target="api.solicitation"),
    "api:partners": Access(SIGNED_IN),
    "api:partner_keys": Access(PARTNER_ADMIN, target="api.partner"),
    "api:partner_webhook": Access(PARTNER_ADMIN, target="api.partner"),
    "api:key_revoke": Access(PARTNER_ADMIN, target="api.key", method="POST"),
    "api:key_rotate": Access(PARTNER_ADMIN, target="api.key", method="POST"),
}
