"""WAGTAIL_FINISH_WORKFLOW_ACTION: what a finished workflow publishes.

Approval of a language's "Translation review" is the reviewer's licence to
publish that translation, so reviewers need no publish permission on the
locale (which would let them publish the source pages of any country in their
language without that country's moderators). Other workflows keep Wagtail's
behaviour. Wagtail imports this while its models load: imports stay inside.
"""


def publish_on_approval(workflow_state, user=None):
    from wagtail.workflows import publish_workflow_state

    if is_review_workflow(workflow_state.workflow):
        workflow_state.content_object.get_latest_revision().publish(
            user=user, skip_permission_checks=True
        )
    else:
        publish_workflow_state(workflow_state, user=user)


def is_review_workflow(workflow):
    """A language's review workflow is the one on a locale's home page."""
    from wagtail.models import WorkflowPage

    from .scope import LOCALE_ROOT_DEPTH

    return WorkflowPage.objects.filter(
        workflow=workflow, page__depth=LOCALE_ROOT_DEPTH
    ).exists()
