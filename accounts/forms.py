from __future__ import annotations

import logging

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User, normalize_email
from municipal_order.lib.text import PlainNamesMixin
from notifications.services import queue_email

logger = logging.getLogger(__name__)


class SignupForm(PlainNamesMixin, forms.ModelForm):
    name_fields = ("full_name",)

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. A phrase of several words is easy to remember."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["full_name", "email", "phone", "language"]
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "placeholder": "+996 …"}),
        }

    def clean_email(self) -> str:
        # No "already registered" error: that would tell anyone which addresses have
        # accounts. The service writes to the address's owner instead.
        return normalize_email(self.cleaned_data["email"])

    def _get_validation_exclusions(self) -> set[str]:
        # The same reason: the model's unique e-mail (field and constraint) is left to
        # the service; the form field has already checked the address's format.
        return {*super()._get_validation_exclusions(), "email"}

    def clean(self) -> dict:
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        if p1:
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "Wrong e-mail or password. If you have just signed up, confirm your e-mail first."
        ),
        "inactive": _("This account is inactive."),
    }

    def clean_username(self) -> str:
        return normalize_email(self.cleaned_data["username"])


class ProfileForm(PlainNamesMixin, forms.ModelForm):
    name_fields = ("full_name",)

    class Meta:
        model = User
        fields = ["full_name", "phone", "language"]


class ResendActivationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data["email"])


class SafePasswordResetForm(PasswordResetForm):
    """Same answer whether or not the mail server is up: a failure is logged, never shown."""

    def get_users(self, email: str):
        return super().get_users(normalize_email(email))

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs
    ) -> None:
        # Through the durable outbox (never lost, never failing the request), in the
        # account holder's language, not the requester's.
        with transaction.atomic():
            queue_email("password_reset", to_email, context, language=context["user"].language)


class SecondFactorForm(forms.Form):
    """The code after the password: six digits from the app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "inputmode": "text",
            }
        ),
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
    )


class AuthenticatorCodeForm(forms.Form):
    """Confirms a new authenticator: its current six-digit code."""

    code = forms.CharField(
        label=_("6-digit code from the app"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Enter the 6 digits the app shows."))
        return code
