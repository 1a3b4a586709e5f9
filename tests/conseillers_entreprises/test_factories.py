import pytest

from .factories import ExpertSubjectFactory, MatchFactory, SolicitationFactory

pytestmark = pytest.mark.django_db


def test_expert_subject_goes_through_the_expert_institution():
    expert_subject = ExpertSubjectFactory()
    assert expert_subject.institution_subject.institution == expert_subject.expert.antenne.institution
    assert expert_subject.expert.users.count() == 1


def test_match_and_solicitation():
    match = MatchFactory()
    assert match.subject == match.need.subject
    assert SolicitationFactory().full_name
