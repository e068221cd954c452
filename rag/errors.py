"""The small exception family; every message says what to do next."""

from __future__ import annotations


class RagError(Exception):
    """Base class: an expected failure with a message meant for the user."""

    exit_code = 1


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
