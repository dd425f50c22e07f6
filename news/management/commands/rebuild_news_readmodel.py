"""Rebuild the news read model (news.readmodel) from the live content: after
a restore, a bulk import that bypassed signals, or a change of BASE_URL or
MEDIA_URL (the stored items hold absolute image URLs)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from news.readmodel import rebuild


class Command(BaseCommand):
    help = "Rebuild the news listing's read model from the published pages."

    def handle(self, *args, **options):
        with transaction.atomic():
            rows = rebuild()
        self.stdout.write(f"News read model: {rows} published pages.")
