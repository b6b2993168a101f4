"""Signing in by password; permissions come from the role alone (registry.backends)."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Permission

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_person_signs_in_with_their_password(leader, rf):
    leader.set_password("mat-khau-dai-du-12")
    leader.save()

    user = authenticate(
        rf.post("/login/"), username="lanhdao", password="mat-khau-dai-du-12"
    )

    assert user == leader


def test_a_permission_given_to_the_account_itself_grants_nothing(leader):
    leader.user_permissions.add(Permission.objects.get(codename="view_sensitive_data"))

    assert not leader.has_perm("members.view_sensitive_data")
    assert leader.has_perm("members.view_member")


def test_checking_a_permission_reads_no_permission_table(
    django_assert_num_queries, leader
):
    with django_assert_num_queries(0):
        assert not leader.has_perm("members.view_sensitive_data")
        assert leader.has_perm("members.view_member")


def test_a_user_without_a_role_has_no_permission(db):
    user = UserFactory(role="nobody")

    assert user.get_all_permissions() == set()


def test_the_signed_in_user_comes_with_their_unit(
    client, officer, django_assert_num_queries
):
    from django.contrib.auth import get_user

    client.force_login(officer)
    request = type("Request", (), {"session": client.session})()

    with django_assert_num_queries(2):  # the session, the user and their unit
        user = get_user(request)
        assert user.unit.code == officer.unit.code


def test_an_inactive_user_is_signed_out(client, officer):
    from django.contrib.auth import get_user

    client.force_login(officer)
    officer.is_active = False
    officer.save()
    request = type("Request", (), {"session": client.session})()

    assert get_user(request).is_anonymous
