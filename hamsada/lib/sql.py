"""The project's raw SQL, in one place: where building ORM queries cost more
than the work itself (the sign and confirm paths), and for bulk seeding.

Table and column names come from the models, quoted for the database in use,
so the SQL follows the models' migrations like the ORM does; values always
travel as parameters.
"""

from functools import cache

from django.db import connection


def name(model, field=None):
    """The quoted table name of model, or of one of its fields' columns."""
    meta = model._meta
    return connection.ops.quote_name(meta.get_field(field).column if field else meta.db_table)


def fetch_one(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def execute(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@cache
def _insert_sql(model, vendor, conflict_fields):
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from the model)
        name(model),
        ", ".join(connection.ops.quote_name(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    if conflict_fields:
        columns = ", ".join(name(model, field) for field in conflict_fields)
        sql += f" ON CONFLICT ({columns}) DO NOTHING"
    return fields, sql + f" RETURNING {connection.ops.quote_name(meta.pk.column)}"


def insert(instance, *, unless_exists_on=()):
    """Inserts a new model instance in one statement and sets its primary key.

    With unless_exists_on (the fields of a unique constraint), a row that would
    break the constraint is not inserted and False is returned instead.
    """
    fields, sql = _insert_sql(type(instance), connection.vendor, tuple(unless_exists_on))
    values = [
        field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
    ]
    row = fetch_one(sql, values)
    if row is None:
        return False
    instance.pk = row[0]
    instance._state.adding = False
    instance._state.db = connection.alias
    return True


@cache
def _add_sql(model, vendor, keys, increments):
    table = name(model)
    columns = [name(model, field) for field in (*keys, *increments)]
    changes = ", ".join(
        f"{column} = {table}.{column} + excluded.{column}" for column in columns[len(keys) :]
    )
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (names from the model)
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(columns[: len(keys)])}) DO UPDATE SET {changes}"
    )


def add_to(model, keys, increments):
    """Adds increments ({field: n}) to the counter row of model identified by
    keys ({field: value}, a unique constraint), in one upsert that SQLite and
    PostgreSQL share: the row is created on first use, and concurrent
    transactions serialise on its lock, so no count is lost."""
    sql = _add_sql(model, connection.vendor, tuple(keys), tuple(increments))
    execute(sql, [*keys.values(), *increments.values()])


@cache
def _add_each_sql(model, vendor, keys, increments, count, returning):
    table = name(model)
    columns = [name(model, field) for field in (*keys, *increments)]
    changes = ", ".join(
        f"{column} = {table}.{column} + excluded.{column}" for column in columns[len(keys) :]
    )
    row = f"({', '.join(['%s'] * len(columns))})"
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (names from the model)
        f"VALUES {', '.join([row] * count)} "
        f"ON CONFLICT ({', '.join(columns[: len(keys)])}) DO UPDATE SET {changes} "
        f"RETURNING {', '.join(name(model, field) for field in returning)}"
    )


def add_to_each(model, rows, increments, returning):
    """add_to for several counter rows of model at once (rows: [{field:
    value}], each a different key of one unique constraint), in one
    statement that returns the returning fields of each row as it is after
    the change. Values are prepared by their fields, dates included. Give
    the rows in the same order everywhere, so that two transactions lock them
    in the same order."""
    meta = model._meta
    keys = tuple(rows[0])
    fields = [meta.get_field(field) for field in (*keys, *increments)]
    values = []
    for row in rows:
        for field, value in zip(fields, [*row.values(), *increments.values()], strict=True):
            values.append(field.get_db_prep_save(value, connection))
    sql = _add_each_sql(
        model, connection.vendor, keys, tuple(increments), len(rows), tuple(returning)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.fetchall()
