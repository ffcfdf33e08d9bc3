"""The Jobcenter consent's scope becomes a list of data categories (issue 15, item 3).

The former free-text ``scope`` is kept as ``note`` (renamed, so no text is lost, also in the
history); no category is guessed from it: an older Jobcenter consent has no categories until
it is recorded again, and no Übermittlungsbogen can be made from it. The record of each
Übermittlungsbogen (``JobcenterTransmission``) is new.
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0014_outcomes"),
        ("organisation", "0002_staff_change_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="consent", old_name="scope", new_name="note"),
        migrations.RenameField(model_name="historicalconsent", old_name="scope", new_name="note"),
        migrations.AlterField(
            model_name="consent",
            name="note",
            field=models.CharField(blank=True, max_length=300, verbose_name="Anmerkung"),
        ),
        migrations.AlterField(
            model_name="historicalconsent",
            name="note",
            field=models.CharField(blank=True, max_length=300, verbose_name="Anmerkung"),
        ),
        migrations.AddField(
            model_name="consent",
            name="categories",
            field=models.JSONField(
                blank=True, default=list, verbose_name="Umfang (Datenkategorien)"
            ),
        ),
        migrations.AddField(
            model_name="historicalconsent",
            name="categories",
            field=models.JSONField(
                blank=True, default=list, verbose_name="Umfang (Datenkategorien)"
            ),
        ),
        migrations.CreateModel(
            name="JobcenterTransmission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="erstellt am")),
                (
                    "categories",
                    models.JSONField(default=list, verbose_name="übermittelte Datenkategorien"),
                ),
                ("consent_given_on", models.DateField(verbose_name="Einwilligung vom")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256 des PDF")),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="jobcenter_transmissions",
                        to="clients.client",
                    ),
                ),
                (
                    "consent",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="transmissions",
                        to="clients.consent",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "provider",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisation.provider",
                    ),
                ),
            ],
            options={
                "verbose_name": "Übermittlung an das Jobcenter",
                "verbose_name_plural": "Übermittlungen an das Jobcenter",
                "ordering": ["-created_at", "-pk"],
            },
        ),
    ]
