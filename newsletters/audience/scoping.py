"""Which lists, subscribers and campaigns a staff user may see and act on.

Country teams (news.teams.countries_for_user) scope everything, and one rule
says what each role may do with what is in scope:

- VIEW (editors and moderators of the list's country): a list's counts, a
  campaign's progress and its report's figures;
- MANAGE (moderators of the country, and superusers): everything that acts on
  subscribers or campaigns or shows subscribers' addresses: send, pause,
  resume and cancel a campaign, its per-recipient report (page and CSV), list
  export, imports, the subscriber list and pages, export and erasure.

A campaign counts as a country's when every one of its lists is; a campaign
with a list of another country is out of scope as a whole. Anything out of
scope answers exactly like an unknown id (``Http404`` with the same text,
shown by newsletters.admin_helpers.scoped), so its existence is not revealed;
what is in scope but beyond the user's role is a ``PermissionDenied`` that
says so. Translators and other staff without a country team see nothing.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils.translation import gettext as _

from news.models import CountryTeam
from news.teams import countries_for_user

from ..delivery.models import Campaign
from .models import ImportJob, MailingList, Subscriber, Subscription

VIEW = "view"
MANAGE = "manage"


def lists_for_user(user, action=VIEW):
    if not user.is_authenticated or not user.is_active:
        return MailingList.objects.none()
    if user.is_superuser:
        return MailingList.objects.all()
    role = CountryTeam.Role.MODERATOR if action == MANAGE else None
    return MailingList.objects.filter(country__in=countries_for_user(user, role=role))


def may(user, action):
    """Whether ``user`` may do ``action`` on any list at all (menus, buttons)."""
    return lists_for_user(user, action).exists()


def _in_scope(queryset_for, user, pk, action, not_found):
    """The object ``pk`` of ``queryset_for(user, action)``; unknown and out of
    scope alike raise Http404(not_found), in scope beyond the role raises
    PermissionDenied."""
    found = queryset_for(user, action).filter(pk=pk).first()
    if found is not None:
        return found
    if action != VIEW and queryset_for(user, VIEW).filter(pk=pk).exists():
        raise PermissionDenied(_("Only the country's moderators may do this."))
    raise Http404(not_found)


def list_or_404(user, pk, action=VIEW):
    return _in_scope(lists_for_user, user, pk, action, _("No such list."))


def subscribers_for_user(user, action=VIEW):
    """Subscribers with a subscription on one of the user's lists, as an
    EXISTS per subscriber on the (subscriber, list) unique index: the
    listing's ORDER BY email LIMIT walks the email index and stops at a
    page, instead of collecting the whole scope first (issue #19, P7). The
    list ids are read first (a handful), so that the planner sees constants
    and knows how much of the table the scope is."""
    return Subscriber.objects.filter(
        Exists(
            Subscription.objects.filter(
                subscriber=OuterRef("pk"),
                mailing_list_id__in=list_ids_for_user(user, action),
            )
        )
    )


def list_ids_for_user(user, action=VIEW):
    return list(
        lists_for_user(user, action).order_by("pk").values_list("pk", flat=True)
    )


def scope_size(list_ids):
    """How many subscribers are in the scope of ``list_ids`` (what
    ``subscribers_for_user`` counts, unfiltered) from the subscriptions
    alone, on the list index: one subscription per subscriber and list, so
    a single list needs no DISTINCT."""
    subs = Subscription.objects.filter(mailing_list_id__in=list_ids)
    if len(list_ids) == 1:
        return subs.count()
    return subs.values("subscriber_id").distinct().count()


def subscriber_or_404(user, pk, action=MANAGE):
    """A subscriber on one of the user's lists. Every subscriber view shows
    an address, so the default is MANAGE; what it shows of the subscriber is
    limited to the user's lists (see newsletters.audience.subscriptions.export_data)."""
    return _in_scope(subscribers_for_user, user, pk, action, _("No such subscriber."))


def campaigns_for_user(user, action=VIEW):
    """Campaigns all of whose lists the user may ``action``."""
    if not user.is_authenticated or not user.is_active:
        return Campaign.objects.none()
    if user.is_superuser:
        return Campaign.objects.all()
    mine = lists_for_user(user, action)
    others = MailingList.objects.exclude(pk__in=mine.values("pk"))
    return Campaign.objects.filter(lists__in=mine).exclude(lists__in=others).distinct()


def campaign_or_404(user, pk, action=VIEW):
    return _in_scope(
        lambda u, a: campaigns_for_user(u, a).select_related("newsletter"),
        user,
        pk,
        action,
        _("No such campaign."),
    )


def may_act_on(user, campaign):
    """Send, pause, resume, cancel, and see who received it."""
    return campaigns_for_user(user, MANAGE).filter(pk=campaign.pk).exists()


def imports_for_user(user, action=MANAGE):
    return ImportJob.objects.filter(mailing_list__in=lists_for_user(user, action))


def import_or_404(user, pk):
    return _in_scope(imports_for_user, user, pk, MANAGE, _("No such import."))
