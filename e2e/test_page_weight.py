"""The home page's first load stays light: ≤ 200 KB over the wire with gzip."""

import re

import pytest

from e2e.conftest import ROOT, gzipped_size
from e2e.subset_icons import used_icons

BUDGET = 200 * 1024


def measure_first_load(context, path):
    """Every response of a cold load (empty cache), each body gzipped as a production server would.

    The test server does not compress, so each body is gzipped here (images and fonts are already
    compressed and barely change). Lazy images below the fold are not fetched on a first load.
    """
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(path, wait_until="networkidle")
    sizes = {
        response.url: gzipped_size(response.body())
        for response in responses
        if response.status not in (301, 302, 303, 304, 307, 308)
    }
    listing = "\n".join(
        f"{size / 1024:7.1f} KB  {url}" for url, size in sorted(sizes.items(), key=lambda i: -i[1])
    )
    return sum(sizes.values()), listing


@pytest.mark.parametrize(
    "viewport",
    [
        pytest.param({"width": 1440, "height": 900}, id="1440"),
        pytest.param({"width": 375, "height": 812}, id="375"),
    ],
)
def test_home_first_load_is_at_most_200_kb_gzipped(new_context, demo, viewport, record_property):
    total, listing = measure_first_load(new_context(viewport=viewport), "/")
    record_property("home_gzipped_bytes", total)
    print(f"\nhome first load at {viewport['width']} px: {total / 1024:.1f} KB gzipped\n{listing}")
    assert total <= BUDGET, f"home first load is {total / 1024:.1f} KB gzipped:\n{listing}"


def test_home_first_load_without_demo_data_is_light(new_context, catalog):
    total, listing = measure_first_load(new_context(viewport={"width": 1440, "height": 900}), "/")
    assert total <= BUDGET, f"home first load is {total / 1024:.1f} KB gzipped:\n{listing}"


@pytest.mark.parametrize("path", ["/courses/"])
def test_catalog_first_load_is_light_too(new_context, catalog, path):
    page = new_context(viewport={"width": 375, "height": 812}).new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(path, wait_until="networkidle")
    total = sum(gzipped_size(r.body()) for r in responses if r.status < 300)
    assert total <= 300 * 1024, f"{path}: {total / 1024:.1f} KB gzipped"


def test_the_icon_subset_has_every_icon_the_templates_use():
    """static/vendor/bootstrap-icons is a subset (e2e/subset_icons.py): re-run it for new icons."""
    css = (ROOT / "static/vendor/bootstrap-icons/bootstrap-icons.min.css").read_text()
    shipped = set(re.findall(r"\.bi-([a-z0-9-]+)::before", css))
    full = (ROOT / "e2e/vendor/bootstrap-icons/bootstrap-icons.min.css").read_text()
    known = set(re.findall(r"\.bi-([a-z0-9-]+)::before", full))
    missing = sorted((used_icons() & known) - shipped)
    assert not missing, f"icons missing from the subset (run e2e/subset_icons.py): {missing}"
