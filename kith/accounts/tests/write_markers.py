"""Write a marker into every encrypted column of a fresh database (run by test_encryption.py).

``python -m kith.accounts.tests.write_markers MARKER`` with ``KITH_DATA_DIR`` (SQLite) or
``DATABASE_URL`` (PostgreSQL) naming an empty database: migrates it, creates a person, a map
with a member, a plan and the rest through the apps' actions, then writes
``<MARKER>-<table>-<column>`` into every encrypted field of every row (through the ORM, the
path every view takes). The team is called ``<MARKER>-control``: a column that is *not*
encrypted, so the test can show its scan would have found plaintext. Prints one line per
encrypted column: ``table column rows``.

``--migration-round-trip NAME`` checks instead that people's encryption migration encrypts
a name stored before it, and decrypts it again when reversed.
"""

from __future__ import annotations

import datetime as dt
import os
import sys


def main(marker: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kith.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)

    from kith.accounts.fields import encrypted_fields
    from kith.accounts.testing import make_world
    from kith.maps.actions import do_add_member, do_create_map, do_update_map
    from kith.outcomes.models import Amendment, Response
    from kith.people.actions import do_create_person
    from kith.plans.actions import (
        do_add_action,
        do_add_interest,
        do_create_goal,
        do_record_fidelity,
        do_record_follow_up,
    )
    from kith.plans.models import Cycle

    world = make_world()
    world.north.name = f"{marker}-control"
    world.north.save()
    ana = world["ana"]
    today = dt.date(2026, 3, 1)
    person = do_create_person(ana, team=world.north, display_name=f"{marker}-name", status="open")
    the_map = do_create_map(ana, person, today)
    do_update_map(ana, the_map, expected_version=None, date=today, notes=f"{marker}-map-notes")
    member = do_add_member(ana, the_map, {"label": f"{marker}-label", "circle": 1})
    do_add_interest(ana, person, f"{marker}-interest", [])
    goal = do_create_goal(ana, person, wording=f"{marker}-goal", owner="person")
    step = do_add_action(
        ana, goal, description=f"{marker}-step", kind="reconnect", member_key=member.key
    )
    do_record_follow_up(
        ana,
        step,
        date=today,
        happened="no",
        next_step="retry",
        next_follow_up=today + dt.timedelta(days=14),
        notes=f"{marker}-follow-up",
    )
    Cycle.objects.get_or_create(person=person, number=1, defaults={"assess_on": today})
    do_record_fidelity(ana, world.north, today, {}, note=f"{marker}-fidelity")
    response = Response.objects.create(person=person, instrument_id="ons4", date=today)
    Amendment.objects.create(
        response=response, changed_by=ana, reason=f"{marker}-reason", before={}, after={}
    )

    for model, fields in encrypted_fields():
        rows = list(model._default_manager.all())
        for row in rows:
            for field in fields:
                setattr(row, field.attname, f"{marker}-{model._meta.db_table}-{field.column}")
            row.save(update_fields=[f.name for f in fields])
        for field in fields:
            print(model._meta.db_table, field.column, len(rows))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def migration_round_trip(name: str) -> None:
    """Migrate a fresh database to just before people's encryption, store ``name`` in clear
    there, migrate forwards and back, and print the raw column after each step."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kith.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def raw() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT display_name FROM people_person")
            return str(cursor.fetchone()[0])

    before = "0002_gdpr_lawful_basis_closure_legal_hold"
    call_command("migrate", "people", before, verbosity=0)
    state = MigrationExecutor(connection).loader.project_state(("people", before)).apps
    org = state.get_model("accounts", "Organisation").objects.create(name="Org")
    team = state.get_model("accounts", "Team").objects.create(organisation=org, name="North")
    state.get_model("people", "Person").objects.create(team=team, display_name=name)
    print("before", raw())
    call_command("migrate", "people", verbosity=0)
    from kith.people.models import Person

    print("after", raw(), Person.objects.get().display_name)
    call_command("migrate", "people", before, verbosity=0)
    print("reversed", raw())


if __name__ == "__main__":
    if sys.argv[1] == "--migration-round-trip":
        migration_round_trip(sys.argv[2])
    else:
        main(sys.argv[1])
