"""The offline engine's placeholder: it names the language and script it
stands in for, keeps the source text exactly, and never reaches readers: a
translation still holding one is not approved or published, by any path."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string
from wagtail.models import Locale, WorkflowState

from home.translation.placeholders import placeholder_refusal
from news.models import NewsPage

from .conftest import live, translate, translation_of

SOURCE = "Fondacioni nënshkruan partneritet të ri me Qendrën Burimore"


def router():
    config = settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR
    return import_string(config["CLASS"])(config["OPTIONS"])


def offline_output(source_code, target_code, text):
    from wagtail_localize.strings import StringValue

    source = StringValue(text)
    result = router().translate(
        Locale(language_code=source_code), Locale(language_code=target_code), [source]
    )
    return result[source].data


@pytest.mark.parametrize("target", ["sr", "sr-latn", "cnr", "en", "tr"])
def test_placeholder_names_its_target_and_keeps_the_source_exactly(target):
    assert offline_output("sq", target, SOURCE) == f"[MT sq→{target}] {SOURCE}"


def test_a_cyrillic_source_is_not_latinised_in_the_placeholder():
    text = "Фондација потписује ново партнерство"
    assert offline_output("sr", "en", text) == f"[MT sr→en] {text}"


def test_script_conversion_is_still_exact_and_unmarked():
    assert offline_output("sr", "sr-latn", "Удружење грађана") == "Udruženje građana"


@pytest.fixture
def machine_english(client, admin_user, albanian_item, language_user):
    """The English translation with its machine placeholders, in review."""
    english = translate(albanian_item, ["en"], admin_user)["en"]
    translator = language_user("en", "translators")
    client.force_login(translator)
    translation = translation_of(english)
    client.post(
        reverse("wagtail_localize:machine_translate", args=[translation.pk]),
        {"next": "/admin/"},
    )
    client.post(
        reverse("translation_submit_for_review", args=[translation.pk]),
        {"next": "/admin/"},
    )
    english = NewsPage.objects.get(pk=english.pk)
    assert english.title.startswith("[MT sq→en] ")
    assert english.workflow_in_progress
    return english


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


REFUSAL = "still contains machine placeholders"


def test_placeholder_refusal_names_the_fields(machine_english):
    refusal = placeholder_refusal(machine_english.get_latest_revision())
    assert REFUSAL in refusal
    assert "Title" in refusal


def test_reviewer_cannot_approve_a_translation_with_placeholders(
    client, machine_english, language_user
):
    state = WorkflowState.objects.active().get(object_id=str(machine_english.pk))
    client.force_login(language_user("en", "reviewers"))
    response = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[machine_english.pk, "approve", state.current_task_state.pk],
        ),
        {},
        follow=True,
    )
    assert response.status_code == 200
    assert any(REFUSAL in m for m in messages_of(response)), messages_of(response)
    page = NewsPage.objects.get(pk=machine_english.pk)
    assert not page.live
    assert page.workflow_in_progress, "the review goes on"


def test_superuser_cannot_publish_placeholders_from_the_editor(
    client, admin_user, machine_english
):
    client.force_login(admin_user)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[machine_english.pk]),
        {"action": "publish"},
        follow=True,
    )
    assert any(REFUSAL in m for m in messages_of(response)), messages_of(response)
    assert not live(machine_english)


def test_bulk_publish_refuses_placeholders(client, admin_user, machine_english):
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    client.force_login(admin_user)
    response = client.post(f"{url}?id={machine_english.pk}", {}, follow=True)
    assert any(REFUSAL in m for m in messages_of(response)), messages_of(response)
    assert not live(machine_english)


def test_no_code_path_publishes_placeholders(admin_user, machine_english):
    from wagtail.actions.publish_page_revision import PublishPagePermissionError

    with pytest.raises(PublishPagePermissionError, match=REFUSAL):
        machine_english.get_latest_revision().publish(user=admin_user)
    assert not live(machine_english)


def test_once_the_strings_are_edited_the_reviewer_approves(
    client, machine_english, language_user
):
    from wagtail_localize.models import StringTranslation

    for string in StringTranslation.objects.filter(locale=machine_english.locale):
        string.data = string.data.replace("[MT sq→en] ", "")
        string.translation_type = StringTranslation.TRANSLATION_TYPE_MANUAL
        string.save()
    reviewer = language_user("en", "reviewers")
    client.force_login(reviewer)
    client.post(
        reverse(
            "translation_submit_for_review", args=[translation_of(machine_english).pk]
        ),
        {"next": "/admin/"},
    )
    state = WorkflowState.objects.active().get(object_id=str(machine_english.pk))
    client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[machine_english.pk, "approve", state.current_task_state.pk],
        ),
        {},
    )
    page = NewsPage.objects.get(pk=machine_english.pk)
    assert page.live
    assert "[MT" not in page.title
