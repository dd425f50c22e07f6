from django.apps import AppConfig


class BaselineConfig(AppConfig):
    """Benchmark-only app (P7): installed by tests/bench/admin_settings.py only."""

    name = "tests.bench.baseline"
    label = "bench_baseline"
    default_auto_field = "django.db.models.BigAutoField"
