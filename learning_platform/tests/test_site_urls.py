"""`{% site_url %}`: the navigation's links, reversed once per process, still right everywhere."""

import pytest
from django.template import Context, Template
from django.urls import clear_script_prefix, set_script_prefix

LINKS = Template("{% load site_urls %}{% site_url 'courses:list' %} {% site_url 'account_login' %}")


def test_site_url_gives_what_url_gives():
    expected = Template("{% url 'courses:list' %} {% url 'account_login' %}").render(Context())
    assert LINKS.render(Context()) == expected == "/courses/ /accounts/login/"


@pytest.fixture
def script_prefix():
    yield set_script_prefix
    clear_script_prefix()
    set_script_prefix("/")


def test_site_url_follows_the_script_prefix(script_prefix):
    assert LINKS.render(Context()) == "/courses/ /accounts/login/"
    script_prefix("/learn/")
    assert LINKS.render(Context()) == "/learn/courses/ /learn/accounts/login/"


def test_an_unknown_name_is_an_error_as_with_url():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        Template("{% load site_urls %}{% site_url 'no-such-page' %}").render(Context())
