"""Admin views of composition: a test send of an issue's current draft.

Test sends go through newsletters.delivery.sending.send_test, the transport campaigns
use, so what arrives is what subscribers will get. They are rate limited per
user (NEWSLETTERS_TEST_SENDS_PER_HOUR addresses an hour): the form mails any
address, so it must not become a way to send bulk mail.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page

from home.ratelimit import hit
from news.admin_scope import may_see

from ..conf import app_settings
from ..delivery.sending import MAX_TEST_ADDRESSES, send_test
from .models import NewsletterPage
from .rendering import NewsletterRenderError, render_edition


class SendTestForm(forms.Form):
    addresses = forms.CharField(
        label=gettext_lazy("Send to"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addresses"].help_text = _(
            "Up to %(n)d addresses, one a line or comma-separated."
        ) % {"n": MAX_TEST_ADDRESSES}

    def clean_addresses(self):
        raw = self.cleaned_data["addresses"].replace(",", "\n").split()
        addresses = list(dict.fromkeys(a.strip() for a in raw if a.strip()))
        if not addresses:
            raise forms.ValidationError(_("Give at least one address."))
        if len(addresses) > MAX_TEST_ADDRESSES:
            raise forms.ValidationError(
                _("At most %(n)d addresses.") % {"n": MAX_TEST_ADDRESSES}
            )
        validate = forms.EmailField().clean
        for address in addresses:
            try:
                validate(address)
            except forms.ValidationError as error:
                raise forms.ValidationError(
                    _("“%(address)s” is not an email address.") % {"address": address}
                ) from error
        return addresses


def editable_newsletter(request, page_id):
    """The newsletter if this user may edit it. Unknown pages and pages the
    user may not see (news.admin_scope) are refused alike, in status and
    text; a newsletter they see but may not edit says so."""
    page = Page.objects.filter(pk=page_id).first()
    if (
        page is None
        or page.specific_class is not NewsletterPage
        or not may_see(request.user, page.pk)
    ):
        raise PermissionDenied(_("No such newsletter."))
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied(_("This newsletter is not yours to send."))
    return page.specific


def send_test_view(request, page_id):
    page = editable_newsletter(request, page_id)
    draft = page.get_latest_revision_as_object()
    form = SendTestForm(request.POST or None)
    context = {"page": page, "form": form, "results": None, "errors": []}
    status = 200
    if request.method == "POST" and form.is_valid():
        addresses = form.cleaned_data["addresses"]
        limit = app_settings.NEWSLETTERS_TEST_SENDS_PER_HOUR
        verdicts = [
            hit("newsletter-test-send", request.user.pk, limit, 3600)
            for _address in addresses
        ]
        refused = [v for v in verdicts if not v.allowed]
        if refused:
            minutes = max(1, refused[-1].retry_after // 60)
            context["errors"] = [
                _(
                    "You have sent %(limit)d test messages this hour. "
                    "Try again in %(minutes)d minutes."
                )
                % {"limit": limit, "minutes": minutes}
            ]
            status = 429
        else:
            try:
                edition = render_edition(draft)
            except NewsletterRenderError as error:
                context["errors"] = error.messages
                status = 400
            else:
                context["results"] = send_test(edition, addresses)
                context["edition"] = edition
    return render(
        request, "newsletters/admin/composition_send_test.html", context, status=status
    )
