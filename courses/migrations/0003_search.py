"""Full-text search: a GIN-indexed tsvector on PostgreSQL, an FTS5 table on SQLite.

Each structure is created only on its own database, so this migration runs on both.
Existing courses are indexed here; courses.search.update_search_vector keeps them current.
"""

import django.contrib.postgres.search
from django.db import migrations

FTS_TABLE = "courses_course_fts"

PG_FILL = """
UPDATE courses_course AS c SET search_vector =
    setweight(to_tsvector('english', coalesce(c.title, '')), 'A')
 || setweight(to_tsvector('english', coalesce(c.subtitle, '')), 'B')
 || setweight(to_tsvector('english',
        coalesce((SELECT cat.name || ' ' || coalesce(p.name, '') FROM courses_category cat
                  LEFT JOIN courses_category p ON p.id = cat.parent_id WHERE cat.id = c.category_id), '')
        || ' ' ||
        coalesce((SELECT string_agg(u.name || ' ' || u.username, ' ') FROM courses_courseinstructor ci
                  JOIN users_user u ON u.id = ci.user_id WHERE ci.course_id = c.id), '')), 'C')
 || setweight(to_tsvector('english', coalesce(c.description, '')), 'D')
"""

SQLITE_FILL = f"""
INSERT INTO {FTS_TABLE} (rowid, title, subtitle, names, description)
SELECT c.id, c.title, c.subtitle,
       coalesce(cat.name, '') || ' ' || coalesce(p.name, '') || ' ' ||
       coalesce((SELECT group_concat(u.name || ' ' || u.username, ' ') FROM courses_courseinstructor ci
                 JOIN users_user u ON u.id = ci.user_id WHERE ci.course_id = c.id), ''),
       c.description
FROM courses_course c
LEFT JOIN courses_category cat ON cat.id = c.category_id
LEFT JOIN courses_category p ON p.id = cat.parent_id
"""


def create_search_structures(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS course_search_vector_gin ON courses_course "
            "USING gin (search_vector)"
        )
        schema_editor.execute(PG_FILL)
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
            "title, subtitle, names, description, tokenize='porter unicode61 remove_diacritics 2')"
        )
        schema_editor.execute(SQLITE_FILL)


def drop_search_structures(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS course_search_vector_gin")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_initial"),
        ("users", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="course",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                blank=True, editable=False, null=True
            ),
        ),
        migrations.RunPython(create_search_structures, drop_search_structures, elidable=False),
    ]
