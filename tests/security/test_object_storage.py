"""With object storage (S3 and compatibles) the site's own Content-Security-Policy lets browsers
load what the bucket serves: covers and avatars (img-src) and signed lesson videos (media-src)."""

import json
import os
import subprocess
import sys

import pytest

from .helpers import BASE_DIR, production_settings

BUCKET = {"AWS_STORAGE_BUCKET_NAME": "lp-media"}
SETUPS = {
    "aws": {**BUCKET},
    "aws-region": {**BUCKET, "AWS_S3_REGION_NAME": "eu-west-1"},
    "custom-domain": {**BUCKET, "AWS_S3_CUSTOM_DOMAIN": "media.learn.example.com"},
    "compatible": {**BUCKET, "AWS_S3_ENDPOINT_URL": "https://objects.example.net:9000"},
}


def directives(**env):
    return production_settings(**env)["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]


def test_without_object_storage_media_come_from_the_site_only():
    policy = directives()
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["media-src"] == ["'self'"]


@pytest.mark.parametrize(
    "env,origin",
    [
        (SETUPS["aws"], "https://lp-media.s3.amazonaws.com"),
        (SETUPS["aws-region"], "https://lp-media.s3.eu-west-1.amazonaws.com"),
        (SETUPS["custom-domain"], "https://media.learn.example.com"),
        (SETUPS["compatible"], "https://objects.example.net:9000"),
    ],
    ids=["aws", "aws-region", "custom-domain", "compatible"],
)
def test_the_buckets_address_is_allowed_for_images(env, origin):
    assert origin in directives(**env)["img-src"]


def test_signed_videos_come_from_the_bucket_even_with_a_custom_domain():
    # Private files are signed URLs of the bucket itself: the custom domain serves public media.
    policy = directives(**SETUPS["custom-domain"])
    assert "https://lp-media.s3.amazonaws.com" in policy["media-src"]


_STORAGE_URLS = """
import json, django
django.setup()
from django.core.files.storage import storages
print(json.dumps({
    "public": storages["default"].url("covers/course.webp"),
    "private": storages["private"].url("videos/1/intro.mp4"),
}))
"""


def _origin(url):
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0]}"


@pytest.mark.parametrize("setup", SETUPS.values(), ids=SETUPS.keys())
def test_every_url_the_storages_make_is_allowed_by_the_policy(setup):
    """The URLs django-storages really makes (no network: signing is local) against the CSP."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "learning_platform.settings",
        "AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "not-a-real-secret",
        **setup,
    }
    result = subprocess.run(
        [sys.executable, "-c", _STORAGE_URLS],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    urls = json.loads(result.stdout.strip().splitlines()[-1])
    policy = directives(**setup)
    assert _origin(urls["public"]) in policy["img-src"], urls
    assert _origin(urls["private"]) in policy["media-src"], urls
