from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from .query import SearchError, search


@require_safe
def search_page(request):
    """A simple search page in the current language (the website has its own)."""
    q = request.GET.get("q", "")
    context = {"q": q, "results": None, "error": None}
    if q.strip():
        try:
            context["results"] = search(q, locale=get_language(), limit=20)
        except SearchError as error:
            context["error"] = error.message
    status = 400 if context["error"] else 200
    return render(request, "search/search.html", context, status=status)
