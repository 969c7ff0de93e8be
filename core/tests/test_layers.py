"""The layers (core ← users ← courses ← learning ← learning_platform) hold in templates and URL
names as they do in Python imports (`make lint` runs import-linter on those)."""

import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
TEMPLATES = BASE_DIR / "templates"
LEARNING_TAGS = re.compile(r"{%\s*load\b[^%]*\blearning_tags\b")
LEARNING_URL = re.compile(r"""["']learning:""")
CATALOG_OR_LEARNING_URL = re.compile(r"""["'](courses|learning):""")


def texts(folder, pattern):
    return {path: path.read_text() for path in folder.rglob(pattern) if "tests" not in path.parts}


def test_catalog_templates_neither_load_learning_tags_nor_name_its_urls():
    for path, text in texts(TEMPLATES / "courses", "*.html").items():
        assert not LEARNING_TAGS.search(text), path
        assert not LEARNING_URL.search(text), path


def test_catalog_code_never_names_a_learning_url():
    for path, text in texts(BASE_DIR / "courses", "*.py").items():
        assert not LEARNING_URL.search(text), path


def test_user_templates_and_code_name_no_url_of_the_apps_above():
    for folder, pattern in [(TEMPLATES / "users", "*.html"), (BASE_DIR / "users", "*.py")]:
        for path, text in texts(folder, pattern).items():
            assert not CATALOG_OR_LEARNING_URL.search(text), path


def test_core_names_no_app():
    for path, text in texts(BASE_DIR / "core", "*.py").items():
        assert not re.search(r"\b(from|import) (users|courses|learning)\b", text), path
        assert not CATALOG_OR_LEARNING_URL.search(text), path
