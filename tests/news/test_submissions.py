"""CSO submissions: a draft under review in the right country and language,
never published by itself; hostile input refused or defanged."""

import io

import pytest
from django.core import mail
from django.test import Client
from PIL import Image
from wagtail.models import WorkflowState

from news.models import NewsPage, Organisation, Submission
from tests.conftest import assert_permission_denied

API = "/api/v3/submissions/"
PAGE = "/sq/submit-news/"


def payload(**overrides):
    data = {
        "submitter_name": "Arbër Gashi",
        "submitter_email": "arber@example.org",
        "country": "XK",
        "language": "sq",
        "organisation": None,
        "new_organisation_name": "Shoqata e të rinjve të Gjilanit",
        "title": "Punëtori për shoqërinë civile në Gjilan",
        "text": "Çdo vit organizojmë një punëtori.\n\nKëtë vit erdhën 40 të rinj.",
        "consent": True,
    }
    data.update(overrides)
    return data


def png_bytes(size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def post_api(client, data, ip="203.0.113.7"):
    return client.post(API, data, content_type="application/json", REMOTE_ADDR=ip)


def test_api_submission_becomes_a_draft_under_review(
    client, programme, team_user, django_capture_on_commit_callbacks
):
    kosovo_moderator = team_user("XK", "moderator")
    serbia_moderator = team_user("RS", "moderator")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_api(client, payload())
    assert response.status_code == 202, response.content
    assert response.json() == {"status": "received"}

    page = NewsPage.objects.get()
    assert page.title == "Punëtori për shoqërinë civile në Gjilan"
    assert page.locale.language_code == "sq"
    assert page.country.iso_code == "XK"
    assert page.get_parent().specific.country.iso_code == "XK"
    assert not page.live
    assert page.provenance == NewsPage.Provenance.SUBMISSION
    assert "Këtë vit erdhën 40 të rinj." in str(
        page.get_latest_revision_as_object().body
    )
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "CSO submission review: Kosovo"

    organisation = page.get_latest_revision_as_object().organisation
    assert organisation.name == "Shoqata e të rinjve të Gjilanit"
    assert not organisation.verified
    submission = Submission.objects.get()
    assert submission.ip_address == "203.0.113.7"
    assert submission.consent_to_publish and submission.source == "api"

    to_submitter = [m for m in mail.outbox if m.to == ["arber@example.org"]]
    assert len(to_submitter) == 1
    assert to_submitter[0].subject == "Morëm lajmin tuaj"
    assert "I/E nderuar Arbër Gashi" in to_submitter[0].body
    team_recipients = {r for m in mail.outbox for r in m.to} - {"arber@example.org"}
    assert kosovo_moderator.email in team_recipients
    assert serbia_moderator.email not in team_recipients


def test_serbian_cyrillic_submission_keeps_its_script(client, programme):
    data = payload(
        country="RS",
        language="sr",
        organisation=programme["organisations"]["CI"].pk,
        new_organisation_name="",
        title="Удружење грађана из Ниша",
        text="Обука за волонтере у Нишу.",
        submitter_email="milica@example.org",
    )
    assert post_api(client, data).status_code == 202
    page = NewsPage.objects.get()
    assert page.title == "Удружење грађана из Ниша"
    assert page.slug == "удружење-грађана-из-ниша"
    assert page.locale.language_code == "sr"
    assert page.country.iso_code == "RS"


def test_xss_is_removed_before_storage(client, programme):
    data = payload(
        title='<script>alert(1)</script>Lajm <img src=x onerror="alert(2)">',
        text='<a href="javascript:alert(3)">kliko</a> <b onmouseover="x()">teksti</b>',
    )
    assert post_api(client, data).status_code == 202
    page = NewsPage.objects.get()
    stored = page.title + page.lead + str(page.get_latest_revision_as_object().body)
    for bad in ("<script", "onerror", "javascript:", "onmouseover", "<a ", "<b "):
        assert bad not in stored
    assert page.title == "Lajm"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"consent": False}, "consent"),
        ({"country": "ZZ"}, "country"),
        ({"language": "de"}, "language"),
        ({"submitter_email": "not-an-address"}, "submitter_email"),
        ({"title": ""}, "title"),
        ({"new_organisation_name": ""}, "new_organisation_name"),
        ({"text": "x" * 20_001}, "text"),
    ],
)
def test_bad_fields_get_400_with_field_errors(client, programme, overrides, field):
    response = post_api(client, payload(**overrides))
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"], body
    assert body["errors"][field][0]["message"]
    assert not NewsPage.objects.exists() and not Submission.objects.exists()


def test_organisation_of_another_country_is_refused(client, programme):
    data = payload(organisation=programme["organisations"]["CI"].pk)
    response = post_api(client, data)
    assert response.status_code == 400
    assert "organisation" in response.json()["errors"]


def test_malformed_json_is_a_client_error_not_500(client, programme):
    response = client.post(API, "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500


def test_honeypot_refuses_silently_filled_forms(client, programme):
    response = post_api(client, payload(website="http://spam.example"))
    assert response.status_code == 400
    assert not NewsPage.objects.exists()


def test_too_many_from_one_address_get_429(client, programme, settings):
    settings.NEWS_SUBMISSION_RATE_PER_IP = (3, 3600)
    codes = [
        post_api(client, payload(submitter_email=f"p{n}@example.org")).status_code
        for n in range(4)
    ]
    assert codes == [202, 202, 202, 429]
    response = post_api(client, payload(submitter_email="other@example.org"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    other_ip = post_api(
        client, payload(submitter_email="z@example.org"), ip="198.51.100.9"
    )
    assert other_ip.status_code == 202
    assert NewsPage.objects.count() == 4


def test_too_many_for_one_email_get_429(client, programme, settings):
    settings.NEWS_SUBMISSION_RATE_PER_EMAIL = (2, 3600)
    codes = [
        post_api(client, payload(), ip=f"198.51.100.{n}").status_code for n in range(3)
    ]
    assert codes == [202, 202, 429]


def test_html_form_needs_csrf(programme):
    client = Client(enforce_csrf_checks=True)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.content.decode()
    form = {**payload(), "consent": "on"}
    del form["organisation"]
    assert client.post(PAGE, form).status_code == 403
    token = client.cookies["csrftoken"].value
    response = client.post(PAGE, {**form, "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert NewsPage.objects.filter(live=False).count() == 1


def form_data(**overrides):
    data = {**payload(), "consent": "on"}
    del data["organisation"]
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def upload(name, content, content_type="image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def test_html_form_with_image_sets_the_hero_image(client, programme):
    data = form_data(image=upload("foto.png", png_bytes()), image_rights="on")
    response = client.post(PAGE, data)
    assert response.status_code == 200, response.content.decode()[:2000]
    page = NewsPage.objects.get()
    image = page.get_latest_revision_as_object().hero_image
    assert image is not None and image.width == 40
    assert image.collection.name == "CSO submissions"


@pytest.mark.parametrize(
    ("image", "field"),
    [
        (("notes.png", b"this is not an image"), "image"),
        (("script.svg", b"<svg onload='alert(1)'/>"), "image"),
        (("big.png", None), "image"),
    ],
)
def test_bad_images_get_400(client, programme, settings, image, field):
    name, content = image
    if content is None:
        settings.NEWS_SUBMISSION_IMAGE_MAX_BYTES = 100
        content = png_bytes((200, 200))
    response = client.post(
        PAGE, form_data(image=upload(name, content), image_rights="on")
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not NewsPage.objects.exists()


def test_image_without_rights_confirmation_is_refused(client, programme):
    response = client.post(PAGE, form_data(image=upload("foto.png", png_bytes())))
    assert response.status_code == 400
    assert "image_rights" in response.context["form"].errors


def test_existing_unverified_organisation_is_reused(client, programme):
    post_api(client, payload(submitter_email="a@example.org"))
    post_api(
        client,
        payload(
            submitter_email="b@example.org",
            new_organisation_name="SHOQATA E TË RINJVE TË GJILANIT",
        ),
    )
    assert Organisation.objects.filter(verified=False).count() == 1


def test_submission_records_are_read_only_in_the_admin(admin_client, programme):
    post_api(admin_client, payload())
    submission = Submission.objects.get()
    base = "/admin/snippets/news/submission/"
    assert admin_client.get(base).status_code == 200
    assert admin_client.get(f"{base}inspect/{submission.pk}/").status_code == 200
    assert_permission_denied(admin_client.get(f"{base}edit/{submission.pk}/"))
    admin_client.post(f"{base}edit/{submission.pk}/", {"submitter_name": "Someone"})
    assert Submission.objects.get().submitter_name == "Arbër Gashi"
