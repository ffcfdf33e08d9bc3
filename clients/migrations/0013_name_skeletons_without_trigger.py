# Written by hand on 2026-11-30.

import re

from django.db import migrations

# The same rule as clients.names.name_skeleton (copied: a migration must not import code that
# may change later).
_FOLD = str.maketrans("äöüßçşğıáàâéèêíìîóòôúùûñčšžwj", "aouscsgiaaaeeeiiiooouuuncszvy")


def _skeleton(text):
    folded = (text or "").lower().translate(_FOLD).replace("ph", "f")
    consonants = re.sub(r"[^a-z]|[aeiou]", "", re.sub(r"(?<=[a-z])y", "", folded))
    return re.sub(r"(.)\1+", r"\1", consonants)


def forwards(apps, schema_editor):
    """Without PostgreSQL's trigger (SQLite) the skeletons of clients written before
    ``Client.save`` kept them are empty: fill them, so the name search finds them."""
    if schema_editor.connection.vendor == "postgresql":
        return  # the trigger of 0005 keeps them
    Client = apps.get_model("clients", "Client")
    fields = ["first_name_skeleton", "last_name_skeleton"]
    stale = []
    for client in Client.objects.only("pk", "first_name", "last_name", *fields).iterator():
        first, last = _skeleton(client.first_name), _skeleton(client.last_name)
        if (client.first_name_skeleton, client.last_name_skeleton) != (first, last):
            client.first_name_skeleton, client.last_name_skeleton = first, last
            stale.append(client)
    Client.objects.bulk_update(stale, fields, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0012_trigram_operator_cost"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
