from typing import Any

from django import forms
from django.db import models


def https_urls(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """ModelForm callback: URLs typed without a scheme are taken to be https (Django 6's way)."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)
