"""The exception tree of frontwire.

    FrontwireError
    ├── InputError                 the input cannot be read as a document
    │   ├── FetchError             a URL could not be fetched (timeout, HTTP error, too large)
    │   │   └── BlockedAddressError  the URL resolves to a private, loopback or reserved address
    │   ├── UnsupportedFormat      the bytes are not a format we read (binary junk, non-HTML type)
    │   ├── EmptyInput             nothing to read (empty file, whitespace only)
    │   ├── TooLarge               over the size limit (the limit is in the message)
    │   ├── NotFoundInput          the input path does not exist (or a glob matches nothing)
    │   └── MalformedContainer     a WARC, gzip, feed or JSONL container is truncated or invalid
    ├── ExtractError               a page was read but holds no article text
    ├── ResourceError              a bundled model or data file is missing or broken
    ├── StoreError                 the store failed
    │   ├── MigrationError         a schema migration failed
    │   └── NotFound               no such record
    └── ConfigError                a bad setting

Every error has a short ``reason`` code, used as the skip reason in run summaries.
"""

from __future__ import annotations


class FrontwireError(Exception):
    """Base class of every error frontwire raises on purpose."""

    reason = "error"
    status = 500


class InputError(FrontwireError):
    """The input cannot be read as a document."""

    reason = "bad_input"
    status = 400


class FetchError(InputError):
    """A URL could not be fetched."""

    reason = "fetch_failed"


class BlockedAddressError(FetchError):
    """The URL resolves to a private, loopback, link-local or reserved address."""

    reason = "blocked_address"


class UnsupportedFormat(InputError):
    """The bytes are not a format frontwire reads."""

    reason = "unsupported_format"


class EmptyInput(InputError):
    """The input is empty or whitespace only."""

    reason = "empty"


class TooLarge(InputError):
    """The input is over the configured size limit."""

    reason = "too_large"


class NotFoundInput(InputError):
    """The input path does not exist, or a glob matches nothing."""

    reason = "not_found"


class MalformedContainer(InputError):
    """A WARC, gzip, feed or JSONL container is truncated or invalid."""

    reason = "malformed_container"


class ExtractError(FrontwireError):
    """A page was read but holds no article text."""

    reason = "no_article"
    status = 422


class ResourceError(FrontwireError):
    """A bundled model or data file is missing or broken."""

    reason = "resource"


class StoreError(FrontwireError):
    """The store failed."""

    reason = "store"


class MigrationError(StoreError):
    """A schema migration failed."""

    reason = "migration"


class NotFound(StoreError):
    """No such record."""

    reason = "not_found"
    status = 404


class ConfigError(FrontwireError):
    """A bad setting."""

    reason = "config"
    status = 400
