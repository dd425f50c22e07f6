"""Outgoing mail on the embedded default: one .eml file per message.

Django's file backend appends every message of a connection to one .log file;
a file per message opens in any mail client and is what a developer inspects.
"""

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class EmlFileBackend(BaseEmailBackend):
    def __init__(self, file_path=None, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.directory = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages):
        if not email_messages:
            return 0
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            try:
                self._write(message)
            except Exception:
                if not self.fail_silently:
                    raise
            else:
                sent += 1
        return sent

    def _write(self, message):
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
        final = self.directory / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
        partial = final.with_suffix(".eml.part")
        # Written aside, then renamed: a reader never sees half a message.
        with open(partial, "wb") as handle:
            handle.write(message.message().as_bytes(linesep="\r\n"))
            handle.flush()
            os.fsync(handle.fileno())
        partial.rename(final)
