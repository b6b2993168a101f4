"""Reading figures never writes: no page, list or export of the coverage figures
inserts, updates, deletes, locks or analyses anything but the session and the access
log, even with employers waiting to be recomputed and a tally to rebuild."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    CollectiveAgreementFactory,
    EmployerFactory,
    MembershipFactory,
)
from unions.coverage import spells, tasks
from unions.models import Employer, EmployerTallyBasis, StaleEmployer

pytestmark = pytest.mark.django_db

WRITES = re.compile(
    r"^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|TRUNCATE|LOCK|ANALYZE|VACUUM"
    r"|COPY)\b(?:.*?\b(?:INTO|FROM|UPDATE|TABLE)\s+)?\"?(\w+)?",
    re.IGNORECASE | re.DOTALL,
)
# A signed-in request may slide its session; an export is logged (docs/security.md).
ALLOWED_TABLES = {"django_session", "registry_accesslog"}

PAGES = [
    ("dashboard", {}),
    ("dashboard_white_spots", {}),
    ("dashboard_white_spots_export", {}),
    ("dashboard_renewals", {}),
    ("dashboard_renewals_export", {}),
    ("dashboard_report", {"starts_on": "01/01/2024", "ends_on": "31/12/2024"}),
    ("dashboard_report_export", {"starts_on": "01/01/2024", "ends_on": "31/12/2024"}),
]


@pytest.fixture
def waiting(province, district, cdcs):
    """Figures with work waiting: a queued employer and a tally to rebuild."""
    MembershipFactory.create_batch(2, unit=cdcs, started_on=date(2020, 1, 1))
    covered = EmployerFactory(managing_unit=district, grassroots_union=cdcs, workers=80)
    CollectiveAgreementFactory(
        employer=covered,
        signed_on=date(2023, 1, 1),
        effective_on=date(2023, 1, 1),
        expires_on=date(2024, 5, 1),
    )
    Employer.objects.create(
        tax_code="0100109106", name="Công ty Mới", kind="fdi", managing_unit=district,
        workers=300, founded_on=date(2020, 1, 1),
    )  # fmt: skip
    assert StaleEmployer.objects.exists()  # written, not yet recomputed
    return province


def writes(queries) -> list[str]:
    found = []
    for query in queries:
        match = WRITES.match(query["sql"])
        if match and (match.group(2) or "").lower() not in ALLOWED_TABLES:
            found.append(query["sql"][:200])
    return found


@pytest.mark.parametrize("name, params", PAGES)
def test_a_figures_page_writes_nothing(
    client, provincial_officer, waiting, name, params
):
    client.force_login(provincial_officer)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            reverse(f"unions:{name}"), {"as_of": "31/03/2024", **params}
        )

    assert response.status_code == 200
    assert writes(queries.captured_queries) == []


def test_a_dashboard_read_with_a_tally_to_rebuild_writes_nothing(
    client, provincial_officer, waiting
):
    EmployerTallyBasis.objects.all().delete()  # as after a change of the threshold
    client.force_login(provincial_officer)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("unions:dashboard"), {"as_of": "31/03/2024"})

    assert response.status_code == 200
    assert writes(queries.captured_queries) == []


def test_the_request_that_writes_brings_the_figures_up_to_date(
    client, admin_user, province, district
):
    client.force_login(admin_user)
    employer = EmployerFactory(managing_unit=district, workers=30)

    response = client.post(
        reverse("admin:unions_employer_change", args=[employer.pk]),
        admin_form(employer, workers=700),
    )

    assert response.status_code == 302
    assert not StaleEmployer.objects.exists()
    dashboard = client.get(reverse("unions:dashboard"), {"unit": province.code})
    assert dashboard.context["total"].workers == 700


def test_a_long_queue_goes_to_the_background_task(monkeypatch, district):
    EmployerFactory.create_batch(3, managing_unit=district)
    Employer.objects.update(workers=90)  # queues the three without a refresh
    monkeypatch.setattr(spells, "IN_REQUEST", 2)
    enqueued = []

    class Task:
        def enqueue(self):
            enqueued.append(True)

    monkeypatch.setattr(tasks, "refresh_employer_figures", Task())

    spells.follow_writes()

    assert enqueued == [True]
    assert StaleEmployer.objects.count() == 3  # left for the worker


def test_the_background_task_recomputes_the_queue(district):
    EmployerFactory(managing_unit=district)
    Employer.objects.update(workers=90)

    tasks.refresh_employer_figures.enqueue()  # immediate backend in the tests

    assert not StaleEmployer.objects.exists()


def admin_form(employer, **changes) -> dict:
    fields = {
        "tax_code": employer.tax_code,
        "name": employer.name,
        "kind": employer.kind,
        "industry": "",
        "industrial_zone": "",
        "founded_on": "01/01/2000",
        "workers": employer.workers,
        "workers_reported_on": "",
        "address": "",
        "province": "",
        "ward": "",
        "managing_unit": employer.managing_unit_id,
        "grassroots_union": "",
        "workforce_reports-TOTAL_FORMS": "0",
        "workforce_reports-INITIAL_FORMS": "0",
        "workforce_reports-MIN_NUM_FORMS": "0",
        "workforce_reports-MAX_NUM_FORMS": "1000",
    }
    return {**fields, **changes}
