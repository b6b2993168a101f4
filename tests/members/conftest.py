from datetime import date

import pytest

from members import services


@pytest.fixture
def admit():
    """Admit a valid person, overriding only what the test is about."""
    counter = iter(range(1, 10_000))

    def admit(unit, **overrides):
        n = next(counter)
        fields = {
            "unit": unit,
            "full_name": "Nguyễn Thị Lan",
            "birth_date": date(1990, 3, 8),
            "gender": "F",
            "cccd": f"042190{n:06d}",
            "joined_on": date(2015, 5, 1),
        }
        return services.admit_member(**(fields | overrides))

    return admit


@pytest.fixture
def other_officer(other_district):
    """An officer of the commune union that holds other_cdcs, outside officer's scope."""
    from registry.roles import Role
    from tests.factories import UserFactory

    return UserFactory(username="canbo_xa", role=Role.UPPER_LEVEL, unit=other_district)
