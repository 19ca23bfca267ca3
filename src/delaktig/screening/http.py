"""An external classifier service reached over HTTP (JSON in, JSON out)."""

import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

from .model import HARMFUL_LABELS, SEVERITIES, ClassifierUnavailable, Finding


class HttpClassifier:
    """POSTs `{"text": ..., "language": "sv"}` to `url` and reads harmful labels back.

    The answer must be JSON `{"labels": [{"label": "threat", "severity": "high",
    "score": 0.93, "start": 0, "end": 10}, ...]}`; `start`/`end` are optional (the whole text),
    `severity` defaults to "medium", `score` is kept only in the finding's `term`. Labels other
    than threat, hate and harassment are ignored. Any failure (connection refused, timeout,
    HTTP error status, an answer that is not that JSON) raises `ClassifierUnavailable`; the
    caller decides what to do (Delaktig's moderation sends the text to a person).
    """

    def __init__(
        self, url: str, *, timeout: float = 2.0, token: str = "", name: str = "external"
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError("the classifier URL must be http:// or https://")
        self.url = url
        self.timeout = timeout
        self.token = token
        self.name = name

    def _post(self, text: str) -> Any:
        body = json.dumps({"text": text, "language": "sv"}).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(  # noqa: S310 (http/https only, checked in __init__)
            self.url, data=body, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read().decode("utf-8"))
        except (OSError, ValueError) as error:  # URLError, HTTPError, timeouts, bad JSON
            raise ClassifierUnavailable(f"{self.name}: {error}") from error

    def classify(self, text: str) -> Sequence[Finding]:
        answer = self._post(text)
        try:
            labels = answer["labels"]
            findings = [self._finding(text, item) for item in labels]
        except (KeyError, TypeError, ValueError) as error:
            raise ClassifierUnavailable(f"{self.name}: unexpected answer ({error})") from error
        return [f for f in findings if f is not None]

    def _finding(self, text: str, item: dict[str, Any]) -> Finding | None:
        label = item["label"]
        if label not in HARMFUL_LABELS:
            return None
        severity = item.get("severity") or "medium"
        if severity not in SEVERITIES:
            raise ValueError(f"unknown severity {severity!r}")
        start = int(item.get("start", 0))
        end = int(item.get("end", len(text)))
        if not 0 <= start <= end <= len(text):
            raise ValueError("span outside the text")
        score = item.get("score")
        term = f"score {float(score):.2f}" if score is not None else ""
        return Finding(
            label, start, end, text[start:end], f"classifier.{self.name}", severity, term
        )
