"""The trigger SQL migrations froze is still what the code generates today: a change to
a trigger's generator must come with a new migration that freezes its new text."""

import pytest
from django.db import connection

from members import triggers
from registry import frozen_sql

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_the_current_unit_triggers_are_frozen_as_generated(vendor):
    frozen = frozen_sql.latest("members", "CURRENT_UNIT_TRIGGERS")[vendor]

    assert frozen_sql.same_sql(frozen, triggers.statements(vendor))


def test_lost_current_unit_triggers_come_back_from_their_frozen_text():
    triggers.uninstall(connection)

    assert triggers.ensure(connection)

    assert triggers.installed(connection) == set(triggers.TRIGGERS)
