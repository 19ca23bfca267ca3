"""allauth's sign-up form, made to cost the same whether or not the address has an account.

With enumeration prevention allauth answers a sign-up with an existing address exactly like a
new one (the same redirect and message; the owner gets an "account already exists" e-mail
instead of a verification link). Its work differs, though: a new account hashes the password
(the slow part on purpose, about a quarter of a second with PBKDF2), writes the user and its
address and sends the verification e-mail; an existing address only sends an e-mail. That
difference in time told anyone which addresses have accounts. Here the existing-address path
does the same work, through ``AccountAdapter.match_new_account_cost``.

This module is separate from ``forms.py`` because allauth's form inherits from
``SignupExtraForm`` there (``ACCOUNT_SIGNUP_FORM_CLASS``).
"""

from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from .models import User


class SignupForm(AllauthSignupForm):
    def try_save(self, request: HttpRequest) -> tuple[User | None, HttpResponseBase | None]:
        if self.account_already_exists:
            get_adapter(request).match_new_account_cost(request, self)
        return super().try_save(request)
