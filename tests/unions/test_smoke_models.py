import pytest

pytestmark = pytest.mark.django_db


def test_a_cdcs_sits_in_its_provinces_subtree(province, cdcs):
    from unions.models import UnionUnit

    assert UnionUnit.objects.within(province).filter(pk=cdcs.pk).exists()
