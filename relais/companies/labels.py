"""French labels of the INSEE codes stored on companies: legal forms, NAF divisions and staff sizes.

The nomenclatures ship in data/ (public INSEE references); they are read once per process.
"""

import csv
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@cache
def _labels(name: str) -> dict[str, str]:
    with (DATA / name).open(encoding="utf-8", newline="") as file:
        return {row["code"]: row["label"] for row in csv.DictReader(file)}


def _describe(code: str, label: str | None) -> str:
    return f"{label} ({code})" if label else code


def legal_form_label(code: str) -> str:
    """The most precise level known: "5710" → "SAS, société par actions simplifiée (5710)"."""
    if not code:
        return ""
    labels = _labels("legal_forms.csv")
    return _describe(code, labels.get(code) or labels.get(code[:2]) or labels.get(code[:1]))


def naf_label(code: str) -> str:
    """The NAF division of a code: "62.01Z" → "Programmation, conseil et autres activités informatiques (62.01Z)"."""
    if not code:
        return ""
    return _describe(code, _labels("naf_divisions.csv").get(code[:2]))


def staff_size_label(code: str) -> str:
    if not code:
        return ""
    return _labels("staff_sizes.csv").get(code, code)


def nafa_label(code: str) -> str:
    """The craft activity of the répertoire des métiers: "4520AB" → "Réparation automobile… (4520AB)"."""
    if not code:
        return ""
    return _describe(code, _labels("nafa_codes.csv").get(code.replace(".", "").upper()))
