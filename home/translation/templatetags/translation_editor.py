"""The translation editor's main button per role (home.translation.editor)."""

from django import template

from ..editor import button_labels, editor_props

register = template.Library()


@register.simple_tag(takes_context=True)
def review_editor(context):
    """{"props", "labels"} for wagtail-localize's editor template."""
    request = context["request"]
    translation, instance = context["translation"], context["instance"]
    props, action = editor_props(context["props"], request.user, translation, instance)
    return {
        "props": props,
        "labels": button_labels(action),
    }
