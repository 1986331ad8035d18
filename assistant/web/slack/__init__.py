"""The Slack slash command (`/secqa QUESTION`) and its "Post to channel" button.

Slack signs every request with the app's signing secret; nothing here answers a request before its
signature checks out, and without a secret the endpoints refuse everything (they never run open).
Slack waits 3 seconds for an acknowledgement: the answer goes inline when ready within
`settings.slack_inline_seconds`, otherwise the request is acknowledged at once and the answer posted
to the request's `response_url` afterwards.

Replies are ephemeral (only the asker sees them) unless the asker shares them, with
`/secqa share QUESTION` or the reply's "Post to channel" button.

- ``verify.py``  the signing secret, the signature and timestamp checks, the form body
- ``render.py``  answers as Block Kit messages, within Slack's limits; the usage text
- ``post.py``    follow-ups to the request's response_url (allowed hosts only, with retries)
- ``routes.py``  ``POST /slack/commands`` and ``POST /slack/interactions``

Everything logs to the logger ``assistant.slack``.
"""

from __future__ import annotations

from .post import post_to_response_url
from .render import render_answer, usage
from .routes import router
from .verify import check_configuration

__all__ = ["check_configuration", "post_to_response_url", "render_answer", "router", "usage"]
