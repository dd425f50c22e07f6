"""Facts about an incoming request that several apps need."""

from .conf import app_settings


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the hop NUM_PROXIES back in
    X-Forwarded-For when that many trusted proxies stand in front. A client
    cannot choose its address by sending the header itself."""
    proxies = app_settings.NUM_PROXIES
    if proxies:
        hops = [
            hop.strip()
            for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if hop.strip()
        ]
        if len(hops) >= proxies:
            return hops[-proxies][:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


def user_agent(request):
    return request.META.get("HTTP_USER_AGENT", "")[:400]
