from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .health import heartbeat_age_seconds, run_checks


@never_cache
@require_safe
def healthz(request):
    """200 when the database, broker and cache all answer; 503 naming the rest."""
    ok, checks = run_checks()
    body = {
        "status": "ok" if ok else "unavailable",
        "failing": [name for name, result in checks.items() if not result["ok"]],
        "checks": checks,
        "worker_heartbeat_age_seconds": heartbeat_age_seconds(),
    }
    return JsonResponse(body, status=200 if ok else 503)
