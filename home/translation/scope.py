"""Who may work on which language, read from Wagtail's own records.

A user translates a language when one of their groups may edit that locale's
home page subtree (the language's groups, see home.translation.teams); they
review it when one of their groups approves that locale's "Translation
review" workflow. No extra table: Wagtail's permissions are the one truth.

Pages are scoped by Wagtail's subtree permissions alone. Translatable
snippets have no subtree, and their model permission is global, so a user
who holds it only through language groups is limited to those languages'
locales here (enforced by home.translation.guards).
"""

from django.contrib.auth.models import Group, Permission
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Locale,
    WorkflowPage,
)
from wagtail.permissions import policy_registry
from wagtail_localize.models import Translation, TranslationSource

LOCALE_ROOT_DEPTH = 2


def language_groups():
    """Groups that hold permissions on a whole locale (a language's groups)."""
    return Group.objects.filter(
        page_permissions__page__depth=LOCALE_ROOT_DEPTH
    ).distinct()


def translator_locale_ids(user):
    """Locales whose whole tree ``user`` may edit through a group."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(Locale.objects.values_list("pk", flat=True))
    return set(
        GroupPagePermission.objects.filter(
            group__user=user,
            page__depth=LOCALE_ROOT_DEPTH,
            permission__codename="change_page",
        ).values_list("page__locale_id", flat=True)
    )


def reviewer_locale_ids(user):
    """Locales whose translation review ``user`` may approve."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(Locale.objects.values_list("pk", flat=True))
    tasks = GroupApprovalTask.objects.filter(groups__user=user)
    return set(
        WorkflowPage.objects.filter(
            page__depth=LOCALE_ROOT_DEPTH,
            workflow__workflow_tasks__task__in=tasks,
        ).values_list("page__locale_id", flat=True)
    )


def localize_translation(instance):
    """The wagtail-localize Translation that made ``instance``, if any.

    An object is a translation when wagtail-localize keeps a source for its
    translation key in another locale with this locale as a target.
    """
    if getattr(instance, "translation_key", None) is None:
        return None
    return (
        Translation.objects.filter(
            source__object_id=instance.translation_key,
            target_locale_id=instance.locale_id,
        )
        .exclude(source__locale_id=instance.locale_id)
        .select_related("source", "source__locale", "target_locale")
        .first()
    )


def is_translation(instance):
    """Is ``instance`` a translation of an object in another locale?

    wagtail-localize's Translation record says so while it lasts, but its
    "convert to alias" deletes the record, and Wagtail's own copy for
    translation and aliases never make one. So an object is also a
    translation when it is an alias of a translation or of another locale's
    object, or when its translation group began in another locale: the
    locale of the group's first wagtail-localize source, else of its first
    object (the locale home pages, indexes and country sections included).
    """
    key = getattr(instance, "translation_key", None)
    if key is None or instance.pk is None:
        return False
    model = instance.get_translation_model()
    alias_of_id = getattr(instance, "alias_of_id", None)
    if alias_of_id is not None:
        target = model.objects.filter(pk=alias_of_id).first()
        if target is not None and (
            target.locale_id != instance.locale_id or is_translation(target)
        ):
            return True
    source_locale_id = (
        TranslationSource.objects.filter(object_id=key)
        .order_by("created_at", "pk")
        .values_list("locale_id", flat=True)
        .first()
    )
    if source_locale_id is None:
        first_locale_id = (
            model.objects.filter(translation_key=key)
            .order_by("pk")
            .values_list("locale_id", flat=True)
            .first()
        )
        return first_locale_id != instance.locale_id
    if source_locale_id != instance.locale_id:
        return True
    # A source that was later translated into from another of its sources.
    return localize_translation(instance) is not None


def may_publish_translation(user, instance):
    """Machine or human, a translation goes live only through its reviewers."""
    return user.is_superuser or instance.locale_id in reviewer_locale_ids(user)


def may_make_live(user, instance):
    """May ``user`` make ``instance`` live, as far as review goes?

    Anything that is not a translation: yes (Wagtail's permissions decide);
    a translation: its language's reviewers and superusers only.
    """
    if user.is_superuser:
        return True
    return not is_translation(instance) or may_publish_translation(user, instance)


def snippet_locale_scope(user, model):
    """Locale ids ``user`` may edit ``model`` in, or None for no limit.

    None when the user is a superuser or holds the model's change permission
    through a group that is not a language group (a country team, an admin
    group); otherwise the locales of their language groups.
    """
    if user.is_superuser:
        return None
    codename = f"change_{model._meta.model_name}"
    permission = Permission.objects.filter(
        content_type__app_label=model._meta.app_label, codename=codename
    )
    own = user.user_permissions.filter(pk__in=permission).exists()
    through_other_groups = (
        Group.objects.filter(user=user, permissions__in=permission)
        .exclude(pk__in=language_groups())
        .exists()
    )
    if own or through_other_groups:
        return None
    return translator_locale_ids(user) | reviewer_locale_ids(user)


def policy_allows_change(user, instance):
    """The model's own permission policy for the instance (a country team's
    directory entries, news.directory)."""
    policy = policy_registry.get_by_type(type(instance))
    return policy.user_has_permission_for_instance(user, "change", instance)


def may_edit_snippet(user, instance):
    """Locale scope (language teams) and the model's permission policy."""
    scope = snippet_locale_scope(user, type(instance))
    if scope is not None and instance.locale_id not in scope:
        return False
    return policy_allows_change(user, instance)
