"""``kith manage load_instrument FILE``: load an organisation's licensed item text.

The file format is in docs/instruments.md. The file is checked against the built-in
definition (every item, every response value) before anything is stored; a bad file changes
nothing and the error names the file, the item and the field.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kith.accounts.models import Organisation
from kith.instruments import InstrumentError
from kith.outcomes.actions import do_load_licensed_text


class Command(BaseCommand):
    help = "Load the licensed item text of an outcome instrument for an organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the licensed-text JSON file (docs/instruments.md)")
        parser.add_argument(
            "--organisation",
            help="the organisation's name (needed when there is more than one)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options.get("organisation")
        if name:
            organisation = Organisation.objects.filter(name=name).first()
            if organisation is None:
                raise CommandError(f"no organisation called {name!r}")
        else:
            organisations = list(Organisation.objects.all()[:2])
            if len(organisations) != 1:
                raise CommandError(
                    "say which organisation holds the licence with --organisation NAME"
                    if organisations
                    else "there is no organisation yet"
                )
            organisation = organisations[0]
        try:
            text = do_load_licensed_text(organisation, options["file"])
        except InstrumentError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Loaded the text of {text.instrument_id} for {organisation.name} "
            f"(licence held by {text.licence_holder})."
        )
