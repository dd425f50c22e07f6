"""Newsletters' models, by concern: the audience (lists, subscribers, consent,
suppression), the issues as pages, and the campaigns that send them."""

from .audience import (
    AppendOnlyError,
    ConsentEvent,
    ConsentEventQuerySet,
    ImportJob,
    MailingList,
    Subscriber,
    Subscription,
    Suppression,
    WebhookEvent,
    is_suppressed,
)
from .campaigns import Campaign, CampaignEdition, Delivery
from .pages import (
    NewsletterIndexPage,
    NewsletterPage,
    NewsletterSectionPage,
    SenderIdentity,
)

__all__ = [
    "AppendOnlyError",
    "Campaign",
    "CampaignEdition",
    "ConsentEvent",
    "ConsentEventQuerySet",
    "Delivery",
    "ImportJob",
    "MailingList",
    "NewsletterIndexPage",
    "NewsletterPage",
    "NewsletterSectionPage",
    "SenderIdentity",
    "Subscriber",
    "Subscription",
    "Suppression",
    "WebhookEvent",
    "is_suppressed",
]
