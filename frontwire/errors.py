"""The exception tree of frontwire.

    FrontwireError
    ├── InputError                 the input cannot be read as a document
    │   ├── FetchError             a URL could not be fetched (timeout, HTTP error, too large)
    │   │   └── BlockedAddressError  the URL resolves to a private, loopback or reserved address
    │   ├── UnsupportedFormat      the bytes are not a format we read (binary junk, non-HTML type)
    │   │   └── BinaryContent      bytes that decode to no plausible text (random bytes, junk)
    │   ├── EmptyInput             nothing to read (empty file, whitespace only)
    │   │   └── NothingToRead      a folder or glob that holds no file a run reads
    │   ├── TooLarge               over the size limit (the limit is in the message)
    │   ├── TooComplex             markup that would make the HTML parser blow up (attribute floods, ...)
    │   ├── TimeBudgetExceeded     one input took longer than its time budget
    │   ├── NotFoundInput          the input path does not exist (or a glob matches nothing)
    │   ├── Unreadable             permission denied, a symlink loop, an unreadable folder
    │   ├── SymlinkOutsideInput    a link in a walked folder points outside it (never followed)
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


class InvalidDate(InputError):
    """A publication date given with the input (a flag, a JSONL field) that is not a calendar date."""

    reason = "invalid_date"


class AmbiguousDate(InvalidDate):
    """A numeric date whose day and month could be swapped (07/03/2023) and no date order was given."""

    reason = "ambiguous_date"


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


class BinaryContent(UnsupportedFormat):
    """Bytes that are not text in any encoding (random bytes, a file of junk)."""

    reason = "binary"


class NothingToRead(EmptyInput):
    """A folder or glob that holds no file a run reads."""

    reason = "nothing_to_read"


class TooComplex(InputError):
    """Markup whose shape makes the HTML parser grow far faster than linearly (checked before parsing)."""

    reason = "too_complex"


class TimeBudgetExceeded(InputError):
    """One input took longer than its time budget (``input_time_budget``)."""

    reason = "time_budget_exceeded"


class Unreadable(InputError):
    """The input exists but cannot be read: permission denied, a symlink loop, an unreadable folder."""

    reason = "unreadable"


class SymlinkOutsideInput(InputError):
    """A link in a walked folder points outside it: a folder is untrusted input, so it is not followed."""

    reason = "symlink_outside_input"


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
