from django.shortcuts import render
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from .forms import SubmissionForm
from .submissions import handle_submission


@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def submit_news(request):
    """The public page where a CSO sends news for review (CSRF-protected)."""
    if request.method != "POST":
        return render(request, "news/submission_form.html", {"form": SubmissionForm()})
    outcome = handle_submission(request, request.POST, request.FILES, source="page")
    if outcome.status == 202:
        return render(request, "news/submission_received.html", status=200)
    response = render(
        request,
        "news/submission_form.html",
        {
            "form": outcome.form or SubmissionForm(request.POST),
            "status": outcome.status,
        },
        status=outcome.status,
    )
    if outcome.retry_after:
        response["Retry-After"] = str(outcome.retry_after)
    return response
