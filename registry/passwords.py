"""Password rules beyond Django's: no word everyone in the registry would guess first."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .text import fold

# Folded (no marks, lower case, no spaces): the product's and the union's own words, and
# the demo password that the README prints for everyone.
PROJECT_WORDS = [
    "sodoanvien",
    "doanvien",
    "congdoan",
    "cdcs",
    "ldld",
    "laodong",
    "tonglaodong",
    "tld",
    "quantri",
    "matkhau",
    "password",
]
SHORTEST_PERSONAL_WORD = 4


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, its refusal translated here: Django 5.2 reworded it and its own
    Vietnamese catalogue still has the old words."""

    def get_error_message(self):
        return (
            ngettext(
                "This password is too short. It must contain at least %d character.",
                "This password is too short. It must contain at least %d characters.",
                self.min_length,
            )
            % self.min_length
        )


def squeezed(text: str) -> str:
    """``text`` folded and with everything but letters and digits removed."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


class ProjectWordsValidator:
    """Refuses a password that contains a project word, the user's own names or login,
    or the code of their union unit (or of a unit above it), in any case or accents."""

    def validate(self, password, user=None):
        text = squeezed(password)
        found = [word for word in PROJECT_WORDS if word in text]
        found += [word for word in self.personal_words(user) if word in text]
        if found:
            raise ValidationError(
                _(
                    "This password contains a word that is easy to guess (%(word)s): "
                    "the registry's own words, your name, login or unit code."
                ),
                code="password_project_word",
                params={"word": found[0]},
            )

    def personal_words(self, user) -> list[str]:
        if user is None:
            return []
        words = [user.get_username(), user.first_name, user.last_name]
        words += (user.first_name or "").split() + (user.last_name or "").split()
        unit = getattr(user, "unit", None) if user.unit_id else None
        if unit is not None:
            words += [u.code for u in type(unit).objects.get_ancestors(unit)]
            words.append(unit.code)
        squeezed_words = {squeezed(word) for word in words if word}
        return sorted(w for w in squeezed_words if len(w) >= SHORTEST_PERSONAL_WORD)

    def get_help_text(self):
        return _(
            "Your password cannot contain the registry's own words (such as "
            "“công đoàn” or “đoàn viên”), your name, login or unit code."
        )
