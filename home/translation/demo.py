"""Demo data for translation: the language teams and their review workflows."""

from .teams import ensure_language_teams


def load(log):
    teams = ensure_language_teams()
    log(f"Language teams ready: {len(teams)} languages, translators and reviewers.")
