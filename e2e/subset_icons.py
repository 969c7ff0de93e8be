"""Subset Bootstrap Icons to the glyphs the site can show, so the home page stays under 200 KB.

The full icon font is 131 KB of woff2: two thirds of the home page's budget. The site uses a few
dozen icons, so static/vendor/bootstrap-icons/ ships a subset made by this script from the full
copy kept in e2e/vendor/bootstrap-icons/ (not collected as static):

    python -m venv /tmp/fonts && /tmp/fonts/bin/pip install fonttools brotli
    /tmp/fonts/bin/python e2e/subset_icons.py

Kept: every `bi-NAME` written in templates/, static/js/ or the apps' Python, every icon whose name
starts with one of those (bi-star → bi-star-fill, bi-star-half: templates build suffixes), and a
set of everyday UI icons, so a new template rarely needs a re-run. e2e/test_page_weight.py fails
when a template uses an icon the subset lacks.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FULL = ROOT / "e2e" / "vendor" / "bootstrap-icons"
OUT = ROOT / "static" / "vendor" / "bootstrap-icons"
SOURCES = [
    ("templates", "*.html"),
    ("static/js", "*.js"),
    ("courses", "*.py"),
    ("learning", "*.py"),
    ("users", "*.py"),
    ("core", "*.py"),
]
ICON = re.compile(r"\bbi-([a-z0-9]+(?:-[a-z0-9]+)*)")
RULE = re.compile(r'\.bi-([a-z0-9-]+)::before\{content:"\\([0-9a-f]+)"\}')
# Everyday UI icons (each name also keeps its variants: -fill, -circle, …).
COMMON = """
arrow-left arrow-right arrow-up arrow-down arrow-clockwise arrow-repeat chevron-left chevron-right
chevron-up chevron-down chevron-double-left chevron-double-right caret-down caret-up x x-lg
check check-lg check2 list grid three-dots plus dash pencil trash eye eye-slash gear person people
house envelope bell bookmark calendar calendar3 clock hourglass-split globe translate link
box-arrow-right box-arrow-in-right box-arrow-up-right download upload share filter funnel sort-down
sort-up search star heart hand-thumbs-up chat chat-left-text info-circle exclamation-triangle
exclamation-circle question-circle shield-check lock unlock award trophy mortarboard easel book
journal journal-bookmark collection collection-play play play-circle pause film camera-video file
file-text file-earmark file-earmark-arrow-down file-earmark-pdf folder paperclip lightning
graph-up bar-chart speedometer2 printer patch-check moon sun circle square
""".split()  # noqa: SIM905  (a word list reads better)


def used_icons():
    names = set()
    for folder, pattern in SOURCES:
        for path in (ROOT / folder).rglob(pattern):
            names.update(ICON.findall(path.read_text(encoding="utf-8", errors="ignore")))
    return names


def main():
    from fontTools import subset  # imported here: only this script needs fonttools

    css = (FULL / "bootstrap-icons.min.css").read_text(encoding="utf-8")
    codepoints = dict(RULE.findall(css))
    wanted = used_icons() | set(COMMON)
    keep = sorted(
        name
        for name in codepoints
        if any(name == base or name.startswith(base + "-") for base in wanted)
    )
    unknown = sorted(n for n in used_icons() if n not in codepoints and n not in ("icons",))
    head = css[: css.index(".bi-123::before")]
    head = re.sub(r',url\("fonts/bootstrap-icons\.woff\?[0-9a-f]+"\) format\("woff"\)', "", head)
    head = re.sub(r"bootstrap-icons\.woff2\?[0-9a-f]+", "bootstrap-icons.woff2?subset", head)
    # Text stays visible while the icon font loads (Lighthouse's font-display audit).
    head = head.replace("font-display:block", "font-display:swap")
    rules = "".join(f'.bi-{name}::before{{content:"\\{codepoints[name]}"}}' for name in keep)
    (OUT / "bootstrap-icons.min.css").write_text(
        head.replace("*/", f"* Subset of {len(keep)} icons made by e2e/subset_icons.py\n */", 1)
        + rules
        + "\n",
        encoding="utf-8",
    )

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    font = subset.load_font(str(FULL / "bootstrap-icons.woff2"), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[int(codepoints[name], 16) for name in keep])
    subsetter.subset(font)
    subset.save_font(font, str(OUT / "fonts" / "bootstrap-icons.woff2"), options)
    stale = OUT / "fonts" / "bootstrap-icons.woff"
    if stale.exists():
        stale.unlink()  # every browser we support reads woff2
    size = (OUT / "fonts" / "bootstrap-icons.woff2").stat().st_size
    print(f"{len(keep)} icons, woff2 {size / 1024:.1f} KB")
    if unknown:
        print("not Bootstrap Icons names (ignored):", ", ".join(unknown), file=sys.stderr)


if __name__ == "__main__":
    main()
