"""The renewals list page: ``figures.renewals`` read from the spells, for paging.

The definition groups every enterprise in scope with its agreements to find the latest
expiry known on the day, then sorts them: 0.6–1.9 s at the root of 100,000 employers
(bench/dashboard.py). The same enterprises, in the same order, are the spells covering
the day with a union and an expiry within the window (``figures.due_for_renewal``, which
the dashboard's own top 10 reads); their count is the scope's ``renewals`` figure in
the employer tally. tests/coverage/test_rollups_match_a_recount.py compares both with
the definition.
"""

from datetime import date

from unions.models import UnionUnit

from .figures import Structure, due_for_renewal
from .white_spot_list import SpellList


class RenewalList(SpellList):
    """``renewals(unit, day)`` as a Paginator's object list: employers with
    ``workers_on`` and ``last_expires_on``, like the definition's."""

    def __init__(
        self, unit: UnionUnit, day: date, structure: str = Structure.HISTORICAL
    ):
        super().__init__(unit, day, due_for_renewal(unit, day, structure), structure)

    def count(self) -> int:
        return int(self.tally().get("renewals") or 0)

    def employer_of(self, spell):
        employer = super().employer_of(spell)
        employer.last_expires_on = spell.last_agreement_expires_on
        return employer
