"""A criterion's code is a stable identifier: once anything is coded with it, it never changes.

Enforced by a trigger (SQLite and PostgreSQL) so that no route, not even raw SQL, can rename a
code that codings, consensus decisions or period overrides refer to.
"""

from django.db import migrations

IN_USE = """
    EXISTS (SELECT 1 FROM cases_coding WHERE criterion_id = OLD.id)
    OR EXISTS (SELECT 1 FROM cases_consensus WHERE criterion_id = OLD.id)
    OR EXISTS (SELECT 1 FROM cases_periodoverride WHERE criterion_id = OLD.id)
"""

SQLITE = [
    "CREATE TRIGGER cases_criterion_code_stable BEFORE UPDATE OF code ON cases_criterion "
    f"FOR EACH ROW WHEN OLD.code <> NEW.code AND ({IN_USE}) "
    "BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: cases_criterion: "
    "the code of a criterion in use cannot change'); END;"
]

POSTGRES = [
    f"""
    CREATE OR REPLACE FUNCTION cases_criterion_code_stable() RETURNS trigger AS $$
    BEGIN
        IF OLD.code <> NEW.code AND ({IN_USE}) THEN
            RAISE EXCEPTION 'cases_criterion: the code of a criterion in use cannot change (%)',
                OLD.code USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    "CREATE TRIGGER cases_criterion_code_stable BEFORE UPDATE ON cases_criterion "
    "FOR EACH ROW EXECUTE FUNCTION cases_criterion_code_stable();",
]


def run(schema_editor, statements):
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    run(schema_editor, POSTGRES if vendor == "postgresql" else SQLITE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        run(schema_editor, [
            "DROP TRIGGER IF EXISTS cases_criterion_code_stable ON cases_criterion;",
            "DROP FUNCTION IF EXISTS cases_criterion_code_stable();",
        ])
    else:
        run(schema_editor, ["DROP TRIGGER IF EXISTS cases_criterion_code_stable;"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_database_rules")]

    operations = [migrations.RunPython(forwards, backwards)]
