"""Recall of the off-theme classifier (services/classifier.py) on hand-labelled requests.

Usage: .venv/bin/python bench/subjects.py [bench/data/needs_labelled.csv]
The CSV has the columns text,label (label = a subject slug). The subjects come from the taxonomy shipped with the
code (relais/conseillers_entreprises/data/subjects.csv) through the classifier's own index: no database is needed.
Prints the recall per slug, then the last line `RESULT top1=… top3=… n=…`.
"""

import argparse
import csv
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from relais.conseillers_entreprises.services.classifier import SubjectIndex, subject_document  # noqa: E402
from relais.conseillers_entreprises.taxonomy import OTHER_NEED_SLUG, SUBJECTS_CSV  # noqa: E402


def load_index() -> SubjectIndex:
    with SUBJECTS_CSV.open(encoding="utf-8", newline="") as file:
        rows = [row for row in csv.DictReader(file) if row["subject_slug"] != OTHER_NEED_SLUG]
    return SubjectIndex(
        [
            subject_document(
                key=row["subject_slug"],
                slug=row["subject_slug"],
                label=row["subject_label"],
                description=row["description"],
                theme_label=row["theme_label"],
            )
            for row in rows
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(ROOT / "bench" / "data" / "needs_labelled.csv"))
    args = parser.parse_args()
    index = load_index()
    known = {document.key for document in index.documents}
    with open(args.path, encoding="utf-8", newline="") as file:
        samples = list(csv.DictReader(file))
    unknown = sorted({sample["label"] for sample in samples} - known)
    if unknown:
        sys.exit(f"sujets inconnus dans {args.path} : {', '.join(unknown)}")

    totals, top1, top3 = Counter(), Counter(), Counter()
    for sample in samples:
        ranked = [key for key, _ in index.search(sample["text"], limit=3)]
        label = sample["label"]
        totals[label] += 1
        top1[label] += ranked[:1] == [label]
        top3[label] += label in ranked
    print(f"{'sujet':<80}{'n':>4}{'top1':>7}{'top3':>7}")
    for label in sorted(totals):
        print(f"{label:<80}{totals[label]:>4}{top1[label] / totals[label]:>7.2f}{top3[label] / totals[label]:>7.2f}")
    n = sum(totals.values())
    print(f"RESULT top1={sum(top1.values()) / n:.3f} top3={sum(top3.values()) / n:.3f} n={n}")


if __name__ == "__main__":
    main()
