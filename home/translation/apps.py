from django.apps import AppConfig


class TranslationConfig(AppConfig):
    name = "home.translation"
    label = "translation"
    verbose_name = "Translation"

    def ready(self):
        # Wagtail's action classes exist once its models are loaded.
        from .actions import install as guard_review

        # Translations go live only through their language's review, on
        # every path to Wagtail's page actions (actions.py).
        guard_review()
