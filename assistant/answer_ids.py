"""Signed answer ids: feedback says which answer it judges, and the server, not the client, says what that was.

Feedback becomes evaluation labels, so a client must not be able to turn a right answer into
``expected: []`` or attach an unrelated quote: the id carries the question's hash, the outcome and the
first cited passage, under an HMAC with the server's key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass

from .errors import InputError
from .types import Answer, Status


@dataclass(frozen=True)
class Signed:
    answered: bool
    passage_id: int | None


def _question_hash(question: str) -> str:
    return hashlib.sha256(question.strip().encode("utf-8")).hexdigest()[:32]


class AnswerIds:
    def __init__(self, key: str | None = None):
        self._key = key.encode("utf-8") if key else os.urandom(32)

    def _mac(self, payload: bytes) -> str:
        return hmac.new(self._key, payload, hashlib.sha256).hexdigest()[:32]

    def sign(self, answer: Answer) -> str:
        first = answer.citations[0].passage_id if answer.citations else None
        payload = json.dumps({"q": _question_hash(answer.question), "s": str(answer.status), "p": first},
                             separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(payload).decode().rstrip("=") + "." + self._mac(payload)

    def verify(self, answer_id: str, question: str) -> Signed:
        """What the server answered to question under this id; InputError when it is not one of its ids."""
        try:
            body, mac = answer_id.rsplit(".", 1)
            payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            ok = hmac.compare_digest(mac, self._mac(payload))
            data = json.loads(payload) if ok else None
        except (ValueError, UnicodeDecodeError):
            data = None
        if not data or data.get("q") != _question_hash(question):
            raise InputError("this answer_id is not one this server gave for that question (or the server has "
                             "restarted since); ask the question again and send the new answer's answer_id")
        passage = data.get("p")
        return Signed(answered=data.get("s") == str(Status.ANSWERED),
                      passage_id=passage if isinstance(passage, int) else None)
