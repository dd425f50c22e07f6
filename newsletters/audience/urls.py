"""Public subscription pages; mounted under i18n_patterns (/<language>/newsletter/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("subscribe/", views.subscribe_page, name="newsletter_subscribe"),
    path("confirm/<str:token>/", views.confirm_page, name="newsletter_confirm"),
    path(
        "preferences/<str:token>/",
        views.preferences_page,
        name="newsletter_preferences",
    ),
    path(
        "unsubscribe/<str:token>/",
        views.unsubscribe_page,
        name="newsletter_unsubscribe",
    ),
]
