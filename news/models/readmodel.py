"""The news read model's row (news.readmodel keeps it in line with the content)."""

from django.db import models
from wagtail.models import Page


class NewsListingRow(models.Model):
    """A published news page as the listing shows it (see news.readmodel).

    Not the API schema ``news.api.schemas.NewsSummary``: this row stores that
    item's JSON, split around its translations list."""

    page = models.OneToOneField(
        Page, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    language_code = models.CharField(max_length=100)
    translation_key = models.UUIDField(db_index=True)
    country_key = models.UUIDField(db_index=True)
    organisation_id = models.IntegerField(null=True, db_index=True)
    date = models.DateField()
    url = models.CharField(max_length=2000)
    # The item's JSON before and after its translations list.
    head = models.TextField()
    tail = models.TextField()

    class Meta:
        indexes = [
            models.Index(
                fields=["language_code", "-date", "-page"], name="news_summary_order"
            )
        ]

    def __str__(self):
        return f"{self.language_code} {self.url}"
