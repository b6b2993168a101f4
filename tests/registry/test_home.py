import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("account", "landing"),
    [
        ("leader", "unions:dashboard"),
        ("provincial_officer", "unions:dashboard"),
        ("officer", "unions:dashboard"),
        ("admin_user", "unions:dashboard"),
        ("grassroots_officer", "members:member_list"),
    ],
)
def test_each_role_lands_where_its_work_starts(client, request, account, landing):
    client.force_login(request.getfixturevalue(account))

    response = client.get(reverse("home"))

    assert response.url == reverse(landing)


def test_home_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("home"))

    assert response.url.startswith(reverse("login"))
