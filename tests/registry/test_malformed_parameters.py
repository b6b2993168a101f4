"""Pages answer malformed query parameters with 400 (or ignore them), never with a 500.

A small crawler: every list, dashboard, report and admin list page, each with values
that cannot be read (letters for numbers, impossible dates, NUL characters, pages that
do not exist); then every parameter the page itself offers — in its links and in its
forms that are sent by GET — with each value of HOSTILE in turn.
"""

import re
from html import unescape
from urllib.parse import parse_qsl, quote, urlsplit

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
    "unions:dashboard_white_spots_export",
    "unions:dashboard_renewals_export",
    "unions:dashboard_report_export",
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
    "admin:registry_province_changelist",
    "admin:auth_group_changelist",
    "admin:axes_accessattempt_changelist",
    "admin:axes_accesslog_changelist",
    "admin:axes_accessfailurelog_changelist",
    "admin:otp_totp_totpdevice_changelist",
    "admin:django_tasks_database_dbtaskresult_changelist",
    "login",
    "two_factor_verify",
]
MALFORMED = [
    "province=abc",
    "province=999999999999999999999",
    "page=x&employers_page=-1&p=x",
    "page=99999999999999999999",
    "o=abc",
    "as_of=31/02/2024&on=00/00/0000",
    "as_of=01/01/10000&on=31/12/99999",
    "starts_on=2024-13-01&ends_on=x",
    "starts_on=01/01/10000&ends_on=01/01/10001",
    "unit=%00",
    "q=a%00b",
    "after=abc&joined_year=abc&age=old",
    f"after={'9' * 5000}",
    f"before={'9' * 5000}",
    "after=%C2%B2&before=%D9%A3",  # digits to str.isdigit(), not to int()
    "before=1e9",
    "sort=%27;--&kind=nonsense&active=maybe&ward=abc",
    "industrial_zone__id__exact=abc",
    "_to_field=password",
]
# Every parameter a page offers gets each of these in turn.
HOSTILE = [
    "9" * 30,  # past every integer column
    "-1",
    "abc",
    "x" * 10_000,
    "a\x00b",
    "31/02/2024",
    "01/01/10000",
    "10000-01-01",
]
# Parameters the pages read that none of their links or forms shows on a register of
# one member: the keyset cursor of the member list, the page numbers, a province for
# the ward options.
UNSHOWN = {
    "unions:unit_tree": {"ended", "page", "employers_page"},
    "unions:dashboard": {"page"},
    "unions:dashboard_renewals": {"page"},
    "members:member_list": {"after", "before"},
    "members:ward_options": {"province"},
    # The downloads take their page's parameters.
    "unions:dashboard_white_spots_export": {"unit", "as_of", "kind", "zone", "ward"},
    "unions:dashboard_renewals_export": {"unit", "as_of"},
    "unions:dashboard_report_export": {"unit", "starts_on", "ends_on"},
    "login": {"next"},
    "two_factor_verify": {"next"},
}
READ_NOTHING = {"members:transfer_requests", "import_upload", "admin:index"}
ADMIN_LIST = {"p", "o", "q", "all"}


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


@pytest.mark.parametrize("name", PAGES)
def test_no_parameter_a_page_offers_takes_a_hostile_value_with_a_server_error(
    client, name
):
    url = reverse(name)
    page = client.get(url)
    html = page.content.decode() if "html" in page["Content-Type"] else ""
    parameters = offered_parameters(html)
    parameters |= UNSHOWN.get(
        name, ADMIN_LIST if name.endswith("changelist") else set()
    )

    failures = [
        (parameter, value[:20], status)
        for parameter in sorted(parameters)
        for value in HOSTILE
        if (status := client.get(f"{url}?{parameter}={quote(value)}").status_code)
        >= 500
    ]

    assert parameters or name in READ_NOTHING
    assert failures == []


def offered_parameters(html: str) -> set[str]:
    """The query parameters of the page's own links and of its GET forms' fields."""
    names = set()
    for href in re.findall(r'href="([^"]*\?[^"]*)"', html):
        names.update(key for key, _ in parse_qsl(urlsplit(unescape(href)).query))
    for form in re.findall(r"<form\b(.*?)</form>", html, flags=re.S | re.I):
        if re.search(r'method="post"', form, flags=re.I):
            continue
        names.update(
            re.findall(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', form)
        )
    return names - {"csrfmiddlewaretoken"}
