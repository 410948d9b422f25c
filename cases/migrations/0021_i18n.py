import importlib

from django.db import migrations, models

import cases.lib.validators

# A criterion's translations (docs/i18n.md). SQLite adds the column by rebuilding the criterion
# table, which drops its triggers and trips over the triggers of other tables that name it: the
# database rules of 0002 and 0003 are dropped first and created again, unchanged, as 0013 does.
codebook_versions = importlib.import_module("cases.migrations.0013_codebook_versions")

TRANSLATIONS = models.JSONField(
    blank=True,
    default=dict,
    help_text='{"tr": {"name": "…", "definition": "…"}}: the name and definition in another '
    "language, shown to coders reading the interface in it.",
    validators=[cases.lib.validators.validate_criterion_translations],
)


class Migration(migrations.Migration):
    dependencies = [("cases", "0020_recomputation")]

    operations = [
        migrations.RunPython(
            codebook_versions.drop_database_rules, codebook_versions.create_database_rules
        ),
        migrations.AddField(model_name="criterion", name="translations", field=TRANSLATIONS),
        migrations.AddField(
            model_name="historicalcriterion", name="translations", field=TRANSLATIONS.clone()
        ),
        migrations.RunPython(
            codebook_versions.create_database_rules, codebook_versions.drop_database_rules
        ),
    ]
