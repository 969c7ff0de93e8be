"""Serving files from the private storage (after the view has checked access).

Local storage: streamed by Django; videos answer HTTP Range requests (206), which Safari and
seeking in any browser need. Object storage (S3): a redirect to a short-lived signed URL, so
app servers never proxy large files.
"""

import mimetypes
import os
import re

from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.utils.translation import gettext as _

CHUNK = 64 * 1024
# Files only some learners may fetch: never kept by a browser or a shared proxy (no-store).
PRIVATE_CACHE_CONTROL = "private, no-store"
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _headers(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = PRIVATE_CACHE_CONTROL
    response["Accept-Ranges"] = "bytes"
    return response


def _open(file_field):
    try:
        return file_field.storage.open(file_field.name, "rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404(_("File not found.")) from None


def _byte_range(header, size):
    """(start, end) inclusive for a single "bytes=" range, None to send it all, or "invalid"."""
    match = _RANGE.match((header or "").strip())
    if not match or not (match[1] or match[2]):
        return None
    if not match[1]:  # suffix: the last N bytes
        length = int(match[2])
        if length == 0:
            return "invalid"
        return max(0, size - length), size - 1
    start = int(match[1])
    end = min(int(match[2]), size - 1) if match[2] else size - 1
    if start >= size or start > end:
        return "invalid"
    return start, end


def _stream(handle, start, length):
    try:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()


def _is_local(storage, name):
    try:
        storage.path(name)
    except NotImplementedError:
        return False
    return True


def _signed_redirect(file_field, *, filename, content_type, as_attachment):
    disposition = "attachment" if as_attachment else "inline"
    parameters = {
        "ResponseContentDisposition": f'{disposition}; filename="{filename}"',
        "ResponseContentType": content_type,
    }
    try:
        url = file_field.storage.url(file_field.name, parameters=parameters)
    except TypeError:  # a remote storage without S3's parameters
        url = file_field.storage.url(file_field.name)
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response


def serve_private(request, file_field, *, as_attachment):
    """The file as a download (attachment) or inline (video), honouring Range for inline files."""
    filename = os.path.basename(file_field.name)
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if not _is_local(file_field.storage, file_field.name):
        return _signed_redirect(
            file_field, filename=filename, content_type=content_type, as_attachment=as_attachment
        )
    handle = _open(file_field)
    if not as_attachment and request.headers.get("Range"):
        size = file_field.storage.size(file_field.name)
        byte_range = _byte_range(request.headers["Range"], size)
        if byte_range == "invalid":
            handle.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return _headers(response)
        if byte_range is not None:
            start, end = byte_range
            response = StreamingHttpResponse(
                _stream(handle, start, end - start + 1), status=206, content_type=content_type
            )
            response["Content-Range"] = f"bytes {start}-{end}/{size}"
            response["Content-Length"] = str(end - start + 1)
            return _headers(response)
    response = FileResponse(
        handle, as_attachment=as_attachment, filename=filename, content_type=content_type
    )
    return _headers(response)
