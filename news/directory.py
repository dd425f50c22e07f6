"""Who may change which directory entries (CSOs, Resource Centres...).

Country teams hold the Organisation permissions (news.teams), but for their
own countries' entries only: one permission policy says so, and every admin
path asks it: the listing shows a team its countries' entries, the create
form offers only its countries, edit, delete, copy and bulk delete refuse
another country's entry, and so do a request to translate one and the
translation editor (home.translation.scope asks the registered policy).

A user who holds the permission in another way (a superuser, a language
team, a group made by hand) is not limited by country here; language teams
are limited to their locales by home.translation.scope.
"""

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.permission_policies import ModelPermissionPolicy

from .models import Country, CountryTeam, Organisation


class CountryScopedPolicy(ModelPermissionPolicy):
    """The model's permissions, limited to the countries of the country teams
    they come from."""

    country_field = "country"

    def _permissions(self, action):
        return Permission.objects.filter(
            content_type__app_label=self.app_label,
            codename=self._get_permission_codename(action),
        )

    def country_keys(self, user, action):
        """Translation keys of the countries ``user`` may ``action`` entries
        of, or None for every country."""
        if not user.is_active:
            return set()
        if user.is_superuser:
            return None
        cache = user.__dict__.setdefault("_directory_scope", {})
        key = (self.model, action)
        if key not in cache:
            cache[key] = self._country_keys(user, action)
        return cache[key]

    def _country_keys(self, user, action):
        permission = self._permissions(action)
        if user.user_permissions.filter(pk__in=permission).exists():
            return None
        groups = user.groups.filter(permissions__in=permission)
        if groups.filter(country_team__isnull=True).exists():
            return None
        teams = CountryTeam.objects.filter(group__in=groups)
        return set(
            Country.objects.filter(teams__in=teams).values_list(
                "translation_key", flat=True
            )
        )

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        keys = self.country_keys(user, action)
        if keys is None:
            return True
        country = getattr(instance, self.country_field)
        return country is not None and country.translation_key in keys

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = self.model._default_manager.all()
        scopes = [
            self.country_keys(user, action)
            for action in actions
            if self.user_has_permission(user, action)
        ]
        if not scopes:
            return queryset.none()
        if any(keys is None for keys in scopes):
            return queryset
        keys = set().union(*scopes)
        return queryset.filter(**{f"{self.country_field}__translation_key__in": keys})

    def countries_for(self, user, action):
        """Countries ``user`` may file an entry under (every locale's rows)."""
        keys = self.country_keys(user, action)
        countries = Country.objects.all()
        return countries if keys is None else countries.filter(translation_key__in=keys)


organisation_policy = CountryScopedPolicy(Organisation)


def check_instance(user, action, instances):
    """PermissionDenied unless ``user`` may ``action`` every one of ``instances``."""
    for instance in instances:
        if isinstance(instance, Organisation) and not (
            organisation_policy.user_has_permission_for_instance(user, action, instance)
        ):
            raise PermissionDenied


class OrganisationForm(WagtailAdminModelForm):
    """The country field offers the countries the user may file entries under."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("country")
        if field is not None and self.for_user is not None:
            action = "change" if self.instance.pk else "add"
            field.queryset = field.queryset.filter(
                pk__in=organisation_policy.countries_for(self.for_user, action)
            )
