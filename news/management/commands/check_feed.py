"""``manage.py check_feed SOURCE...``: what a feed would import, writing nothing.

For an officer's "why doesn't this feed import?": each SOURCE (a feed URL,
fetched through the same SSRF guard as polling, or a local file) prints one
JSON object on a line of its own: ``source``, ``ok``, ``error`` and
``entries`` (``title``, ``link``, ``date``, ``language`` and ``body``, the
HTML as it would be stored).
"""

import json

from django.core.management.base import BaseCommand

from news.feeds.checking import check_source


class Command(BaseCommand):
    help = "Read feeds (URLs or files) as polling would, print JSON, store nothing."

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+", metavar="SOURCE")

    def handle(self, *args, sources, **options):
        for source in sources:
            report = check_source(source)
            self.stdout.write(json.dumps(report, ensure_ascii=False))
