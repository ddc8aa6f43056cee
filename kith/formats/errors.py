"""The one error every reader raises for bad input."""

from __future__ import annotations

from pathlib import Path


class FormatError(ValueError):
    """Input that cannot be read, located as precisely as possible.

    The message reads ``<file>, line <n>, field '<field>': <problem>`` with the parts that are
    known, so a researcher can open the file at the right place. Readers raise it before
    returning anything: nothing is half-loaded.

    >>> str(FormatError("expected a number", file="alters.csv", line=7, field="circle"))
    "alters.csv, line 7, field 'circle': expected a number"
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
        record: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        self.record = record
        where = []
        if self.file is not None:
            where.append(self.file)
        if line is not None:
            where.append(f"line {line}")
        if record is not None:
            where.append(f"record {record}")
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(f"{', '.join(where)}: {problem}" if where else problem)
