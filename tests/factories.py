from datetime import date

import factory

from members.models import Member, Membership
from registry.models import User
from registry.roles import Role
from unions.coverage import spells
from unions.models import CollectiveAgreement, Employer, IndustrialZone, UnionUnit


def valid_tax_code(n: int) -> str:
    """The n-th tax code with a correct check digit (docs/domain.md, "Tax codes")."""
    from registry.identifiers import tax_code_check_digit

    sequence = 100_000_000 + n
    while True:
        first_nine = f"{sequence:09d}"
        digit = tax_code_check_digit(first_nine)
        if digit is not None:
            return f"{first_nine}{digit}"
        sequence += 1_000_000


class UnionUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnionUnit

    code = factory.Sequence(lambda n: f"CDCS-{n:04}")
    name = factory.Sequence(lambda n: f"Công đoàn cơ sở số {n}")
    kind = UnionUnit.Kind.GRASSROOTS
    founded_on = date(2010, 1, 1)
    parent = None

    @classmethod
    def _create(cls, model_class, parent=None, **fields):
        # Tree nodes go through treebeard, which assigns the path.
        if parent is None:
            return model_class.objects.add_root(fields)
        return model_class.objects.add_child(parent, fields)


class IndustrialZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndustrialZone

    code = factory.Sequence(lambda n: f"KCN-{n:03}")
    name = factory.Sequence(lambda n: f"Khu công nghiệp số {n}")


class FiguresFollow:
    """Records written as a form or an import writes them: the employer figures are
    brought up to date after the write (the request's or the job's own refresh; a
    page view never does it). A test writing otherwise calls ``spells.refresh()``."""

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            spells.refresh()


class EmployerFactory(FiguresFollow, factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    tax_code = factory.Sequence(valid_tax_code)
    name = factory.Sequence(lambda n: f"Công ty TNHH Số {n}")
    kind = Employer.Kind.NON_STATE
    workers = 50
    workers_reported_on = date(2024, 1, 1)
    founded_on = date(2000, 1, 1)
    managing_unit = None
    grassroots_union = None


class CollectiveAgreementFactory(FiguresFollow, factory.django.DjangoModelFactory):
    class Meta:
        model = CollectiveAgreement

    employer = factory.SubFactory(EmployerFactory)
    signed_on = date(2023, 1, 1)
    effective_on = date(2023, 1, 1)
    expires_on = date(2025, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.UPPER_LEVEL
    unit = None
    password = factory.PostGenerationMethodCall("set_password", "demo-password")

    @factory.post_generation
    def _saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def letters(n: int) -> str:
    """0 → "A", 25 → "Z", 26 → "Ba": a number as a word of letters."""
    word = ""
    while True:
        n, digit = divmod(n, 26)
        word = chr(ord("a") + digit) + word
        if not n:
            return word.capitalize()


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    # A name has no digits (members.rules): the n-th is told apart by letters.
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn An {letters(n)}")
    given_name = "An"
    family_name = "Nguyễn"
    middle_name = "Văn"
    birth_date = date(1990, 1, 1)
    gender = "M"
    cccd = factory.Sequence(lambda n: f"001090{n:06d}")
    joined_union_on = date(2015, 1, 1)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    member = factory.SubFactory(MemberFactory)
    unit = None
    started_on = date(2015, 1, 1)
