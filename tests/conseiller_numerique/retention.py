"""Rows of Conseiller numérique for the boundary tests of the retention rules (tests/privacy)."""

from django.core.files.base import ContentFile
from django.utils import timezone

from relais.conseiller_numerique.enums import CandidateStatus, StructureStatus
from relais.conseiller_numerique.models import Candidate, HostStructure
from tests.conseiller_numerique import factories as f
from tests.conseiller_numerique.conftest import PDF


def _place():
    return f.commune(45.76, 4.83)


def make_unconfirmed_candidate():
    return f.candidate(_place(), confirmed=False, status=CandidateStatus.UNCONFIRMED)


def make_unconfirmed_structure():
    return f.structure(_place(), status=StructureStatus.UNCONFIRMED, confirmed_at=None)


def make_candidate_with_cv():
    candidate = f.candidate(_place(), cv_uploaded_at=timezone.now())
    candidate.cv.save("cv.pdf", ContentFile(PDF), save=True)
    return candidate


def make_confirmed_candidate():
    return f.candidate(_place())


def make_confirmed_structure():
    return f.structure(_place())


def cv_dropped(candidate) -> bool:
    return not Candidate.objects.get(pk=candidate.pk).cv


def contact_removed(structure) -> bool:
    return HostStructure.objects.get(pk=structure.pk).contact_email == ""
