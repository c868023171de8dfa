"""Plain INSERTs for the sign path, where building ORM queries was most of the cost.

The SQL is made once per model from its fields, so it follows the model's
migrations like the ORM does; values go through each field's own conversion.
"""

from functools import cache

from django.db import connection


@cache
def _insert_sql(model, vendor, conflict_fields):
    quote = connection.ops.quote_name
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from the model)
        quote(meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    if conflict_fields:
        columns = [meta.get_field(name).column for name in conflict_fields]
        sql += " ON CONFLICT ({}) DO NOTHING".format(", ".join(quote(c) for c in columns))
    return fields, sql + f" RETURNING {quote(meta.pk.column)}"


def insert(instance, *, unless_exists_on=()):
    """Inserts a new model instance in one statement and sets its primary key.

    With unless_exists_on (the fields of a unique constraint), a row that would
    break the constraint is not inserted and False is returned instead.
    """
    fields, sql = _insert_sql(type(instance), connection.vendor, tuple(unless_exists_on))
    values = [
        field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    instance.pk = row[0]
    instance._state.adding = False
    instance._state.db = connection.alias
    return True
