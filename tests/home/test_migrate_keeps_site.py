"""`migrate` (run on every deploy) leaves an operator's Site alone: its root
page and host name stay as set in the admin."""

import pytest
from django.core.management import call_command
from wagtail.models import Collection, Page, Site


@pytest.mark.django_db
def test_migrate_leaves_an_existing_sites_root_page_and_hostname():
    site = Site.objects.get(is_default_site=True)
    other = Page.get_first_root_node().add_child(
        instance=Page(title="Programme site", slug="programme-site")
    )
    site.root_page = other
    site.hostname = "cms.example.org"
    site.port = 443
    site.save()

    call_command("migrate", verbosity=0, interactive=False)

    site.refresh_from_db()
    assert (site.root_page_id, site.hostname, site.port) == (
        other.pk,
        "cms.example.org",
        443,
    )
    assert Site.objects.count() == 1


@pytest.mark.django_db
def test_migrate_gives_a_database_without_a_site_its_default_site():
    Site.objects.all().delete()
    call_command("migrate", verbosity=0, interactive=False)
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific_class.__name__ == "HomePage"


@pytest.mark.django_db
def test_migrate_after_flush_gives_the_empty_database_its_tree_again():
    """`flush` empties every table, Wagtail's root page too, then sends
    post_migrate (as `migrate` on such a database does): the structure is
    made again from nothing instead of failing on the missing root."""
    Site.objects.all().delete()
    Page.objects.all().delete()
    Collection.objects.all().delete()
    call_command("migrate", verbosity=0, interactive=False)
    root = Page.get_first_root_node()
    assert root is not None and root.depth == 1
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific_class.__name__ == "HomePage"
    assert site.root_page.get_parent().pk == root.pk
    assert Collection.get_first_root_node().get_children().exists()
