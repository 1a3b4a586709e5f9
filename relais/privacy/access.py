"""Who may reach the privacy pages (see relais.core.access). Notices and the rights form are public; "Mes données"
is the signed-in person's own; the DPO queue, the register, the audit log and the incident queue belong to roles
(groups with a permission) that only the matrix's staff holds."""

from relais.core.access import EVERYONE, SIGNED_IN, Access, Role, only

STAFF = only(Role.STAFF)

ACCESS = {
    "privacy:index": Access(EVERYONE),
    "privacy:cookies": Access(EVERYONE),
    "privacy:notice": Access(EVERYONE, target="privacy.notice"),
    "privacy:request_form": Access(EVERYONE),
    "privacy:request_sent": Access(EVERYONE),
    # The signed link is the capability: whoever holds it gets the copy of that one answered request.
    "privacy:request_export": Access(EVERYONE, target="privacy.export_link"),
    "privacy:my_data": Access(SIGNED_IN),
    "privacy:my_data_export": Access(SIGNED_IN, target="privacy.my_data_format"),
    "privacy:object_to": Access(SIGNED_IN, target="privacy.objection", method="POST"),
    "privacy:dpo_queue": Access(STAFF),
    "privacy:dpo_request": Access(STAFF, target="privacy.rights_request"),
    "privacy:dpo_identity_proof": Access(STAFF, target="privacy.rights_request"),
    "privacy:dpo_verify": Access(STAFF, target="privacy.rights_request", method="POST"),
    "privacy:dpo_export": Access(STAFF, target="privacy.rights_request", method="POST"),
    "privacy:dpo_erase": Access(STAFF, target="privacy.rights_request", method="POST"),
    "privacy:dpo_objection": Access(STAFF, target="privacy.rights_request", method="POST"),
    "privacy:dpo_note": Access(STAFF, target="privacy.rights_request", method="POST"),
    "privacy:dpo_close": Access(STAFF, target="privacy.rights_request", method="POST"),
    "privacy:audit_log": Access(STAFF),
    "privacy:audit_log_csv": Access(STAFF),
    "privacy:register": Access(STAFF),
    "privacy:register_csv": Access(STAFF),
    "incidents:report": Access(SIGNED_IN),
    "incidents:reported": Access(SIGNED_IN),
    "incidents:queue": Access(STAFF),
    "incidents:detail": Access(STAFF, target="privacy.incident"),
}
