"""Existing country teams get the directory permissions that news.teams now
grants new ones (their own countries' entries only, news.directory)."""

from django.db import migrations

GRANTS = {
    "editor": ["add_organisation", "change_organisation"],
    "moderator": ["add_organisation", "change_organisation", "delete_organisation"],
}


def grant(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    CountryTeam = apps.get_model("news", "CountryTeam")
    for team in CountryTeam.objects.select_related("group"):
        permissions = Permission.objects.filter(
            content_type__app_label="news", codename__in=GRANTS.get(team.role, [])
        )
        # A fresh database has neither teams nor permissions yet (Django
        # creates permissions after migrating; news.teams grants them).
        team.group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("news", "0005_feed_state_reason_codes_and_counts"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
