"""SQL frozen inside migrations, found again when it has to be re-run.

A migration keeps the trigger and view DDL it installs as text, so that it installs
the same thing whatever the project's code looks like later. SQLite drops a table's
triggers when a migration rebuilds the table; what reinstalls them after migrating
reads the same frozen text, from the latest migration that froze it.
"""

import importlib
import pkgutil


def latest(app_label: str, name: str):
    """``name`` as defined by the latest migration of ``app_label`` that defines it."""
    package = importlib.import_module(f"{app_label}.migrations")
    found = None
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        if hasattr(module, name):
            found = getattr(module, name)
    return found


def same_sql(first: list[str], second: list[str]) -> bool:
    """Whether two lists of statements are the same SQL, whitespace aside."""
    return [" ".join(s.split()) for s in first] == [" ".join(s.split()) for s in second]
