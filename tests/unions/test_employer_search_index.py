"""PostgreSQL: the admin's employer search by name can use the trigram index."""

import pytest
from django.db import connection

from registry.roles import Role
from tests.factories import EmployerFactory, UserFactory
from unions.admin import search_employers
from unions.models import Employer

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the index is PostgreSQL's only"
    ),
]


def test_a_search_by_name_is_answered_from_the_trigram_index(district):
    EmployerFactory(managing_unit=district, name="Công ty TNHH Hanvina Dệt may")
    EmployerFactory(managing_unit=district, name="Hợp tác xã Nông sản Hồng Lĩnh")
    officer = UserFactory(role=Role.PROVINCIAL, unit=district)
    found = search_employers(Employer.objects.all(), "hanvina dệt", officer)

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # two rows: force the choice
        plan = found.explain()

    assert "employer_search_trgm" in plan
    assert [employer.name for employer in found] == ["Công ty TNHH Hanvina Dệt may"]
