from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

import qrcode
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from qrcode.image.svg import SvgPathImage

from accounts import services
from accounts.extensions import DASHBOARD
from accounts.forms import (
    AuthenticatorCodeForm,
    EmailAuthenticationForm,
    ProfileForm,
    ResendActivationForm,
    SafePasswordResetForm,
    SecondFactorForm,
    SignupForm,
)
from accounts.tokens import LinkState, read_activation_token
from accounts.two_factor import (
    Step,
    authenticator,
    pending_step,
    recovery_codes_left,
    requires_two_factor,
)


def _remember_language(response: HttpResponse, language: str) -> HttpResponse:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )
    return response


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        step = pending_step(user)
        if step is not Step.NONE:
            # The password is half of it: the code (or setting up the app) comes next.
            name = "accounts:otp_verify" if step is Step.VERIFY else "accounts:otp_setup"
            response = redirect(_with_next(name, self.get_success_url()))
        translation.activate(user.language)
        return _remember_language(response, user.language)


def safe_next(request: HttpRequest) -> str:
    """The `next` of the query or the form when it stays on this site, else ''.

    Only a local path is kept: it travels in e-mailed links (sign-up → activation),
    so it must never send someone elsewhere.
    """
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Sign-up keeps `next` (an invitation, say) through the e-mailed activation link."""
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "accounts:dashboard")
    initial = {"language": translation.get_language()}
    form = SignupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.register_user(
            email=data["email"],
            password=data["password1"],
            full_name=data["full_name"],
            phone=data["phone"],
            language=data["language"],
            next_url=next_url,
            request=request,
        )
        request.session["signup_email"] = data["email"]
        request.session["signup_next"] = next_url
        return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


@require_http_methods(["GET", "POST"])
def signup_done(request: HttpRequest) -> HttpResponse:
    """'Check your inbox', with a way to send the link again."""
    email = request.session.get("signup_email", "")
    form = ResendActivationForm(request.POST or None, initial={"email": email})
    if request.method == "POST" and form.is_valid():
        services.resend_activation(
            email=form.cleaned_data["email"], next_url=request.session.get("signup_next", "")
        )
        messages.info(
            request,
            _("If the address belongs to an unconfirmed account, we have sent the link again."),
        )
        return redirect("accounts:signup_done")
    return render(request, "accounts/signup_done.html", {"email": email, "form": form})


@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; POST confirms. Mail scanners that prefetch links change nothing."""
    user, state = read_activation_token(token)
    if state is LinkState.USED:
        # Single use: a second click (or someone else holding the link) logs nobody in.
        return render(
            request, "accounts/activation_used.html", {"next": safe_next(request)}, status=410
        )
    if user is None or state is not LinkState.VALID:
        return render(request, "accounts/activation_invalid.html", status=400)
    next_url = safe_next(request)
    if request.method == "POST":
        user = services.confirm_email(user, request=request)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session.pop("signup_next", None)
        messages.success(request, _("Your e-mail is confirmed. Welcome!"))
        return _remember_language(redirect(next_url or "accounts:dashboard"), user.language)
    return render(request, "accounts/activate.html", {"account": user, "next": next_url})


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The landing page after login: the tasks and next steps later apps put here first."""
    return render(
        request, "accounts/dashboard.html", {"panels": DASHBOARD.collect(request, request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.update_profile(request.user, data=form.cleaned_data, request=request)
        translation.activate(user.language)
        messages.success(request, _("Your profile has been saved."))
        return _remember_language(redirect("accounts:profile"), user.language)
    context = {
        "form": form,
        "authenticator": authenticator(request.user),
        "recovery_codes_left": recovery_codes_left(request.user),
        "two_factor_required": requires_two_factor(request.user),
    }
    return render(request, "accounts/profile.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        services.set_password(
            form.user,
            password=form.cleaned_data["new_password1"],
            action="user.password_changed",
            request=self.request,
        )
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Your password has been changed."))
        return redirect(self.get_success_url())


class PasswordResetView(auth_views.PasswordResetView):
    form_class = SafePasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "emails/password_reset-body.txt"
    subject_template_name = "emails/password_reset-subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False

    def form_valid(self, form):
        services.set_password(
            form.user,
            password=form.cleaned_data["new_password1"],
            action="user.password_reset",
            request=self.request,
        )
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        messages.success(self.request, _("Your new password is set. You can log in now."))
        return redirect(self.get_success_url())


# --- Brute-force lockout (T28) ------------------------------------------------------


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer to a locked account or address: the same page whichever it
    was and whether or not the account exists."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


# --- Two-factor login (T29) ---------------------------------------------------------


def _next_url(request: HttpRequest) -> str:
    """Where to go once the second factor is given: a page of this site only."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _second_factor_given(request: HttpRequest, device: Any) -> None:
    otp_login(request, device)
    request.session.cycle_key()  # the session is worth more now: a new key


def _show_recovery_codes(request: HttpRequest, codes: list[str], next_url: str) -> HttpResponse:
    """The codes, once: never stored in the session, shown in the POST's own answer."""
    grouped = [f"{code[:4]}-{code[4:]}" for code in codes]
    return render(request, "accounts/recovery_codes.html", {"codes": grouped, "next": next_url})


def _qr_code(device: Any) -> str:
    """The authenticator's set-up link as an SVG QR code, made here (no outside service)."""
    image = qrcode.make(device.config_url, image_factory=SvgPathImage, border=4)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def _grouped_secret(device: Any) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the authenticator's code, or a recovery code."""
    user: Any = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    step = pending_step(user)
    if step is Step.SETUP:
        return redirect(_with_next("accounts:otp_setup", next_url))
    if step is Step.NONE:
        return redirect(next_url)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.verify_second_factor(user, form.cleaned_data["code"], request=request)
        if result.device is not None:
            _second_factor_given(request, result.device)
            left = result.recovery_codes_left
            if left is not None:
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code; %(count)d is left. "
                        "Make new ones in your profile.",
                        "You used a recovery code; %(count)d are left. "
                        "Make new ones in your profile.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(next_url)
        if result.throttled:
            form.add_error("code", _("Too many wrong codes. Wait a minute, then try again."))
        else:
            form.add_error(
                "code",
                _("This code is not valid. A code works once; the app shows a new one every 30 s."),
            )
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: a new secret (POST "start"), then its first code.

    Also how a signed-in person replaces a lost phone's app, after giving a code.
    """
    user: Any = request.user
    next_url = _next_url(request)
    current = authenticator(user)
    if current is not None and not user.is_verified():
        return redirect(_with_next("accounts:otp_verify", next_url))
    if current is None and not requires_two_factor(user):
        return redirect("accounts:profile")
    if request.method == "POST" and "start" in request.POST:
        services.start_authenticator_setup(user, request=request)
        return redirect(_with_next("accounts:otp_setup", next_url))
    device = authenticator(user, confirmed=False)
    context: dict[str, Any] = {"next": next_url, "replacing": current is not None}
    if device is None:
        return render(request, "accounts/otp_setup_start.html", context)
    form = AuthenticatorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_authenticator(
            user, device, form.cleaned_data["code"], request=request
        )
        if codes is not None:
            device.refresh_from_db()
            _second_factor_given(request, device)
            return _show_recovery_codes(request, codes, next_url)
        form.add_error("code", _("This code is not valid. Enter the code the app shows now."))
    context.update(form=form, qr_code=_qr_code(device), secret=_grouped_secret(device))
    return render(request, "accounts/otp_setup.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working): GET asks, POST makes them."""
    user: Any = request.user
    if authenticator(user) is None:
        return redirect("accounts:profile")
    if request.method == "POST":
        codes = services.regenerate_recovery_codes(user, request=request)
        return _show_recovery_codes(request, codes, reverse("accounts:profile"))
    return render(
        request, "accounts/recovery_codes_confirm.html", {"left": recovery_codes_left(user)}
    )
