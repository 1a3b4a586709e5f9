"""CSV files opened by spreadsheet software: text cells neutralised against formulas, streamed line by line.

A cell that starts with `=`, `+`, `-`, `@` (or a tab or carriage return) is run as a formula by Excel or
LibreOffice; a person's name or a message typed on a public form must never be. Such a cell is prefixed with an
apostrophe, which spreadsheets show as text and do not display.
"""

import csv
import datetime
from collections.abc import Iterable, Iterator

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel opens a UTF-8 CSV as Windows-1252 unless it starts with a byte order mark.
UTF8_BOM = "\ufeff"
# French spreadsheets use the comma as decimal separator, so Excel in French splits CSV columns on ";".
CSV_DELIMITER = ";"


def safe_cell(value) -> object:
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    """csv.writer writes into this and gets the line back, so each line can be yielded to the response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(headers: Iterable[str], rows: Iterable[Iterable]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER)
    yield UTF8_BOM + writer.writerow([safe_cell(header) for header in headers])
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])
