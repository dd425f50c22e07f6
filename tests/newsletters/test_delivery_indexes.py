"""The delivery table carries only indexes some query needs: each costs every
row a preparation inserts (P6 in docs/benchmarks.md)."""

from django.db import connection

from newsletters.delivery.models import CampaignEdition, Delivery
from tests.newsletters.test_campaigns import (  # noqa: F401 (fixtures)
    eager,
    issue,
    make_campaign,
    run,
    subscribe,
)

# Indexed columns -> the queries that use them.
JUSTIFIED = {
    ("id",): "primary key: chunks claim and mark rows by id",
    ("campaign_id", "subscriber_id"): "one delivery per subscriber; ON CONFLICT",
    ("campaign_id", "status"): "progress counts, claims, reconciler, finish",
    # No database constraint on these two keys: the ORM's cascade deletes
    # the rows by them (the tests below), so each still needs its index.
    ("subscriber_id",): "erasing or deleting a subscriber (ORM cascade)",
    ("edition_id",): "ORM cascade when a campaign's editions are deleted",
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


def test_only_the_campaign_key_is_checked_by_the_database(db):
    # A deferred foreign key fires a trigger per row at commit: a preparation
    # of a million rows pays it for each key it keeps (P6).
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, Delivery._meta.db_table
        )
    keys = {
        tuple(info["columns"]) for info in constraints.values() if info["foreign_key"]
    }
    assert keys == {("campaign_id",)}


def test_erasing_a_subscriber_deletes_their_deliveries(
    issue,  # noqa: F811
    team_lists,
    django_capture_on_commit_callbacks,
    eager,  # noqa: F811
):
    from newsletters.audience.models import Subscriber

    for n in range(3):
        subscribe(f"anetar{n}@shoqeria-civile.example", "sq", team_lists["XK"])
    campaign = make_campaign(issue, team_lists["XK"])
    run(campaign, django_capture_on_commit_callbacks)
    assert Delivery.objects.filter(campaign=campaign).count() == 3
    gone = Subscriber.objects.get(email="anetar0@shoqeria-civile.example")
    gone.delete()
    assert not Delivery.objects.filter(subscriber_id=gone.pk).exists()
    assert Delivery.objects.filter(campaign=campaign).count() == 2


def test_deleting_a_campaign_deletes_its_editions_and_deliveries(
    issue,  # noqa: F811
    team_lists,
    django_capture_on_commit_callbacks,
    eager,  # noqa: F811
):
    subscribe("anetar@shoqeria-civile.example", "sq", team_lists["XK"])
    campaign = make_campaign(issue, team_lists["XK"])
    run(campaign, django_capture_on_commit_callbacks)
    editions = list(CampaignEdition.objects.filter(campaign=campaign))
    assert editions
    assert Delivery.objects.filter(campaign=campaign).exists()
    pk = campaign.pk
    campaign.delete()
    assert not CampaignEdition.objects.filter(campaign_id=pk).exists()
    assert not Delivery.objects.filter(campaign_id=pk).exists()
    assert not Delivery.objects.filter(edition__in=[e.pk for e in editions]).exists()


def test_deleting_an_edition_deletes_its_deliveries(
    issue,  # noqa: F811
    team_lists,
    django_capture_on_commit_callbacks,
    eager,  # noqa: F811
):
    subscribe("anetar@shoqeria-civile.example", "sq", team_lists["XK"])
    campaign = make_campaign(issue, team_lists["XK"])
    run(campaign, django_capture_on_commit_callbacks)
    edition = Delivery.objects.get(campaign=campaign).edition
    edition.delete()
    assert not Delivery.objects.filter(edition_id=edition.pk).exists()
