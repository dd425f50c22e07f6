"""Driving Wagtail's page editor as the browser does: the edit form's fields,
the "Approve" button (workflow-action.js adds two hidden inputs to the form)
and autosave (the same form posted with ``Accept: application/json`` and,
once it has saved, the revision it overwrites)."""

from wagtail.models import Locale
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from news.intake import create_draft_news
from news.models import NewsPage


def submission(programme, iso="XK", code="sq", title="Lajm nga Prizreni"):
    """A CSO's item, waiting in the country's review workflow."""
    return create_draft_news(
        country=programme["countries"][iso],
        locale=Locale.objects.get(language_code=code),
        title=title,
        lead="Organizata jonë çel një qendër të re.",
        body_html="<p>Trupi i lajmit.</p>",
        provenance=NewsPage.Provenance.SUBMISSION,
    )


def edit_url(page):
    return f"/admin/pages/{page.pk}/edit/"


def form_data(page, *, lead, loaded_revision, overwrite_revision=None, approve=False):
    """What the editor posts: the page's fields as the editor shows them (its
    latest revision, the body's blocks with their ids), ``lead`` typed in."""
    draft = page.get_latest_revision_as_object()
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "date": page.date.isoformat(),
            "lead": lead,
            "body": body(draft),
            "provenance": page.provenance,
            "source_url": "",
            "comments": inline_formset([]),
        }
    )
    data["loaded_revision_id"] = str(loaded_revision.pk)
    data["loaded_revision_created_at"] = loaded_revision.created_at.isoformat()
    if overwrite_revision is not None:
        data["overwrite_revision_id"] = str(overwrite_revision.pk)
    if approve:
        data["action-workflow-action"] = "true"
        data["workflow-action-name"] = "approve"
    return data


def autosave(client, page, data):
    return client.post(edit_url(page), data, headers={"accept": "application/json"})


def body(page):
    """The paragraphs of ``page``'s body as its StreamField form posts them."""
    blocks = {
        str(index): {
            "type": block.block_type,
            "value": rich_text(block.value.source),
            "id": block.id,
            "deleted": "",
            "order": str(index),
        }
        for index, block in enumerate(page.body)
    }
    return {**blocks, "count": str(len(blocks))}
