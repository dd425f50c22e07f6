"""Country teams: groups, their page permissions and review workflows.

For each country: "<Country> editors" may create and edit pages in that
country's news and event sections (every locale) and submit them for review;
"<Country> moderators" may also publish, delete and approve. Each country's
news and events sections run the workflow "CSO submission review: <Country>",
its newsletter sections "Newsletter review: <Country>" (each kind names its
own, news.kinds), whose one task is approved by that country's moderators
only. Idempotent.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from .kinds import KINDS, WORKFLOW_NAMES, default_locale
from .models import Country, CountryTeam

PAGE_PERMISSIONS = {
    CountryTeam.Role.EDITOR: ["add_page", "change_page"],
    CountryTeam.Role.MODERATOR: [
        "add_page",
        "change_page",
        "publish_page",
        "delete_page",
        "lock_page",
        "unlock_page",
    ],
}
# Directory entries (CSOs, Resource Centres): of the team's own countries
# only (news.directory).
MODEL_PERMISSIONS = {
    CountryTeam.Role.EDITOR: [
        ("news", "add_organisation"),
        ("news", "change_organisation"),
    ],
    CountryTeam.Role.MODERATOR: [
        ("news", "add_organisation"),
        ("news", "change_organisation"),
        ("news", "delete_organisation"),
    ],
}
COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
]


def team_name(country, role):
    return f"{country.name} {CountryTeam.Role(role).label.lower()}"


@transaction.atomic
def ensure_country_teams(countries=None):
    """Teams, permissions and workflow for ``countries`` (default: all)."""
    admin_access = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    # Whoever may edit a source may ask for its translations (wagtail-localize's
    # submit view, the status board's Translate, the page's action menu); the
    # page scope keeps it to the team's own pages.
    request_translation = Permission.objects.get(
        content_type__app_label="wagtail_localize", codename="submit_translation"
    )
    root_collection = Collection.get_first_root_node()
    collection_permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in COLLECTION_PERMISSIONS
    ]
    if countries is None:
        countries = Country.objects.filter(locale=default_locale())
    for country in countries:
        sections = sections_of(country)
        groups = {}
        for role in CountryTeam.Role:
            team = CountryTeam.objects.filter(
                role=role, countries__translation_key=country.translation_key
            ).first()
            if team is None:
                group, _ = Group.objects.get_or_create(name=team_name(country, role))
                team = CountryTeam.objects.create(group=group, role=role)
                team.countries.add(country)
            group = groups[role] = team.group
            group.permissions.add(admin_access, request_translation)
            group.permissions.add(
                *(
                    Permission.objects.get(
                        content_type__app_label=app, codename=codename
                    )
                    for app, codename in MODEL_PERMISSIONS[role]
                )
            )
            for permission in collection_permissions:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )
            for codename in PAGE_PERMISSIONS[role]:
                permission = Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                )
                for section in sections:
                    GroupPagePermission.objects.get_or_create(
                        group=group, page=section, permission=permission
                    )
        for name, kind_sections in sections_by_workflow(country).items():
            _ensure_workflow(
                name, country, groups[CountryTeam.Role.MODERATOR], kind_sections
            )


def sections_of(country):
    """The country's sections (news, events and registered kinds), every locale."""
    key = country.translation_key
    return [
        section
        for _index, section_model in KINDS.values()
        for section in section_model.objects.filter(country__translation_key=key)
    ]


def sections_by_workflow(country):
    """The country's sections by the name of the workflow they run."""
    key = country.translation_key
    by_name = {}
    for kind, (_index, section_model) in KINDS.items():
        name = WORKFLOW_NAMES[kind].format(country=country.name)
        by_name.setdefault(name, []).extend(
            section_model.objects.filter(country__translation_key=key)
        )
    return by_name


def _ensure_workflow(name, country, moderators, sections):
    workflow, _ = Workflow.objects.get_or_create(name=name)
    if not workflow.workflow_tasks.exists():
        task = GroupApprovalTask.objects.create(
            name=f"{country.name} moderators approve"
        )
        task.groups.set([moderators])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    for section in sections:
        WorkflowPage.objects.update_or_create(
            page=section, defaults={"workflow": workflow}
        )


def countries_for_user(user, role=None):
    """Countries (default-locale rows) whose teams ``user`` belongs to."""
    if not user.is_authenticated:
        return Country.objects.none()
    if user.is_superuser:
        return Country.objects.filter(locale=default_locale())
    teams = CountryTeam.objects.filter(group__user=user)
    if role is not None:
        teams = teams.filter(role=role)
    keys = Country.objects.filter(teams__in=teams).values("translation_key")
    return Country.objects.filter(locale=default_locale(), translation_key__in=keys)
