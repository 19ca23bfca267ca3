from django import forms

from .models import AccessibilityStatement


class AccessibilityStatementForm(forms.ModelForm):
    class Meta:
        model = AccessibilityStatement
        fields = [
            "service_name",
            "compliance",
            "non_accessible_content",
            "assessment_method",
            "assessed_on",
            "feedback_email",
            "feedback_phone",
        ]
        widgets = {
            "compliance": forms.RadioSelect,
            "non_accessible_content": forms.Textarea(attrs={"rows": 8}),
            "assessment_method": forms.Textarea(attrs={"rows": 3}),
            "assessed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
