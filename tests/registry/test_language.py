import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_interface_is_vietnamese_even_for_an_english_browser(client, officer):
    client.force_login(officer)

    response = client.get(
        reverse("unions:unit_tree"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    )

    assert response["Content-Language"] == "vi"
    assert "Đơn vị công đoàn" in response.content.decode()


def test_the_switcher_turns_the_interface_to_english_and_back(client, officer):
    client.force_login(officer)

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("unions:unit_tree"))
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    vietnamese = client.get(reverse("unions:unit_tree"))

    assert english["Content-Language"] == "en"
    assert "Union units" in english.content.decode()
    assert vietnamese["Content-Language"] == "vi"


def test_an_unknown_language_in_the_cookie_falls_back_to_vietnamese(client, officer):
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    response = client.get(reverse("unions:unit_tree"))

    assert response["Content-Language"] == "vi"
