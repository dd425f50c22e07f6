"""Admin views of campaigns: the send wizard, the list, live progress, the
report and its CSV. Scoped twice: the newsletter must be a page the officer
may publish, and every list of a campaign one of their countries' lists; a
campaign touching another country's list is "not available" (403), like an
unknown one (newsletters.admin_helpers.scoped). Who may do what is the one rule
of newsletters.audience.scoping: the country's editors follow progress and figures;
sending, pausing, resuming, cancelling and every view with recipients'
addresses are its moderators'."""

import csv
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from news.admin_scope import may_see

from ..admin_helpers import render_page, safe_cell
from ..audience.models import MailingList, Subscription
from ..audience.scoping import (
    MANAGE,
    campaign_or_404,
    campaigns_for_user,
    lists_for_user,
    may,
    may_act_on,
)
from ..composition.models import NewsletterPage
from . import lifecycle
from .models import Campaign, Delivery

D = Delivery.Status


def newsletter_or_404(user, page_id):
    """A newsletter the user may send: one they may publish, as a moderator.
    Unknown ones and those the user may not see (news.admin_scope) alike
    are "no such newsletter"."""
    page = NewsletterPage.objects.filter(pk=page_id).first()
    if page is None or not may_see(user, page.pk):
        raise Http404(_("No such newsletter."))
    if not page.permissions_for_user(user).can_publish() or not may(user, MANAGE):
        raise PermissionDenied(_("Only the country's moderators may do this."))
    if not page.live:
        raise Http404(_("Publish the newsletter before sending it."))
    return page


class SendForm(forms.Form):
    lists = forms.ModelMultipleChoiceField(
        queryset=MailingList.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Lists"),
    )
    send_at = forms.DateTimeField(
        required=False,
        label=gettext_lazy("Send at"),
        help_text=gettext_lazy("Leave empty to send now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        lists = lists_for_user(user, MANAGE).select_related("country")
        # Counted on the (list, status) index, the list ids as constants: not
        # a join of every subscription with the lists (issue #19, P7).
        counts = dict(
            Subscription.objects.filter(
                mailing_list_id__in=list(lists.values_list("pk", flat=True)),
                status=Subscription.Status.CONFIRMED,
            )
            .order_by()
            .values("mailing_list_id")
            .annotate(n=Count("*"))
            .values_list("mailing_list_id", "n")
        )
        self.fields["lists"].queryset = lists
        self.fields["lists"].label_from_instance = lambda item: (
            _("%(name)s (%(count)d confirmed)")
            % {"name": item.name, "count": counts.get(item.pk, 0)}
        )

    def clean_send_at(self):
        send_at = self.cleaned_data.get("send_at")
        if send_at and send_at < timezone.now() - timedelta(minutes=1):
            raise forms.ValidationError(_("Choose a time in the future."))
        return send_at


def language_name(code):
    """A content language's name in the active (the officer's) language:
    the settings' names, which tell Serbian's two scripts apart."""
    names = dict(settings.WAGTAIL_CONTENT_LANGUAGES)
    if code in names:
        return str(names[code])
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


def _in_order(codes):
    order = {code: n for n, (code, _name) in enumerate(settings.LANGUAGES)}
    return sorted(codes, key=lambda code: (order.get(code, len(order)), code))


def language_plan(page, lists):
    """What the wizard shows before sending: (language served, its name,
    recipients) per edition, and a warning per edition that subscribers of
    other languages will get, because the issue has no live translation in
    theirs. Both come from lifecycle's own choice of each recipient's
    edition (home.locales.best_language, through served_language)."""
    served, others = {}, {}
    for (reader, code), n in lifecycle.recipients_by_reader_language(
        page, lists
    ).items():
        served[code] = served.get(code, 0) + n
        if reader != code:
            readers = others.setdefault(code, {})
            readers[reader] = readers.get(reader, 0) + n
    rows = [(code, language_name(code), served[code]) for code in _in_order(served)]
    warnings = [
        _(
            "%(languages)s subscribers (%(count)d) will receive %(served)s: no "
            "translation in their language."
        )
        % {
            "languages": get_text_list(
                [language_name(x) for x in _in_order(readers)], _("and")
            ),
            "count": sum(readers.values()),
            "served": language_name(code),
        }
        for code, readers in ((c, others[c]) for c in _in_order(others))
    ]
    return served, rows, warnings


def send_wizard(request, page_id):
    """Pick lists, see who gets which language, then schedule or send now."""
    page = newsletter_or_404(request.user, page_id)
    form = SendForm(request.POST or None, user=request.user)
    by_language = None
    languages, warnings = [], []
    if request.method == "POST" and form.is_valid():
        lists = list(form.cleaned_data["lists"])
        by_language, languages, warnings = language_plan(page, lists)
        if "confirm" in request.POST:
            if not sum(by_language.values()):
                form.add_error("lists", _("Nobody on these lists would receive it."))
            else:
                with transaction.atomic():
                    campaign = Campaign.objects.create(
                        newsletter=page, created_by=request.user
                    )
                    campaign.lists.set(lists)
                    lifecycle.start(campaign.pk, form.cleaned_data["send_at"])
                messages.success(request, _("Campaign started."))
                return redirect("newsletters_campaigns:detail", campaign.pk)
    return render_page(
        request,
        "campaign_wizard",
        _("Send “%(title)s”") % {"title": page.title},
        {
            "form": form,
            "page": page,
            "by_language": by_language,
            "languages": languages,
            "language_warnings": warnings,
            "total": sum(by_language.values()) if by_language else 0,
        },
    )


def campaign_index(request):
    campaigns = campaigns_for_user(request.user).select_related("newsletter")[:200]
    return render_page(
        request, "campaign_index", _("Campaigns"), {"campaigns": campaigns}
    )


def progress_of(campaign):
    counts = dict(
        campaign.deliveries.values_list("status").annotate(n=Count("pk")).order_by()
    )
    now = timezone.now()
    window = 60
    recent = campaign.deliveries.filter(
        status=D.SENT, sent_at__gte=now - timedelta(seconds=window)
    ).count()
    rate = recent / window
    pending = counts.get(D.PENDING, 0) + counts.get(D.SENDING, 0)
    eta = now + timedelta(seconds=pending / rate) if rate and pending else None
    total = campaign.recipients or sum(counts.values())
    return {
        "status": campaign.status,
        "status_label": campaign.get_status_display(),
        "total": total,
        "sent": counts.get(D.SENT, 0),
        "failed": counts.get(D.FAILED, 0),
        "skipped": counts.get(D.SKIPPED, 0),
        "pending": pending,
        "rate_per_second": round(rate, 2),
        "eta": eta.isoformat() if eta else None,
        "percent": round(100 * (total - pending) / total) if total else 0,
    }


def campaign_detail(request, pk):
    campaign = campaign_or_404(request.user, pk)
    return render_page(
        request,
        "campaign_detail",
        str(campaign.newsletter.title),
        {
            "campaign": campaign,
            "can_act": may_act_on(request.user, campaign),
            "progress": progress_of(campaign),
            "lists": campaign.lists.all(),
            "progress_url": reverse("newsletters_campaigns:progress", args=[pk]),
        },
    )


def campaign_progress(request, pk):
    return JsonResponse(progress_of(campaign_or_404(request.user, pk)))


ACTIONS = {
    "pause": lifecycle.pause,
    "resume": lifecycle.resume,
    "cancel": lifecycle.cancel,
}


@require_POST
def campaign_action(request, pk, action):
    campaign = campaign_or_404(request.user, pk, MANAGE)
    if action not in ACTIONS:
        raise Http404(_("No such action."))
    if ACTIONS[action](campaign.pk):
        messages.success(request, _("Done."))
    else:
        messages.error(request, _("Not possible in the campaign's current state."))
    return redirect("newsletters_campaigns:detail", campaign.pk)


def report_rows(campaign):
    return (
        campaign.deliveries.values("edition__language")
        .annotate(
            total=Count("pk"),
            sent=Count("pk", filter=Q(status=D.SENT)),
            failed=Count("pk", filter=Q(status=D.FAILED)),
            skipped=Count("pk", filter=Q(status=D.SKIPPED)),
            pending=Count("pk", filter=Q(status__in=[D.PENDING, D.SENDING])),
            flagged=Count("pk", filter=Q(flagged=True)),
        )
        .order_by("edition__language")
    )


def campaign_report(request, pk):
    """Figures per language; the undelivered addresses for moderators only."""
    campaign = campaign_or_404(request.user, pk)
    can_act = may_act_on(request.user, campaign)
    failures = (
        campaign.deliveries.filter(status__in=[D.FAILED, D.SKIPPED])
        .select_related("subscriber", "edition")
        .defer("edition__data")  # the frozen HTML is not shown here
        .order_by("pk")[:500]
        if can_act
        else []
    )
    return render_page(
        request,
        "campaign_report",
        _("Report: %(title)s") % {"title": campaign.newsletter.title},
        {
            "campaign": campaign,
            "rows": report_rows(campaign),
            "failures": failures,
            "can_act": can_act,
        },
    )


REPORT_CSV_CHUNK = 2000


class _Line:
    """A file for csv.writer whose write() hands the line back."""

    def write(self, value):
        return value


def report_csv_lines(campaign):
    """The report's CSV, line by line, read from the database in chunks:
    a million deliveries never sit in memory at once."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(
        ["email", "language", "status", "attempts", "sent_at", "smtp_code", "reason"]
    )
    rows = campaign.deliveries.order_by("pk").values_list(
        "subscriber__email",
        "edition__language",
        "status",
        "attempts",
        "sent_at",
        "smtp_code",
        "reason",
    )
    for email, language, status, attempts, sent_at, code, reason in rows.iterator(
        chunk_size=REPORT_CSV_CHUNK
    ):
        yield writer.writerow(
            [
                safe_cell(email),
                language,
                status,
                attempts,
                sent_at.isoformat() if sent_at else "",
                code or "",
                safe_cell(reason),
            ]
        )


def campaign_report_csv(request, pk):
    """Every delivery: address, language, status, attempts, time, reason;
    streamed."""
    campaign = campaign_or_404(request.user, pk, MANAGE)
    response = StreamingHttpResponse(
        report_csv_lines(campaign), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="campaign-{campaign.pk}-report.csv"'
    )
    return response
