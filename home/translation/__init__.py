"""Translation as an editorial process on top of wagtail-localize (the
``translation`` app, inside home as wagtail-localize keeps its sub-apps).

Machine translation backends routed by language pair, exact Serbian script
conversion, per-language translator and reviewer groups with a review
workflow, scoping of what each language's people may touch, a status of every
translation, and the fallback read used by the API.
"""
