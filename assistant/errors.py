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
    """Base class: a problem the user can fix; the message says how."""


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
