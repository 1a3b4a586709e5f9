"""Import of the Pix results (CSV sent by Pix): one line per candidate, checked line by line, idempotent."""

import csv
import datetime
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction

from relais.accounts.models import UserManager

from .enums import PixLevel
from .models import Candidate

HEADERS = ("email", "partage", "date", "niveau", "competence_1", "competence_2", "competence_3")
YES, NO = {"oui", "yes", "o", "1", "vrai", "true"}, {"non", "no", "n", "0", "faux", "false"}
LEVELS = {str(level.value): level for level in PixLevel} | {level.label.lower(): level for level in PixLevel}
MAX_SCORE = 100


@dataclass
class Report:
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


class LineError(Exception):
    pass


def read_rows(text: str) -> tuple[list[str], Iterable[dict]]:
    sample = text[:2048]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    headers = [name.strip().lower() for name in (reader.fieldnames or [])]
    reader.fieldnames = headers
    return headers, reader


def _date(value: str) -> datetime.date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise LineError(f"date « {value} » illisible (attendu JJ/MM/AAAA ou AAAA-MM-JJ)")


def parse(row: dict) -> dict:
    email = (row.get("email") or "").strip()
    if not email or "@" not in email:
        raise LineError(f"adresse électronique « {email} » invalide")
    shared = (row.get("partage") or "").strip().lower()
    if shared not in YES | NO:
        raise LineError(f"partage « {shared} » : attendu oui ou non")
    level = LEVELS.get((row.get("niveau") or "").strip().lower())
    if level is None:
        raise LineError(f"niveau « {row.get('niveau')} » : attendu 1, 2, 3 ou débutant, intermédiaire, avancé")
    scores = []
    for name in HEADERS[4:]:
        raw = (row.get(name) or "").strip().replace(",", ".")
        try:
            score = float(raw)
        except ValueError:
            raise LineError(f"{name.replace('_', ' ')} « {raw} » n'est pas un nombre") from None
        if not 0 <= score <= MAX_SCORE:
            raise LineError(f"{name.replace('_', ' ')} {raw} hors de l'intervalle 0 à {MAX_SCORE}")
        scores.append(score)
    return {
        "email": UserManager.normalize_email(email),
        "pix_shared": shared in YES,
        "pix_date": _date((row.get("date") or "").strip()),
        "pix_level": int(level),
        "pix_scores": scores,
    }


def import_results(text: str, *, dry_run: bool, progress: Callable[[Iterable], Iterable] = lambda rows: rows) -> Report:
    report = Report()
    headers, rows = read_rows(text)
    missing = [name for name in HEADERS if name not in headers]
    if missing:
        report.errors.append(f"En-tête : colonnes manquantes : {', '.join(missing)}.")
        return report
    for number, row in enumerate(progress(list(rows)), start=2):
        try:
            values = parse(row)
            candidate = Candidate.objects.filter(email__iexact=values.pop("email")).first()
            if candidate is None:
                raise LineError(f"aucune candidature avec l'adresse {row['email'].strip()}")
        except LineError as error:
            report.errors.append(f"Ligne {number} : {error}.")
            continue
        if all(getattr(candidate, name) == value for name, value in values.items()):
            report.unchanged += 1
            continue
        report.updated += 1
        if not dry_run:
            with transaction.atomic():
                Candidate.objects.filter(pk=candidate.pk).update(**values)
    return report
