"""Network Canvas exports: the CSV file set and GraphML, read.

Network Canvas (Interviewer, Server, Architect) exports each interview session with the
``@codaco/network-exporters`` package. The conventions followed here were checked in its source
(``src/formatters/csv/*.js``, ``src/formatters/graphml/createGraphML.js``,
``src/formatters/network.js``, ``src/utils/reservedAttributes.js``, ``src/utils/general.js``);
``docs/formats.md`` lists them.

CSV file set, per session ``<caseid>_<sessionid>`` (or, for a merged export, per protocol):

- ``<prefix>_ego.csv``: ``networkCanvasEgoUUID``, ``networkCanvasCaseID``,
  ``networkCanvasSessionID``, ``networkCanvasProtocolName``, ``sessionStart``,
  ``sessionFinish``, ``sessionExported``, then the ego variables;
- ``<prefix>_attributeList_<NodeType>.csv``: ``nodeID``, ``networkCanvasEgoUUID``,
  ``networkCanvasUUID``, then the node variables;
- ``<prefix>_edgeList_<EdgeType>.csv``: ``edgeID``, ``from``, ``to``, ``networkCanvasEgoUUID``,
  ``networkCanvasUUID``, ``networkCanvasSourceUUID``, ``networkCanvasTargetUUID``, then the edge
  variables.

A categorical variable ``v`` with options ``a``, ``b`` is exported as boolean columns ``v_a``,
``v_b``; they are folded back into one attribute ``v`` (``"a"``, ``"a;b"`` when several are
true, missing when none is). A layout variable ``p`` is exported as ``p_x``/``p_y`` (``p_X``/
``p_Y`` in GraphML) and kept as the numeric attributes ``p_x``/``p_y``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from kith.formats.errors import FormatError
from kith.formats.graphml import KeyDef, XmlDocument, element_data, local, parse_xml, read_keys
from kith.formats.limits import (
    DEFAULT_MAX_DOCUMENT_BYTES,
    DEFAULT_MAX_TABLE_BYTES,
    parse_json,
    read_limited,
    read_utf8,
    refuse_wide_or_binary,
)
from kith.network.model import AttributeValue, Kind, Member, Network, NetworkError, Tie

__all__ = [
    "NC_NAMESPACE",
    "fold_categorical",
    "netcanvas_files",
    "read_netcanvas",
    "read_netcanvas_graphml",
]

NC_NAMESPACE = "http://schema.networkcanvas.com/xmlns"
_NC = "{" + NC_NAMESPACE + "}"

EGO_UUID = "networkCanvasEgoUUID"
UUID = "networkCanvasUUID"
SOURCE_UUID = "networkCanvasSourceUUID"
TARGET_UUID = "networkCanvasTargetUUID"
CASE_ID = "networkCanvasCaseID"
SESSION_ID = "networkCanvasSessionID"
PROTOCOL_NAME = "networkCanvasProtocolName"
NC_TYPE = "networkCanvasType"

#: Ego-file columns that describe the session rather than the ego.
EGO_RESERVED = frozenset(
    {
        EGO_UUID,
        CASE_ID,
        SESSION_ID,
        PROTOCOL_NAME,
        "sessionStart",
        "sessionFinish",
        "sessionExported",
    }
)
#: Attribute-list columns that are not node variables (``id`` in exporters before ``nodeID``).
NODE_RESERVED = frozenset({"nodeID", "id", EGO_UUID, UUID})
#: Edge-list columns that are not edge variables.
EDGE_RESERVED = frozenset({"edgeID", "id", "from", "to", EGO_UUID, UUID, SOURCE_UUID, TARGET_UUID})

_EGO_RE = re.compile(r"^(?P<prefix>.*)_ego\.csv$")
_ATTR_RE = re.compile(r"^(?P<prefix>.*?)_attributeList_(?P<type>.+)\.csv$")
_EDGE_RE = re.compile(r"^(?P<prefix>.*?)_edgeList_(?P<type>.+)\.csv$")
_INT_RE = re.compile(r"^-?(0|[1-9][0-9]*)$")
_FLOAT_RE = re.compile(r"^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$")
_DATE_RE = re.compile(r"(\d{4}-\d{2}-\d{2})")
_KINDS = {k.value: k for k in Kind}

Codebook = Mapping[str, Any]


# -- values and categorical folding -------------------------------------------------------------


def cell_value(text: str) -> AttributeValue:
    """A CSV cell as written by the exporter: ``""`` → missing, ``true``/``false``, numbers."""
    if text == "":
        return None
    if text in ("true", "false"):
        return text == "true"
    if _INT_RE.match(text):
        return int(text)
    if _FLOAT_RE.match(text):
        return float(text)
    return text


def _detect_groups(
    names: Sequence[str], rows: Sequence[Mapping[str, AttributeValue]]
) -> dict[str, list[str]]:
    """Categorical groups found from the data: ``var`` → its ``var_<option>`` columns.

    A column is a candidate when its name has an underscore and every value is true/false (at
    least one given). Each candidate joins the longest prefix (cut at an underscore) that it
    shares with at least one other candidate.
    """
    candidates = [
        name
        for name in names
        if "_" in name.strip("_")
        and any(row.get(name) is not None for row in rows)
        and all(isinstance(row.get(name), bool | None) for row in rows)
    ]
    prefixes: dict[str, int] = {}
    for name in candidates:
        for i, ch in enumerate(name):
            if ch == "_" and 0 < i < len(name) - 1:
                prefixes[name[:i]] = prefixes.get(name[:i], 0) + 1
    groups: dict[str, list[str]] = {}
    for name in candidates:
        shared = [
            name[:i]
            for i, ch in enumerate(name)
            if ch == "_" and 0 < i < len(name) - 1 and prefixes[name[:i]] >= 2
        ]
        if shared:
            groups.setdefault(max(shared, key=len), []).append(name)
    return {var: cols for var, cols in groups.items() if len(cols) >= 2 and var not in names}


def fold_categorical(
    names: Sequence[str],
    rows: Sequence[Mapping[str, AttributeValue]],
    categorical: Mapping[str, Sequence[str]] | None = None,
) -> list[dict[str, AttributeValue]]:
    """Fold ``<var>_<option>`` boolean columns back into one value per variable.

    Parameters
    ----------
    names : sequence of str
        Column (attribute) names, in order.
    rows : sequence of mapping
        Parsed values per row.
    categorical : mapping, optional
        ``var`` → option values, from a Network Canvas codebook. Without it, groups are
        detected from the data (columns sharing a prefix whose values are all true/false).

    Returns
    -------
    list of dict
        Per row, the attributes with each group replaced by ``var``: the true option, several
        true options ``;``-joined in sorted order, ``None`` when none is true.

    Examples
    --------
    >>> fold_categorical(["s_a", "s_b", "age"], [{"s_a": True, "s_b": True, "age": 3}])
    [{'s': 'a;b', 'age': 3}]
    """
    if categorical is not None:
        groups = {
            var: [f"{var}_{opt}" for opt in options if f"{var}_{opt}" in names]
            for var, options in categorical.items()
        }
        groups = {var: cols for var, cols in groups.items() if cols}
    else:
        groups = _detect_groups(names, rows)
    column_group = {col: var for var, cols in groups.items() for col in cols}
    out = []
    for row in rows:
        folded: dict[str, AttributeValue] = {}
        for name in names:
            var = column_group.get(name)
            if var is None:
                folded[name] = row.get(name)
            elif var not in folded:
                cols = groups[var]
                chosen = sorted(c[len(var) + 1 :] for c in cols if row.get(c) is True)
                folded[var] = ";".join(chosen) if chosen else None
        out.append(folded)
    return out


# -- the codebook (optional) --------------------------------------------------------------------


def load_codebook(codebook: str | Path | Codebook | None) -> Codebook | None:
    """A Network Canvas codebook from a ``protocol.json`` path, a protocol or a codebook dict."""
    if codebook is None:
        return None
    if isinstance(codebook, str | Path):
        path = Path(codebook)
        try:
            data = parse_json(read_utf8(path, DEFAULT_MAX_DOCUMENT_BYTES), path)
        except FormatError as exc:
            raise FormatError(
                f"cannot read the protocol: {exc.problem}", file=path, line=exc.line
            ) from None
    else:
        data = codebook
    if not isinstance(data, Mapping):
        raise FormatError("a protocol or codebook must be a JSON object", field="codebook")
    inner = data.get("codebook", data)
    return inner if isinstance(inner, Mapping) else None


def _escape_type(name: str) -> str:
    # The exporter's escapeFilePart: file names keep only word characters of the type name.
    return re.sub(r"\W", "", name)


def _categorical_from_codebook(
    codebook: Codebook | None, entity: str, type_name: str | None
) -> dict[str, list[str]] | None:
    if codebook is None:
        return None
    section = codebook.get(entity)
    if not isinstance(section, Mapping):
        return None
    definition: Any = section
    if entity != "ego":
        definition = None
        for key, entry in section.items():
            name = entry.get("name", key) if isinstance(entry, Mapping) else key
            if type_name in (name, key, _escape_type(str(name))):
                definition = entry
                break
        if not isinstance(definition, Mapping):
            return None
    variables = definition.get("variables") or {}
    out: dict[str, list[str]] = {}
    for var_id, var in variables.items():
        if isinstance(var, Mapping) and var.get("type") == "categorical":
            options = [
                str(o.get("value")) if isinstance(o, Mapping) else str(o)
                for o in var.get("options") or []
            ]
            out[str(var.get("name", var_id))] = options
    return out


# -- the model built from either export ----------------------------------------------------------


@dataclass
class _Ego:
    uuid: str
    ego_id: str
    map_id: str | None
    date: str | None
    attributes: dict[str, AttributeValue]
    file: Path
    line: int | None
    nodes: list[_Node] = field(default_factory=list)
    edges: list[_Edge] = field(default_factory=list)
    node_keys: set[str] = field(default_factory=set)


@dataclass
class _Node:
    key: str
    type: str | None
    label: str
    attributes: dict[str, AttributeValue]
    file: Path
    line: int | None
    order: float = math.inf


@dataclass
class _Edge:
    source: str
    target: str
    type: str | None
    attributes: dict[str, AttributeValue]
    file: Path
    line: int | None
    source_field: str
    target_field: str
    order: float = math.inf


def _export_order(text: str | None) -> float:
    """The exporter's running ``nodeID``/``edgeID`` (interview order); +inf when absent."""
    text = (text or "").strip()
    return float(text) if _INT_RE.match(text) else math.inf


def _session_date(text: str | None) -> str | None:
    if not text:
        return None
    match = _DATE_RE.search(text[:40])
    return match.group(1) if match else None


def _split_label(attributes: dict[str, AttributeValue], raw: Mapping[str, str]) -> str:
    """Take the ``name`` variable out of the attributes as the label (raw text)."""
    for name in list(attributes):
        if name.lower() == "name":
            value = attributes.pop(name)
            text = raw.get(name)
            if text is None:
                text = "" if value is None else str(value)
            return text
    return ""


def _layout_names(names: Sequence[str]) -> dict[str, str]:
    """GraphML writes layout variables as ``p_X``/``p_Y``; the CSV export as ``p_x``/``p_y``."""
    renamed = {}
    for name in names:
        if name.endswith("_X") and name[:-2] + "_Y" in names:
            renamed[name] = name[:-2] + "_x"
            renamed[name[:-2] + "_Y"] = name[:-2] + "_y"
    return renamed


def _build(egos: Sequence[_Ego]) -> list[Network]:
    networks = []
    for ego in egos:
        members = []
        for node in sorted(ego.nodes, key=lambda n: n.order):
            attributes = dict(node.attributes)
            kind = Kind.PERSON
            if node.type is not None:
                matched = _KINDS.get(node.type.lower())
                if matched is None:
                    attributes["nc_type"] = node.type
                else:
                    kind = matched
            try:
                members.append(
                    Member(key=node.key, label=node.label, kind=kind, attributes=attributes)
                )
            except NetworkError as exc:
                raise FormatError(str(exc), file=node.file, line=node.line) from None
        ties: dict[tuple[str, str], tuple[list[str], dict[str, list[AttributeValue]]]] = {}
        for edge in sorted(ego.edges, key=lambda e: e.order):
            for end, name in ((edge.source, edge.source_field), (edge.target, edge.target_field)):
                if end not in ego.node_keys:
                    raise FormatError(
                        f"the edge names node '{end}', which is not a node of ego '{ego.uuid}'",
                        file=edge.file,
                        line=edge.line,
                        field=name,
                    )
            if edge.source == edge.target:
                raise FormatError(
                    f"the edge links node '{edge.source}' to itself; "
                    "a member cannot be tied to itself",
                    file=edge.file,
                    line=edge.line,
                    field=edge.target_field,
                )
            pair = (min(edge.source, edge.target), max(edge.source, edge.target))
            types, values = ties.setdefault(pair, ([], {}))
            if edge.type is not None and edge.type not in types:
                types.append(edge.type)
            for name, value in edge.attributes.items():
                if value is not None:
                    values.setdefault(name, [])
                    if value not in values[name]:
                        values[name].append(value)
        tie_list = []
        for (a, b), (types, values) in ties.items():
            tie_attrs: dict[str, AttributeValue] = {}
            if types:
                tie_attrs["type"] = ";".join(sorted(types))
            for name, vals in values.items():
                if name == "type":
                    continue
                tie_attrs[name] = vals[0] if len(vals) == 1 else ";".join(str(v) for v in vals)
            tie_list.append(Tie(a, b, attributes=tie_attrs))
        try:
            networks.append(
                Network(
                    ego_id=ego.ego_id,
                    members=tuple(members),
                    ties=tuple(tie_list),
                    ego=ego.attributes,
                    map_id=ego.map_id,
                    date=ego.date,
                )
            )
        except NetworkError as exc:
            raise FormatError(str(exc), file=ego.file, line=ego.line) from None
    return networks


# -- CSV ------------------------------------------------------------------------------------------


@dataclass
class _Table:
    path: Path
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]

    def require(self, *columns: str) -> None:
        for column in columns:
            if column not in self.columns:
                raise FormatError(
                    f"the column '{column}' is missing; a Network Canvas export has it",
                    file=self.path,
                    line=1,
                    field=column,
                )


def _read_csv(path: Path, max_bytes: int = DEFAULT_MAX_TABLE_BYTES) -> _Table:
    data = read_limited(path, max_bytes)
    refuse_wide_or_binary(data, path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FormatError(
            f"byte 0x{data[exc.start]:02x} is not UTF-8 text; "
            "Network Canvas writes UTF-8 (re-save the file as UTF-8)",
            file=path,
            line=line,
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, dict[str, str]]] = []
    columns: list[str] = []
    try:
        start = 1
        for record in reader:
            if not columns:
                columns = record
                seen: set[str] = set()
                for name in columns:
                    if name in seen:
                        raise FormatError(
                            f"the column '{name}' appears twice in the header",
                            file=path,
                            line=1,
                            field=name,
                        )
                    seen.add(name)
            elif record:
                if len(record) != len(columns):
                    raise FormatError(
                        f"the row has {len(record)} values; the header has {len(columns)} columns",
                        file=path,
                        line=start,
                    )
                rows.append((start, dict(zip(columns, record, strict=True))))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FormatError(f"not valid CSV: {exc}", file=path, line=reader.line_num) from None
    if not columns:
        raise FormatError("the file is empty; expected a header row", file=path, line=1)
    return _Table(path, columns, rows)


@dataclass
class NetCanvasFiles:
    """The files of a Network Canvas CSV export: ego files and lists by node/edge type."""

    ego: list[Path]
    nodes: list[tuple[str, Path]]
    edges: list[tuple[str, Path]]


def _classify(paths: Iterable[Path]) -> NetCanvasFiles:
    files = NetCanvasFiles([], [], [])
    for p in sorted(paths):
        if (m := _ATTR_RE.match(p.name)) is not None:
            files.nodes.append((m.group("type"), p))
        elif (m := _EDGE_RE.match(p.name)) is not None:
            files.edges.append((m.group("type"), p))
        elif _EGO_RE.match(p.name) is not None:
            files.ego.append(p)
    return files


def nc_prefix(name: str) -> str | None:
    for pattern in (_ATTR_RE, _EDGE_RE, _EGO_RE):
        if (m := pattern.match(name)) is not None:
            return m.group("prefix")
    return None


def netcanvas_files(path: str | Path | Sequence[str | Path]) -> NetCanvasFiles:
    """Find the export's files.

    ``path`` is a folder (every ``*_ego.csv``, ``*_attributeList_*.csv`` and
    ``*_edgeList_*.csv`` in it, any number of sessions), one file of a set (its siblings with
    the same ``<caseid>_<sessionid>`` prefix) or a list of files.
    """
    if isinstance(path, str | Path):
        p = Path(path)
        if p.is_dir():
            return _classify(c for c in p.iterdir() if c.is_file())
        if not p.exists():
            raise FormatError("no such file or folder", file=p)
        prefix = nc_prefix(p.name)
        if prefix is None:
            raise FormatError(
                "not a Network Canvas CSV file; expected a name ending in _ego.csv, "
                "_attributeList_<Type>.csv or _edgeList_<Type>.csv",
                file=p,
            )
        return _classify(
            c for c in p.parent.iterdir() if c.is_file() and nc_prefix(c.name) == prefix
        )
    return _classify(Path(p) for p in path)


def read_netcanvas(
    path: str | Path | Sequence[str | Path],
    *,
    codebook: str | Path | Codebook | None = None,
    max_bytes: int = DEFAULT_MAX_TABLE_BYTES,
) -> list[Network]:
    """Read a Network Canvas CSV export: one map per session.

    Parameters
    ----------
    path : str, Path or list of them
        A folder holding one or more sessions' file sets or a merged export, one file of a set,
        or a list of files (see :func:`netcanvas_files`).
    codebook : path, mapping, optional
        The protocol (``protocol.json``) or its codebook, to know the categorical variables
        exactly. Without it they are detected from the data.
    max_bytes : int
        Largest file accepted (each file of the export), default
        :data:`~kith.formats.limits.DEFAULT_MAX_TABLE_BYTES` (1 GiB).

    Returns
    -------
    list of Network
        One map per row of the ego files (in file, then row order): ``ego_id`` is
        ``networkCanvasCaseID`` (or the ego UUID when there is no case id), ``map_id`` the
        session id, ``date`` the day of ``sessionStart``; ego attributes are the ego variables
        and ``nc_protocol``; members are the nodes (key ``networkCanvasUUID``; ``kind`` from
        the node type where it is a Kith kind, else ``person`` with attribute ``nc_type``;
        label from the ``name`` variable); ties are the edges, one per pair, with attribute
        ``type`` (several types ``;``-joined).

    Raises
    ------
    FormatError
        Naming the file, line and field: text that is not UTF-8, a missing column, a duplicate
        id, a node of an unknown ego, an edge to an unknown node. Nothing is returned.

    Examples
    --------
    >>> from pathlib import Path
    >>> data = Path(__file__).parent / "tests" / "data" / "netcanvas" / "sessions"
    >>> [(n.ego_id, n.size, len(n.ties)) for n in read_netcanvas(data)]
    [('P001', 4, 3), ('P002', 2, 1)]
    """
    files = netcanvas_files(path)
    where = path if isinstance(path, str | Path) else None
    if not files.ego:
        raise FormatError(
            "no <prefix>_ego.csv file; a Network Canvas CSV export has one "
            "(per session, or one for a merged export)",
            file=where,
        )
    book = load_codebook(codebook)
    egos: dict[str, _Ego] = {}
    for ego_path in files.ego:
        _read_ego_file(_read_csv(ego_path, max_bytes), egos, book)
    node_ids: dict[tuple[Path, str], tuple[str, str]] = {}
    for type_name, node_path in files.nodes:
        _read_node_file(_read_csv(node_path, max_bytes), type_name, egos, book, node_ids)
    for type_name, edge_path in files.edges:
        _read_edge_file(_read_csv(edge_path, max_bytes), type_name, egos, book, node_ids)
    return _build(list(egos.values()))


def _parsed_rows(
    table: _Table, reserved: frozenset[str], categorical: Mapping[str, Sequence[str]] | None
) -> list[dict[str, AttributeValue]]:
    names = [c for c in table.columns if c not in reserved]
    parsed = [{n: cell_value(row[n]) for n in names} for _, row in table.rows]
    return fold_categorical(names, parsed, categorical)


def _uuid(table: _Table, line: int, row: Mapping[str, str], column: str) -> str:
    value = row[column].strip()
    if not value:
        raise FormatError(
            "the value is empty; expected an id", file=table.path, line=line, field=column
        )
    return value


def _read_ego_file(table: _Table, egos: dict[str, _Ego], book: Codebook | None) -> None:
    table.require(EGO_UUID)
    folded = _parsed_rows(table, EGO_RESERVED, _categorical_from_codebook(book, "ego", None))
    for (line, row), attributes in zip(table.rows, folded, strict=True):
        uuid = _uuid(table, line, row, EGO_UUID)
        if uuid in egos:
            raise FormatError(
                f"the ego '{uuid}' appears more than once",
                file=table.path,
                line=line,
                field=EGO_UUID,
            )
        protocol = row.get(PROTOCOL_NAME, "").strip()
        if protocol:
            attributes["nc_protocol"] = protocol
        egos[uuid] = _Ego(
            uuid=uuid,
            ego_id=row.get(CASE_ID, "").strip() or uuid,
            map_id=row.get(SESSION_ID, "").strip() or None,
            date=_session_date(row.get("sessionStart")),
            attributes={k: v for k, v in attributes.items() if v is not None},
            file=table.path,
            line=line,
        )


def _ego_of(table: _Table, line: int, row: Mapping[str, str], egos: Mapping[str, _Ego]) -> _Ego:
    uuid = _uuid(table, line, row, EGO_UUID)
    ego = egos.get(uuid)
    if ego is None:
        raise FormatError(
            f"the ego '{uuid}' is not in any _ego.csv file of the export",
            file=table.path,
            line=line,
            field=EGO_UUID,
        )
    return ego


def _read_node_file(
    table: _Table,
    type_name: str,
    egos: Mapping[str, _Ego],
    book: Codebook | None,
    node_ids: dict[tuple[Path, str], tuple[str, str]],
) -> None:
    table.require(EGO_UUID, UUID)
    categorical = _categorical_from_codebook(book, "node", type_name)
    folded = _parsed_rows(table, NODE_RESERVED, categorical)
    for (line, row), attributes in zip(table.rows, folded, strict=True):
        ego = _ego_of(table, line, row, egos)
        key = _uuid(table, line, row, UUID)
        if key in ego.node_keys:
            raise FormatError(
                f"the node '{key}' appears more than once for ego '{ego.uuid}'",
                file=table.path,
                line=line,
                field=UUID,
            )
        ego.node_keys.add(key)
        export_id = row.get("nodeID", row.get("id", "")).strip()
        if export_id:
            node_ids[(table.path.parent, export_id)] = (ego.uuid, key)
        label = _split_label(attributes, row)
        ego.nodes.append(
            _Node(
                key=key,
                type=type_name,
                label=label,
                attributes={k: v for k, v in attributes.items() if v is not None},
                file=table.path,
                line=line,
                order=_export_order(export_id),
            )
        )


def _read_edge_file(
    table: _Table,
    type_name: str,
    egos: Mapping[str, _Ego],
    book: Codebook | None,
    node_ids: Mapping[tuple[Path, str], tuple[str, str]],
) -> None:
    table.require(EGO_UUID)
    by_uuid = SOURCE_UUID in table.columns and TARGET_UUID in table.columns
    if not by_uuid:
        table.require("from", "to")
    categorical = _categorical_from_codebook(book, "edge", type_name)
    folded = _parsed_rows(table, EDGE_RESERVED, categorical)
    source_field, target_field = (SOURCE_UUID, TARGET_UUID) if by_uuid else ("from", "to")
    for (line, row), attributes in zip(table.rows, folded, strict=True):
        ego = _ego_of(table, line, row, egos)
        ends = []
        for column in (source_field, target_field):
            value = _uuid(table, line, row, column)
            if not by_uuid:
                found = node_ids.get((table.path.parent, value))
                value = found[1] if found is not None else value
            ends.append(value)
        ego.edges.append(
            _Edge(
                source=ends[0],
                target=ends[1],
                type=type_name,
                attributes=attributes,
                file=table.path,
                line=line,
                source_field=source_field,
                target_field=target_field,
                order=_export_order(row.get("edgeID", row.get("id"))),
            )
        )


# -- GraphML ---------------------------------------------------------------------------------------


def read_netcanvas_graphml(
    path: str | Path,
    *,
    codebook: str | Path | Codebook | None = None,
    max_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES,
) -> list[Network]:
    """Read a Network Canvas GraphML export: one map per ``<graph>`` (one per session).

    The session is described by ``nc:`` attributes of ``<graph>`` (``nc:caseId``,
    ``nc:sessionUUID``, ``nc:protocolName``, ``nc:sessionStartTime``), the ego by ``<data>`` on
    the graph element, each node's type by its ``networkCanvasType`` data and its key by
    ``networkCanvasUUID``. The same rules as :func:`read_netcanvas` apply, so the GraphML and
    the CSV export of one session give equal maps.

    Raises
    ------
    FormatError
        For refused or malformed XML, an undeclared key, a bad value, a duplicate node, an edge
        to an unknown node; naming the file, line and field.
    """
    doc = parse_xml(path, max_bytes)
    if local(doc.root.tag) != "graphml":
        raise FormatError(
            f"the root element is <{local(doc.root.tag)}>; expected <graphml>",
            file=doc.path,
            line=doc.line(doc.root),
        )
    book = load_codebook(codebook)
    keys = read_keys(doc)
    egos = []
    for n, graph in enumerate((el for el in doc.root if local(el.tag) == "graph"), start=1):
        egos.append(_read_nc_graph(doc, graph, keys, n, book))
    return _build(egos)


def _nc_attr(graph: Element, name: str) -> str | None:
    value = graph.get(_NC + name, "").strip()
    return None if value in ("", "undefined", "null") else value


def _fold_entities(
    data: Sequence[dict[str, AttributeValue]],
    order: Sequence[str],
    categorical: Mapping[str, Sequence[str]] | None,
) -> list[dict[str, AttributeValue]]:
    names = [n for n in order if any(n in d for d in data)]
    folded = fold_categorical(names, data, categorical)
    return [{k: v for k, v in f.items() if v is not None} for f in folded]


def _read_nc_graph(
    doc: XmlDocument, graph: Element, keys: Mapping[str, KeyDef], n: int, book: Codebook | None
) -> _Ego:
    order = list(dict.fromkeys(k.name for k in keys.values()))
    rename = _layout_names(order)
    order = [rename.get(name, name) for name in order]

    def values(
        data: Mapping[str, tuple[KeyDef, AttributeValue]], skip: Iterable[str]
    ) -> dict[str, AttributeValue]:
        skip = set(skip)
        return {rename.get(k, k): v for k, (_key, v) in data.items() if k not in skip}

    gdata = element_data(doc, graph, keys, "graph", f"graph {n}")
    ego_uuid = gdata.get(UUID, (None, None))[1]
    case_id = _nc_attr(graph, "caseId")
    ego_attrs = _fold_entities(
        [values(gdata, {UUID})], order, _categorical_from_codebook(book, "ego", None)
    )[0]
    protocol = _nc_attr(graph, "protocolName")
    if protocol:
        ego_attrs["nc_protocol"] = protocol
    session = _nc_attr(graph, "sessionUUID")
    ego = _Ego(
        uuid=str(ego_uuid or case_id or session or f"graph {n}"),
        ego_id=case_id or str(ego_uuid or session or f"{doc.path.stem}-{n}"),
        map_id=session,
        date=_session_date(_nc_attr(graph, "sessionStartTime")),
        attributes=ego_attrs,
        file=doc.path,
        line=doc.line(graph),
    )

    node_key: dict[str, str] = {}
    raw_nodes: list[tuple[Element, str, str | None, dict[str, AttributeValue]]] = []
    for el in graph:
        if local(el.tag) != "node":
            continue
        node_id = el.get("id") or ""
        data = element_data(doc, el, keys, "node", f"node '{node_id}'")
        uuid = data.get(UUID, (None, None))[1]
        key = str(uuid).strip() if uuid not in (None, "") else node_id
        if not key:
            raise FormatError("a <node> has no id", file=doc.path, line=doc.line(el), field="id")
        if key in ego.node_keys:
            raise FormatError(
                f"the node '{key}' appears more than once in graph {n}",
                file=doc.path,
                line=doc.line(el),
                field=UUID if uuid not in (None, "") else "id",
            )
        ego.node_keys.add(key)
        node_key[node_id] = key
        type_value = data.get(NC_TYPE, (None, None))[1]
        raw_nodes.append(
            (
                el,
                key,
                None if type_value is None else str(type_value),
                values(data, {UUID, NC_TYPE, "label"}),
            )
        )
    by_type: dict[str | None, list[int]] = {}
    for i, (_el, _key, type_name, _attrs) in enumerate(raw_nodes):
        by_type.setdefault(type_name, []).append(i)
    folded_nodes: dict[int, dict[str, AttributeValue]] = {}
    for type_name, idx in by_type.items():
        categorical = _categorical_from_codebook(book, "node", type_name)
        folded = _fold_entities([raw_nodes[i][3] for i in idx], order, categorical)
        folded_nodes.update(zip(idx, folded, strict=True))
    for i, (el, key, type_name, _attrs) in enumerate(raw_nodes):
        attributes = folded_nodes[i]
        label = _split_label(attributes, {})
        ego.nodes.append(
            _Node(
                key,
                type_name,
                label,
                attributes,
                doc.path,
                doc.line(el),
                _export_order(el.get("id")),
            )
        )

    raw_edges = []
    for el in graph:
        if local(el.tag) != "edge":
            continue
        data = element_data(doc, el, keys, "edge", "edge")
        ends = []
        fields = []
        for end, uuid_name in (("source", SOURCE_UUID), ("target", TARGET_UUID)):
            end_id = el.get(end)
            if end_id is not None and end_id in node_key:
                ends.append(node_key[end_id])
                fields.append(end)
            else:
                uuid = data.get(uuid_name, (None, None))[1]
                ends.append(str(uuid) if uuid is not None else str(end_id))
                fields.append(uuid_name if uuid is not None else end)
        type_value = data.get(NC_TYPE, (None, None))[1]
        raw_edges.append(
            (
                el,
                ends,
                fields,
                None if type_value is None else str(type_value),
                values(data, {UUID, NC_TYPE, SOURCE_UUID, TARGET_UUID, "label"}),
            )
        )
    edge_types: dict[str | None, list[int]] = {}
    for i, raw in enumerate(raw_edges):
        edge_types.setdefault(raw[3], []).append(i)
    folded_edges: dict[int, dict[str, AttributeValue]] = {}
    for type_name, idx in edge_types.items():
        categorical = _categorical_from_codebook(book, "edge", type_name)
        folded = _fold_entities([raw_edges[i][4] for i in idx], order, categorical)
        folded_edges.update(zip(idx, folded, strict=True))
    for i, (el, ends, fields, type_name, _attrs) in enumerate(raw_edges):
        ego.edges.append(
            _Edge(
                ends[0],
                ends[1],
                type_name,
                folded_edges[i],
                doc.path,
                doc.line(el),
                fields[0],
                fields[1],
                _export_order(el.get("id")),
            )
        )
    return ego
