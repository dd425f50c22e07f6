"""One path for a CSO submission, whether from the HTML page or the API:
rate limits, validation, then intake."""

from dataclasses import dataclass, field

from home.http import client_ip, user_agent
from home.ratelimit import hit

from .conf import app_settings
from .forms import SubmissionForm
from .intake import submit


@dataclass
class Outcome:
    status: int  # 202 accepted, 400 invalid, 429 too many
    form: SubmissionForm | None = None
    errors: dict = field(default_factory=dict)
    retry_after: int = 0


def handle_submission(request, data, files=None, source="page"):
    ip = client_ip(request)
    limit, window = app_settings.NEWS_SUBMISSION_RATE_PER_IP
    verdict = hit("submission-ip", ip, limit, window)
    if not verdict.allowed:
        return Outcome(429, retry_after=verdict.retry_after)
    form = SubmissionForm(data, files)
    if not form.is_valid():
        return Outcome(400, form=form, errors=form.errors.get_json_data())
    limit, window = app_settings.NEWS_SUBMISSION_RATE_PER_EMAIL
    verdict = hit(
        "submission-email", form.cleaned_data["submitter_email"], limit, window
    )
    if not verdict.allowed:
        return Outcome(429, form=form, retry_after=verdict.retry_after)
    submit(
        form.cleaned_data,
        ip_address=ip,
        user_agent=user_agent(request),
        source=source,
    )
    return Outcome(202, form=form)
