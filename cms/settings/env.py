"""Reading configuration from the environment.

Every deployment knob comes from an environment variable so that one code base
runs the embedded demo, the CI suite and production. These helpers keep the
parsing rules (booleans, lists, URLs) in one place.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name, default=None):
    value = os.environ.get(name)
    return default if value is None else value.strip()


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of {sorted(TRUE_WORDS | FALSE_WORDS - {''})}, "
        f"not {value!r}."
    )


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {value!r}."
        ) from None


def env_list(name, default=()):
    """Comma-separated values, blanks dropped."""
    value = os.environ.get(name)
    if value is None:
        return None if default is None else list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_setting(namespace, name, read=env_str, variable=None, wrap=None):
    """Set the app setting ``name`` in ``namespace`` (a settings module's
    globals) from the environment variable ``variable`` (``name`` unless
    given), read by ``read`` (env_str, env_int, env_list) and passed through
    ``wrap``, only when the variable is set. Otherwise the setting stays
    unset and its default is the app's own (the app's ``conf`` module), so
    that it lives in one place."""
    value = read(variable or name, None)
    if value is not None:
        namespace[name] = wrap(value) if wrap else value


def redis_database(url, offset):
    """``url`` with its database number moved by ``offset``:
    redis://host:6379/2 and 1 give redis://host:6379/3 (no number is 0)."""
    parts = urlsplit(url)
    number = parts.path.strip("/") or "0"
    if not number.isdigit():
        raise ImproperlyConfigured(f"{url!r} names no Redis database number.")
    return parts._replace(path=f"/{int(number) + offset}").geturl()


def same_redis_database(first, second):
    """Whether two redis:// URLs name the same database of the same server."""

    def where(url):
        parts = urlsplit(url)
        if parts.scheme not in {"redis", "rediss"}:
            return None
        number = parts.path.strip("/") or "0"
        return (parts.hostname or "localhost", parts.port or 6379, number)

    return where(first) is not None and where(first) == where(second)


def require(names):
    """Stop start-up naming every missing variable at once, not one per restart."""
    missing = [name for name in names if not env_str(name)]
    if missing:
        raise ImproperlyConfigured(
            "Missing required environment variable(s) for production: "
            + ", ".join(missing)
            + ". See README.md, 'Production configuration'."
        )


def email_config(url, mail_dir):
    """Translate EMAIL_URL into Django email settings.

    Schemes: ``file://`` (one .eml per message; an empty path means ``mail_dir``),
    ``smtp://`` (``?starttls=1`` or ``?ssl=1``), ``smtps://`` (implicit TLS),
    ``smtp+starttls://``, ``console://``, ``memory://``, and ``anymail://<esp>``
    for an email service through django-anymail (its keys in ``ANYMAIL_*``).
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if scheme == "file":
        path = unquote(parts.netloc + parts.path) or str(mail_dir)
        return {
            "EMAIL_BACKEND": "cms.mail.EmlFileBackend",
            "EMAIL_FILE_PATH": Path(path),
        }
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "memory":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme in {"smtp", "smtps", "smtp+starttls"}:
        implicit_tls = scheme == "smtps" or query.get("ssl", "").lower() in TRUE_WORDS
        starttls = (
            scheme == "smtp+starttls" or query.get("starttls", "").lower() in TRUE_WORDS
        )
        if implicit_tls and starttls:
            raise ImproperlyConfigured(
                "EMAIL_URL cannot ask for both SSL and STARTTLS."
            )
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (465 if implicit_tls else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": implicit_tls,
            "EMAIL_USE_TLS": starttls,
            "EMAIL_TIMEOUT": int(query.get("timeout", 30)),
        }
    if scheme == "anymail":
        esp = parts.netloc.lower()
        if not esp.isidentifier():
            raise ImproperlyConfigured(
                "EMAIL_URL anymail://<esp> needs an esp name such as anymail://mailgun."
            )
        return {"EMAIL_BACKEND": f"anymail.backends.{esp}.EmailBackend"}
    raise ImproperlyConfigured(
        f"EMAIL_URL scheme {scheme!r} is not supported; use file, smtp, smtps, "
        "smtp+starttls, console, memory or anymail."
    )


def anymail_settings():
    """Collect ANYMAIL_<KEY> variables into the ANYMAIL dict anymail reads."""
    prefix = "ANYMAIL_"
    return {
        key[len(prefix) :]: value
        for key, value in os.environ.items()
        if key.startswith(prefix) and value
    }
