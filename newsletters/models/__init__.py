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
from .pages import (
    NewsletterIndexPage,
    NewsletterPage,
    NewsletterSectionPage,
    SenderIdentity,
)

__all__ = [
    "AppendOnlyError",
    "ConsentEvent",
    "ConsentEventQuerySet",
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
