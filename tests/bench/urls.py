"""The project's URLs plus the P4 baseline: a trivial JSON view that returns
fixed bytes (the same bytes as the news listing) through the same Django
stack and server, with no database, template or serialisation work."""

import os
from pathlib import Path

from django.http import HttpResponse
from django.urls import path

from cms.urls import urlpatterns as project_urlpatterns

BODY = []


def trivial(request):
    # Read on the first request: the runner writes the file after asking the
    # same server for the listing's bytes.
    if not BODY:
        BODY.append(Path(os.environ["BENCH_BODY_FILE"]).read_bytes())
    return HttpResponse(BODY[0], content_type="application/json; charset=utf-8")


urlpatterns = [path("bench/trivial.json", trivial), *project_urlpatterns]
