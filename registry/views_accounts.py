"""The account's own pages: the one-time code, enrolling an authenticator, the
password, sessions."""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import RedirectURLMixin
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token

from . import accounts

ENROLMENT_KEY = "two_factor_key"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from the authenticator app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autofocus": True,
                "pattern": "[0-9 ]*",
            }
        ),
    )


def _next_url(request) -> str:
    """Where to go once the code is given: ``next`` when it is on this site."""
    helper = RedirectURLMixin()
    helper.request = request
    return helper.get_redirect_url() or "/"


@login_required
def two_factor_verify(request):
    """The second step of signing in: the code the account's authenticator shows."""
    if not accounts.has_authenticator(request.user):
        return redirect("two_factor_enrol")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"].replace(" ", ""))
        if device is None:
            form.add_error(
                "code",
                _(
                    "This code is not right, or has expired: type the code the app "
                    "shows now. After several wrong codes, wait a little before trying."
                ),
            )
        else:
            otp_login(request, device)
            return redirect(_next_url(request))
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": request.GET.get("next", "")},
    )


@login_required
def two_factor_enrol(request):
    """Link an authenticator app to the account: scan the QR code, type one code."""
    key = request.session.get(ENROLMENT_KEY) or accounts.new_key()
    request.session[ENROLMENT_KEY] = key
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if accounts.code_matches_key(key, form.cleaned_data["code"]):
            device = accounts.enrol(request.user, key)
            del request.session[ENROLMENT_KEY]
            otp_login(request, device)
            messages.success(
                request,
                _("Two-factor sign-in is on: from now on you also type a code."),
            )
            return redirect(_next_url(request))
        form.add_error(
            "code",
            _(
                "This code does not match: check the phone's clock and type the new code."
            ),
        )
    context = {
        "form": form,
        "qr_code": accounts.qr_code_svg(accounts.enrolment_url(request.user, key)),
        "key": accounts.readable_key(key),
        "required": accounts.must_use_two_factor(request.user),
        "next": request.GET.get("next", ""),
    }
    return render(request, "registration/two_factor_enrol.html", context)


@login_required
def account(request):
    """The account's security: two-factor sign-in, and ending every session."""
    context = {
        "has_authenticator": accounts.has_authenticator(request.user),
        "required": accounts.must_use_two_factor(request.user),
    }
    return render(request, "registration/account.html", context)


@sensitive_post_parameters()
@login_required
def password_change(request):
    """Django's password change in the site's look; the password rules apply. This
    session stays signed in, the account's other sessions end (their hash changes)."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        messages.success(request, _("Your password was changed."))
        return redirect("account")
    return render(request, "registration/password_change.html", {"form": form})


@require_POST
@login_required
def sign_out_everywhere(request):
    accounts.sign_out_everywhere(request.user)
    logout(request)
    messages.success(
        request, _("You are signed out on every computer and phone. Sign in again.")
    )
    return redirect("login")
