"""GraphML: one map per ``<graph>``, read and write.

Writing uses Kith's own key names so that ``read_graphml(write_graphml(maps))`` gives the same
maps back; reading also accepts generic GraphML (networkx, Gephi, igraph): node ids become
member keys, a ``label`` (or else ``name``) data value becomes the label, and every other data
value becomes a typed free attribute.

Key names (the ``attr.name`` of a ``<key>``, matched case-sensitively):

- graph: ``ego_id``, ``map_id``, ``date``; ``ego`` names a node that is the ego (dropped from the
  members, its data become ego attributes); every other graph key is an ego attribute
  (``ego.<name>`` when the name would clash with one of these);
- node: ``label``, ``kind``, ``relationship``, ``circle``, ``contact``, ``support_received``,
  ``support_given`` (``;``-separated), ``feeling``, ``wish``, ``asset_id``; everything else is a
  free attribute (``attr.<name>`` when the name would clash);
- edge: ``weight``; everything else is a tie attribute (``attr.<name>`` on a clash).

XML is parsed only with :mod:`defusedxml`: documents with entity declarations (billion laughs)
or external entities are refused with a :class:`~kith.formats.errors.FormatError`.
"""

from __future__ import annotations

import codecs
import math
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, TreeBuilder
from xml.sax.saxutils import escape, quoteattr

import defusedxml
import defusedxml.ElementTree as DET

from kith.formats.errors import FormatError
from kith.formats.limits import DEFAULT_MAX_DOCUMENT_BYTES, read_limited
from kith.network.model import AttributeValue, Member, Network, NetworkError, Tie

__all__ = ["GRAPHML_NS", "read_graphml", "write_graphml"]

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_G = "{" + GRAPHML_NS + "}"

#: Graph-level key names with a meaning of their own.
GRAPH_CORE = ("ego_id", "map_id", "date", "ego")
#: Node key names that are Kith member fields (``key`` is the node id).
NODE_CORE = (
    "label",
    "kind",
    "relationship",
    "circle",
    "contact",
    "support_received",
    "support_given",
    "feeling",
    "wish",
    "asset_id",
)
#: Edge key names that are Kith tie fields.
EDGE_CORE = ("weight",)
_ATTR_PREFIX = "attr."
_XML_ESCAPES = {"\r": "&#13;"}
_EGO_PREFIX = "ego."


# -- XML parsing shared with the Network Canvas reader ------------------------------------------


class _LineTreeBuilder(TreeBuilder):
    """A tree builder that remembers the source line of every element."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, int] = {}
        self.parser: Any = None

    def start(self, tag: Any, attrs: Any) -> Element:
        element = super().start(tag, attrs)
        if self.parser is not None:
            self.lines[id(element)] = int(self.parser.parser.CurrentLineNumber)
        return element


@dataclass
class XmlDocument:
    """A parsed XML file and the line on which each element starts."""

    path: Path
    root: Element
    lines: dict[int, int]

    def line(self, element: Element) -> int | None:
        return self.lines.get(id(element))


def parse_xml(path: str | Path, max_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES) -> XmlDocument:
    """Parse an XML file safely (defusedxml), raising :class:`FormatError` for bad input.

    A file over ``max_bytes`` is refused before parsing.
    """
    path = Path(path)
    data = read_limited(path, max_bytes)
    if b"\0" in data[:4] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # expat guesses such files, but XML 1.0 (4.3.3) requires the mark: a guess can be wrong.
        raise FormatError(
            "the file is UTF-16 without a byte-order mark; save it as UTF-8",
            file=path,
            line=1,
        )
    builder = _LineTreeBuilder()
    parser = DET.XMLParser(target=builder)
    builder.parser = parser
    parser.parser.StartDoctypeDeclHandler = _refuse_external_dtd
    try:
        parser.feed(data)
        root = parser.close()
    except defusedxml.DTDForbidden:
        raise FormatError("refused: the file declares a DTD", file=path) from None
    except defusedxml.EntitiesForbidden as exc:
        raise FormatError(
            f"refused: the file declares the entity '{exc.name}' "
            "(entity declarations can expand without limit or read other files)",
            file=path,
            line=int(parser.parser.CurrentLineNumber),
        ) from None
    except defusedxml.ExternalReferenceForbidden:
        raise FormatError(
            "refused: the file refers to an external resource",
            file=path,
            line=int(parser.parser.CurrentLineNumber),
        ) from None
    except defusedxml.DefusedXmlException as exc:
        raise FormatError(f"refused: {exc}", file=path) from None
    except DET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        msg = str(exc).split(":")[0]
        if "encoding" in str(exc) or "invalid token" in str(exc):
            msg += " (is the file UTF-8 XML?)"
        raise FormatError(f"not well-formed XML: {msg}", file=path, line=line) from None
    doc = XmlDocument(path, root, builder.lines)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith(_XINCLUDE):
            raise FormatError(
                f"refused: XInclude (<{local(element.tag)}>) would read other files",
                file=path,
                line=doc.line(element),
            )
    return doc


_XINCLUDE = "{http://www.w3.org/2001/XInclude}"


def _refuse_external_dtd(
    name: str, sysid: str | None, pubid: str | None, has_internal_subset: bool
) -> None:
    """expat's doctype handler: a DTD loaded from elsewhere (``SYSTEM``/``PUBLIC``) is refused."""
    if sysid or pubid:
        raise defusedxml.ExternalReferenceForbidden(name, None, sysid, pubid)


def local(tag: str) -> str:
    """The tag without its namespace."""
    return tag.rsplit("}", 1)[-1]


def parse_typed(text: str | None, attr_type: str) -> AttributeValue:
    """A GraphML data value as a Python value (``None`` for an empty number or boolean).

    Raises ``ValueError`` with the expectation when the text does not fit ``attr_type``.
    """
    text = "" if text is None else text.strip() if attr_type != "string" else text
    if attr_type == "string":
        return text
    if text == "":
        return None
    if attr_type == "boolean":
        low = text.lower()
        if low in ("true", "1"):
            return True
        if low in ("false", "0"):
            return False
        raise ValueError("expected true or false")
    if attr_type in ("int", "long"):
        try:
            return int(text)
        except ValueError:
            raise ValueError("expected a whole number") from None
    if attr_type in ("float", "double"):
        try:
            value = float(text)
        except ValueError:
            raise ValueError("expected a number") from None
        return None if math.isnan(value) else value
    raise ValueError(f"unknown attr.type '{attr_type}'")


@dataclass(frozen=True)
class KeyDef:
    """A GraphML ``<key>``."""

    id: str
    domain: str
    name: str
    type: str
    default: str | None


def read_keys(doc: XmlDocument) -> dict[str, KeyDef]:
    """The ``<key>`` declarations of a GraphML document, by id."""
    keys: dict[str, KeyDef] = {}
    for el in doc.root:
        if local(el.tag) != "key":
            continue
        key_id = el.get("id")
        if not key_id:
            raise FormatError("a <key> has no id", file=doc.path, line=doc.line(el), field="id")
        if key_id in keys:
            raise FormatError(
                f"the key id '{key_id}' is declared more than once",
                file=doc.path,
                line=doc.line(el),
                field="id",
            )
        attr_type = (el.get("attr.type") or "string").strip()
        if attr_type not in ("boolean", "int", "long", "float", "double", "string"):
            raise FormatError(
                f"attr.type is '{attr_type}'; expected boolean, int, long, float, double or string",
                file=doc.path,
                line=doc.line(el),
                field="attr.type",
            )
        default = None
        for child in el:
            if local(child.tag) == "default":
                default = child.text or ""
        keys[key_id] = KeyDef(
            key_id, el.get("for", "all"), el.get("attr.name") or key_id, attr_type, default
        )
    return keys


def element_data(
    doc: XmlDocument, element: Element, keys: Mapping[str, KeyDef], domain: str, where: str
) -> dict[str, tuple[KeyDef, AttributeValue]]:
    """The ``<data>`` values of an element (with key defaults), by key name."""
    out: dict[str, tuple[KeyDef, AttributeValue]] = {}
    for key in keys.values():
        if key.default is not None and key.domain in (domain, "all"):
            out[key.name] = (key, _typed(doc, element, key, key.default, where))
    for child in element:
        if local(child.tag) != "data":
            continue
        key_id = child.get("key")
        if key_id is None or key_id not in keys:
            raise FormatError(
                f"{where}: <data> refers to key '{key_id}', which is not declared",
                file=doc.path,
                line=doc.line(child),
                field="key",
            )
        key = keys[key_id]
        if len(child):
            raise FormatError(
                f"{where}: <data> holds XML elements; expected a plain value",
                file=doc.path,
                line=doc.line(child),
                field=key.name,
            )
        out[key.name] = (key, _typed(doc, child, key, child.text, where))
    return out


def _typed(
    doc: XmlDocument, element: Element, key: KeyDef, text: str | None, where: str
) -> AttributeValue:
    try:
        return parse_typed(text, key.type)
    except ValueError as exc:
        raise FormatError(
            f"{where}: value {text!r} is not {key.type}; {exc}",
            file=doc.path,
            line=doc.line(element),
            field=key.name,
        ) from None


# -- reading ------------------------------------------------------------------------------------


def read_graphml(path: str | Path, *, max_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES) -> list[Network]:
    """Read every ``<graph>`` of a GraphML file as one map.

    Parameters
    ----------
    path : str or Path
        A ``.graphml`` file, from Kith, networkx, Gephi or another tool.
    max_bytes : int
        Largest file accepted, default
        :data:`~kith.formats.limits.DEFAULT_MAX_DOCUMENT_BYTES` (256 MiB).

    Returns
    -------
    list of Network
        One map per ``<graph>``, in file order.

    Raises
    ------
    FormatError
        For XML that is not well-formed or is refused (entities, DTD), an undeclared key, a
        value that does not fit its key type, a duplicate node id, an edge to an unknown node,
        a hyperedge or nested graph, or a field value Kith does not accept. The message names
        the file, the line and the field; nothing is returned.
    """
    doc = parse_xml(path, max_bytes)
    if local(doc.root.tag) != "graphml":
        raise FormatError(
            f"the root element is <{local(doc.root.tag)}>; expected <graphml>",
            file=doc.path,
            line=doc.line(doc.root),
        )
    keys = read_keys(doc)
    graphs = [el for el in doc.root if local(el.tag) == "graph"]
    networks = []
    for n, graph in enumerate(graphs, start=1):
        fallback = doc.path.stem if len(graphs) == 1 else f"{doc.path.stem}-{n}"
        networks.append(_read_graph(doc, graph, keys, n, fallback))
    return networks


def _field_value(data: Mapping[str, tuple[KeyDef, AttributeValue]], name: str) -> AttributeValue:
    item = data.get(name)
    return None if item is None else item[1]


def _read_graph(
    doc: XmlDocument, graph: Element, keys: Mapping[str, KeyDef], n: int, fallback: str
) -> Network:
    gwhere = f"graph {n}" + (f" '{graph.get('id')}'" if graph.get("id") else "")
    gdata = element_data(doc, graph, keys, "graph", gwhere)
    ego_node = _text_or_none(_field_value(gdata, "ego"))
    ego: dict[str, AttributeValue] = {}
    for name, (_key, value) in gdata.items():
        if name in GRAPH_CORE:
            continue
        if name.startswith(_EGO_PREFIX):
            name = name[len(_EGO_PREFIX) :]
        if value is not None:
            ego[name] = value

    nodes: dict[str, tuple[Element, dict[str, tuple[KeyDef, AttributeValue]]]] = {}
    edges: list[Element] = []
    for el in graph:
        tag = local(el.tag)
        if tag == "node":
            node_id = el.get("id")
            if not node_id:
                raise FormatError(
                    f"{gwhere}: a <node> has no id", file=doc.path, line=doc.line(el), field="id"
                )
            if node_id in nodes:
                raise FormatError(
                    f"{gwhere}: node id '{node_id}' appears more than once",
                    file=doc.path,
                    line=doc.line(el),
                    field="id",
                )
            if any(local(c.tag) == "graph" for c in el):
                raise FormatError(
                    f"{gwhere}: node '{node_id}' holds a nested graph, which Kith does not read",
                    file=doc.path,
                    line=doc.line(el),
                )
            nodes[node_id] = (el, element_data(doc, el, keys, "node", f"node '{node_id}'"))
        elif tag == "edge":
            edges.append(el)
        elif tag == "hyperedge":
            raise FormatError(
                f"{gwhere}: hyperedges are not supported (a tie links two members)",
                file=doc.path,
                line=doc.line(el),
            )
    if ego_node is not None:
        if ego_node not in nodes:
            raise FormatError(
                f"{gwhere}: the graph names node '{ego_node}' as ego, but there is no such node",
                file=doc.path,
                line=doc.line(graph),
                field="ego",
            )
        for name, (_key, value) in nodes[ego_node][1].items():
            if value is not None and name not in ego:
                ego[name] = value

    members = []
    for node_id, (el, data) in nodes.items():
        if node_id == ego_node:
            continue
        members.append(_member(doc, el, node_id, data))

    ties: dict[tuple[str, str], Tie] = {}
    for el in edges:
        _add_edge(doc, el, keys, nodes, ego_node, ties)

    ego_id = _text_or_none(_field_value(gdata, "ego_id")) or graph.get("id") or ego_node
    try:
        return Network(
            ego_id=ego_id or fallback,
            members=tuple(members),
            ties=tuple(ties.values()),
            ego=ego,
            map_id=_text_or_none(_field_value(gdata, "map_id")),
            date=_text_or_none(_field_value(gdata, "date")),
        )
    except NetworkError as exc:
        raise FormatError(str(exc), file=doc.path, line=doc.line(graph)) from None


def _text_or_none(value: AttributeValue) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


def _member(
    doc: XmlDocument,
    el: Element,
    node_id: str,
    data: Mapping[str, tuple[KeyDef, AttributeValue]],
) -> Member:
    fields: dict[str, Any] = {}
    attributes: dict[str, AttributeValue] = {}
    for name, (_key, value) in data.items():
        if name in NODE_CORE:
            if name == "label":
                fields["label"] = "" if value is None else str(value)
            elif value is not None:
                fields[name] = value
        else:
            if name.startswith(_ATTR_PREFIX):
                name = name[len(_ATTR_PREFIX) :]
            if value is not None:
                attributes[name] = value
    if "label" not in fields and isinstance(attributes.get("name"), str):
        fields["label"] = attributes.pop("name")
    for name in ("support_received", "support_given"):
        if isinstance(fields.get(name), str):
            fields[name] = [s for s in str(fields[name]).split(";") if s.strip()]
    try:
        return Member(key=node_id, attributes=attributes, **fields)
    except NetworkError as exc:
        raise FormatError(
            str(exc), file=doc.path, line=doc.line(el), field=_field_of(str(exc))
        ) from None


def _field_of(message: str) -> str | None:
    marker = "field '"
    if marker in message:
        return message.split(marker, 1)[1].split("'", 1)[0]
    marker = "attribute '"
    if marker in message:
        return message.split(marker, 1)[1].split("'", 1)[0]
    return None


def _add_edge(
    doc: XmlDocument,
    el: Element,
    keys: Mapping[str, KeyDef],
    nodes: Mapping[str, object],
    ego_node: str | None,
    ties: dict[tuple[str, str], Tie],
) -> None:
    line = doc.line(el)
    ends = []
    for end in ("source", "target"):
        node_id = el.get(end)
        if node_id is None or node_id not in nodes:
            raise FormatError(
                f"the edge names node '{node_id}', which is not in the graph",
                file=doc.path,
                line=line,
                field=end,
            )
        ends.append(node_id)
    a, b = ends
    if ego_node is not None and ego_node in (a, b):
        return  # ego–member edges are implied by the map
    if a == b:
        raise FormatError(
            f"the edge links node '{a}' to itself; a member cannot be tied to itself",
            file=doc.path,
            line=line,
            field="target",
        )
    data = element_data(doc, el, keys, "edge", f"edge '{a}'–'{b}'")
    weight: AttributeValue = None
    attributes: dict[str, AttributeValue] = {}
    for name, (_key, value) in data.items():
        if name == "weight":
            weight = value
        else:
            if name.startswith(_ATTR_PREFIX):
                name = name[len(_ATTR_PREFIX) :]
            if value is not None:
                attributes[name] = value
    if isinstance(weight, bool) or (weight is not None and not isinstance(weight, int | float)):
        raise FormatError(
            f"the edge weight is {weight!r}; expected a number",
            file=doc.path,
            line=line,
            field="weight",
        )
    try:
        tie = Tie(a, b, weight=weight, attributes=attributes)
    except NetworkError as exc:
        raise FormatError(str(exc), file=doc.path, line=line, field=_field_of(str(exc))) from None
    old = ties.get(tie.pair)
    if old is not None:
        # Both directions of a directed pair, or a multigraph: one tie, the largest weight,
        # the first edge's attributes (later ones fill gaps).
        weights = [w for w in (old.weight, tie.weight) if w is not None]
        merged = {**tie.attributes, **old.attributes}
        tie = Tie(old.a, old.b, weight=max(weights) if weights else None, attributes=merged)
    ties[tie.pair] = tie


# -- writing ------------------------------------------------------------------------------------


def _attr_type(value: AttributeValue) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    return "string"


def _text(value: AttributeValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


class _Keys:
    """Allocates ``<key>`` ids: one key per (domain, attr.name, attr.type)."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str, str], str] = {}

    def id(self, domain: str, name: str, attr_type: str) -> str:
        spec = (domain, name, attr_type)
        if spec not in self.ids:
            self.ids[spec] = f"d{len(self.ids)}"
        return self.ids[spec]


def _free_name(name: str, reserved: Sequence[str], prefix: str) -> str:
    if name in reserved or name.startswith(prefix):
        return prefix + name
    return name


def _member_data(m: Member) -> list[tuple[str, AttributeValue]]:
    items: list[tuple[str, AttributeValue]] = []
    if m.label:
        items.append(("label", m.label))
    items.append(("kind", m.kind.value))
    for name in ("relationship", "contact", "feeling", "wish"):
        value = getattr(m, name)
        if value is not None:
            items.append((name, value.value))
    if m.circle is not None:
        items.append(("circle", m.circle))
    for name in ("support_received", "support_given"):
        supports = getattr(m, name)
        if supports:
            items.append((name, ";".join(sorted(s.value for s in supports))))
    if m.asset_id is not None:
        items.append(("asset_id", m.asset_id))
    for name, value in m.attributes.items():
        if value is not None:
            items.append((_free_name(name, NODE_CORE, _ATTR_PREFIX), value))
    return items


def _graph_data(net: Network) -> list[tuple[str, AttributeValue]]:
    items: list[tuple[str, AttributeValue]] = [("ego_id", net.ego_id)]
    if net.map_id is not None:
        items.append(("map_id", net.map_id))
    if net.date is not None:
        items.append(("date", net.date))
    for name, value in net.ego.items():
        if value is not None:
            items.append((_free_name(name, GRAPH_CORE, _EGO_PREFIX), value))
    return items


def _tie_data(t: Tie) -> list[tuple[str, AttributeValue]]:
    items: list[tuple[str, AttributeValue]] = []
    if t.weight is not None:
        items.append(("weight", t.weight))
    for name, value in t.attributes.items():
        if value is not None:
            items.append((_free_name(name, EDGE_CORE, _ATTR_PREFIX), value))
    return items


def write_graphml(networks: Iterable[Network], path: str | Path) -> None:
    """Write maps to one GraphML file, one ``<graph>`` per map.

    Missing values (``None``) are left out, so an attribute set to ``None`` reads back as
    absent. The file is written to a temporary name and moved into place, so a failed write
    leaves no partial file.
    """
    networks = list(networks)
    keys = _Keys()
    body: list[str] = []

    def data_lines(domain: str, items: list[tuple[str, AttributeValue]], indent: str) -> None:
        for name, value in items:
            key_id = keys.id(domain, name, _attr_type(value))
            body.append(
                f"{indent}<data key={quoteattr(key_id)}>{escape(_text(value), _XML_ESCAPES)}</data>"
            )

    for n, net in enumerate(networks):
        body.append(f'  <graph id={quoteattr(f"g{n}")} edgedefault="undirected">')
        data_lines("graph", _graph_data(net), "    ")
        for m in net.members:
            body.append(f"    <node id={quoteattr(m.key)}>")
            data_lines("node", _member_data(m), "      ")
            body.append("    </node>")
        for t in net.ties:
            items = _tie_data(t)
            if not items:
                body.append(f"    <edge source={quoteattr(t.a)} target={quoteattr(t.b)}/>")
                continue
            body.append(f"    <edge source={quoteattr(t.a)} target={quoteattr(t.b)}>")
            data_lines("edge", items, "      ")
            body.append("    </edge>")
        body.append("  </graph>")

    head = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<graphml xmlns="{GRAPHML_NS}"',
        '    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
        f'    xsi:schemaLocation="{GRAPHML_NS} {GRAPHML_NS}/1.0/graphml.xsd">',
    ]
    for (domain, name, attr_type), key_id in keys.ids.items():
        head.append(
            f"  <key id={quoteattr(key_id)} for={quoteattr(domain)} "
            f"attr.name={quoteattr(name)} attr.type={quoteattr(attr_type)}/>"
        )
    text = "\n".join([*head, *body, "</graphml>", ""])
    write_text_atomic(Path(path), text)


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
