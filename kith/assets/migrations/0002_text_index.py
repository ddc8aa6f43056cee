"""The full-text index: an FTS5 table on SQLite, a GIN index on PostgreSQL."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def create(apps: Any, schema_editor: Any) -> None:
    from kith.assets.index import create_text_index

    create_text_index(schema_editor)


def drop(apps: Any, schema_editor: Any) -> None:
    from kith.assets.index import drop_text_index

    drop_text_index(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("assets", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
