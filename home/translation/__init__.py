"""Translation as an editorial process on top of wagtail-localize (the
``translation`` app, inside home as wagtail-localize keeps its sub-apps).

Machine translation backends routed by language pair, exact Serbian script
conversion, per-language translator and reviewer groups with a review
workflow, scoping of what each language's people may touch, and a status of
every translation. Which translation a reader gets is home.locales'
(best_language), shared with the API and newsletters.
"""
