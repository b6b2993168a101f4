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

from . import employer_tally
from .figures import due_for_renewal


class RenewalList:
    """``renewals(unit, day)`` as a Paginator's object list: employers with
    ``workers_on`` and ``last_expires_on``, like the definition's."""

    def __init__(self, unit: UnionUnit, day: date):
        self.unit, self.day = unit, day
        self.spells = due_for_renewal(unit, day)  # refreshes spells and tally first

    def count(self) -> int:
        path = self.unit.path
        found = employer_tally.figures_on([path], self.day).get(path, {})
        return int(found.get("renewals") or 0)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list:
        employers = []
        for spell in self.spells[index]:
            spell.employer.workers_on = spell.workers
            spell.employer.last_expires_on = spell.last_agreement_expires_on
            employers.append(spell.employer)
        return employers
