from django.db import migrations, models

LICENCES = ["CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "ODbL-1.0", "other"]


class Migration(migrations.Migration):
    """Projects record the licence of their data (the replication package's LICENSE,
    CITATION.cff and datapackage.json). Every project starts with CC BY 4.0; its admins may
    choose another."""

    dependencies = [("cases", "0010_evidence_via_source_and_assessed_stage")]

    operations = [
        migrations.AddField(
            model_name="project",
            name="data_licence",
            field=models.CharField(
                choices=[
                    ("CC-BY-4.0", "CC-BY-4.0: Creative Commons Attribution 4.0 International"),
                    (
                        "CC-BY-SA-4.0",
                        "CC-BY-SA-4.0: Creative Commons Attribution Share Alike 4.0 International",
                    ),
                    ("CC0-1.0", "CC0-1.0: Creative Commons Zero v1.0 Universal"),
                    ("ODbL-1.0", "ODbL-1.0: Open Data Commons Open Database License v1.0"),
                    ("other", "another licence, or none"),
                ],
                default="CC-BY-4.0",
                help_text="The licence under which the replication package offers the "
                "project's data.",
                max_length=20,
            ),
        ),
        migrations.AddConstraint(
            model_name="project",
            constraint=models.CheckConstraint(
                condition=models.Q(data_licence__in=LICENCES),
                name="project_data_licence_known",
            ),
        ),
    ]
