"""The delivery table carries only indexes some query needs: each costs every
row a preparation inserts (P6 in docs/benchmarks.md)."""

from django.db import connection

from newsletters.delivery.models import Delivery

# Indexed columns -> the queries that use them.
JUSTIFIED = {
    ("id",): "primary key: chunks claim and mark rows by id",
    ("campaign_id", "subscriber_id"): "one delivery per subscriber; ON CONFLICT",
    ("campaign_id", "status"): "progress counts, claims, reconciler, finish",
    ("subscriber_id",): "erasing or deleting a subscriber",
    ("edition_id",): "cascade when a campaign's editions are deleted",
}


def test_every_index_on_the_delivery_table_is_justified(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, Delivery._meta.db_table
        )
    indexed = {
        tuple(info["columns"])
        for info in constraints.values()
        if info["index"] or info["unique"] or info["primary_key"]
    }
    assert indexed == set(JUSTIFIED)
