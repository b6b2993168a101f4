"""Provinces and wards from the pinned vietnam-provinces package, never typed by hand.

Codes are reused between the package's releases (docs/domain.md, "Administrative
divisions (vietnam-provinces)": code 226 was Kim Liên and is now Văn Miếu – Quốc Tử
Giám), so every row keeps the name it had and the data version it came from, and a
reload says which codes changed name.
"""

from dataclasses import dataclass, field

import vietnam_provinces
from django.db import models, transaction

from .models import Province, Ward


@dataclass(frozen=True)
class Release:
    """One release of the divisions: field values by code, for each model."""

    version: str
    provinces: dict[int, dict]
    wards: dict[int, dict]


@dataclass
class Changes:
    """What a load did to one model's rows, by code."""

    created: list[int] = field(default_factory=list)
    renamed: list[tuple[int, str, str]] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0
    removed: list[int] = field(default_factory=list)
    # No longer in the release, but units, employers or members still point at them.
    kept: list[int] = field(default_factory=list)


def installed_release() -> Release:
    """The divisions of the installed (pinned) vietnam-provinces package."""
    return Release(
        version=vietnam_provinces.__version__,
        provinces={
            p.code.value: {"name": p.name, "codename": p.codename}
            for p in vietnam_provinces.Province.iter_all()
        },
        wards={
            w.code.value: {"name": w.name, "province_id": w.province_code.value}
            for w in vietnam_provinces.Ward.iter_all()
        },
    )


@transaction.atomic
def load_divisions(release: Release | None = None) -> dict[str, Changes]:
    """Upsert every province and ward of ``release``; remove stale ones nothing uses."""
    release = release or installed_release()
    provinces = _upsert(Province, release.provinces, release.version)
    wards = _upsert(Ward, release.wards, release.version)
    # Wards first: a stale province can't go while a stale ward of it stays.
    _remove_unused(Ward, wards)
    _remove_unused(Province, provinces)
    return {"provinces": provinces, "wards": wards}


def _upsert(model, rows: dict[int, dict], version: str) -> Changes:
    changes = Changes()
    existing = model.objects.in_bulk()
    new, changed = [], []
    for code, values in rows.items():
        current = existing.get(code)
        if current is None:
            new.append(model(code=code, data_version=version, **values))
            changes.created.append(code)
            continue
        differs = {k: v for k, v in values.items() if getattr(current, k) != v}
        if not differs and current.data_version == version:
            changes.unchanged += 1
            continue
        if "name" in differs:
            changes.renamed.append((code, current.name, values["name"]))
        else:
            changes.updated.append(code)
        for name, value in differs.items():
            setattr(current, name, value)
        current.data_version = version
        changed.append(current)
    model.objects.bulk_create(new, batch_size=1000)
    fields = {name for values in rows.values() for name in values} | {"data_version"}
    model.objects.bulk_update(changed, sorted(fields), batch_size=500)
    changes.removed = sorted(set(existing) - set(rows))
    return changes


def _remove_unused(model, changes: Changes) -> None:
    used = _still_used(model, changes.removed)
    changes.kept = [code for code in changes.removed if code in used]
    changes.removed = [code for code in changes.removed if code not in used]
    model.objects.filter(pk__in=changes.removed).delete()


def _still_used(model, codes: list[int]) -> set[int]:
    """Those of ``codes`` that a row of any model (unit, employer, member, …) points at."""
    if not codes:
        return set()
    used = set()
    for relation in model._meta.related_objects:
        if not isinstance(relation, models.ManyToOneRel):
            continue
        pointing = relation.related_model._base_manager.filter(
            **{f"{relation.field.name}__in": codes}
        )
        used |= set(pointing.values_list(relation.field.attname, flat=True).distinct())
    return used
