"""The sign-in, MFA and API-token forms: django-allauth's forms in GOV.UK Frontend dress."""

from __future__ import annotations

from typing import Any

from allauth.account import forms as allauth_account_forms
from allauth.mfa.base import forms as mfa_base_forms
from allauth.mfa.recovery_codes import forms as mfa_recovery_forms
from allauth.mfa.totp import forms as mfa_totp_forms
from django import forms

from kith.accounts.forms import GovukBoundField, GovukForm
from kith.accounts.models import TOKEN_LIFETIMES_DAYS, TokenScope


class Govuk:
    """Mixed into django-allauth's forms: GOV.UK classes, and labels instead of placeholders
    (placeholder text vanishes as one types and fails contrast)."""

    bound_field_class = GovukBoundField
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
            if isinstance(field.widget, forms.PasswordInput) or field.label == "Code":
                field.help_text = ""


class LoginForm(Govuk, allauth_account_forms.LoginForm):
    pass


class ChangePasswordForm(Govuk, allauth_account_forms.ChangePasswordForm):
    pass


class ReauthenticateForm(Govuk, allauth_account_forms.ReauthenticateForm):
    pass


class MfaAuthenticateForm(Govuk, mfa_base_forms.AuthenticateForm):
    pass


class MfaReauthenticateForm(Govuk, mfa_base_forms.ReauthenticateForm):
    pass


class ActivateTotpForm(Govuk, mfa_totp_forms.ActivateTOTPForm):
    pass


class DeactivateTotpForm(Govuk, mfa_totp_forms.DeactivateTOTPForm):
    pass


class GenerateRecoveryCodesForm(Govuk, mfa_recovery_forms.GenerateRecoveryCodesForm):
    pass


class ApiTokenForm(GovukForm):
    name = forms.CharField(
        max_length=100, help_text="What the token is for, so you know which one to revoke."
    )
    scope = forms.ChoiceField(
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        label="Access",
    )
    days = forms.TypedChoiceField(
        choices=[(days, f"{days} days") for days in TOKEN_LIFETIMES_DAYS],
        coerce=int,
        initial=90,
        widget=forms.RadioSelect,
        label="Expires after",
    )
