"""CSV import by an officer: messy real-world files and an exact report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from newsletters.audience import imports
from newsletters.audience.models import (
    ConsentEvent,
    ImportJob,
    Subscriber,
    Subscription,
)
from newsletters.audience.subscriptions import suppress


def upload(client, mailing_list, content, name="contacts.csv", encoding="auto"):
    return client.post(
        f"/admin/audience/lists/{mailing_list.pk}/import/",
        {
            "file": SimpleUploadedFile(name, content, content_type="text/csv"),
            "encoding": encoding,
            "consent_note": "Sign-up sheets, CSO fair Prishtina 2024",
            "attest": "on",
        },
    )


def import_file(client, mailing_list, content, mapping=None, **kwargs):
    """Upload, map the columns (the guess unless given), run; the job."""
    response = upload(client, mailing_list, content, **kwargs)
    assert response.status_code == 302, response.content.decode()[:3000]
    job = ImportJob.objects.latest("pk")
    form = {
        key: "" if value is None else str(value)
        for key, value in (mapping or job.mapping).items()
    }
    assert client.post(response["Location"], form).status_code == 302
    imports.run(job.pk)
    job.refresh_from_db()
    return job


@pytest.fixture
def officer(client, team_user, team_lists):
    client.force_login(team_user("XK", "moderator"))
    return team_lists


MESSY_ROWS = [
    # (name, email, language) as an officer's spreadsheet has them
    ("Arbër Krasniqi", "arber@example.org", "sq"),  # row 2
    ("Çlirim Gashi", " CLIRIM@Example.ORG ", "SQ"),  # 3
    ("Drita Berisha", "drita(at)example.org", "sq"),  # 4 invalid
    ("Arbër K.", "Arber@example.org", "sq"),  # 5 duplicate of 2
    ("Milica Jovanović", "milica@example.rs", "sr"),  # 6
    ("", "", ""),  # 7 empty
    ("Ece Yılmaz", "ece@example.com.tr", "tr"),  # 8 Turkish not on XK? allowed code
    ("Ana Gashi", "left@example.org", "sq"),  # 9 unsubscribed earlier
    ("Blerim Hoxha", "bounced@example.org", "sq"),  # 10 suppressed
    ("Vesna", "vesna@example.org", "de"),  # 11 unknown language
    ("Already There", "there@example.org", ""),  # 12 already subscribed
]


def messy_csv(rows, encoding, delimiter=";", bom=b""):
    lines = [delimiter.join(["Emri", "E-mail", "Gjuha"])]
    lines += [delimiter.join(row) for row in rows]
    return bom + ("\r\n".join(lines) + "\r\n").encode(encoding)


def prepare_existing(lists):
    left = Subscriber.objects.create(email="left@example.org", name="Old name")
    Subscription.objects.create(
        subscriber=left, mailing_list=lists["XK"], status="unsubscribed"
    )
    there = Subscriber.objects.create(email="there@example.org", language="en")
    Subscription.objects.create(
        subscriber=there, mailing_list=lists["XK"], status="confirmed"
    )
    suppress("bounced@example.org", "hard_bounce")
    return left


EXPECTED_REJECTED = [
    [4, "invalid email address (not an email address)"],
    [5, "duplicate of row 2"],
    [7, "empty row"],
    [9, "unsubscribed earlier; not resubscribed"],
    [10, "suppressed address"],
    [11, "unknown language 'de'"],
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("encoding", "delimiter", "bom"),
    [
        ("utf-8", ";", b"\xef\xbb\xbf"),
        ("utf-16", ",", b""),  # Python's utf-16 writes its own BOM
        ("utf-16-le", "\t", b""),
    ],
)
def test_messy_csv_imports_with_an_exact_report(
    client, officer, encoding, delimiter, bom
):
    left = prepare_existing(officer)
    job = import_file(
        client, officer["XK"], messy_csv(MESSY_ROWS, encoding, delimiter, bom)
    )
    assert job.state == "done", job.error
    assert job.rows_total == len(MESSY_ROWS)
    assert job.rejected == EXPECTED_REJECTED
    assert job.imported == 4
    assert job.already_subscribed == 1
    assert set(
        Subscriber.objects.filter(
            subscriptions__mailing_list=officer["XK"],
            subscriptions__status="confirmed",
        ).values_list("email", "name", "language")
    ) >= {
        ("arber@example.org", "Arbër Krasniqi", "sq"),
        ("clirim@example.org", "Çlirim Gashi", "sq"),
        ("milica@example.rs", "Milica Jovanović", "sr"),
        ("ece@example.com.tr", "Ece Yılmaz", "tr"),
    }
    left.refresh_from_db()
    assert left.name == "Old name"
    assert left.subscriptions.get().status == "unsubscribed"
    assert Subscriber.objects.get(email="there@example.org").language == "en"
    events = ConsentEvent.objects.filter(kind="import")
    assert events.count() == 4
    assert "Sign-up sheets" in events.first().source_detail
    assert not ImportJob.objects.get().file  # the uploaded file is deleted


@pytest.mark.django_db
def test_windows_code_page_files_are_read_right(client, officer):
    latin = [("Šćepan Đurić", "scepan@example.me", "cnr")]
    cyrillic = [("Јована Ђорђевић", "jovana@example.rs", "sr")]
    turkish = [("Çağla Yılmaz", "cagla@example.com.tr", "tr")]
    officer["XK"].languages = ["sq", "sr", "en", "cnr"]
    officer["XK"].save()
    job = import_file(client, officer["XK"], messy_csv(latin, "cp1250"))
    assert job.encoding == "cp1250"
    job = import_file(client, officer["XK"], messy_csv(cyrillic, "cp1251"))
    assert job.encoding == "cp1251"
    job = import_file(client, officer["XK"], messy_csv(turkish, "cp1254"))
    assert job.encoding == "cp1254"
    assert set(Subscriber.objects.values_list("name", flat=True)) == {
        "Šćepan Đurić",
        "Јована Ђорђевић",
        "Çağla Yılmaz",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4,
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(600),
        b"",
        b"   \r\n",
    ],
)
def test_binary_or_empty_file_is_refused_clearly(client, officer, content):
    response = upload(client, officer["XK"], content, name="list.csv")
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_broken_csv_writes_nothing(client, officer):
    content = (
        b'email,name\nok@example.org,Ok\nbad@example.org,"unclosed\n'
        + (b"x@example.org,X\n" * 3)
        + b'"a"b,c\n'
    )
    job = import_file(client, officer["XK"], content)
    assert job.state == "failed"
    assert "not valid CSV" in job.error
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_column_mapping_is_the_officers_choice(client, officer):
    content = "Kontakt,Adresa e postës\nAgim,agim@example.org\n".encode()
    job = import_file(
        client,
        officer["XK"],
        content,
        mapping={"email": 1, "name": 0, "language": None},
    )
    assert job.imported == 1
    assert Subscriber.objects.get().name == "Agim"


@pytest.mark.django_db
def test_import_status_shows_progress_and_offers_the_report(client, officer):
    job = import_file(client, officer["XK"], messy_csv(MESSY_ROWS[:5], "utf-8"))
    status = client.get(f"/admin/audience/imports/{job.pk}/?format=json").json()
    assert status["progress_percent"] == 100
    assert status["rejected"] == 2
    report = client.get(f"/admin/audience/imports/{job.pk}/rejected.csv")
    assert report.content.decode().splitlines() == [
        "row,reason",
        "4,invalid email address (not an email address)",
        "5,duplicate of row 2",
    ]
