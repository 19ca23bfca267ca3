"""A moderator names the rule a text breaks: no rule is chosen in advance (before, the first,
"threat or call to violence", was, and a quick hide of an insult labelled it a threat)."""

import pytest
from django import forms

from delaktig.discussions.forms import HideForm
from delaktig.moderation.forms import WithholdForm
from delaktig.moderation.models import Rule


@pytest.mark.parametrize("form_class", [WithholdForm, HideForm])
def test_no_rule_is_chosen_in_advance(form_class: type[forms.Form]) -> None:
    form = form_class()
    html = str(form["rule"])
    first, *rules = html.split("<option")[1:]
    assert 'value=""' in first
    assert rules and not any("selected" in option for option in rules)
    data = {"withhold_as": "hidden", "reason": "Skäl", "rule": ""}
    assert list(form_class(data).errors) == ["rule"]
    data["rule"] = Rule.values[0]
    assert form_class(data).is_valid()
