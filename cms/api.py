"""The headless API: one OpenAPI schema at /api/v3/openapi.json, docs at /api/v3/docs/.

Wagtail 8's own v3 API (django-ninja) is the base; each app's router is
mounted on it here, and only here.
"""

from wagtail.api.v3.urls import api

from news.api import router as news_submissions_router

api.title = "Civil Society Programme API"
api.description = (
    "Read API for the programme website: news, events, organisations, countries "
    "and newsletters in eight languages."
)
api.add_router("/submissions/", news_submissions_router)
