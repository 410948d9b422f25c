from django.db import migrations, models


class Migration(migrations.Migration):
    """Projects record their classification rule. Existing projects keep rule v1 (their
    reports and exports stay as they were); new projects get v2."""

    dependencies = [("cases", "0006_assignment_history")]

    operations = [
        migrations.AddField(
            model_name="project",
            name="rule_version",
            field=models.CharField(
                choices=[("v1", "rule v1"), ("v2", "rule v2: missing is not absent")],
                default="v1",
                help_text="The classification rule of the reports and exports; the other one "
                "stays available for comparison.",
                max_length=2,
            ),
        ),
        migrations.AlterField(
            model_name="project",
            name="rule_version",
            field=models.CharField(
                choices=[("v1", "rule v1"), ("v2", "rule v2: missing is not absent")],
                default="v2",
                help_text="The classification rule of the reports and exports; the other one "
                "stays available for comparison.",
                max_length=2,
            ),
        ),
        migrations.AddConstraint(
            model_name="project",
            constraint=models.CheckConstraint(
                condition=models.Q(rule_version__in=["v1", "v2"]), name="project_rule_known"
            ),
        ),
    ]
