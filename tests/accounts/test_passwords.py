"""Password rules refuse the words anyone would try first on this registry."""

import pytest
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from registry.spreadsheets.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def refused(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError:
        return True
    return False


def test_the_demo_password_is_refused_for_a_real_account():
    assert refused(DEMO_PASSWORD)


@pytest.mark.parametrize(
    "password",
    ["Congdoan@2025", "CÔNG ĐOÀN viên 2025", "doanvien-ha-tinh", "Sổ Đoàn Viên 99"],
)
def test_the_registrys_own_words_are_refused_in_any_case_or_accents(password):
    assert refused(password)


def test_the_users_unit_code_is_refused(officer):
    assert refused("cd-kcn-tuyet-voi", officer)


def test_a_code_of_a_unit_above_the_user_is_refused(grassroots_officer):
    assert refused("ldld-ht-2025-xyz", grassroots_officer)


def test_the_users_own_name_is_refused(officer):
    officer.first_name, officer.last_name = "Phượng", "Trần Thị"
    officer.save()

    assert refused("phuong-1234567", officer)


def test_a_long_password_of_other_words_is_accepted(officer):
    assert not refused("Hoa sen nở giữa đầm 2025", officer)


def test_common_passwords_and_short_ones_are_refused():
    assert refused("password123")
    assert refused("Ab3$xyz")


def test_the_admin_refuses_a_project_word_when_setting_a_password(
    admin_client, officer
):
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[officer.pk]),
        {"password1": "congdoan-ha-tinh", "password2": "congdoan-ha-tinh"},
    )

    assert response.status_code == 200
    officer.refresh_from_db()
    assert officer.check_password("demo-password")


@pytest.mark.parametrize(
    ("language", "words"),
    [("vi", "Mật khẩu này quá ngắn: phải có ít nhất 10 ký tự."),
     ("en", "This password is too short. It must contain at least 10 characters.")],
)  # fmt: skip
def test_a_short_password_is_refused_in_the_users_language(language, words):
    with translation.override(language), pytest.raises(ValidationError) as refusal:
        validate_password("Ab3$xyz")

    assert words in refusal.value.messages


def test_every_password_rule_speaks_vietnamese():
    with translation.override("vi"):
        texts = password_validators_help_texts()
        with pytest.raises(ValidationError) as refusal:
            validate_password("1234")

    assert [t for t in texts + refusal.value.messages if "password" in t.lower()] == []
