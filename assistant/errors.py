"""The exceptions the assistant raises on purpose.

Everything a user can cause derives from AssistantError, so the CLI and the web layer can turn it into
a one-line message (the text always says what to do next) instead of a stack trace.

    AssistantError
    ├── ConfigError      bad settings (missing corpus folder, bad threshold ...)
    ├── CorpusError      no readable documents
    ├── ModelError       the embedding model cannot be found or loaded
    ├── IndexError_      the index cannot be built or read
    ├── InputError       a question or an uploaded file the assistant refuses
    └── EvalSetError     a broken evaluation set (names the line)
"""


class AssistantError(Exception):
    """Base class: a problem the user can fix; the message says how.

    Raised with a catalog key (``InputError(key="answer.error.empty")``), the message can be shown in
    the reader's language with ``localized(lang)``; ``str()`` is the English one (logs, CLI).
    """

    def __init__(self, message: str | None = None, *, key: str | None = None, **values):
        self.key = key
        self.values = values
        if message is None:
            from . import messages

            message = messages.t(key, "en", **values)
        super().__init__(message)

    def localized(self, lang: str) -> str:
        if not self.key:
            return str(self)
        from . import messages

        return messages.t(self.key, lang, **self.values)


class ConfigError(AssistantError):
    pass


class CorpusError(AssistantError):
    pass


class ModelError(AssistantError):
    pass


class IndexError_(AssistantError):
    """Named with a trailing underscore so it never shadows the builtin IndexError."""


class InputError(AssistantError):
    pass


class EvalSetError(AssistantError):
    pass
