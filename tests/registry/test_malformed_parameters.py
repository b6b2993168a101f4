"""Pages answer malformed query parameters with 400 (or ignore them), never with a 500.

A small crawler: every list, dashboard, report and admin list page, each with values
that cannot be read (letters for numbers, impossible dates, NUL characters, pages that
do not exist).
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import CollectiveAgreementFactory, MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "unions:unit_tree",
    "unions:dashboard",
    "unions:dashboard_white_spots",
    "unions:dashboard_renewals",
    "unions:dashboard_report",
    "members:member_list",
    "members:transfer_requests",
    "members:admit_start",
    "members:ward_options",
    "export",
    "import_upload",
    "admin:index",
    "admin:unions_unionunit_changelist",
    "admin:unions_employer_changelist",
    "admin:unions_collectiveagreement_changelist",
    "admin:unions_industrialzone_changelist",
    "admin:unions_target_changelist",
    "admin:members_member_changelist",
    "admin:members_membership_changelist",
    "admin:members_transferrequest_changelist",
    "admin:registry_user_changelist",
    "admin:registry_accesslog_changelist",
    "admin:registry_ward_changelist",
]
MALFORMED = [
    "province=abc",
    "page=x&employers_page=-1&p=x",
    "page=99999999999999999999",
    "o=abc",
    "as_of=31/02/2024&on=00/00/0000",
    "starts_on=2024-13-01&ends_on=x",
    "unit=%00",
    "q=a%00b",
    "after=abc&joined_year=abc&age=old",
    "before=1e9",
    "sort=%27;--&kind=nonsense&active=maybe&ward=abc",
    "industrial_zone__id__exact=abc",
    "_to_field=password",
]


@pytest.fixture
def client(admin_user, cdcs, employer):
    """A system administrator's: every page opens for them."""
    MembershipFactory(member=MemberFactory(), unit=cdcs)
    CollectiveAgreementFactory(employer=employer)
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("name", PAGES)
def test_no_page_answers_a_malformed_parameter_with_a_server_error(client, name):
    url = reverse(name)

    statuses = {query: client.get(f"{url}?{query}").status_code for query in MALFORMED}

    assert {query: s for query, s in statuses.items() if s >= 500} == {}
