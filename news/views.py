from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods
from wagtail.models import Locale

from .forms import SubmissionForm
from .ical import calendar
from .models import Country, EventPage
from .submissions import handle_submission
from .visibility import published


@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def submit_news(request):
    """The public page where a CSO sends news for review (CSRF-protected)."""
    if request.method != "POST":
        return render(request, "news/submission_form.html", {"form": SubmissionForm()})
    outcome = handle_submission(request, request.POST, request.FILES, source="page")
    if outcome.status == 202:
        return render(request, "news/submission_received.html", status=200)
    response = render(
        request,
        "news/submission_form.html",
        {
            "form": outcome.form or SubmissionForm(request.POST),
            "status": outcome.status,
        },
        status=outcome.status,
    )
    if outcome.retry_after:
        response["Retry-After"] = str(outcome.retry_after)
    return response


def _ics_response(body, filename):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _public_events():
    return published(EventPage).select_related("locale")


def _storable_id(number):
    """Whether ``number`` fits the page id column: a larger one is no page
    (404), never a query that overflows the database driver (500)."""
    low, high = connection.ops.integer_field_range(
        EventPage._meta.pk.target_field.get_internal_type()
    )
    return low <= number <= high


@cache_control(public=True, max_age=300)
@require_http_methods(["GET", "HEAD"])
def event_ics(request, page_id):
    """One published, public event as an .ics file."""
    event = _storable_id(page_id) and _public_events().filter(pk=page_id).first()
    if not event:
        raise Http404("No such event.")
    filename = (slugify(event.slug) or "event") + ".ics"
    return _ics_response(calendar([event], settings.BASE_URL, event.title), filename)


@cache_control(public=True, max_age=300)
@require_http_methods(["GET", "HEAD"])
def country_events_ics(request, iso_code):
    """Upcoming published events of one country, in one locale (?locale=)."""
    code = request.GET.get("locale", settings.LANGUAGE_CODE)
    locale = Locale.objects.filter(language_code=code).first()
    if locale is None:
        return HttpResponseBadRequest("Unknown locale.", content_type="text/plain")
    rows = Country.objects.filter(iso_code=iso_code.upper()[:2])
    country = rows.filter(locale=locale).first() or rows.first()
    if country is None:
        raise Http404("No such country.")
    events = (
        _public_events()
        .filter(
            locale=locale,
            country__translation_key=country.translation_key,
            end__gte=timezone.now(),
        )
        .order_by("start")[:500]
    )
    with translation.override(code):
        name = _("%(country)s: events") % {"country": country.name}
    return _ics_response(
        calendar(events, settings.BASE_URL, name),
        f"events-{iso_code.lower()}-{code}.ics",
    )
