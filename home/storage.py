"""The private file storage: files no URL may hand out (subscriber imports).

``STORAGES["private"]``: a folder outside MEDIA_ROOT on one machine, a private
bucket (or prefix) on object storage with several (cms.settings.base), so that
a file the web host stores is read by a worker on another host.
"""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

PRIVATE = "private"


class PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages[PRIVATE]


private_storage = PrivateStorage()


def get_private_storage():
    """For FileField(storage=...): a callable keeps migrations independent
    of the deployment's storage."""
    return private_storage


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs):
    if setting == "STORAGES":
        private_storage._wrapped = empty
