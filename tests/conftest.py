from datetime import date

import pytest
from django.conf import settings
from django.db.backends.sqlite3 import base as sqlite_backend

from registry.roles import Role
from unions.models import UnionUnit

from .browsing import browser, page, phone_page  # noqa: F401  (fixtures)
from .factories import EmployerFactory, UnionUnitFactory, UserFactory

Kind = UnionUnit.Kind


# Set once, before any test, server or storage reads them: tests speak plain HTTP to the
# test client and the live server, read static files straight from static/, run background
# tasks at once, hash passwords cheaply, and sign in without a one-time code (the tests of
# two-factor sign-in turn it on).
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
settings.TWO_FACTOR_REQUIRED = False
settings.SECURE_SSL_REDIRECT = False
settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
settings.TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
}


# The access log refuses DELETE (registry/append_only.py). PostgreSQL empties tables
# between transactional tests with TRUNCATE, which row triggers do not see; SQLite
# deletes every row, so there the flush lifts the log's triggers and puts them back.
SQLiteOperations = sqlite_backend.DatabaseOperations
_sqlite_flush = SQLiteOperations.sql_flush


def _sqlite_flush_past_the_append_only_log(self, style, tables, **kwargs):
    statements = _sqlite_flush(self, style, tables, **kwargs)
    if "registry_accesslog" not in tables:
        return statements
    with self.connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            " AND tbl_name = 'registry_accesslog'"
        )
        triggers = cursor.fetchall()
    return [
        *(f"DROP TRIGGER {name}" for name, _sql in triggers),
        *statements,
        *(sql for _name, sql in triggers),
    ]


SQLiteOperations.sql_flush = _sqlite_flush_past_the_append_only_log


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Counters kept in the cache (the CCCD lookup limit) start at zero in each test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request in English leaves English
    active in its thread (LocaleMiddleware does not switch back), and the next test
    on that worker would read English messages."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def province(db):
    return UnionUnitFactory(
        code="LDLD-HT",
        name="Liên đoàn Lao động tỉnh Hà Tĩnh",
        kind=Kind.PROVINCIAL,
        founded_on=date(1950, 1, 1),
    )


@pytest.fixture
def district(province):
    return UnionUnitFactory(
        parent=province,
        code="CD-KCN",
        name="Công đoàn các KCN tỉnh",
        kind=Kind.INDUSTRIAL_ZONE,
        founded_on=date(2000, 1, 1),
    )


@pytest.fixture
def other_district(province):
    return UnionUnitFactory(
        parent=province,
        code="CD-XA-1",
        name="Công đoàn xã Cẩm Xuyên",
        kind=Kind.COMMUNE,
        founded_on=date(2025, 7, 1),
    )


@pytest.fixture
def cdcs(district):
    return UnionUnitFactory(
        parent=district, code="CDCS-A", name="Công đoàn Công ty May A"
    )


@pytest.fixture
def other_cdcs(other_district):
    return UnionUnitFactory(
        parent=other_district, code="CDCS-B", name="Công đoàn Công ty Gỗ B"
    )


@pytest.fixture
def employer(district, cdcs):
    return EmployerFactory(managing_unit=district, grassroots_union=cdcs, workers=120)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="quantri", role=Role.SYSTEM_ADMIN)


@pytest.fixture
def provincial_officer(province):
    return UserFactory(username="canbo_tinh", role=Role.PROVINCIAL, unit=province)


@pytest.fixture
def officer(district):
    """An upper-level union officer (the district level's successor)."""
    return UserFactory(username="canbo_captren", role=Role.UPPER_LEVEL, unit=district)


@pytest.fixture
def grassroots_officer(cdcs):
    return UserFactory(username="canbo_cdcs", role=Role.GRASSROOTS, unit=cdcs)


@pytest.fixture
def leader(province):
    return UserFactory(username="lanhdao", role=Role.LEADER, unit=province)
