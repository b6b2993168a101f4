"""The white-spot list page: ``figures.white_spots`` read from the spells, for paging.

The definition looks up every employer's worker count on the day and sorts them all:
about a second at the root of 100,000 employers (bench/dashboard.py). The same
employers, in the same order, are the spells without a union covering the day, read
biggest first from their partial index (spell_white_spots) until the page is full: a
few milliseconds. The count of an unfiltered list is the scope's eligible employers
minus those with a union, from the employer tally the dashboard reads; a filtered list
counts its spells. tests/coverage/test_rollups_match_a_recount.py compares both with
the definition.
"""

from datetime import date

from unions.models import UnionUnit

from . import employer_tally
from .figures import Structure, spells_on

# Employer fields each spell carries itself: filtering on them needs no join.
OWN_FIELDS = {"kind"}


class SpellList:
    """Spells read as a Paginator's object list: their employers, each with the
    spell's ``workers_on``. Subclasses say how the list is counted."""

    def __init__(self, unit: UnionUnit, day: date, spells, structure: str):
        self.unit, self.day, self.spells = unit, day, spells
        self.structure = structure

    def count(self) -> int:
        raise NotImplementedError

    def tally(self) -> dict:
        """The unit's figures on the day, from the employer tally of the structure."""
        if self.structure == Structure.CURRENT:
            key, dated = self.unit.path, False
        else:
            key, dated = self.unit.pk, True
        return employer_tally.figures_on([key], self.day, dated=dated).get(key, {})

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list:
        return [self.employer_of(spell) for spell in self.spells[index]]

    def __iter__(self):
        """Every item, read in chunks: for the Excel downloads."""
        for spell in self.spells.iterator(chunk_size=2000):
            yield self.employer_of(spell)

    def employer_of(self, spell):
        spell.employer.workers_on = spell.workers
        return spell.employer


class WhiteSpotList(SpellList):
    """``white_spots(unit, day).filter(**filters)`` as a Paginator's object list.

    ``filters`` are Employer fields (industrial_zone, kind, ward). Items are employers
    with ``workers_on``, like the definition's.
    """

    def __init__(
        self,
        unit: UnionUnit,
        day: date,
        structure: str = Structure.HISTORICAL,
        **filters,
    ):
        self.filters = filters
        spells = (
            spells_on(unit, day, has_union=False, structure=structure)
            .filter(
                **{
                    name if name in OWN_FIELDS else f"employer__{name}": value
                    for name, value in filters.items()
                },
            )
            .select_related("employer__industrial_zone", "employer__ward", "place")
            .order_by("-workers", "employer__name", "employer_id")
        )
        super().__init__(unit, day, spells, structure)

    def employer_of(self, spell):
        employer = super().employer_of(spell)
        # Without an active CĐCS the spell is placed at the unit managing it then.
        employer.managing_unit_name_on = spell.place.name
        return employer

    def count(self) -> int:
        if self.filters:
            return self.spells.count()
        found = self.tally()
        return int(found.get("eligible") or 0) - int(found.get("with_union") or 0)
