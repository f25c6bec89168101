from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import services
from accounts.forms import (
    EmailAuthenticationForm,
    ProfileForm,
    ResendActivationForm,
    SafePasswordResetForm,
    SignupForm,
)
from accounts.tokens import LinkState, read_activation_token


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
        translation.activate(user.language)
        return _remember_language(response, user.language)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
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
            request=request,
        )
        request.session["signup_email"] = data["email"]
        return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def signup_done(request: HttpRequest) -> HttpResponse:
    """'Check your inbox', with a way to send the link again."""
    email = request.session.get("signup_email", "")
    form = ResendActivationForm(request.POST or None, initial={"email": email})
    if request.method == "POST" and form.is_valid():
        services.resend_activation(email=form.cleaned_data["email"])
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
        return render(request, "accounts/activation_used.html", status=410)
    if user is None or state is not LinkState.VALID:
        return render(request, "accounts/activation_invalid.html", status=400)
    if request.method == "POST":
        user = services.confirm_email(user, request=request)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your e-mail is confirmed. Welcome!"))
        return _remember_language(redirect("accounts:dashboard"), user.language)
    return render(request, "accounts/activate.html", {"account": user})


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/dashboard.html")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.update_profile(request.user, data=form.cleaned_data, request=request)
        translation.activate(user.language)
        messages.success(request, _("Your profile has been saved."))
        return _remember_language(redirect("accounts:profile"), user.language)
    return render(request, "accounts/profile.html", {"form": form})


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
