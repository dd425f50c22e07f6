"""PO export -> filled PO import -> review -> the live text changes."""

import polib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail_localize.models import Translation

from news.models import NewsPage
from tests.conftest import assert_permission_denied

from .conftest import translate

SQ_TITLE = "Fondacioni nënshkruan partneritet të ri"
SQ_LEAD = "Qendra Burimore do të mbështesë organizatat lokale."
FILLED = {
    "sr": {
        SQ_TITLE: "Фондација потписује ново партнерство",
        SQ_LEAD: "Ресурсни центар ће подржати локалне организације у Ђаковици.",
    },
    "tr": {
        SQ_TITLE: "Vakıf yeni bir ortaklık imzaladı",
        SQ_LEAD: "Kaynak Merkezi, Iğdır ve İstanbul'daki kuruluşları destekleyecek.",
    },
}


def test_po_export_import_and_publish_changes_the_live_text(
    client, admin_user, albanian_item, language_user
):
    targets = translate(albanian_item, ["sr", "tr"], admin_user)
    for code, page in targets.items():
        translation = Translation.objects.get(target_locale=page.locale)
        translator = language_user(code, "translators")
        client.force_login(translator)
        response = client.get(
            reverse("wagtail_localize:download_pofile", args=[translation.pk])
        )
        assert response.status_code == 200
        po = polib.pofile(response.content.decode())
        for entry in po:
            if entry.msgid in FILLED[code]:
                entry.msgstr = FILLED[code][entry.msgid]
        upload = SimpleUploadedFile(
            "t.po", str(po).encode(), "text/x-gettext-translation"
        )
        client.post(
            reverse("wagtail_localize:upload_pofile", args=[translation.pk]),
            {"file": upload, "next": "/admin/"},
        )
        client.post(
            reverse("translation_submit_for_review", args=[translation.pk]),
            {"next": "/admin/"},
        )
        assert not NewsPage.objects.get(pk=page.pk).live

        client.force_login(language_user(code, "reviewers"))
        state = WorkflowState.objects.active().get(object_id=str(page.pk))
        client.post(
            reverse(
                "wagtailadmin_pages:workflow_action",
                args=[page.pk, "approve", state.current_task_state.pk],
            ),
            {},
        )
        live = NewsPage.objects.get(pk=page.pk)
        assert live.live
        expected = FILLED[code]
        assert live.title == expected[SQ_TITLE]
        assert live.lead == expected[SQ_LEAD]


def test_a_po_file_of_another_language_is_refused(
    client, admin_user, albanian_item, language_user
):
    targets = translate(albanian_item, ["sr", "tr"], admin_user)
    serbian = Translation.objects.get(target_locale=targets["sr"].locale)
    turkish = Translation.objects.get(target_locale=targets["tr"].locale)
    client.force_login(language_user("tr", "translators"))
    # A Turkish translator may not even read the Serbian one.
    response = client.get(
        reverse("wagtail_localize:download_pofile", args=[serbian.pk])
    )
    assert_permission_denied(response)
    assert b"msgid" not in response.content
    response = client.get(
        reverse("wagtail_localize:download_pofile", args=[turkish.pk])
    )
    assert response.status_code == 200
