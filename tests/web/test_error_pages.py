"""Friendly 400/403/404/500 pages, and a 503 page while the database does not answer."""

import pytest
from django.db import DataError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

import unions.views

pytestmark = pytest.mark.django_db

TREE = reverse("unions:unit_tree")


@pytest.fixture
def officer_client(officer):
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    return client


@pytest.fixture
def database_down(monkeypatch):
    def ensure_connection(self):
        raise OperationalError("connection to server at 127.0.0.1 failed")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", ensure_connection)


@pytest.fixture
def broken_tree_page(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(unions.views, "grassroots_counts", fail)


def test_a_missing_page_is_explained_in_vietnamese_in_the_sites_look(officer_client):
    response = officer_client.get("/khong-co-trang-nay/")

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text
    assert 'class="site-header"' in response.text


def test_a_missing_page_is_in_english_when_switched(officer_client):
    officer_client.cookies["django_language"] = "en"

    response = officer_client.get("/khong-co-trang-nay/")

    assert "Page not found" in response.text


def test_a_forbidden_page_is_explained(client, leader):
    client.force_login(leader)

    response = client.get(reverse("admin:registry_user_changelist"))

    assert response.status_code == 403
    assert "Không được phép" in response.text


def test_a_server_error_shows_the_friendly_page(officer_client, broken_tree_page):
    response = officer_client.get(TREE)

    assert response.status_code == 500
    assert "Đã có lỗi xảy ra" in response.text


def test_the_server_error_page_needs_neither_the_database_nor_a_user(
    django_assert_num_queries,
):
    with django_assert_num_queries(0):
        page = render_to_string("500.html")

    assert "Đã có lỗi xảy ra" in page


def test_a_database_that_does_not_answer_gets_the_503_page(
    officer_client, database_down
):
    response = officer_client.get(TREE)

    assert response.status_code == 503
    assert response["Retry-After"] == "15"
    assert '<meta http-equiv="refresh" content="15">' in response.text
    assert "Cơ sở dữ liệu không phản hồi" in response.text


def test_the_503_page_is_in_english_when_switched(officer_client, database_down):
    officer_client.cookies["django_language"] = "en"

    response = officer_client.get(TREE)

    assert "The database is not answering" in response.text


def test_a_failing_query_is_a_server_error_not_an_unavailable_database(
    officer_client, monkeypatch
):
    def fail(*args, **kwargs):
        raise OperationalError("user-defined function raised exception")

    monkeypatch.setattr(unions.views, "grassroots_counts", fail)

    assert officer_client.get(TREE).status_code == 500


def test_an_expired_form_gets_a_friendly_page(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)

    response = client.post(reverse("sign_out_everywhere"))

    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.text


def test_a_value_the_database_refuses_in_the_address_is_a_bad_request(
    officer_client, monkeypatch
):
    def fail(*args, **kwargs):
        raise DataError("invalid regular expression: parentheses () not balanced")

    monkeypatch.setattr(unions.views, "grassroots_counts", fail)

    response = officer_client.get(TREE)

    assert response.status_code == 400
    assert "Không hiểu yêu cầu" in response.text


def test_a_number_too_large_for_sqlite_in_the_address_is_a_bad_request(
    officer_client, monkeypatch
):
    def fail(*args, **kwargs):
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setattr(unions.views, "grassroots_counts", fail)

    response = officer_client.get(TREE)

    assert response.status_code == 400
    assert "Không hiểu yêu cầu" in response.text
