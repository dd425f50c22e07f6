"""Wagtail admin views for lists and subscribers, every one scoped by country
and role through newsletters.audience.scoping (registered in admin_hooks): list
counts for the country's editors and moderators, everything that shows or
changes subscribers for its moderators."""

import csv
import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from home.locales import content_language_codes

from ..admin_helpers import render_page, safe_cell
from ..conf import app_settings
from . import imports
from .addresses import InvalidAddress, hash_normalised, normalise_email
from .models import ConsentEvent, ImportJob, Subscription, Suppression
from .scoping import (
    MANAGE,
    import_or_404,
    list_ids_for_user,
    list_or_404,
    lists_for_user,
    may,
    scope_size,
    subscriber_or_404,
    subscribers_for_user,
)
from .subscriptions import Context, erase, export_data, suppress
from .tasks import import_subscribers

Status = Subscription.Status


def _status_counts():
    return {
        f"n_{status}": Count("subscriptions", filter=Q(subscriptions__status=status))
        for status in Status.values
    }


def lists_index(request):
    rows = (
        lists_for_user(request.user)
        .select_related("country")
        .annotate(**_status_counts())
    )
    return render_page(request, "lists", _("Mailing lists"), {"lists": rows})


def list_detail(request, pk):
    mailing_list = list_or_404(request.user, pk)
    counts = (
        Subscription.objects.filter(mailing_list=mailing_list)
        .values("status", "subscriber__language")
        .annotate(n=Count("pk"))
    )
    languages = content_language_codes()
    table = {status: dict.fromkeys(languages, 0) for status in Status.values}
    for row in counts:
        table[row["status"]][row["subscriber__language"]] = row["n"]
    can_manage = lists_for_user(request.user, MANAGE).filter(pk=pk).exists()
    return render_page(
        request,
        "list_detail",
        mailing_list.name,
        {
            "mailing_list": mailing_list,
            "languages": languages,
            "table": [
                (
                    Status(status).label,
                    [row[code] for code in languages],
                    sum(row.values()),
                )
                for status, row in table.items()
            ],
            "can_manage": can_manage,
            "imports": mailing_list.imports.all()[:10] if can_manage else [],
        },
    )


class _Echo:
    def write(self, value):
        return value


def list_export(request, pk):
    mailing_list = list_or_404(request.user, pk, MANAGE)
    subs = (
        Subscription.objects.filter(mailing_list=mailing_list)
        .select_related("subscriber")
        .order_by("subscriber__email")
        .iterator(chunk_size=2000)
    )
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff"
        yield writer.writerow(
            ["email", "name", "language", "status", "subscribed_at", "confirmed_at"]
        )
        for sub in subs:
            yield writer.writerow(
                [
                    safe_cell(sub.subscriber.email),
                    safe_cell(sub.subscriber.name),
                    sub.subscriber.language,
                    sub.status,
                    sub.created_at.isoformat(),
                    sub.confirmed_at.isoformat() if sub.confirmed_at else "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    name = slugify(mailing_list.name) or "list"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


# Import -----------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"))
    encoding = forms.ChoiceField(
        label=gettext_lazy("Encoding"), choices=list(imports.ENCODINGS.items())
    )
    consent_note = forms.CharField(
        label=gettext_lazy("Where and how these people consented"),
        max_length=200,
        help_text=gettext_lazy("Stored with every imported subscription."),
    )
    attest = forms.BooleanField(
        label=gettext_lazy(
            "Everyone in this file asked to receive this newsletter, and can show it."
        )
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > app_settings.NEWSLETTERS_IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        return upload


@require_http_methods(["GET", "POST"])
def import_upload(request, pk):
    mailing_list = list_or_404(request.user, pk, MANAGE)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            sniffed = imports.sniff(upload, form.cleaned_data["encoding"])
        except imports.ImportProblem as problem:
            form.add_error("file", str(problem))
        else:
            upload.seek(0)
            job = ImportJob.objects.create(
                mailing_list=mailing_list,
                created_by=request.user,
                file=upload,
                file_name=upload.name[:255],
                encoding=sniffed.encoding,
                delimiter=sniffed.delimiter,
                header=sniffed.header,
                mapping=imports.guess_mapping(sniffed.header),
                consent_note=form.cleaned_data["consent_note"],
                state=ImportJob.State.MAPPING,
            )
            return redirect("newsletters_admin:import_mapping", job.pk)
    return render_page(
        request,
        "import_upload",
        _("Import subscribers into %(list)s") % {"list": mailing_list},
        {"form": form, "mailing_list": mailing_list},
        status=400 if form.errors else 200,
    )


class MappingForm(forms.Form):
    def __init__(self, header, *args, **kwargs):
        super().__init__(*args, **kwargs)
        columns = [(str(i), name or f"#{i + 1}") for i, name in enumerate(header)]
        optional = [("", "—")] + columns
        self.fields["email"] = forms.ChoiceField(label=_("Email"), choices=columns)
        self.fields["name"] = forms.ChoiceField(
            label=_("Name"), choices=optional, required=False
        )
        self.fields["language"] = forms.ChoiceField(
            label=_("Language"), choices=optional, required=False
        )

    def mapping(self):
        return {
            key: int(value) if value != "" else None
            for key, value in self.cleaned_data.items()
        }


@require_http_methods(["GET", "POST"])
def import_mapping(request, pk):
    job = import_or_404(request.user, pk)
    if job.state != ImportJob.State.MAPPING:
        return redirect("newsletters_admin:import_status", job.pk)
    initial = {k: "" if v is None else str(v) for k, v in job.mapping.items()}
    form = MappingForm(job.header, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        job.mapping = form.mapping()
        job.state = ImportJob.State.QUEUED
        job.save(update_fields=["mapping", "state"])
        transaction.on_commit(lambda: import_subscribers.delay(job.pk))
        return redirect("newsletters_admin:import_status", job.pk)
    return render_page(
        request,
        "import_mapping",
        _("Match the columns of %(file)s") % {"file": job.file_name},
        {"form": form, "job": job},
    )


def import_status(request, pk):
    job = import_or_404(request.user, pk)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "state": job.state,
                "rows_total": job.rows_total,
                "rows_done": job.rows_done,
                "progress_percent": job.progress_percent,
                "imported": job.imported,
                "already_subscribed": job.already_subscribed,
                "rejected": len(job.rejected),
                "error": job.error,
            }
        )
    running = job.state in (ImportJob.State.QUEUED, ImportJob.State.RUNNING)
    return render_page(
        request,
        "import_status",
        _("Import of %(file)s") % {"file": job.file_name},
        {"job": job, "running": running, "rejected_preview": job.rejected[:200]},
    )


def import_report(request, pk):
    """Rejected rows as CSV: row number and reason."""
    job = import_or_404(request.user, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="import-{job.pk}-rejected.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["row", "reason"])
    writer.writerows(job.rejected)
    return response


# Subscribers --------------------------------------------------------------------


def subscribers_index(request):
    if not may(request.user, MANAGE):
        raise PermissionDenied(_("Only the country's moderators may do this."))
    subscribers = subscribers_for_user(request.user, MANAGE).order_by("email")
    filtered = False
    mine = lists_for_user(request.user, MANAGE).select_related("country")
    query = request.GET.get("q", "").strip()[:254]
    if query:
        subscribers = subscribers.filter(
            Q(email__icontains=query.lower()) | Q(name__icontains=query)
        )
        filtered = True
    list_id = request.GET.get("list", "")
    status = request.GET.get("status", "")
    if list_id.isdigit() or status in Status.values:
        subs = Subscription.objects.filter(mailing_list__in=mine)
        if list_id.isdigit():
            subs = subs.filter(mailing_list_id=int(list_id))
        if status in Status.values:
            subs = subs.filter(status=status)
        subscribers = subscribers.filter(pk__in=subs.values("subscriber_id"))
        filtered = True
    language = request.GET.get("language", "")
    if language in content_language_codes():
        subscribers = subscribers.filter(language=language)
        filtered = True
    paginator = Paginator(subscribers, 50)
    if not filtered:
        # The whole scope: counted from the subscriptions on the list index,
        # not by joining every subscriber in it (issue #19, P7).
        paginator.count = scope_size(list_ids_for_user(request.user, MANAGE))
    page = paginator.get_page(request.GET.get("p"))
    return render_page(
        request,
        "subscribers",
        _("Subscribers"),
        {
            "page": page,
            "lists": mine,
            "statuses": Status.choices,
            "languages": settings.WAGTAIL_CONTENT_LANGUAGES,
            "filters": {
                "q": query,
                "list": list_id,
                "status": status,
                "language": language,
            },
        },
        icon="user",
    )


def subscriber_detail(request, pk):
    subscriber = subscriber_or_404(request.user, pk)
    mine = lists_for_user(request.user, MANAGE)
    subscriptions = subscriber.subscriptions.filter(
        mailing_list__in=mine
    ).select_related("mailing_list")
    events = ConsentEvent.objects.filter(
        email_hash=hash_normalised(subscriber.email)
    ).filter(Q(mailing_list__in=mine) | Q(mailing_list__isnull=True))
    return render_page(
        request,
        "subscriber_detail",
        subscriber.email,
        {
            "subscriber": subscriber,
            "subscriptions": subscriptions,
            "events": events.select_related("mailing_list")[:200],
        },
        icon="user",
    )


def subscriber_export(request, pk):
    """The subscriber's data on the user's lists (all of it for superusers)."""
    subscriber = subscriber_or_404(request.user, pk)
    lists = None if request.user.is_superuser else lists_for_user(request.user, MANAGE)
    response = HttpResponse(
        json.dumps(export_data(subscriber, lists), ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="subscriber-{subscriber.pk}.json"'
    )
    return response


@require_http_methods(["GET", "POST"])
def subscriber_erase(request, pk):
    """Erase the subscriber; an officer erases what their lists hold, and is
    told when the person stays subscribed to lists they do not manage
    (newsletters.audience.subscriptions.erase), without naming those lists."""
    subscriber = subscriber_or_404(request.user, pk)
    lists = None if request.user.is_superuser else lists_for_user(request.user, MANAGE)
    elsewhere = (
        lists is not None
        and subscriber.subscriptions.exclude(mailing_list__in=lists).exists()
    )
    if request.method == "POST":
        complete = erase(
            subscriber,
            Context.of(
                request,
                ConsentEvent.Source.ADMIN,
                detail=f"user {request.user.pk}",
            ),
            lists,
        )
        if complete:
            messages.success(request, _("The subscriber's data is erased."))
        else:
            messages.warning(request, PARTIAL_ERASURE)
        return redirect("newsletters_admin:subscribers")
    return render_page(
        request,
        "subscriber_erase",
        _("Erase %(email)s") % {"email": subscriber},
        {"partial": PARTIAL_ERASURE if elsewhere else ""},
    )


PARTIAL_ERASURE = gettext_lazy(
    "The subscriber is removed from your lists and their data there is erased. "
    "They are also subscribed to lists you do not manage, so their address is "
    "kept for those; an administrator can erase it everywhere."
)


class SuppressForm(forms.Form):
    email = forms.CharField(label=gettext_lazy("Email address"), max_length=320)
    note = forms.CharField(label=gettext_lazy("Why"), max_length=200, required=False)

    def clean_email(self):
        try:
            return normalise_email(self.cleaned_data["email"])
        except InvalidAddress:
            raise forms.ValidationError(_("Enter a valid email address.")) from None


@require_http_methods(["GET", "POST"])
def suppression(request):
    """Superusers add an address that must never be mailed."""
    if not request.user.is_superuser:
        raise PermissionDenied(_("Only administrators may do this."))
    form = SuppressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        suppress(
            form.cleaned_data["email"],
            Suppression.Reason.MANUAL,
            f"{request.user}: {form.cleaned_data['note']}",
        )
        messages.success(request, _("The address will not be mailed."))
        return redirect("newsletters_admin:suppression")
    counts = Suppression.objects.values("reason").annotate(n=Count("pk"))
    reasons = dict(Suppression.Reason.choices)
    return render_page(
        request,
        "suppression",
        _("Suppressed addresses"),
        {"form": form, "counts": [(reasons[c["reason"]], c["n"]) for c in counts]},
    )
