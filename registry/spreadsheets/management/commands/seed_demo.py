"""python manage.py seed_demo: the demo province, its members and one account per role.

It builds on unions, members and the coverage triggers, so it stands in the top layer
with the import and export commands.
"""

import random
import time
from contextlib import contextmanager

from django.contrib.auth.hashers import make_password
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from registry.models import User
from registry.roles import Role
from unions.coverage import spells
from unions.coverage import triggers as coverage_triggers
from unions.demo import AS_OF, ROOT_CODE, DemoProvince
from unions.models import UnionUnit

# Printed by this command and the README for everyone to read: set directly on the demo
# accounts, past the password rules, which refuse it for any real account
# (registry.passwords). The demo runs with DEBUG on and two-factor sign-in off.
DEMO_PASSWORD = "sodoanvien"

# One account per role: username, role, unit code (None: the demo province itself).
DEMO_ACCOUNTS = [
    ("quantri", Role.SYSTEM_ADMIN, None, "Quản trị hệ thống"),
    ("canbo_tinh", Role.PROVINCIAL, ROOT_CODE, "Cán bộ LĐLĐ tỉnh"),
    (
        "canbo_captren",
        Role.UPPER_LEVEL,
        "CD-KKT-DEMO",
        "Cán bộ công đoàn cấp trên cơ sở",
    ),
    ("canbo_cdcs", Role.GRASSROOTS, "largest", "Cán bộ CĐCS"),
    ("lanhdao", Role.LEADER, ROOT_CODE, "Lãnh đạo"),
]


@contextmanager
def coverage_tally_rebuilt_after():
    """Write without the coverage triggers' upkeep, then recount once.

    The tally behind the coverage figures (unions/coverage/triggers.py) is kept by
    triggers on every write: on SQLite once per row, for 83,000 memberships and every
    moved unit. Here they are dropped inside the seeding transaction and put back by the
    module's own ``ensure``, which recounts the whole tally and queues every employer's
    spells; a failure rolls the drop back with everything else. On PostgreSQL, other
    sessions using those tables wait until the seed commits (a demo database).
    The members' current unit (members/triggers.py) stays with its triggers: the demo
    writes each person after their memberships, already holding the open one, so they
    find nothing to update.
    """
    coverage_triggers.uninstall()
    yield
    coverage_triggers.ensure()
    spells.refresh()  # the employer figures, before anyone reads them


class Command(BaseCommand):
    help = _(
        "Build the demo province LDLD-DEMO with its units, employers, members and accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2024, help=_("Random seed."))

    def handle(self, *args, seed, **options):
        if UnionUnit.objects.filter(code=ROOT_CODE).exists():
            self.stdout.write(
                _("The demo province %(code)s already exists: nothing to do.")
                % {"code": ROOT_CODE}
            )
            self.print_accounts()
            return
        started = time.monotonic()
        if "load_divisions" in get_commands():
            call_command("load_divisions", verbosity=0)
        with transaction.atomic(), coverage_tally_rebuilt_after():
            builder, rng = DemoProvince(seed=seed), random.Random(seed)
            root = builder.build()
            members = self.seed_members(root, rng)
            builder.live_through_reorganisation(root)
            self.seed_new_union_members(root, rng)
            self.create_accounts(root)
        self.stdout.write(
            _(
                "Demo province %(code)s built in %(seconds).0f s: %(units)s units, %(members)s members active on %(day)s."
            )
            % {
                "code": ROOT_CODE,
                "seconds": time.monotonic() - started,
                "units": UnionUnit.objects.within(root).count(),
                "members": members,
                "day": AS_OF.strftime("%d/%m/%Y"),
            }
        )
        self.print_accounts()

    def seed_members(self, root, rng) -> int:
        from members.demo import seed_members

        return seed_members(province=root, as_of=AS_OF, rng=rng)

    def seed_new_union_members(self, root, rng) -> int:
        from members.demo import seed_new_union_members

        return seed_new_union_members(province=root, as_of=AS_OF, rng=rng)

    def create_accounts(self, root):
        largest = (
            UnionUnit.objects.within(root)
            .grassroots()
            .filter(dissolved_on__isnull=True)
            .order_by("-employers__workers")
            .first()
        )
        # One hash for the five accounts: each costs the hasher's full work factor.
        password = make_password(DEMO_PASSWORD)
        for username, role, code, label in DEMO_ACCOUNTS:
            unit = (
                largest
                if code == "largest"
                else UnionUnit.objects.filter(code=code).first()
            )
            user, _created = User.objects.get_or_create(username=username)
            user.role, user.unit, user.first_name = role, unit, label
            user.password = password
            user.save()

    def print_accounts(self):
        self.stdout.write(
            _(
                "Demo accounts (password: %(password)s; for the demo only: the password "
                "rules refuse it for real accounts):"
            )
            % {"password": DEMO_PASSWORD}
        )
        for user in User.objects.filter(
            username__in=[a[0] for a in DEMO_ACCOUNTS]
        ).select_related("unit"):
            unit = user.unit.code if user.unit else "—"
            self.stdout.write(
                f"  {user.username:<15} {user.get_role_display():<40} {unit}"
            )
