"""The small exception family; every message says what to do next."""

from __future__ import annotations


class RagError(Exception):
    """Base class: an expected failure with a message meant for the user (and, where written, its Arabic)."""

    exit_code = 1

    def __init__(self, message: str = "", *, ar: str = "") -> None:
        super().__init__(message)
        self.ar = ar

    def in_language(self, language: str) -> str:
        """The message in the user's language: the Arabic one for "ar" where there is one, else the English."""
        return self.ar if language == "ar" and self.ar else str(self)


class ConfigError(RagError):
    """A setting has an invalid value."""

    exit_code = 2


class InputError(RagError):
    """A question, file or eval set that cannot be used as given."""

    exit_code = 2


class DocumentError(InputError):
    """A document that cannot be loaded (missing, empty, binary, wrong type)."""


class EvalSetError(InputError):
    """A malformed eval question set; the message names the file and line."""


class StoreError(RagError):
    """The vector store is missing, corrupted, read-only or locked."""

    exit_code = 3


class ModelError(RagError):
    """An embedding or chat model could not be prepared or loaded."""

    exit_code = 4
