"""S3-compatible storage with bounded waits (cms.settings.storage).

botocore waits 60 s to connect by default and retries: a store that does
not answer would hold every request that touches a file (and /healthz) for
minutes. The timeouts are plain options, so STORAGES stays plain data.
"""

from botocore.config import Config
from storages.backends.s3 import S3Storage


class BoundedS3Storage(S3Storage):
    def __init__(self, *, connect_timeout=5, read_timeout=60, max_attempts=3, **kwargs):
        given = kwargs.get("client_config") is not None
        super().__init__(**kwargs)
        if not given:
            # As django-storages builds its default, plus the bounds.
            self.client_config = Config(
                s3={"addressing_style": self.addressing_style},
                signature_version=self.signature_version,
                proxies=self.proxies,
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
                retries={"max_attempts": max_attempts, "mode": "standard"},
            )
