from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Country, Organisation, Topic


class CountryViewSet(SnippetViewSet):
    model = Country
    icon = "globe"
    list_display = ["name", "iso_code", "is_regional"]
    list_filter = ["is_regional"]


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    list_display = ["name", "kind", "country", "verified"]
    list_filter = ["kind", "verified"]
    search_fields = ["name"]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    list_display = ["name", "slug"]


class DirectoryViewSetGroup(SnippetViewSetGroup):
    menu_label = "Directory"
    menu_icon = "group"
    menu_order = 200
    items = (OrganisationViewSet, CountryViewSet, TopicViewSet)


register_snippet(DirectoryViewSetGroup)
