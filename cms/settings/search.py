"""The search backend: PostgreSQL's or SQLite's full text search by default,
OpenSearch (OPENSEARCH_URL, install opensearch-py) or Elasticsearch
(ELASTICSEARCH_URL, install elasticsearch 8) for large installations."""

from .env import env_str


def search_backends():
    """WAGTAILSEARCH_BACKENDS."""
    if env_str("OPENSEARCH_URL"):
        return {
            "default": {
                "BACKEND": "wagtail.search.backends.opensearch2",
                "URLS": [env_str("OPENSEARCH_URL")],
                "INDEX": env_str("SEARCH_INDEX", "cms"),
            }
        }
    elif env_str("ELASTICSEARCH_URL"):
        return {
            "default": {
                "BACKEND": "wagtail.search.backends.elasticsearch8",
                "URLS": [env_str("ELASTICSEARCH_URL")],
                "INDEX": env_str("SEARCH_INDEX", "cms"),
            }
        }
    else:
        return {
            "default": {
                "BACKEND": "wagtail.search.backends.database",
                "SEARCH_CONFIG": "simple",
            }
        }
