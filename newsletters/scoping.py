"""Which lists and subscribers a staff user may see and manage.

Country teams (news.teams.countries_for_user) scope everything: editors and
moderators of a country see its lists and their subscribers; moderators also
import, export and erase. Anything outside a user's countries is a 404, so that
its existence is not revealed either.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from news.models import CountryTeam
from news.teams import countries_for_user

from .models import ImportJob, MailingList, Subscriber

VIEW = "view"
MANAGE = "manage"


def lists_for_user(user, action=VIEW):
    if not user.is_authenticated:
        return MailingList.objects.none()
    if user.is_superuser:
        return MailingList.objects.all()
    role = CountryTeam.Role.MODERATOR if action == MANAGE else None
    return MailingList.objects.filter(country__in=countries_for_user(user, role=role))


def list_or_404(user, pk, action=VIEW):
    mailing_list = lists_for_user(user, action).filter(pk=pk).first()
    if mailing_list is None:
        raise Http404("No such list.")
    return mailing_list


def subscribers_for_user(user, action=VIEW):
    return Subscriber.objects.filter(
        pk__in=Subscriber.objects.filter(
            subscriptions__mailing_list__in=lists_for_user(user, action)
        ).values("pk")
    )


def subscriber_or_404(user, pk, action=VIEW):
    """A subscriber on one of the user's lists; to MANAGE (export, erase), the
    user must manage every list the subscriber is on."""
    subscriber = subscribers_for_user(user).filter(pk=pk).first()
    if subscriber is None:
        raise Http404("No such subscriber.")
    if action == MANAGE and not user.is_superuser:
        theirs = set(subscriber.subscriptions.values_list("mailing_list_id", flat=True))
        mine = set(lists_for_user(user, MANAGE).values_list("pk", flat=True))
        if not theirs <= mine:
            raise PermissionDenied(
                "This subscriber is also on lists you do not manage."
            )
    return subscriber


def import_or_404(user, pk):
    job = ImportJob.objects.filter(
        pk=pk, mailing_list__in=lists_for_user(user, MANAGE)
    ).first()
    if job is None:
        raise Http404("No such import.")
    return job
