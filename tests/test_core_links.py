"""``pk_url``: the address of a row from its id, as ``reverse`` gives it."""

import pytest
from django.urls import reverse

from delaktig.core.links import pk_url, slug_path_url


@pytest.mark.parametrize("pk", [1, 7, 42, 8_675_309, 2**31 - 1])
def test_it_gives_what_reverse_gives(pk: int) -> None:
    url = pk_url("followup:activity", slug="demokrati")
    assert url(pk) == reverse("followup:activity", kwargs={"slug": "demokrati", "pk": pk})


def test_a_slug_that_holds_the_marker_falls_back_to_reverse() -> None:
    slug = "a-8675309421-b"
    url = pk_url("followup:activity", slug=slug)
    assert url(5) == reverse("followup:activity", kwargs={"slug": slug, "pk": 5})


def test_the_id_is_a_number_not_text() -> None:
    url = pk_url("followup:activity", slug="demokrati")
    with pytest.raises(ValueError):
        url("../x")


@pytest.mark.parametrize(
    "path", ["om", "om-regionen/politik", "a/b_c/d-1", "åäö", "a b/c", "a%2F", "x//y", "/a"]
)
def test_a_path_of_slugs_gives_what_reverse_gives(path: str) -> None:
    url = slug_path_url("pages:page", slug="region")
    assert url(path) == reverse("pages:page", kwargs={"slug": "region", "path": path})
