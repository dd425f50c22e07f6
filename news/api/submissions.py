"""Public API of the news app: CSO submissions."""

from ninja import Router, Schema, Status
from pydantic import Field

from home.api_errors import Problem, problem

from ..submissions import handle_submission

router = Router(tags=["submissions"])


class SubmissionIn(Schema):
    submitter_name: str = Field(max_length=200)
    submitter_email: str = Field(max_length=254)
    country: str = Field(description="ISO code, e.g. XK for Kosovo", max_length=8)
    language: str = Field(description="Content language code, e.g. sq", max_length=8)
    organisation: int | None = Field(
        None, description="Id of a listed (verified) organisation"
    )
    new_organisation_name: str = Field("", max_length=255)
    title: str = Field(max_length=255)
    text: str = Field(description="Plain text; blank lines separate paragraphs")
    consent: bool = Field(description="Consent to publish; must be true")
    website: str = Field("", description="Leave empty (spam trap)")


class SubmissionAccepted(Schema):
    status: str = "received"


@router.post(
    "/",
    response={202: SubmissionAccepted, 400: Problem, 429: Problem},
    summary="Send news for review",
    description=(
        "A CSO sends a news item. It becomes a draft that a communications "
        "officer reviews; nothing is published automatically. Images are "
        "accepted through the web form. Rate limited per client and per email."
    ),
)
def create_submission(request, payload: SubmissionIn):
    data = payload.dict()
    data["consent"] = "on" if data["consent"] else ""
    if data["organisation"] is None:
        data["organisation"] = ""
    outcome = handle_submission(request, data, source="api")
    if outcome.status == 202:
        return Status(202, SubmissionAccepted())
    if outcome.status == 429:
        return problem(429, "Too many submissions", retry_after=outcome.retry_after)
    return Status(
        400, Problem(status=400, title="Invalid submission", errors=outcome.errors)
    )
