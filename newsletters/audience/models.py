"""Mailing lists, subscribers, their subscriptions, consent and suppression.

A subscriber is one normalised address; a subscription ties it to a country's
list with a status. Consent events are an append-only log keyed by the hash of
the address (not a foreign key), so that erasing a subscriber leaves the proof
of consent and withdrawal without the address itself.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from home.storage import get_private_storage
from news.models import Country, validate_language_codes

from .addresses import email_hash

LANGUAGE_CHOICES = settings.WAGTAIL_CONTENT_LANGUAGES


class MailingList(models.Model):
    """The list of one country (or of the regional entry)."""

    name = models.CharField(_("name"), max_length=150)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="mailing_lists",
        verbose_name=_("country"),
        help_text=_("The regional entry for the regional list."),
    )
    languages = models.JSONField(
        _("languages offered"),
        default=list,
        validators=[validate_language_codes],
        help_text=_("Content language codes subscribers may choose, e.g. sq, sr."),
    )
    default_language = models.CharField(
        _("default language"), max_length=8, choices=LANGUAGE_CHOICES
    )
    is_public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_("Offered on the subscription page; internal lists are not."),
    )
    double_opt_in = models.BooleanField(
        _("double opt-in"),
        default=True,
        help_text=_("Subscribers confirm from an email before they are mailed."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mailing list")
        ordering = ["country__is_regional", "country__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country"],
                condition=models.Q(is_public=True),
                name="one_public_list_per_country",
            )
        ]

    def __str__(self):
        return self.name

    def localised_name(self, language_code=None):
        """The name a subscriber reading ``language_code`` (default: the
        active language) sees: in the default language the officer's name;
        in another, a public list is "<country> newsletter" in that language,
        with the country's name in its translation there, when it has one.
        Internal lists keep their name (officers name them; they are not
        offered on the public pages)."""
        language_code = language_code or translation.get_language()
        if (
            not self.is_public
            or not language_code
            or language_code == settings.LANGUAGE_CODE
        ):
            return self.name
        country = Country.local_names([self.country], language_code).get(
            self.country.translation_key, self.country.name
        )
        with translation.override(language_code):
            return gettext("%(country)s newsletter") % {"country": country}

    def clean(self):
        if self.country_id and self.country.locale.language_code != (
            settings.LANGUAGE_CODE
        ):
            raise ValidationError(
                {"country": _("Choose the country in the default language.")}
            )
        if self.languages and self.default_language not in self.languages:
            raise ValidationError(
                {"default_language": _("Choose one of the languages offered.")}
            )


class Subscriber(models.Model):
    email = models.CharField(_("email"), max_length=254, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=LANGUAGE_CHOICES, default="en"
    )
    soft_bounces = models.PositiveIntegerField(_("soft bounces"), default=0)
    # Soft bounces count within a window from the first of them (bounces.py).
    soft_bounce_window_start = models.DateTimeField(null=True, blank=True)
    # The nonce of the confirmation links that work: every link mailed since
    # the last confirmation, until one of them is used; empty when none.
    confirm_nonce = models.CharField(max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("subscriber")
        ordering = ["email"]

    def __str__(self):
        return self.email

    def new_confirm_nonce(self):
        self.confirm_nonce = secrets.token_urlsafe(16)
        return self.confirm_nonce


class Subscription(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Bounced")
        COMPLAINED = "complained", _("Complained")

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    mailing_list = models.ForeignKey(
        MailingList, on_delete=models.PROTECT, related_name="subscriptions"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, db_index=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("left"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "mailing_list"], name="one_subscription_per_list"
            )
        ]
        indexes = [models.Index(fields=["mailing_list", "status"])]

    def __str__(self):
        return f"{self.subscriber} → {self.mailing_list} ({self.status})"


class AppendOnlyError(Exception):
    """Consent events are evidence: they are added, never changed or removed."""


class ConsentEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Consent events cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Consent events cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Consent events cannot be updated.")

    def update_or_create(self, *args, **kwargs):
        raise AppendOnlyError("Consent events cannot be updated.")

    def redact_personal(self):
        """Drop the IP address and user agent of these events, the one change
        the log allows (after an erasure; see docs/consent-log.md). The
        database trigger refuses any other."""
        return models.QuerySet.update(self, ip_address=None, user_agent="")


class ConsentEvent(models.Model):
    """One act of consent or withdrawal, with the facts to prove it."""

    class Kind(models.TextChoices):
        SUBSCRIBE = "subscribe", _("Subscribe request")
        CONFIRM = "confirm", _("Confirmation")
        UNSUBSCRIBE = "unsubscribe", _("Unsubscribe")
        PREFERENCES = "preferences", _("Preferences changed")
        IMPORT = "import", _("Import")
        ADMIN_CHANGE = "admin_change", _("Change by staff")
        COMPLAINT = "complaint", _("Spam complaint")
        ERASURE = "erasure", _("Erasure")

    class Source(models.TextChoices):
        PAGE = "page", _("Web page")
        API = "api", _("API")
        ONE_CLICK = "one_click", _("One-click unsubscribe")
        IMPORT = "import", _("Import file")
        ADMIN = "admin", _("Admin")
        EMAIL_SERVICE = "email_service", _("Email service")

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    source_detail = models.CharField(
        _("source detail"),
        max_length=255,
        blank=True,
        help_text=_("Import file name, staff user, email service event."),
    )
    email_hash = models.CharField(max_length=64, db_index=True)
    subscriber_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    mailing_list = models.ForeignKey(
        MailingList,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consent_events",
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=400, blank=True)
    consent_text_version = models.CharField(
        _("consent text version"), max_length=32, blank=True
    )

    objects = ConsentEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent event")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Consent events cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Consent events cannot be deleted.")


class Suppression(models.Model):
    """An address never to be mailed, kept only as the hash of its address."""

    class Reason(models.TextChoices):
        HARD_BOUNCE = "hard_bounce", _("Hard bounce")
        SOFT_BOUNCES = "soft_bounces", _("Repeated soft bounces")
        COMPLAINT = "complaint", _("Spam complaint")
        MANUAL = "manual", _("Added by staff")
        ERASED = "erased", _("Erased on request")

    email_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email_hash[:12]}… ({self.get_reason_display()})"


def is_suppressed(email):
    """Whether ``email`` (raw or normalised) may never be mailed."""
    digest = email_hash(email)
    return digest is not None and (
        Suppression.objects.filter(email_hash=digest).exists()
    )


class WebhookEvent(models.Model):
    """Ids of email-service events already handled, so a replay changes nothing."""

    esp = models.CharField(max_length=40)
    event_id = models.CharField(max_length=200)
    event_type = models.CharField(max_length=40)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["esp", "event_id"], name="webhook_once")
        ]

    def __str__(self):
        return f"{self.esp} {self.event_id}"


class ImportJob(models.Model):
    """A CSV import into one list: the file, its column mapping, progress, report."""

    class State(models.TextChoices):
        MAPPING = "mapping", _("Waiting for column mapping")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    mailing_list = models.ForeignKey(
        MailingList, on_delete=models.CASCADE, related_name="imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Private storage: on object storage with several hosts, so that the
    # worker that runs the import reads what the web host stored.
    file = models.FileField(
        upload_to="newsletter-imports/", storage=get_private_storage, blank=True
    )
    file_name = models.CharField(max_length=255)
    encoding = models.CharField(max_length=20)
    delimiter = models.CharField(max_length=1)
    header = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    consent_note = models.CharField(max_length=255)
    state = models.CharField(max_length=10, choices=State.choices)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    already_subscribed = models.PositiveIntegerField(default=0)
    rejected = models.JSONField(default=list)  # [[row number, reason], ...]
    error = models.TextField(blank=True)
    # Last sign of life of the worker running it (audience.imports.reconcile).
    progress_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("subscriber import")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} → {self.mailing_list}"

    @property
    def progress_percent(self):
        if not self.rows_total:
            return 100 if self.state == self.State.DONE else 0
        return min(100, round(100 * self.rows_done / self.rows_total))
