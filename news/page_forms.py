"""The editor's form for news and event pages: pickers of translatable
snippets shown as plain choices (topics) offer the page's language only.

Topics exist once per language (a translation group); listing every
language's rows side by side offered "Environment", "Mjedisi" and
"Животна средина" on one Albanian page. Rows already chosen stay offered, so
that saving never drops one. (Choosers of snippets such as the organisation
filter by locale themselves.)
"""

from django.db.models import Q
from wagtail.admin.forms import WagtailAdminPageForm

LOCAL_CHOICES = ("topics",)


class CountryPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        locale_id = self.instance.locale_id or getattr(
            self.parent_page, "locale_id", None
        )
        if locale_id is None:
            return
        for name in LOCAL_CHOICES:
            field = self.fields.get(name)
            if field is None:
                continue
            chosen = self.instance.pk and getattr(self.instance, name).all()
            query = Q(locale_id=locale_id)
            if chosen:
                query |= Q(pk__in=[item.pk for item in chosen])
            field.queryset = field.queryset.filter(query)
