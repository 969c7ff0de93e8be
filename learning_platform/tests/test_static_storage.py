"""Static file URLs in production: hashed names from the manifest, worked out once per name."""

import json

import pytest

from learning_platform.storage import StaticFilesStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.DEBUG = False
    manifest = {"paths": {"css/site.css": "css/site.0123abcd.css"}, "version": "1.1", "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=tmp_path, base_url="/static/")


def test_a_static_url_names_the_hashed_file(storage):
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"


def test_a_static_url_is_worked_out_once(storage, monkeypatch):
    storage.url("css/site.css")
    monkeypatch.setattr(storage, "stored_name", lambda name: pytest.fail("looked up again"))
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"


def test_a_file_missing_from_the_manifest_is_an_error_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")


def test_debug_serves_the_unhashed_name(storage, settings):
    settings.DEBUG = True
    assert storage.url("css/site.css") == "/static/css/site.css"
