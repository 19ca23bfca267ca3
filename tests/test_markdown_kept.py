"""``render_markdown`` keeps the HTML of recent texts: the same text is converted once, and
a long one, or another, is converted as before."""

from typing import Any

import pytest

from delaktig.core import markdown


def test_the_same_text_is_converted_once_and_long_texts_every_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    markdown._kept.cache_clear()
    converted: list[str] = []
    real = markdown.md.markdown

    def counting(text: str, **kwargs: Any) -> str:
        converted.append(text)
        return real(text, **kwargs)

    monkeypatch.setattr(markdown.md, "markdown", counting)
    text = "Vi vill veta **vad du tycker**. <script>x</script> [länk](javascript:alert(1))"
    first = markdown.render_markdown(text)
    assert markdown.render_markdown(text) == first
    assert "<strong>vad du tycker</strong>" in first and "<script>" not in first
    assert "javascript" not in first
    assert converted == [text]
    assert markdown.render_markdown(text + " Mer.") != first and len(converted) == 2
    long_text = "ord " * (markdown.KEPT_LENGTH // 4 + 1)
    markdown.render_markdown(long_text)
    markdown.render_markdown(long_text)
    assert len(converted) == 4
    assert markdown.render_markdown("") == "" and markdown.render_markdown(None) == ""
