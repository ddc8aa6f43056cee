"""Loading instrument definitions and merging an organisation's licensed item text.

Built-in definitions live in ``kith/instruments/definitions/<id>.json``, one file per
instrument. Every file is checked against ``kith/instruments/schema.json`` and then by the
model (:func:`kith.instruments.model.instrument_from_data`); errors name the file, the item and
the field, and nothing is returned from a bad file.

Licensed instruments ship without their text. :func:`load_licensed_text` reads an
organisation's own copy (format in ``docs/instruments.md``), checks that it names exactly the
instrument's items and response values, and returns the instrument with the text merged in.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from kith.instruments.model import Instrument, InstrumentError, ResponseOption, instrument_from_data

__all__ = [
    "builtin_ids",
    "load_builtin",
    "load_builtins",
    "load_definition",
    "load_licensed_text",
    "merge_licensed_text",
    "schema",
]

SCHEMA_FILE = "schema.json"
DEFINITIONS = "definitions"


@cache
def _schema_text() -> str:
    return resources.files("kith.instruments").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of definition files and licensed-text files, as a new dict."""
    data: dict[str, Any] = json.loads(_schema_text())
    return data


@cache
def _validator(kind: str) -> Any:
    from jsonschema import Draft202012Validator

    full = schema()
    return Draft202012Validator({"$ref": f"#/$defs/{kind}", "$defs": full["$defs"]})


class _JsonValueError(ValueError):
    pass


def _no_duplicates(pairs: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _JsonValueError(f"the name '{key}' appears twice in one object")
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise _JsonValueError(f"{name} is not a JSON number")


def _read_json(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InstrumentError(f"cannot read the file: {exc.strerror or exc}", file=path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InstrumentError(
            f"byte 0x{raw[exc.start]:02x} at line {line} is not UTF-8 text", file=path
        ) from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        raise InstrumentError(
            f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", file=path
        ) from None
    except _JsonValueError as exc:
        raise InstrumentError(f"not valid JSON: {exc}", file=path) from None


def _path_text(parts: Sequence[str | int]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _check_schema(data: Any, kind: str, file: str | Path | None) -> None:
    errors = sorted(
        _validator(kind).iter_errors(data),
        key=lambda e: [str(p) for p in e.absolute_path],
    )
    if not errors:
        return
    error = errors[0]
    path = list(error.absolute_path)
    problem = error.message
    instance = error.instance
    if error.validator == "required" and isinstance(instance, Mapping):
        missing = [p for p in error.validator_value if p not in instance]
        if missing:
            path.append(missing[0])
            problem = "the field is required"
    elif error.validator == "additionalProperties" and isinstance(instance, Mapping):
        known = error.schema.get("properties", {})
        extra = [p for p in instance if p not in known]
        if extra and known:
            path.append(extra[0])
            problem = f"not a field of this file; expected one of {', '.join(known)}"
    instrument = None
    item = None
    if isinstance(data, Mapping):
        instrument = data.get("id") if kind == "definition" else data.get("instrument")
        if not isinstance(instrument, str):
            instrument = None
        if len(path) >= 2 and path[0] == "items":
            items = data.get("items")
            if isinstance(path[1], int) and isinstance(items, list) and path[1] < len(items):
                entry = items[path[1]]
                if isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
                    item = entry["id"]
            elif isinstance(path[1], str):
                item = path[1]
    raise InstrumentError(
        problem, file=file, instrument=instrument, item=item, field=_path_text(path) or None
    )


def instrument_from_json(data: Any, *, file: str | Path | None = None) -> Instrument:
    """Build an :class:`Instrument` from parsed JSON, checking the schema first."""
    _check_schema(data, "definition", file)
    return instrument_from_data(data, file=file)


def load_definition(path: str | Path) -> Instrument:
    """Read one instrument definition file.

    Raises
    ------
    InstrumentError
        Naming the file and, for invalid content, the item and the field.
    """
    path = Path(path)
    return instrument_from_json(_read_json(path), file=path)


def builtin_ids() -> list[str]:
    """The ids of the instruments shipped with Kith, sorted.

    >>> builtin_ids()
    ['djg6', 'lsns6', 'ons-loneliness', 'ons4', 'qpr15', 'rg-uk', 'swemwbs']
    """
    folder = resources.files("kith.instruments").joinpath(DEFINITIONS)
    return sorted(
        entry.name.removesuffix(".json")
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    )


@cache
def _builtin(instrument_id: str) -> Instrument:
    if instrument_id not in builtin_ids():
        raise InstrumentError(
            f"no built-in instrument with this id; expected one of {', '.join(builtin_ids())}",
            instrument=instrument_id,
        )
    resource = resources.files("kith.instruments").joinpath(DEFINITIONS, f"{instrument_id}.json")
    with resources.as_file(resource) as path:
        instrument = load_definition(path)
    if instrument.id != instrument_id:
        raise InstrumentError(
            f"the file is named for '{instrument_id}' but defines '{instrument.id}'",
            file=f"{DEFINITIONS}/{instrument_id}.json",
            field="id",
        )
    return replace(instrument, source=f"kith/instruments/{DEFINITIONS}/{instrument_id}.json")


def load_builtin(instrument_id: str) -> Instrument:
    """One built-in instrument by id (licensed ones without their text).

    >>> load_builtin("ons4").name
    'ONS personal well-being questions (ONS4)'
    """
    return _builtin(instrument_id)


def load_builtins() -> dict[str, Instrument]:
    """Every built-in instrument, by id."""
    return {i: load_builtin(i) for i in builtin_ids()}


def merge_licensed_text(
    instrument: Instrument, data: Any, *, file: str | Path | None = None
) -> Instrument:
    """The licensed ``instrument`` with the item text and option labels from ``data``.

    ``data`` is a parsed licensed-text file. It must be for this instrument, give text for
    exactly its items and a label for exactly the values of each of its response sets.

    Raises
    ------
    InstrumentError
        Naming the file, the item and the field; the instrument is unchanged.
    """
    _check_schema(data, "licensedText", file)
    if not instrument.licensed:
        raise InstrumentError(
            "Kith already ships the text of this open instrument; a licensed-text file is only "
            "for licensed instruments",
            file=file,
            instrument=instrument.id,
        )
    if data["instrument"] != instrument.id:
        raise InstrumentError(
            f"the file is for instrument '{data['instrument']}', not '{instrument.id}'",
            file=file,
            instrument=instrument.id,
            field="instrument",
        )
    texts: Mapping[str, str] = data["items"]
    for item_id in texts:
        if item_id not in instrument.item_ids:
            raise InstrumentError(
                f"not an item of this instrument; expected {', '.join(instrument.item_ids)}",
                file=file,
                instrument=instrument.id,
                item=item_id,
                field=f"items.{item_id}",
            )
    for item_id in instrument.item_ids:
        if item_id not in texts:
            raise InstrumentError(
                "the file gives no text for this item",
                file=file,
                instrument=instrument.id,
                item=item_id,
                field=f"items.{item_id}",
            )
    given_sets: Mapping[str, Mapping[str, str]] = data.get("response_sets", {})
    for set_id in given_sets:
        if set_id not in instrument.response_sets:
            raise InstrumentError(
                f"no response set called '{set_id}'; expected "
                f"{', '.join(instrument.response_sets)}",
                file=file,
                instrument=instrument.id,
                field=f"response_sets.{set_id}",
            )
    response_sets: dict[str, tuple[ResponseOption, ...]] = {}
    for set_id, options in instrument.response_sets.items():
        labels = given_sets.get(set_id)
        fld = f"response_sets.{set_id}"
        if labels is None:
            raise InstrumentError(
                "the file gives no labels for this response set",
                file=file,
                instrument=instrument.id,
                field=fld,
            )
        expected = {str(o.value) for o in options}
        if set(labels) != expected:
            raise InstrumentError(
                f"labels must be given for exactly the values {', '.join(sorted(expected, key=int))}"
                f"; the file has {', '.join(sorted(labels, key=int))}",
                file=file,
                instrument=instrument.id,
                field=fld,
            )
        response_sets[set_id] = tuple(replace(o, label=labels[str(o.value)]) for o in options)
    items = tuple(
        replace(it, text=texts[it.id], options=response_sets[it.response_set])
        for it in instrument.items
    )
    terms = data["licence"]
    text_licence = f"{terms['holder']}: {terms['terms']}"
    if "reference" in terms:
        text_licence += f" (licence {terms['reference']})"
    return replace(
        instrument,
        items=items,
        response_sets=response_sets,
        instructions=data.get("instructions", instrument.instructions),
        text_licence=text_licence,
    )


def load_licensed_text(instrument_id: str, path: str | Path) -> Instrument:
    """A built-in licensed instrument with the organisation's own item text merged in.

    Parameters
    ----------
    instrument_id
        A built-in licensed instrument (``swemwbs``, ``lsns6``, ``djg6``, ``rg-uk``, ``qpr15``).
    path
        The organisation's licensed-text file (format in ``docs/instruments.md``).

    Raises
    ------
    InstrumentError
        Naming the file, the item and the field, when the file is not valid JSON, is for another
        instrument, misses an item or a response value, or names one the instrument lacks.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> lsns = load_builtin("lsns6")
    >>> data = {
    ...     "kith": "instrument-text", "format_version": 1, "instrument": "lsns6",
    ...     "licence": {"holder": "Example Trust", "terms": "Made-up terms for this example"},
    ...     "items": {i: f"Example item {n}" for n, i in enumerate(lsns.item_ids, 1)},
    ...     "response_sets": {"count6": {str(v): f"Example option {v}" for v in range(6)}},
    ... }
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "lsns6-text.json"
    >>> _ = path.write_text(json.dumps(data))
    >>> merged = load_licensed_text("lsns6", path)
    >>> merged.items[0].text, merged.items[0].options[5].label, merged.has_text
    ('Example item 1', 'Example option 5', True)
    """
    path = Path(path)
    instrument = load_builtin(instrument_id)
    return merge_licensed_text(instrument, _read_json(path), file=path)
