"""Keep a page's denormalised country right when the page moves section;
connect the media and read-model receivers."""

from wagtail.signals import post_page_move

from . import media, readmodel
from .models import CountryOwnedPage


def update_country_on_move(sender, instance, **kwargs):
    page = instance.specific
    if not isinstance(page, CountryOwnedPage):
        return
    previous = page.country_id
    page._take_country_from_section()
    if page.country_id != previous:
        type(page).objects.filter(pk=page.pk).update(country_id=page.country_id)


def connect():
    post_page_move.connect(update_country_on_move, dispatch_uid="news.country_on_move")
    # Images a published page shows are made public before its row is written.
    media.connect()
    readmodel.connect()
