"""Let the planner use the trigram GIN indexes for the name search.

pg_trgm declares the function behind ``%>`` (``word_similarity_commutator_op``) with the
default cost 1, as cheap as comparing two integers; with 50,000 clients the planner then reads
the whole table and computes the similarity for every row (168 ms) instead of asking the four
GIN indexes (38 ms, measured on the bench data set). Cost 100 tells it the truth. Altering the
function needs the extension's owner (a superuser in the usual set-up); where the migration
runs as a role that may not, it says so and goes on: the search stays correct, only slower.
"""

from django.db import DatabaseError, migrations, transaction

COST = 100


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute(
                f"ALTER FUNCTION word_similarity_commutator_op(text, text) COST {COST}"
            )
    except DatabaseError as error:
        print(
            "\n  Hinweis: Die Kosten der pg_trgm-Funktion word_similarity_commutator_op konnten "
            f"nicht gesetzt werden ({error.__class__.__name__}). Die Namenssuche bleibt richtig, "
            f"nutzt aber die Indizes seltener; als Eigentümer der Erweiterung ausführen: "
            f"ALTER FUNCTION word_similarity_commutator_op(text, text) COST {COST};"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("ALTER FUNCTION word_similarity_commutator_op(text, text) COST 1")
    except DatabaseError:
        pass


class Migration(migrations.Migration):
    dependencies = [("clients", "0011_case_status_history")]

    operations = [migrations.RunPython(forwards, backwards)]
