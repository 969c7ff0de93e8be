from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PrivateFileSystemStorage(FileSystemStorage):
    """Local storage for files that are only served through a permission-checking view.

    Its folder (PRIVATE_MEDIA_ROOT) is outside MEDIA_ROOT, so no static or media server can
    expose it; url() points at a path nothing serves.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("base_url", "/private-media-is-not-served/")
        super().__init__(**kwargs)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)
