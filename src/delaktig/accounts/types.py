"""The types services and selectors use for the person acting or looking."""

from django.contrib.auth.models import AnonymousUser

from .models import User

# Whoever a read is for, logged in or not. A write's ``actor`` is a :class:`User`.
Visitor = User | AnonymousUser

__all__ = ["User", "Visitor"]
