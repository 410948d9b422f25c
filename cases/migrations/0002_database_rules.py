"""Rules a CHECK constraint cannot express, because they look at other rows or tables:

- a coding, consensus or override value must be a value of its criterion's codebook scale;
- the periods of one dyad must not overlap.

Both are enforced with triggers (SQLite and PostgreSQL), so no route into the database, not
even raw SQL or a bulk insert, can store a value off the scale or an overlapping period.
"""

from django.db import migrations

VALUE_TABLES = ["cases_coding", "cases_consensus", "cases_periodoverride"]

SCALE_CONDITION = """
    NEW.value IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM cases_scalevalue sv
        JOIN cases_criterion c ON c.codebook_id = sv.codebook_id
        WHERE c.id = NEW.criterion_id AND sv.value = NEW.value)
"""

OVERLAP_CONDITION = """
    EXISTS (
        SELECT 1 FROM cases_period p
        WHERE p.dyad_id = NEW.dyad_id AND p.id <> NEW.id
          AND p.start_year <= COALESCE(NEW.end_year, 32767)
          AND COALESCE(p.end_year, 32767) >= NEW.start_year)
"""


def sqlite_statements() -> list[str]:
    statements = []
    for table in VALUE_TABLES:
        for event in ("INSERT", "UPDATE"):
            statements.append(
                f"CREATE TRIGGER {table}_value_on_scale_{event.lower()} "
                f"BEFORE {event} ON {table} FOR EACH ROW WHEN {SCALE_CONDITION} "
                f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: "
                f"{table}: value is not on the codebook scale'); END;"
            )
    for event in ("INSERT", "UPDATE"):
        statements.append(
            f"CREATE TRIGGER cases_period_no_overlap_{event.lower()} "
            f"BEFORE {event} ON cases_period FOR EACH ROW WHEN {OVERLAP_CONDITION} "
            "BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: "
            "cases_period: periods of a dyad overlap'); END;"
        )
    return statements


def postgres_statements() -> list[str]:
    # SQLSTATE 23514 (check_violation) surfaces as IntegrityError, like a CHECK constraint.
    statements = [
        f"""
        CREATE OR REPLACE FUNCTION cases_value_on_scale() RETURNS trigger AS $$
        BEGIN
            IF {SCALE_CONDITION} THEN
                RAISE EXCEPTION '%: value % is not on the codebook scale', TG_TABLE_NAME, NEW.value
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql;
        """,
        f"""
        CREATE OR REPLACE FUNCTION cases_period_no_overlap() RETURNS trigger AS $$
        BEGIN
            -- Serialise period writes per dyad so two concurrent inserts cannot both pass.
            PERFORM pg_advisory_xact_lock(NEW.dyad_id);
            IF {OVERLAP_CONDITION} THEN
                RAISE EXCEPTION 'cases_period: periods of a dyad overlap (%–%)',
                    NEW.start_year, NEW.end_year USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql;
        """,
    ]
    for table in VALUE_TABLES:
        statements.append(
            f"CREATE TRIGGER {table}_value_on_scale BEFORE INSERT OR UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION cases_value_on_scale();"
        )
    statements.append(
        "CREATE TRIGGER cases_period_no_overlap BEFORE INSERT OR UPDATE ON cases_period "
        "FOR EACH ROW EXECUTE FUNCTION cases_period_no_overlap();"
    )
    return statements


def drop_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        statements = [f"DROP TRIGGER IF EXISTS {t}_value_on_scale ON {t};" for t in VALUE_TABLES]
        statements += [
            "DROP TRIGGER IF EXISTS cases_period_no_overlap ON cases_period;",
            "DROP FUNCTION IF EXISTS cases_value_on_scale();",
            "DROP FUNCTION IF EXISTS cases_period_no_overlap();",
        ]
        return statements
    names = [f"{t}_value_on_scale_{e}" for t in VALUE_TABLES for e in ("insert", "update")]
    names += ["cases_period_no_overlap_insert", "cases_period_no_overlap_update"]
    return [f"DROP TRIGGER IF EXISTS {name};" for name in names]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = postgres_statements()
    elif vendor == "sqlite":
        statements = sqlite_statements()
    else:
        raise NotImplementedError(f"sccoder supports SQLite and PostgreSQL, not {vendor}")
    run(schema_editor, statements)


def run(schema_editor, statements: list[str]) -> None:
    # A plain cursor: the schema editor would read the % of plpgsql's RAISE as placeholders.
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def drop_triggers(apps, schema_editor):
    run(schema_editor, drop_statements(schema_editor.connection.vendor))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
