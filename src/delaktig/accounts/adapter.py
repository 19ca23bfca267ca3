from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request: HttpRequest, user: Any) -> None:
        # Usernames are internal and never shown; the e-mail address is the login.
        user.username = user.email.lower()[:150]
