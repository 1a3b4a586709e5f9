"""Cells of CSV and XLSX exports, neutralised against formula injection.

A spreadsheet runs a cell whose text starts with "=", "+", "-" or "@" (or a tab or carriage return before them) as a
formula: a company named "=HYPERLINK(…)" would run in the support team's Excel. Every text cell goes through
`neutralize`, which prefixes such a text with an apostrophe, as OWASP recommends; numbers and dates are untouched.
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value):
    """The value as a spreadsheet may show it without running it."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralize_row(row) -> list:
    return [neutralize(value) for value in row]


def restore(value: str) -> str:
    """The text `neutralize` protected, for a file exported then imported again (the directory's round trip)."""
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value
