"""What comes in from outside: CSO submissions, and the feeds' state and items."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..feeds.errors import render
from .pages import NewsPage
from .places import Country, Organisation


class Submission(models.Model):
    """A news item sent in by a CSO: who sent it, with what consent, from where."""

    page = models.ForeignKey(
        NewsPage, null=True, on_delete=models.SET_NULL, related_name="submissions"
    )
    submitter_name = models.CharField(_("submitter name"), max_length=200)
    submitter_email = models.EmailField(_("submitter email"))
    organisation = models.ForeignKey(
        Organisation, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(_("language"), max_length=8)
    consent_to_publish = models.BooleanField(default=False)
    image_rights_confirmed = models.BooleanField(default=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    source = models.CharField(
        max_length=8, choices=[("page", _("Web page")), ("api", _("API"))]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("CSO submission")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.submitter_name} <{self.submitter_email}>"


class FeedState(models.Model):
    """What the poller knows about one organisation's feed, shown in the admin."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="feed_state"
    )
    etag = models.CharField(max_length=255, blank=True)
    last_modified = models.CharField(max_length=64, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    # The reason as a code of news.feeds.errors.MESSAGES and its parameters,
    # put into words in the reader's language (``error_message``).
    last_error_code = models.CharField(max_length=64, blank=True)
    last_error_params = models.JSONField(default=dict, blank=True)
    # The words of a reason recorded before reasons had codes, shown as they
    # are; polls now leave it empty.
    last_error = models.TextField(blank=True)
    items_imported = models.PositiveIntegerField(default=0)
    last_imported = models.PositiveIntegerField(
        _("imported by the last poll"), default=0
    )
    last_problems = models.PositiveIntegerField(
        _("problems in the last poll"),
        default=0,
        help_text=_("Entries of the feed that could not be imported."),
    )
    consecutive_failures = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("feed status")
        verbose_name_plural = _("feed statuses")

    def __str__(self):
        return str(self.organisation)

    def _error_message(self):
        if self.last_error_code:
            return render(self.last_error_code, self.last_error_params)
        return self.last_error

    _error_message.short_description = _("last error")
    error_message = property(_error_message)


class FeedItem(models.Model):
    """One imported entry, remembered by GUID (or link) so it is imported once.

    Unique on a hash of the GUID: GUIDs are arbitrary text of any length.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="feed_items"
    )
    guid = models.TextField()
    guid_hash = models.CharField(max_length=64)
    page = models.ForeignKey(
        NewsPage, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "guid_hash"],
                name="feed_item_once_per_organisation",
            )
        ]

    def __str__(self):
        return self.guid[:100]
