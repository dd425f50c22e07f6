"""Where files live: STORAGES for media, private files and static files.

One machine: local disk (MEDIA_ROOT, and the private folder outside it).
Several hosts: media and private files on S3-compatible object storage
(django-storages, boto3) when AWS_STORAGE_BUCKET_NAME is set, so that what
the web host stores a worker reads, and the reverse. Media URLs are unsigned
(a rendition in a sent email must answer for months): the bucket's policy
makes images/ (renditions) public, never original_images/ (docs/deploy.md).
Private files (subscriber imports, home.storage) go to AWS_PRIVATE_BUCKET_NAME,
else under AWS_PRIVATE_LOCATION of the same bucket, with a private ACL and
short-lived signed URLs.
"""

from .env import env_int, env_str


def file_storages(private_root):
    """Settings to add: STORAGES, and those object storage changes."""
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        # home.storage.private_storage; no URL: files are read by the processes.
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": private_root, "base_url": None},
        },
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
    bucket = env_str("AWS_STORAGE_BUCKET_NAME")
    if not bucket:
        return {"STORAGES": storages, "AWS_STORAGE_BUCKET_NAME": None}
    s3 = {
        "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
        "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
        "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
        "region_name": env_str("AWS_S3_REGION_NAME") or None,
        "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE") or None,
        "signature_version": "s3v4",
        # Bounded waits (home.s3): a store that does not answer fails a
        # request, and /healthz, in seconds.
        "connect_timeout": env_int("AWS_S3_CONNECT_TIMEOUT", 5),
        "read_timeout": env_int("AWS_S3_READ_TIMEOUT", 60),
        # Never replace a stored file of the same name: a new, unique name.
        "file_overwrite": False,
    }
    storages["default"] = {
        "BACKEND": "home.s3.BoundedS3Storage",
        "OPTIONS": {
            **s3,
            "bucket_name": bucket,
            "location": env_str("AWS_LOCATION", ""),
            "custom_domain": env_str("AWS_S3_CUSTOM_DOMAIN") or None,
            "url_protocol": env_str("AWS_S3_URL_PROTOCOL", "https:"),
            "default_acl": env_str("AWS_DEFAULT_ACL") or None,
            "querystring_auth": False,
            "object_parameters": {
                "CacheControl": env_str(
                    "AWS_MEDIA_CACHE_CONTROL", "public, max-age=31536000"
                )
            },
        },
    }
    private_bucket = env_str("AWS_PRIVATE_BUCKET_NAME")
    storages["private"] = {
        "BACKEND": "home.s3.BoundedS3Storage",
        "OPTIONS": {
            **s3,
            "bucket_name": private_bucket or bucket,
            "location": (
                "" if private_bucket else env_str("AWS_PRIVATE_LOCATION", "private")
            ),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
        },
    }
    return {
        "STORAGES": storages,
        "AWS_STORAGE_BUCKET_NAME": bucket,
        # Documents are streamed by Django after its privacy check, not
        # redirected to the bucket: only images/ (renditions) are public.
        "WAGTAILDOCS_SERVE_METHOD": "serve_view",
    }
