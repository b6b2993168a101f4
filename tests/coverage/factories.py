from datetime import date

import factory

from tests.factories import FiguresFollow
from unions.models import Target, WorkforceReport


class WorkforceReportFactory(FiguresFollow, factory.django.DjangoModelFactory):
    class Meta:
        model = WorkforceReport

    reported_on = date(2024, 1, 15)
    workers = 100


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    year = 2024
