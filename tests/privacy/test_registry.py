"""The registry is complete: a model with personal fields has an exporter and an eraser, or says why not."""

import pytest
from django.apps import apps

from relais.privacy.enums import Erasure, RetentionAction, Service
from relais.privacy.registry import (
    DataSubject,
    Duration,
    LegalSource,
    PersonalData,
    RetentionRule,
    by_email,
    by_user,
    either,
    looks_personal,
    personal_fields,
    registry,
)


def _models_with_personal_fields():
    for model in apps.get_models():
        if model._meta.auto_created:
            continue
        fields = personal_fields(model)
        if fields:
            yield model, fields


def test_every_model_with_personal_fields_is_registered_or_declared_not_personal():
    missing = []
    for model, fields in _models_with_personal_fields():
        if model in registry.not_personal:
            continue
        entry = registry.personal_data.get(model)
        if entry is None:
            missing.append(f"{model._meta.label} ({', '.join(fields)}) : aucune entrée dans un privacy.py")
            continue
        uncovered = set(fields) - set(entry.fields) - set(entry.not_personal)
        if uncovered:
            missing.append(f"{model._meta.label} : champs personnels ni exportés ni justifiés {sorted(uncovered)}")
    assert not missing, "Données personnelles sans exportateur :\n" + "\n".join(missing)


def test_the_completeness_check_catches_a_new_personal_field():
    """The detection the test above relies on: an address, a link to an account, a free text, a file."""
    from relais.conseillers_entreprises.models import Solicitation
    from relais.privacy.models import DataRightsRequest

    assert looks_personal(Solicitation._meta.get_field("email"))
    assert looks_personal(Solicitation._meta.get_field("description"))
    assert looks_personal(DataRightsRequest._meta.get_field("identity_proof"))
    assert not looks_personal(Solicitation._meta.get_field("status"))
    from relais.conseillers_entreprises.models import NeedComment

    assert looks_personal(NeedComment._meta.get_field("author"))


def test_every_entry_explains_its_erasure():
    for entry in registry.personal_data.values():
        assert entry.erasure_note, entry.model._meta.label
        if entry.erasure == Erasure.KEPT or entry.account:
            continue
        assert entry.erasure in (Erasure.DELETED, Erasure.ANONYMISED)


def test_exactly_one_account_entry_and_it_comes_last():
    entries = registry.entries()
    assert [entry.account for entry in entries].count(True) == 1
    assert entries[-1].account


def test_every_rule_names_a_legal_source_and_a_known_service():
    for rule in registry.rules.values():
        assert str(rule.source)
        assert rule.service in Service.values
        assert rule.data and rule.starting_event


def test_a_rule_is_one_entry_and_is_checked(monkeypatch):
    with pytest.raises(ValueError, match="apply"):
        RetentionRule(
            name="essai",
            service=Service.PLATFORM,
            data="Essai",
            duration=Duration(days=1),
            starting_event="l’essai",
            action=RetentionAction.ANONYMISE,
            source=LegalSource("Essai"),
            due=lambda cutoff: None,
            date_field="created_at",
        )
    with pytest.raises(ValueError, match="Nom de règle"):
        RetentionRule(
            name="Pas Bon",
            service=Service.PLATFORM,
            data="Essai",
            duration=Duration(days=1),
            starting_event="l’essai",
            action=RetentionAction.DELETE,
            source=LegalSource("Essai"),
            due=lambda cutoff: None,
            date_field="created_at",
        )
    existing = next(iter(registry.rules.values()))
    with pytest.raises(ValueError, match="déjà"):
        registry.register_rule(existing)


def test_registering_unknown_fields_fails():
    from relais.conseillers_entreprises.models import Solicitation

    with pytest.raises(ValueError):
        registry.register_personal_data(
            PersonalData(
                model=Solicitation,
                service=Service.CONSEILLERS_ENTREPRISES,
                label="Essai",
                fields=("nope",),
                owner=by_email("email"),
                erasure=Erasure.DELETED,
                erasure_note="Essai",
            )
        )


def test_owners_find_nothing_without_the_key():
    assert by_user("user")(DataSubject(email="a@b.fr")) is None
    assert by_email("email")(DataSubject(email="")) is None
    assert either(by_user("user"), by_email("email"))(DataSubject(email="")) is None
    with pytest.raises(ValueError):
        by_user()


def test_durations_read_in_french():
    assert Duration(years=3).label == "3 ans"
    assert Duration(months=12).label == "12 mois"
    assert Duration(days=1).label == "1 jour"
    assert Duration(years=1, months=6).label == "1 an et 6 mois"
