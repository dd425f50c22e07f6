"""Language teams: "<Language> translators" and "<Language> reviewers".

The same pattern as the country teams (news.teams): groups with Wagtail page
permissions on a subtree, here the whole locale (its home page), and a review
workflow, "Translation review: <Language>", whose one task is approved by
that language's reviewers. Approval publishes the page; neither group holds
the publish permission, so nothing a translator (or a machine) wrote goes
live except through a reviewer of that language.

The workflow is assigned to the locale's home page, which governs the pages
of that locale outside the country sections, and to every translation page
itself, since the country sections carry their own submission workflows
that would otherwise apply to translations too. Idempotent.
"""

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Locale,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail_localize.models import Translation

from .conf import app_settings
from .scope import LOCALE_ROOT_DEPTH

TRANSLATOR = "translators"
REVIEWER = "reviewers"
PAGE_PERMISSIONS = {
    TRANSLATOR: ["change_page"],
    REVIEWER: ["change_page", "lock_page", "unlock_page"],
}
GLOBAL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("wagtail_localize", "submit_translation"),
]
WORKFLOW_NAME = "Translation review: {language}"


def language_name(code):
    """The English name of a content language, as in group names."""
    names = {c: str(name) for c, name in settings.WAGTAIL_CONTENT_LANGUAGES}
    return names.get(code, code)


def group_name(code, role):
    return f"{language_name(code)} {role}"


def locale_root(locale):
    return Page.objects.filter(depth=LOCALE_ROOT_DEPTH, locale=locale).first()


def scoped_snippet_models():
    """Translatable snippets that language teams edit, from settings."""
    return [apps.get_model(label) for label in app_settings.TRANSLATION_SNIPPET_MODELS]


@transaction.atomic
def ensure_language_teams(language_codes=None):
    """Groups, permissions and workflow for each content language.

    Returns {code: {"translators": Group, "reviewers": Group, "workflow": ...}}.
    """
    codes = language_codes or [c for c, _ in settings.WAGTAIL_CONTENT_LANGUAGES]
    global_permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in GLOBAL_PERMISSIONS
    ]
    snippet_permissions = [
        Permission.objects.get(
            content_type__app_label=model._meta.app_label,
            codename=f"change_{model._meta.model_name}",
        )
        for model in scoped_snippet_models()
    ]
    teams = {}
    for code in codes:
        locale = Locale.objects.get(language_code=code)
        root = locale_root(locale)
        if root is None:
            continue
        team = {}
        for role in (TRANSLATOR, REVIEWER):
            group, _ = Group.objects.get_or_create(name=group_name(code, role))
            group.permissions.add(*global_permissions, *snippet_permissions)
            for codename in PAGE_PERMISSIONS[role]:
                GroupPagePermission.objects.get_or_create(
                    group=group,
                    page=root,
                    permission=Permission.objects.get(
                        content_type__app_label="wagtailcore", codename=codename
                    ),
                )
            team[role] = group
        team["workflow"] = _ensure_workflow(code, team[REVIEWER], root)
        teams[code] = team
        keys = Translation.objects.filter(target_locale=locale).values(
            "source__object_id"
        )
        for page in Page.objects.filter(locale=locale, translation_key__in=keys):
            assign_review_workflow(page)
    return teams


def _ensure_workflow(code, reviewers, root):
    workflow, _ = Workflow.objects.get_or_create(
        name=WORKFLOW_NAME.format(language=language_name(code))
    )
    if not workflow.workflow_tasks.exists():
        task = GroupApprovalTask.objects.create(
            name=f"{language_name(code)} reviewers approve"
        )
        task.groups.set([reviewers])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    return workflow


def review_workflow(locale):
    """The "Translation review" workflow of ``locale`` (on its home page)."""
    root = locale_root(locale)
    link = WorkflowPage.objects.filter(page=root).select_related("workflow").first()
    return link.workflow if link else None


def assign_review_workflow(page):
    """Make ``page`` (a translation) run its language's review workflow."""
    workflow = review_workflow(page.locale)
    if workflow is None:
        return None
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
    return workflow
