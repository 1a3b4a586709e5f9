"""Who may reach the Conseillers-Entreprises pages (see relais.core.access). The objects are antenne A's: a need sent
to the team of AGENT, whose antenne ANTENNE_MANAGER manages; the agents and managers of antenne B are strangers to
it."""

from relais.core.access import CE_SUPPORT, EVERYONE, SIGNED_IN, Access, Role, only

SEES_THE_NEED = CE_SUPPORT | {Role.AGENT, Role.ANTENNE_MANAGER}
MANAGERS = {Role.ANTENNE_MANAGER, Role.OTHER_ANTENNE_MANAGER}

ACCESS = {
    # Public filing, without an account; the draft and confirmation pages are reached by their random UUID.
    "conseillers_entreprises:landing": Access(EVERYONE, target="ce.landing"),
    "conseillers_entreprises:theme": Access(EVERYONE, target="ce.theme"),
    "conseillers_entreprises:file_request": Access(EVERYONE, target="ce.subject"),
    "conseillers_entreprises:file_other_need": Access(EVERYONE, target="ce.landing"),
    "conseillers_entreprises:filing_resume": Access(EVERYONE, target="ce.draft"),
    "conseillers_entreprises:filing_confirmation": Access(EVERYONE, target="ce.solicitation"),
    "conseillers_entreprises:newsletter_subscribe": Access(EVERYONE),
    "conseillers_entreprises:newsletter_confirm": Access(EVERYONE, target="ce.subscription"),
    "conseillers_entreprises:newsletter_unsubscribe": Access(EVERYONE, target="ce.subscription"),
    "conseillers_entreprises:stats": Access(EVERYONE),
    "conseillers_entreprises:satisfaction_survey": Access(EVERYONE, target="ce.survey"),
    # The company's follow-up page: the signed link of its emails is the capability, whoever holds it.
    "conseillers_entreprises:company_followup": Access(EVERYONE, target="ce.company_followup"),
    "conseillers_entreprises:advisor_invitation_accept": Access(EVERYONE, target="ce.advisor_invitation_link"),
    "conseillers_entreprises:advisor_account_request": Access(EVERYONE),
    "conseillers_entreprises:advisor_account_request_sent": Access(EVERYONE),
    # Support's pages.
    "conseillers_entreprises:triage_queue": Access(CE_SUPPORT),
    "conseillers_entreprises:triage_solicitation": Access(CE_SUPPORT, target="ce.solicitation"),
    "conseillers_entreprises:triage_cancel": Access(CE_SUPPORT, target="ce.solicitation"),
    "conseillers_entreprises:coverage": Access(CE_SUPPORT),
    "conseillers_entreprises:coverage_department": Access(CE_SUPPORT, target="ce.coverage_department"),
    "conseillers_entreprises:followup_baskets": Access(CE_SUPPORT),
    "conseillers_entreprises:followup_remind": Access(CE_SUPPORT, target="ce.need", method="POST"),
    "conseillers_entreprises:followup_done": Access(CE_SUPPORT, target="ce.need", method="POST"),
    "conseillers_entreprises:followup_write_company": Access(CE_SUPPORT, target="ce.need"),
    "conseillers_entreprises:satisfaction_answers": Access(CE_SUPPORT),
    "conseillers_entreprises:satisfaction_share": Access(CE_SUPPORT, target="ce.satisfaction_answer", method="POST"),
    "conseillers_entreprises:advisor_account_requests": Access(CE_SUPPORT),
    "conseillers_entreprises:advisor_account_request_detail": Access(CE_SUPPORT, target="ce.account_request"),
    # Statistics of one's scope: everything for support, their antennes' for managers.
    "conseillers_entreprises:stats_dashboard": Access(CE_SUPPORT | MANAGERS),
    "conseillers_entreprises:stats_export": Access(CE_SUPPORT | MANAGERS, target="ce.export"),
    # A background export belongs to the person who asked for it (here antenne A's manager): a 404 for anyone else.
    "conseillers_entreprises:export_job": Access(only(Role.ANTENNE_MANAGER), target="ce.export_job"),
    "conseillers_entreprises:export_job_status": Access(only(Role.ANTENNE_MANAGER), target="ce.export_job"),
    "conseillers_entreprises:export_job_download": Access(only(Role.ANTENNE_MANAGER), target="ce.export_job"),
    # A need of antenne A: its team, its antenne's managers, support.
    "conseillers_entreprises:need": Access(SEES_THE_NEED, target="ce.need"),
    # The agent's secure link: opens the need to an anonymous browser (scoped), sends those who see it to it, and
    # tells anyone else signed in that it is not theirs.
    "conseillers_entreprises:need_link": Access(SEES_THE_NEED | {Role.ANONYMOUS}, target="ce.need_link"),
    "conseillers_entreprises:need_comment": Access(CE_SUPPORT | {Role.AGENT}, target="ce.need", method="POST"),
    "conseillers_entreprises:match_position": Access(only(Role.AGENT), target="ce.match", method="POST"),
    # Lists of one's own: empty for those who have nothing there.
    "conseillers_entreprises:inbox": Access(SIGNED_IN),
    "conseillers_entreprises:managed_antennes": Access(SIGNED_IN),
    "conseillers_entreprises:antenne": Access(only(Role.ANTENNE_MANAGER), target="ce.antenne"),
    "conseillers_entreprises:antenne_agents": Access(only(Role.ANTENNE_MANAGER), target="ce.antenne"),
    "conseillers_entreprises:antenne_absence_delete": Access(
        only(Role.ANTENNE_MANAGER), target="ce.absence", method="POST"
    ),
    # Invitations: support, and managers for their antennes' teams.
    "conseillers_entreprises:advisor_invitations": Access(CE_SUPPORT | MANAGERS),
    "conseillers_entreprises:advisor_invite": Access(CE_SUPPORT | MANAGERS),
    "conseillers_entreprises:advisor_invitation_resend": Access(
        CE_SUPPORT | {Role.ANTENNE_MANAGER}, target="ce.advisor_invitation", method="POST"
    ),
    "conseillers_entreprises:analysis_new": Access(CE_SUPPORT | {Role.AGENT, Role.OTHER_AGENT}),
}
