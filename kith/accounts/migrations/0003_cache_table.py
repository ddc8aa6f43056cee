"""The database cache table (settings.CACHES): allauth's sign-in rate limits and lockouts are
counted there, so every server process sees the same counts."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_api_tokens_and_user_sessions")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
