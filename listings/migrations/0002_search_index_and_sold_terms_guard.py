"""Database-level parts the ORM cannot declare portably.

1. PostgreSQL only: a GIN expression index on ``to_tsvector('simple', search_document)`` over
   published listings, built from the very ``SearchVector`` the catalogue selector filters with, so
   the planner matches it. It is kept out of the model state (SQLite has no GIN), hence the custom
   operation. SQLite falls back to ``icontains``.
2. A trigger that refuses any UPDATE (both databases) or DELETE (PostgreSQL) of a licence-terms
   version once it is sold (``sold_at`` set). The services already refuse; this is the guard that
   holds even against raw SQL or a future bug.
"""

from django.db import migrations
from django.db.models import Q

SEARCH_INDEX_NAME = "fm_listing_pub_search"


def search_index():
    # imported here: django.contrib.postgres needs a PostgreSQL driver, which a SQLite host lacks
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    return GinIndex(
        SearchVector("search_document", config="simple"),
        name=SEARCH_INDEX_NAME,
        condition=Q(status="published"),
    )

SOLD_MESSAGE = "fm_listings: a sold licence terms version is immutable"
TABLE = "fm_listings_licencetermsversion"

# SQLite guards UPDATE only: it has no TRUNCATE, so Django's test flush (DELETE FROM) would trip a
# DELETE guard. There, what references a sold version (licences, claims) protects it: on_delete=PROTECT.
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER fm_terms_sold_no_update BEFORE UPDATE ON {TABLE}
        FOR EACH ROW WHEN OLD.sold_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, '{SOLD_MESSAGE}'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS fm_terms_sold_no_update"]

POSTGRES_TRIGGERS = [
    f"""CREATE OR REPLACE FUNCTION fm_terms_sold_immutable() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '{SOLD_MESSAGE}' USING ERRCODE = 'restrict_violation';
        END; $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER fm_terms_sold_immutable BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW WHEN (OLD.sold_at IS NOT NULL) EXECUTE FUNCTION fm_terms_sold_immutable()""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS fm_terms_sold_immutable ON {TABLE}",
    "DROP FUNCTION IF EXISTS fm_terms_sold_immutable()",
]


class AddSearchIndexOnPostgres(migrations.operations.base.Operation):
    """Adds the search index on PostgreSQL only and leaves the model state alone."""

    reduces_to_sql = False

    def __init__(self, model_name):
        self.model_name = model_name

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"model_name": self.model_name})

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            model = to_state.apps.get_model(app_label, self.model_name)
            schema_editor.add_index(model, search_index())

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            model = from_state.apps.get_model(app_label, self.model_name)
            schema_editor.remove_index(model, search_index())

    def describe(self):
        return f"PostgreSQL only: create index {SEARCH_INDEX_NAME}"


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("fm_listings", "0001_initial")]

    operations = [
        AddSearchIndexOnPostgres(model_name="listing"),
        migrations.RunPython(
            _run({"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRES_TRIGGERS}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
