"""Country teams: which Wagtail groups work for which countries."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .places import Country


class CountryTeam(models.Model):
    """The one mapping from a Wagtail group to the countries it works for.

    Page permissions come from Wagtail's subtree permissions on each country's
    sections; lists, campaigns, the review dashboard and team notifications
    read this mapping.
    """

    class Role(models.TextChoices):
        EDITOR = "editor", _("Editors")
        MODERATOR = "moderator", _("Moderators")

    group = models.OneToOneField(
        "auth.Group", on_delete=models.CASCADE, related_name="country_team"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    countries = models.ManyToManyField(Country, related_name="teams")

    class Meta:
        verbose_name = _("country team")

    def __str__(self):
        return self.group.name
