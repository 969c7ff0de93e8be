"""Helpers for the studio (admin) tests: submit an admin form the way a browser would."""

from html.parser import HTMLParser


class _FormFields(HTMLParser):
    """Collects the values a browser would submit from the page's main admin form."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.file_inputs: list[str] = []
        self._select = None
        self._select_values = []
        self._textarea = None
        self._multiple = False

    def _add(self, name, value):
        if "__prefix__" in name or "-empty-" in name or name in {"csrfmiddlewaretoken", "robots"}:
            return
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind == "file" and "__prefix__" not in name and "-empty-" not in name:
                self.file_inputs.append(name)
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._add(name, attrs.get("value", "on"))
                return
            self._add(name, attrs.get("value", ""))
        elif tag == "select" and name:
            self._select, self._select_values = name, []
            self._multiple = "multiple" in attrs
        elif tag == "option" and self._select is not None and "selected" in attrs:
            self._select_values.append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            for value in self._select_values:
                self._add(self._select, value)
            if not self._select_values and not self._multiple:
                # Without an explicit selection a browser submits the first option.
                self._add(self._select, "")
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            self._add(name, value.removeprefix("\n"))
            self._textarea = None


def _fields_of(response) -> _FormFields:
    if not hasattr(response, "_form_fields"):
        response._form_fields = _FormFields()
        response._form_fields.feed(response.content.decode())
    return response._form_fields


def form_data(response) -> dict:
    """The admin form of `response` as POST data (change what you need, then post it)."""
    parser = _fields_of(response)
    return {name: values if len(values) > 1 else values[0] for name, values in parser.data.items()}


def post_as_browser(client, url, response, data):
    """POST `data` to `url` as multipart, the way a browser submits the form of `response`: each
    file input left empty is sent too, as a part with an empty file name."""
    parser = _fields_of(response)
    boundary = "studio-form-boundary"
    parts = [
        f'Content-Disposition: form-data; name="{name}"\r\n\r\n{value}'
        for name, values in data.items()
        for value in (values if isinstance(values, list) else [values])
    ] + [
        f'Content-Disposition: form-data; name="{name}"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
        for name in parser.file_inputs
    ]
    body = "".join(f"--{boundary}\r\n{part}\r\n" for part in parts) + f"--{boundary}--\r\n"
    return client.post(url, body.encode(), content_type=f"multipart/form-data; boundary={boundary}")


def errors_of(response) -> str:
    """Every error message of an admin change form response (form, inlines, nested inlines)."""
    messages = []
    context = response.context
    if context is None:
        return ""
    adminform = context.get("adminform")
    if adminform is not None:
        messages += [str(e) for errors in adminform.form.errors.values() for e in errors]
    for inline in context.get("inline_admin_formsets") or []:
        messages += _formset_errors(inline.formset)
    return " | ".join(messages)


def _formset_errors(formset):
    messages = [str(e) for e in formset.non_form_errors()]
    for form in formset.forms:
        messages += [str(e) for errors in form.errors.values() for e in errors]
        for nested in getattr(form, "nested_formsets", []):
            messages += _formset_errors(nested)
    return messages
