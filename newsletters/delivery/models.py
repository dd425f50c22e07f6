"""Campaigns: a newsletter sent to country lists, its editions frozen per
language, and one delivery row per recipient, which is the truth of what was
sent (newsletters.delivery.lifecycle fills them, newsletters.delivery.sending
works them)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..audience.models import MailingList, Subscriber


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PREPARING = "preparing", _("Preparing")
        SENDING = "sending", _("Sending")
        PAUSED = "paused", _("Paused")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Failed")

    newsletter = models.ForeignKey(
        "newsletters.NewsletterPage",
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("newsletter"),
    )
    lists = models.ManyToManyField(
        MailingList, related_name="campaigns", verbose_name=_("lists")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
    )
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Subscriptions confirmed after this moment are not in the campaign, even
    # when preparation runs again after a crash.
    audience_cutoff = models.DateTimeField(null=True, blank=True)
    prepared_at = models.DateTimeField(_("prepared"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Last time chunks were handed to the broker, and last sign of a worker at
    # work: the reconciler re-dispatches a campaign where both are old.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("campaign")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.newsletter} ({self.get_status_display()})"


class CampaignEdition(models.Model):
    """One language's edition, rendered once when the campaign is prepared."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="editions"
    )
    language = models.CharField(_("language"), max_length=8)
    page_id = models.PositiveIntegerField()
    revision_id = models.PositiveIntegerField(null=True, blank=True)
    data = models.JSONField()  # newsletters.composition.rendering.edition_to_dict
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campaign edition")
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "language"], name="one_edition_per_language"
            )
        ]

    def __str__(self):
        return f"{self.campaign_id} {self.language}"


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    # Indexes, each for the queries that use it (tests/newsletters/
    # test_delivery_indexes.py keeps the list): the unique (campaign,
    # subscriber) serves every campaign's rows, preparation's ON CONFLICT and
    # the report; (campaign, status) the progress counts, claims and the
    # reconciler; subscriber the erasure of a subscriber; edition the cascade
    # when a campaign's editions are deleted. No index of campaign alone: the
    # two above lead with it, and each index costs every row of a preparation.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    # Subscriber and edition are foreign keys without a database constraint:
    # a deferred constraint fires one trigger per row and key at commit, and a
    # preparation inserts a million rows (P6). Rows come only from
    # lifecycle.materialise, which reads both from their tables in the same
    # statement; their deletion goes through the ORM (erasure, a campaign's
    # cascade), which deletes the deliveries first (tests/newsletters/
    # test_delivery_indexes.py). The campaign's key keeps its constraint.
    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.CASCADE,
        related_name="deliveries",
        db_constraint=False,
    )
    edition = models.ForeignKey(
        CampaignEdition,
        on_delete=models.CASCADE,
        related_name="deliveries",
        db_constraint=False,
    )
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The chunk task that holds the row while it is "sending"; its redelivery
    # after a crash (same task id) takes the row back.
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    smtp_code = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    # The connection dropped after the whole message went out: it may have
    # been delivered, so a retry may be a duplicate (with the same Message-ID).
    flagged = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "subscriber"], name="one_delivery_per_subscriber"
            )
        ]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self):
        return f"{self.campaign_id} → {self.subscriber_id} ({self.status})"
