"""Resources loaded once per process (spaCy model, gazetteer, lexicons) and shared by the stages.

Each attribute loads on first use, so a command that needs only extraction never loads spaCy.
Stages receive this object and read what they need; they never load models themselves.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from frontwire.config import Settings, load_settings


class Resources:
    """Lazily loaded, process-wide resources of the per-document stages."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or load_settings()

    @cached_property
    def nlp(self) -> Any:
        """The spaCy pipeline with frontwire's EntityRuler (frontwire.nlp)."""
        from frontwire.nlp.model import load_pipeline

        return load_pipeline(self.settings)

    @cached_property
    def entity_lexicon(self) -> Any:
        """Canonical names, aliases and types of known entities (frontwire.nlp)."""
        from frontwire.nlp.canonical import load_lexicon

        return load_lexicon()

    @cached_property
    def text_rules(self) -> Any:
        """Line rules of the plain-text boilerplate classifier (frontwire.extract.text)."""
        from frontwire.extract.text import load_rules

        return load_rules()

    @cached_property
    def timex_rules(self) -> Any:
        """Lexicon of the time-expression stage (frontwire.timex)."""
        from frontwire.timex import load_resources

        return load_resources()

    @cached_property
    def gazetteer(self) -> Any:
        """The in-process gazetteer (frontwire.geo)."""
        from frontwire.geo import load_gazetteer

        return load_gazetteer(self.settings)

    @cached_property
    def cues(self) -> Any:
        """Cue lexicon with stance classes (frontwire.claims)."""
        from frontwire.claims import load_resources

        return load_resources()

    @cached_property
    def event_classifier(self) -> Any:
        """The sentence classifier of event types (frontwire.events.classify)."""
        from frontwire.config import cache_folder
        from frontwire.events.classify import load_classifier

        return load_classifier(cache_dir=cache_folder(self.settings))

    @cached_property
    def event_rules(self) -> Any:
        """Trigger words, actor names, weapon and PLOVER tables of the events stage (frontwire.events)."""
        from frontwire.events import load_resources

        return load_resources()

    @cached_property
    def link_rules(self) -> Any:
        """Sides, control words and windows of the cross-document link stage (frontwire.link)."""
        from frontwire.link.contradictions import load_rules

        return load_rules()


_DEFAULT: Resources | None = None


def default_resources() -> Resources:
    """The process-wide Resources (used by worker processes and the CLI)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Resources()
    return _DEFAULT
