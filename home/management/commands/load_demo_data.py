"""Load demonstration content, idempotently.

Each installed app may have a ``demo`` module with ``load(log)``; they run in
INSTALLED_APPS order, after the site structure and the admin account, so that
home needs no knowledge of the apps built on it.
"""

import importlib
import importlib.util
import os
import secrets

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from home.setup import ensure_home_pages


class Command(BaseCommand):
    help = "Create demo countries, organisations, news and events (safe to re-run)."

    def handle(self, *args, **options):
        with transaction.atomic():
            ensure_home_pages()
            self._ensure_admin()
            for app_config in apps.get_app_configs():
                module_name = f"{app_config.name}.demo"
                if importlib.util.find_spec(module_name) is None:
                    continue
                importlib.import_module(module_name).load(self._log)
        self._log("Demo data ready.")

    def _log(self, message):
        self.stdout.write(message)

    def _ensure_admin(self):
        user_model = get_user_model()
        username = os.environ.get("DEMO_ADMIN_USERNAME", "admin")
        if user_model.objects.filter(username=username).exists():
            self._log(f"Admin account '{username}' already exists; password unchanged.")
            return
        password = os.environ.get("DEMO_ADMIN_PASSWORD")
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        user_model.objects.create_superuser(
            username=username, email=f"{username}@localhost", password=password
        )
        if generated:
            self._log(
                f"Created admin account '{username}' with password: {password}\n"
                "(shown once; set DEMO_ADMIN_PASSWORD to choose it)"
            )
        else:
            self._log(f"Created admin account '{username}' (DEMO_ADMIN_PASSWORD).")
