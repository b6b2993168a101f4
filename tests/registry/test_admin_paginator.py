"""Admin lists count exactly up to a limit and estimate beyond it on PostgreSQL."""

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from registry.paginators import EstimatedCountPaginator
from tests.factories import EmployerFactory
from unions.models import Employer

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="estimates come from PostgreSQL"
)


@pytest.fixture
def employers(district, cdcs):
    EmployerFactory.create_batch(12, managing_unit=district, grassroots_union=cdcs)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE unions_employer")


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "exact_limit", 5)


def test_a_list_within_the_limit_is_counted_exactly(employers):
    paginator = EstimatedCountPaginator(Employer.objects.filter(workers__gte=0), 100)

    assert (paginator.count, paginator.is_estimate) == (12, False)


@on_postgresql
def test_an_unfiltered_list_past_the_limit_takes_the_tables_statistics(
    employers, small_limit, django_assert_num_queries
):
    paginator = EstimatedCountPaginator(Employer.objects.order_by("name"), 100)

    with django_assert_num_queries(1):
        count = paginator.count

    assert (count, paginator.is_estimate) == (12, True)


@on_postgresql
def test_a_filtered_list_past_the_limit_takes_the_planners_estimate(
    employers, small_limit
):
    paginator = EstimatedCountPaginator(Employer.objects.filter(workers__gte=0), 100)

    assert paginator.count >= 6
    assert paginator.is_estimate


@on_postgresql
def test_a_small_unfiltered_table_is_counted_exactly(district, small_limit):
    EmployerFactory.create_batch(3, managing_unit=district)
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE unions_employer"
        )  # statistics outlive the test's rollback

    paginator = EstimatedCountPaginator(Employer.objects.all(), 100)

    assert (paginator.count, paginator.is_estimate) == (3, False)


@on_postgresql
def test_the_changelist_says_an_estimate_is_about(admin_client, employers, small_limit):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = admin_client.get(reverse("admin:unions_employer_changelist"))

    assert response.context["cl"].paginator.is_estimate
    assert "about 12 employers" in " ".join(response.text.split())


def test_the_changelist_never_counts_the_whole_table_twice(admin_client, employers):
    response = admin_client.get(reverse("admin:unions_employer_changelist"))

    assert response.context["cl"].full_result_count is None
