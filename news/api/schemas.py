"""The read API's news and event schemas: items, details, their body blocks,
lists, locales, and the listing filters."""

import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import Tag

from home.api_params import MAX_ID, IsoDate

from .content import (
    CountryOut,
    ImageOut,
    OrganisationOut,
    PageBase,
    Paging,
    TopicOut,
)


class ParagraphBlock(Schema):
    type: Literal["paragraph"]
    html: str = Field(description="Rich text HTML with internal links resolved")


class ImageBlock(Schema):
    type: Literal["image"]
    image: ImageOut | None
    caption: str
    credit: str


class QuoteBlock(Schema):
    type: Literal["quote"]
    text: str
    attribution: str


class EmbedBlock(Schema):
    type: Literal["embed"]
    url: str


class DocumentBlock(Schema):
    type: Literal["document"]
    title: str
    url: str


class CallToActionBlock(Schema):
    type: Literal["call_to_action"]
    text: str
    url: str


Block = Annotated[
    Annotated[ParagraphBlock, Tag("paragraph")]
    | Annotated[ImageBlock, Tag("image")]
    | Annotated[QuoteBlock, Tag("quote")]
    | Annotated[EmbedBlock, Tag("embed")]
    | Annotated[DocumentBlock, Tag("document")]
    | Annotated[CallToActionBlock, Tag("call_to_action")],
    Field(discriminator="type"),
]


class NewsSummary(PageBase):
    date: datetime.date
    lead: str
    hero_image: ImageOut | None
    organisation: OrganisationOut | None
    topics: list[TopicOut]


class NewsDetail(NewsSummary):
    requested_locale: str
    body: list[Block]
    source_url: str


class EventSummary(PageBase):
    event_type: str
    start: datetime.datetime
    end: datetime.datetime
    time_zone: str
    is_online: bool
    venue: str
    city: str
    venue_country: CountryOut | None
    organiser: OrganisationOut | None
    registration_url: str
    registration_deadline: datetime.datetime | None
    languages: list[str]
    ics_url: str


class EventDetail(EventSummary):
    requested_locale: str
    description: list[Block]


class NewsList(Schema):
    total: int
    limit: int
    offset: int
    items: list[NewsSummary]


class EventList(Schema):
    total: int
    limit: int
    offset: int
    items: list[EventSummary]


class OrganisationList(Schema):
    total: int
    limit: int
    offset: int
    items: list[OrganisationOut]


class LocaleOut(Schema):
    code: str
    name: str
    fallbacks: list[str] = Field(description="Locales tried, in order, when missing")


class NewsFilters(Paging):
    locale: str = Field("en", description="Content language code")
    fallback: bool = Field(
        False, description="Fill gaps from the locale's fallback chain"
    )
    country: str = Field("", description="ISO code, e.g. XK")
    topic: str = Field("", description="Topic slug")
    organisation: int | None = Field(
        None, ge=1, le=MAX_ID, description="Organisation id"
    )
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None


class EventFilters(Paging):
    locale: str = "en"
    fallback: bool = False
    country: str = ""
    event_type: str = Field("", description="e.g. training, p2p, conference")
    when: Literal["upcoming", "past", "all"] = "upcoming"
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
