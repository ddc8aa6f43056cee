"""Encryption at rest: the key ring, the encrypted fields, rotation, and the marker test.

The marker test is the one a reviewer should read first: it writes a marker through the
apps' actions into a fresh file-backed database (SQLite, or a PostgreSQL database of its own)
and reads the raw bytes (the SQLite file and its WAL after a checkpoint; a ``pg_dump``) to
show the marker is nowhere but in one column deliberately left unencrypted.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from conftest import require
from kith.accounts.fields import encrypted_fields, keyring
from kith.accounts.testing import World, make_map, make_person
from kith.crypto import (
    DecryptionError,
    KeyConfigError,
    UnknownKeyError,
    add_key_to_file,
    load_keyring,
    parse_key_list,
    read_key_file,
)
from kith.maps.models import Map, MapMember
from kith.people.forms import PersonForm
from kith.people.models import Person

REPO = Path(__file__).resolve().parents[3]
KEY_A = base64.b64encode(bytes(range(32))).decode()
KEY_B = base64.b64encode(bytes(range(100, 132))).decode()


# -- the key ring ----------------------------------------------------------------------------


def test_round_trip_and_every_value_differs() -> None:
    ring = parse_key_list(f"a:{KEY_A}")
    one = ring.encrypt("Rowan T.", "people_person.display_name")
    two = ring.encrypt("Rowan T.", "people_person.display_name")
    assert one != two  # a fresh nonce each time: equal names do not show as equal ciphertexts
    assert one.startswith("v1:a:") and "Rowan" not in one
    assert ring.decrypt(one, "people_person.display_name") == "Rowan T."


def test_a_value_moved_to_another_column_or_changed_does_not_decrypt() -> None:
    ring = parse_key_list(f"a:{KEY_A}")
    token = ring.encrypt("Secret note", "maps_map.notes")
    with pytest.raises(DecryptionError, match=r"maps_mapmember\.label.*integrity") as moved:
        ring.decrypt(token, "maps_mapmember.label")
    data = bytearray(base64.b64decode(token.split(":", 2)[2]))
    data[-1] ^= 1
    tampered = "v1:a:" + base64.b64encode(bytes(data)).decode()
    with pytest.raises(DecryptionError, match="integrity") as changed:
        ring.decrypt(tampered, "maps_map.notes")
    for error in (moved, changed):
        assert "Secret" not in str(error.value) and KEY_A not in str(error.value)
    with pytest.raises(DecryptionError, match="not a Kith ciphertext"):
        ring.decrypt("Secret note", "maps_map.notes")


def test_unknown_key_and_bad_keys_say_what_is_wrong_without_the_key() -> None:
    token = parse_key_list(f"old:{KEY_A}").encrypt("x", "t.c")
    with pytest.raises(UnknownKeyError, match=r"key 'old', which is not in .*known: new"):
        parse_key_list(f"new:{KEY_B}").decrypt(token, "t.c")
    short = base64.b64encode(bytes(16)).decode()
    cases = {
        f"a:{short}": "key .a. is 16 bytes; AES-256 needs 32",
        f"a:{KEY_A},b": r"entry 2: expected <key id>:<base64 key>",
        f"a:{KEY_A},a:{KEY_B}": "entry 2: key id 'a' appears twice",
        "a:not base64!": "entry 1: key 'a' is not valid base64",
        f"bad id:{KEY_A}": "key id 'bad id' must be",
        "": "no keys",
    }
    for text, message in cases.items():
        with pytest.raises(KeyConfigError, match=message) as error:
            parse_key_list(text)
        assert KEY_A not in str(error.value) and KEY_B not in str(error.value)


def test_key_file_is_made_private_on_first_use_and_read_after(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "keys.json"
    first = load_keyring("", path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = load_keyring("", path)
    assert again.key_ids == first.key_ids
    token = first.encrypt("x", "t.c")
    assert again.decrypt(token, "t.c") == "x"
    added = add_key_to_file(path)
    ring = read_key_file(path)
    assert ring.key_ids == [added, *first.key_ids] and ring.current_id == added
    assert ring.decrypt(token, "t.c") == "x"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # The variable wins over the file when both are there.
    assert load_keyring(f"env:{KEY_A}", path).key_ids == ["env"]
    path.write_text('{"keys": [{"id": "k"}]}')
    with pytest.raises(KeyConfigError, match=r"keys.json: keys\[1\]: expected"):
        read_key_file(path)
    path.write_text("{")
    with pytest.raises(KeyConfigError, match="line 1: not valid JSON"):
        read_key_file(path)


# -- the fields ------------------------------------------------------------------------------


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {connection.ops.quote_name(table)} "
            "WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_fields_read_back_plain_and_store_ciphertext(world: World) -> None:
    # 120 four-byte characters: max_length counts characters of the plaintext, and the
    # ciphertext (about 700 characters) still fits its column on PostgreSQL.
    name = "𝔑" * 120
    person = make_person(world.north, name, reference="R-1")
    the_map = make_map(person, [{"key": "m1", "label": "Aunt May"}])
    person.refresh_from_db()
    assert person.display_name == name
    raw = _raw("people_person", "display_name", person.pk)
    assert raw.startswith(f"v1:{keyring().current_id}:") and name not in raw
    assert _raw("maps_mapmember", "label", the_map.members.get().pk).startswith("v1:")
    assert MapMember.objects.get().label == "Aunt May"
    # Blank stays blank: nothing to hide, and cheap to test for.
    assert _raw("people_person", "pronouns", person.pk) == ""


@pytest.mark.django_db
def test_sql_cannot_filter_on_an_encrypted_field() -> None:
    with pytest.raises(FieldError, match=r"Person\.display_name is encrypted in the database"):
        Person.objects.filter(display_name="Rowan").exists()
    with pytest.raises(FieldError, match=r"MapMember\.label is encrypted"):
        MapMember.objects.filter(label__icontains="May").exists()
    assert not Map.objects.filter(notes__isnull=True).exists()


def test_no_model_orders_by_an_encrypted_field() -> None:
    for model, fields in encrypted_fields():
        names = {f.name for f in fields}
        ordering = {o.lstrip("-") for o in model._meta.ordering if isinstance(o, str)}
        assert not names & ordering, f"{model.__name__}.Meta.ordering names {names & ordering}"


def test_the_encrypted_columns_are_the_documented_ones() -> None:
    """Each is listed in docs/security.md "What is encrypted" (a new one must be added there)."""
    found = {f"{m._meta.label}.{f.name}" for m, fields in encrypted_fields() for f in fields}
    assert {
        "people.Person.display_name",
        "maps.Map.notes",
        "maps.MapMember.label",
        "plans.Goal.wording",
        "plans.FollowUp.notes",
    } <= found
    docs = (REPO / "docs" / "security.md").read_text()
    missing = sorted(name for name in found if f"`{name.split('.', 1)[1]}`" not in docs)
    assert not missing, f"encrypted fields not listed in docs/security.md: {missing}"


def test_no_model_with_encrypted_fields_is_in_the_admin() -> None:
    """The admin's change log keeps ``str(obj)`` in clear (a person's name, a member's label)."""
    from django.contrib import admin

    registered = [m.__name__ for m, _ in encrypted_fields() if admin.site.is_registered(m)]
    assert not registered


@pytest.mark.django_db
def test_person_form_checks_max_length_on_the_plaintext(world: World) -> None:
    data = {"display_name": "x" * 121, "team": world.north.pk, "status": "open"}
    form = PersonForm(data, user=world["ana"])
    assert not form.is_valid()
    assert "at most 120 characters" in form.errors["display_name"][0]
    form = PersonForm({**data, "display_name": "x" * 120}, user=world["ana"])
    assert form.is_valid(), form.errors


# -- caseload search and sort in Python -----------------------------------------------------


@pytest.mark.django_db
def test_caseload_search_and_sort_see_through_the_encryption(world: World) -> None:
    for name, reference in [("zoë b.", "R-9"), ("Ádám", "X-1"), ("birch", "R-10")]:
        make_person(world.north, name, reference=reference)
    client = Client()
    client.force_login(world["ana"])
    url = reverse("people:caseload")

    def names(**params: str) -> list[str]:
        response = client.get(url, params)
        return [p.display_name for p in response.context["page"].object_list]

    # By name ignoring case ("Á" sorts after the plain letters, as Python's casefold does).
    assert names() == ["birch", "zoë b.", "Ádám"]
    assert names(q="ZOË") == ["zoë b."]
    assert names(q="r-1") == ["birch"]
    api = client.get("/api/v1/people", {"q": "ádá"}).json()
    assert api["count"] == 1 and api["items"][0]["display_name"] == "Ádám"


# -- the migration ---------------------------------------------------------------------------


@pytest.mark.slow
def test_migration_encrypts_existing_names_and_reverses(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kith.accounts.tests.write_markers",
            "--migration-round-trip",
            "Rowan T.",
        ],
        cwd=REPO,
        env={**env, "KITH_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert lines["before"] == "Rowan T."
    ciphertext, plain = lines["after"].split(" ", 1)
    assert ciphertext.startswith("v1:") and plain == "Rowan T."
    assert lines["reversed"] == "Rowan T."


# -- rotation ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rotate_keys_moves_everything_to_the_new_key_and_the_old_key_can_go(world: World) -> None:
    with override_settings(KITH_ENCRYPTION_KEYS=f"old:{KEY_A}"):
        person = make_person(world.north, "Rowan T.", reference="R-1", consent_by="their mum")
        the_map = make_map(person, [{"key": "m1", "label": "Sister Jo"}])
        Map.objects.filter(pk=the_map.pk).update(notes="Met at home")
    with override_settings(KITH_ENCRYPTION_KEYS=f"new:{KEY_B},old:{KEY_A}"):
        out = io.StringIO()
        call_command("rotate_keys", "--chunk", "1", stdout=out)
        report = out.getvalue()
        # Person: display name, reference, consent_by (3; pronouns blank); map notes (1);
        # member label and attributes (2: an empty dict is still JSON, "{}", encrypted).
        assert "people_person: 1 rows, 3 values re-encrypted" in report
        assert "maps_map: 1 rows, 1 values re-encrypted" in report
        assert "maps_mapmember: 1 rows, 2 values re-encrypted" in report
        assert "with key new. No value needs old any more: take it out of the ring" in report
        again = io.StringIO()
        call_command("rotate_keys", stdout=again)
        assert "Done: 0 values" in again.getvalue()
    assert _raw("people_person", "display_name", person.pk).startswith("v1:new:")
    with override_settings(KITH_ENCRYPTION_KEYS=f"new:{KEY_B}"):
        person.refresh_from_db()
        assert (person.display_name, person.reference, person.consent_by) == (
            "Rowan T.",
            "R-1",
            "their mum",
        )
        assert Map.objects.get().notes == "Met at home"
        assert MapMember.objects.get().label == "Sister Jo"
    if apps.is_installed("kith.audit"):
        from kith.audit.models import AuditEvent

        assert AuditEvent.objects.filter(verb="rotate_keys", object_type="kith.keys").count() == 2


@pytest.mark.django_db
def test_rotate_keys_stops_on_a_value_it_cannot_read_and_changes_nothing(world: World) -> None:
    with override_settings(KITH_ENCRYPTION_KEYS=f"lost:{KEY_A}"):
        person = make_person(world.north, "Rowan T.")
    before = _raw("people_person", "display_name", person.pk)
    with (
        override_settings(KITH_ENCRYPTION_KEYS=f"new:{KEY_B}"),
        pytest.raises(CommandError, match=rf"row {person.pk}: .*key 'lost', which is not in"),
    ):
        call_command("rotate_keys", stdout=io.StringIO())
    assert _raw("people_person", "display_name", person.pk) == before


# -- the marker test --------------------------------------------------------------------------

MARKER = "QX7marker" + "Z" * 4  # not a word, not base64-likely, found only if stored in clear


def _write_markers(env: dict[str, str]) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "kith.accounts.tests.write_markers", MARKER],
        cwd=REPO,
        env={**os.environ, "KITH_NO_PROGRESS": "1", **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.splitlines()


def _assert_only_the_control_shows(raw: bytes, columns: list[str]) -> None:
    control = f"{MARKER}-control".encode()
    assert raw.count(control) >= 1, "the scan must see the one unencrypted marker"
    assert raw.count(MARKER.encode()) == raw.count(control), "a marker was stored in clear"
    # Every encrypted column held a marker (one row at least), so each was checked.
    assert all(int(line.split()[2]) >= 1 for line in columns), columns


@pytest.mark.slow
@pytest.mark.django_db
def test_marker_never_reaches_the_database_in_clear(tmp_path: Path) -> None:
    if connection.vendor == "postgresql":
        require(bool(shutil.which("pg_dump")), "pg_dump")
        settings = connection.settings_dict
        name = f"{settings['NAME']}_markers"
        url = (
            f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
            f"{settings['PORT'] or 5432}/{name}"
        )
        pg_env = {**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""}
        server = ["-h", settings["HOST"], "-p", str(settings["PORT"] or 5432)]
        server += ["-U", settings["USER"]]
        subprocess.run(["dropdb", *server, "--if-exists", name], env=pg_env, check=True)
        subprocess.run(["createdb", *server, name], env=pg_env, check=True)
        try:
            columns = _write_markers({"DATABASE_URL": url, "KITH_DATA_DIR": str(tmp_path)})
            dump = subprocess.run(
                ["pg_dump", *server, name], env=pg_env, capture_output=True, check=True
            ).stdout
        finally:
            subprocess.run(["dropdb", *server, "--if-exists", name], env=pg_env, check=True)
        _assert_only_the_control_shows(dump, columns)
    else:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["KITH_DATA_DIR"] = str(tmp_path)
        columns = _write_markers(env)
        raw = b"".join(p.read_bytes() for p in tmp_path.glob("kith.sqlite3*"))
        assert (tmp_path / "kith.sqlite3").stat().st_size > 0
        _assert_only_the_control_shows(raw, columns)
        assert stat.S_IMODE((tmp_path / "keys.json").stat().st_mode) == 0o600


@pytest.mark.slow
def test_demo_names_are_not_in_the_database_file(tmp_path: Path) -> None:
    from kith.demo import FAMILY, FRIENDS, ORGANISATION, PEOPLE

    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "KITH_ENCRYPTION_KEYS"}}
    result = subprocess.run(
        [sys.executable, "-c", "from kith.cli import main; main(['demo'])"],
        cwd=REPO,
        env={**env, "KITH_DATA_DIR": str(tmp_path), "KITH_NO_PROGRESS": "1"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("kith.sqlite3*"))
    assert ORGANISATION.encode() in raw  # the scan sees what is stored in clear
    # Names long enough not to turn up by chance in binary pages.
    names = [name for name, *_ in PEOPLE if len(name) >= 6] + [
        label for label in (*FAMILY, *FRIENDS) if len(label) >= 8
    ]
    assert len(names) > 25
    found = [name for name in names if name.encode() in raw]
    assert not found, f"demo names stored in clear: {found}"
    assert b"DEMO-001" not in raw and b"Mapped together at a home visit" not in raw
