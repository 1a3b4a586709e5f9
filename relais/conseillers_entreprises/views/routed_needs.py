"""The "routed needs" editor shared by support's triage and the advisors' "Analyse".

Each need carries its subject, its description and the teams to notify, checked from the routing of its subject;
the page round-trips (change of subject, need added or removed, team searched and added by support) until the
person sends. Nothing typed is lost on a round trip. Support sees why routing left other teams out; an advisor
only unchecks the teams routing proposed.
"""

import uuid
from dataclasses import dataclass, field

from django.db.models import Q

from ..forms.routed_needs import MAX_NEEDS, active_experts, routed_need_formset
from ..models import Expert, Subject
from ..services.needs import NeedDraft
from ..services.routing import Exclusion, Routing, explain_expert, explain_routing, route_need

MAX_SEARCH_RESULTS = 10
NO_ESTABLISHMENT_WARNING = "Établissement inconnu : ni le territoire ni les critères de l’expert n’ont été vérifiés."


@dataclass
class NeedState:
    """What is set for one need so far, carried by the form from one round trip to the next."""

    subject: Subject | None
    description: str
    checked: list[Expert] = field(default_factory=list)
    added: list[Expert] = field(default_factory=list)
    routed_for: int | None = None
    expert_query: str = ""

    def initial(self) -> dict:
        return {
            "subject": self.subject,
            "description": self.description,
            "experts": self.checked,
            "added": self.added,
            "routed_for": self.routed_for,
            "expert_query": self.expert_query,
        }


@dataclass(frozen=True)
class Candidate:
    expert: Expert
    checked: bool
    reason: str = ""
    warning: str = ""


@dataclass
class Panel:
    """The teams offered for one need: routed ones (with why, for support), added ones with their warning."""

    state: NeedState
    routing: Routing | None
    candidates: list[Candidate]
    search_results: list[tuple[Expert, str]] = field(default_factory=list)

    @property
    def routed(self) -> bool:
        return self.routing is not None

    @property
    def excluded(self) -> list[Exclusion]:
        return self.routing.excluded if self.routing else []

    @property
    def query(self) -> str:
        return self.state.expert_query.strip()

    def draft(self) -> NeedDraft:
        return NeedDraft(
            subject=self.state.subject,
            description=self.state.description,
            experts=[candidate.expert for candidate in self.candidates if candidate.checked],
            routed=list(self.routing.kept) if self.routing else [],
            warnings={c.expert.pk: c.warning for c in self.candidates if c.warning},
        )


class RoutedNeedsEditor:
    """The needs formset of one page and the routing of each need, for the company's establishment."""

    def __init__(self, *, establishment, support: bool, data=None, initial: list[NeedState], answers=None):
        self.establishment = establishment
        self.support = support
        self.answers = answers or {}
        self.data = data
        self.formset = routed_need_formset(support=support, data=data) if data is not None else None
        self.states = self._states_from_formset() if self.formset is not None else initial
        self._panels: list[Panel] | None = None

    @property
    def action(self) -> str:
        return (self.data or {}).get("action", "update")

    def _states_from_formset(self) -> list[NeedState]:
        """The needs as posted, valid or not, so that nothing typed is lost when the page comes back."""
        self.formset.is_valid()
        states = []
        for form in self.formset.forms:
            data = form.cleaned_data
            states.append(
                NeedState(
                    subject=data.get("subject"),
                    description=data.get("description", form.data.get(form.add_prefix("description"), "")),
                    checked=list(data.get("experts", [])),
                    added=list(data.get("added", [])),
                    routed_for=data.get("routed_for"),
                    expert_query=data.get("expert_query", ""),
                )
            )
        return states

    def is_ready(self) -> bool:
        """The posted needs are valid and their teams were chosen on the routing of their current subject."""
        return (
            self.formset is not None
            and self.formset.is_valid()
            and all(state.subject is not None and state.routed_for == state.subject.pk for state in self.states)
        )

    def subject_changed(self) -> bool:
        return self.formset is not None and self.formset.is_valid() and not self.is_ready()

    def apply(self) -> None:
        """Apply the button pressed: add or remove a need, take a suggested subject, add a team (support)."""
        post, states = self.data or {}, self.states
        self.formset = None
        if post.get("action") == "add_need" and len(states) < MAX_NEEDS:
            states.append(NeedState(subject=None, description=""))
        elif post.get("remove_need", "").isdigit() and len(states) > 1:
            index = int(post["remove_need"])
            if index < len(states):
                del states[index]
        elif self.support and post.get("use_subject", "").isdigit():
            states[0].subject = Subject.objects.filter(pk=post["use_subject"], is_archived=False).first()
        elif self.support and ":" in post.get("add_expert", ""):
            index, _, expert_id = post["add_expert"].partition(":")
            expert = active_experts().filter(public_id=expert_id).first() if _is_uuid(expert_id) else None
            if expert and index.isdigit() and int(index) < len(states):
                state = states[int(index)]
                if expert not in state.added:
                    state.added.append(expert)
                if expert not in state.checked:
                    state.checked.append(expert)
                state.expert_query = ""

    @property
    def panels(self) -> list[Panel]:
        if self._panels is None:
            self._panels = [self._panel(state) for state in self.states]
        return self._panels

    def drafts(self) -> list[NeedDraft]:
        return [panel.draft() for panel in self.panels]

    def context(self) -> dict:
        panels = self.panels
        formset = self.formset or routed_need_formset(
            support=self.support, initial=[state.initial() for state in self.states]
        )
        return {
            "formset": formset,
            "needs": list(zip(formset.forms, panels, strict=True)),
            "can_add_need": len(self.states) < MAX_NEEDS,
            "support": self.support,
        }

    def _routing(self, subject: Subject) -> Routing | None:
        if self.establishment is None:
            return None
        routing = route_need(subject=subject, establishment=self.establishment, answers=self.answers)
        if self.support:
            explain_routing(routing)
        return routing

    def _warning(self, expert: Expert, routing: Routing | None) -> str:
        if routing is None:
            return NO_ESTABLISHMENT_WARNING
        exclusion = explain_expert(expert=expert, routing=routing)
        return exclusion.reason if exclusion else ""

    def _panel(self, state: NeedState) -> Panel:
        routing = self._routing(state.subject) if state.subject else None
        kept = _with_zones(list(routing.kept)) if routing else []
        if state.subject is not None and state.routed_for != state.subject.pk:
            # First display, or the subject changed: start again from what routing proposes for it.
            state.checked = kept + [expert for expert in state.added if expert not in kept]
            state.routed_for = state.subject.pk
        checked = {expert.pk for expert in state.checked}
        candidates = [
            Candidate(expert, expert.pk in checked, _kept_reason(expert, state.subject) if self.support else "")
            for expert in kept
        ]
        if self.support:
            candidates += [
                Candidate(
                    expert,
                    expert.pk in checked,
                    "Ajouté par l’équipe support.",
                    self._warning(expert, routing) if state.subject else "",
                )
                for expert in state.added
                if expert not in kept
            ]
        panel = Panel(state=state, routing=routing, candidates=candidates)
        if self.support and panel.query:
            shown = [candidate.expert.pk for candidate in candidates]
            found = (
                active_experts()
                .filter(
                    Q(name__icontains=panel.query)
                    | Q(antenne__name__icontains=panel.query)
                    | Q(antenne__institution__name__icontains=panel.query)
                )
                .exclude(pk__in=shown)
                .order_by("name")[:MAX_SEARCH_RESULTS]
            )
            panel.search_results = [
                (expert, self._warning(expert, routing) if state.subject else "") for expert in found
            ]
        return panel


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _with_zones(experts: list[Expert]) -> list[Expert]:
    if not experts:
        return experts
    by_pk = (
        Expert.objects.select_related("antenne__institution")
        .prefetch_related("zones", "antenne__zones", "expert_subjects__institution_subject")
        .in_bulk([expert.pk for expert in experts])
    )
    return [by_pk[expert.pk] for expert in experts]


def _kept_reason(expert: Expert, subject: Subject) -> str:
    zones = list(expert.zones.all()) or list(expert.antenne.zones.all())
    territory = ", ".join(str(zone) for zone in zones) or "aucune zone"
    reason = (
        f"{expert.antenne.institution} traite « {subject} » et l’équipe couvre le territoire de l’établissement "
        f"({territory})."
    )
    criteria = [
        item.intervention_criteria
        for item in expert.expert_subjects.all()
        if item.institution_subject.subject_id == subject.pk and item.intervention_criteria
    ]
    if criteria:
        reason += " Critères d’intervention : " + " ".join(criteria)
    return reason
