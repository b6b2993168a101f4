"""A Content-Security-Policy without inline scripts, and templates that need none."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>")
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    directives = response["Content-Security-Policy"].split(";")
    return {d.split()[0]: d.split()[1:] for d in directives if d.strip()}


def test_every_page_sends_a_policy_that_allows_scripts_from_the_site_only(
    admin_client,
):
    response = admin_client.get(reverse("admin:index"))

    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]


def test_the_sign_in_page_has_the_policy_too(client):
    response = client.get(reverse("login"))

    assert "'unsafe-inline'" not in policy(response)["script-src"]


def template_files():
    base = Path(settings.BASE_DIR)
    return sorted(
        path
        for path in base.glob("**/templates/**/*.html")
        if "node_modules" not in path.parts and "staticfiles" not in path.parts
    )


@pytest.mark.parametrize(
    "path", template_files(), ids=lambda p: str(p.relative_to(settings.BASE_DIR))
)
def test_no_template_has_an_inline_script_or_event_handler(path):
    text = path.read_text()

    assert INLINE_SCRIPT.findall(text) == []
    assert EVENT_HANDLER.findall(text) == []
