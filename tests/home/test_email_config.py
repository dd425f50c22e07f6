import email
from email import policy

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage

from cms.mail import EmlFileBackend
from cms.settings.env import email_config


def test_smtps_url_with_credentials():
    config = email_config("smtps://user%40x:p%3Ass@mail.example.org", "var/mail")
    assert config["EMAIL_HOST"] == "mail.example.org"
    assert config["EMAIL_PORT"] == 465
    assert config["EMAIL_HOST_USER"] == "user@x"
    assert config["EMAIL_HOST_PASSWORD"] == "p:ss"
    assert config["EMAIL_USE_SSL"] and not config["EMAIL_USE_TLS"]


def test_unknown_scheme_is_refused_by_name():
    with pytest.raises(ImproperlyConfigured, match="'ftp' is not supported"):
        email_config("ftp://x", "var/mail")


def test_anymail_url_selects_the_service_backend():
    assert email_config("anymail://mailgun", "var/mail")["EMAIL_BACKEND"] == (
        "anymail.backends.mailgun.EmailBackend"
    )


def test_eml_backend_writes_one_complete_file_per_message(tmp_path):
    backend = EmlFileBackend(file_path=tmp_path)
    messages = [
        EmailMessage(
            f"Lajme nga Kosova {n}", "Çdo muaj ë ç", "a@example.org", ["b@x.org"]
        )
        for n in range(2)
    ]
    assert backend.send_messages(messages) == 2
    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 2
    assert not list(tmp_path.glob("*.part"))
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Lajme nga Kosova 0"
    assert parsed.get_content().strip() == "Çdo muaj ë ç"
