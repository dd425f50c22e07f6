"""Albanian source -> English by the offline machine backend -> review -> live."""

from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail_localize.models import StringTranslation, Translation

from news.models import NewsPage

from .conftest import translate


def approve_url(page):
    state = WorkflowState.objects.active().get(object_id=str(page.pk))
    return reverse(
        "wagtailadmin_pages:workflow_action",
        args=[page.pk, "approve", state.current_task_state.pk],
    )


def test_albanian_page_machine_translated_to_english_goes_live_only_after_review(
    client, admin_user, albanian_item, language_user
):
    english = translate(albanian_item, ["en"], admin_user)["en"]
    assert not english.live, "a translation starts as a draft"
    translation = Translation.objects.get(target_locale=english.locale)
    translator = language_user("en", "translators")
    reviewer = language_user("en", "reviewers")

    client.force_login(translator)
    response = client.post(
        reverse("wagtail_localize:machine_translate", args=[translation.pk]),
        {"next": "/admin/"},
    )
    assert response.status_code == 302
    machine = StringTranslation.objects.filter(
        locale=english.locale,
        translation_type=StringTranslation.TRANSLATION_TYPE_MACHINE,
    )
    assert machine.exists()
    machine = list(machine)
    assert all(s.data.startswith("[MT sq→en] ") for s in machine)

    # The editor's main button ("action=publish") submits it for review:
    # a translator cannot publish.
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[english.pk]),
        {"action": "publish"},
        follow=True,
    )
    assert "Submitted the English translation for review." in (
        response.content.decode()
    )
    english = NewsPage.objects.get(pk=english.pk)
    assert not english.live
    assert english.get_workflow().name == "Translation review: English"
    assert english.workflow_in_progress
    # The translator may not approve their own work.
    response = client.post(approve_url(english), {})
    assert not NewsPage.objects.get(pk=english.pk).live

    # The reviewer may not approve machine placeholders...
    client.force_login(reviewer)
    client.post(approve_url(english), {})
    assert not NewsPage.objects.get(pk=english.pk).live
    # ...so the translator replaces them and submits again.
    for string in machine:
        string.data = string.data.replace("[MT sq→en] ", "EN: ")
        string.translation_type = StringTranslation.TRANSLATION_TYPE_MANUAL
        string.save()
    client.force_login(translator)
    response = client.post(
        reverse("translation_submit_for_review", args=[translation.pk]),
        {"next": "/admin/"},
    )
    assert response.status_code == 302

    client.force_login(reviewer)
    response = client.post(approve_url(english), {})
    assert response.status_code in (200, 302)
    english = NewsPage.objects.get(pk=english.pk)
    assert english.live
    assert english.title == "EN: Fondacioni nënshkruan partneritet të ri"
    assert english.lead.startswith("EN: Qendra Burimore")
    # Synchronised, not translated: the date and organisation are the source's.
    assert english.date == albanian_item.date
    assert english.organisation_id == albanian_item.organisation_id
    assert english.country.iso_code == "XK"


def test_country_moderator_cannot_publish_an_unreviewed_translation(
    client, admin_user, albanian_item, team_user
):
    english = translate(albanian_item, ["en"], admin_user)["en"]
    moderator = team_user("XK", "moderator")
    # Their publish permission on Kosovo's sections does not extend to it...
    assert not english.permissions_for_user(moderator).can_publish()
    client.force_login(moderator)
    # ...and a publish request is refused with the reason.
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[english.pk]),
        {"action": "publish"},
        follow=True,
    )
    assert "Only reviewers of English can publish this translation" in (
        response.content.decode()
    )
    assert not NewsPage.objects.get(pk=english.pk).live
