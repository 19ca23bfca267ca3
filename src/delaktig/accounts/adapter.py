import ipaddress
import uuid
from typing import TYPE_CHECKING, Any

from allauth import app_settings as allauth_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django.http import HttpRequest

from delaktig.core import ratelimit
from delaktig.notifications.outbox import email_queue_message

from .models import User

if TYPE_CHECKING:
    from .signup import SignupForm


class AccountAdapter(DefaultAccountAdapter):
    _account_login_usage: ratelimit.Usage | None = None

    def populate_username(self, request: HttpRequest, user: User) -> None:
        # Usernames are internal and never shown; the e-mail address is the login.
        user.username = user.email.lower()[:150]

    # --- Sign-up: the same work whether or not the address has an account ---

    def match_new_account_cost(self, request: HttpRequest, form: "SignupForm") -> None:
        """For a sign-up with an address that already has an account, do the work creating
        an account costs, so that the answer takes as long (``accounts/signup.py``).

        A new account is built by ``save_user`` (which hashes the password with the default
        hasher), saved, completed by ``SignupExtraForm.signup`` and given its e-mail address;
        here the same happens under a stand-in address in a transaction that is rolled back,
        so nothing is kept (PostgreSQL only uses up a few sequence numbers). Both paths then
        queue one e-mail: the verification link, or "you already have an account".
        ``SignupExtraForm.signup`` must therefore only write to the database.
        """
        from allauth.account.models import EmailAddress

        stand_in = f"{uuid.uuid4().hex}@signup.invalid"
        with transaction.atomic():
            user = self.save_user(request, self.new_user(request), form, commit=False)
            user.email = user.username = stand_in
            user.save()
            form.custom_signup(request, user)
            EmailAddress.objects.create(user=user, email=stand_in, primary=True, verified=False)
            transaction.set_rollback(True)

    # --- Login throttling per account and client ---

    def client_key(self, request: HttpRequest) -> str:
        """The client as the rate limits see it: its address, an IPv6 address by its /64
        (``ALLAUTH_RATE_LIMIT_IPV6_PREFIX``), like allauth's own per-IP limits."""
        address = ipaddress.ip_address(self.get_client_ip(request))
        if isinstance(address, ipaddress.IPv6Address):
            prefix = allauth_settings.RATE_LIMIT_IPV6_PREFIX
            return str(ipaddress.IPv6Network(f"{address}/{prefix}", strict=False).network_address)
        return str(address)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth's key for the "key" part of ACCOUNT_RATE_LIMITS["login_failed"] is the
        # account; with the client added, failures from one client (an attacker) do not lock
        # the owner out on another. Password reset clears it for the client that reset.
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{self.client_key(request)}"

    def _account_login_limit(self, credentials: dict[str, Any]) -> ratelimit.Limit:
        login = str(credentials.get("email", credentials.get("username", ""))).lower()
        return ratelimit.limit_for("login_failed_account", key=login)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """allauth's limits per client and per account and client, then Delaktig's much
        higher one per account over all clients, which slows guessing spread over many
        addresses without letting one client lock the owner out."""
        super().pre_authenticate(request, **credentials)
        self._account_login_usage = ratelimit.consume(self._account_login_limit(credentials))
        if self._account_login_usage is None:
            raise self.validation_error("too_many_login_attempts")

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        self._account_login_usage = None
        user = super().authenticate(request, **credentials)
        if user is not None and self._account_login_usage is not None:
            # As allauth does with its own counts: only failed attempts stay counted.
            self._account_login_usage.release()
        return user

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        # Called for each of the person's addresses after a successful password reset: the
        # owner, having proved they read the mailbox, may log in again from anywhere.
        super()._delete_login_attempts_cached_email(request, **credentials)
        ratelimit.reset(self._account_login_limit(credentials))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Queue allauth's e-mails (verification, password reset …) in the outbox instead of
        sending them during the request: with the mail server down, sign-up and password
        reset still succeed, and the e-mail goes out when the server is back."""
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {
                "request": request,
                "email": email,
                "current_site": get_current_site(request),
                **context,
            },
        )
        html = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = str(content)
        body = str(message.body)
        if message.content_subtype == "html":
            html, body = body, ""
        email_queue_message(
            recipient=email,
            template=template_prefix.rsplit("/", 1)[-1],
            subject=str(message.subject),
            body=body,
            html_body=html,
            kind="accounts.security",
        )
