"""Speaker resolution: the source span as written -> canonical entity (pronouns, surnames, roles, groups)."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from frontwire.claims.lexicon import Lexicon
from frontwire.model import Mention

ORG_TYPES = frozenset({"ORG", "ARMED_GROUP", "NORP", "GPE", "UNIT"})
# How far back (characters) a pronoun or description may look for its antecedent.
MAX_LOOKBACK = 3000
# Role words just before a name ("Donetsk Governor Pavlo Kyrylenko") are searched this far back.
ROLE_WINDOW = 60
_POSSESSIVE = ("'s", "’s", "s'", "s’")
# Gender evidence for pronoun resolution: honorifics before a name, pronouns after it.
GENDER_WINDOW = 300
_HONORIFIC = re.compile(r"\b(Mr|Mrs|Ms|Miss)\.?\s+$")
_SUBJECT_PRONOUN = re.compile(r"\b([Hh]e|[Ss]he)\b")
_GENDERS = frozenset({"male", "female"})


@dataclass(frozen=True, slots=True)
class Speaker:
    """A resolved speaker: canonical name (None when unknown) and entity id (None for groups)."""

    name: str | None
    entity_id: str | None


class SpeakerResolver:
    """Resolves source spans of one document against its mentions, in text order."""

    def __init__(self, text: str, mentions: list[Mention], lex: Lexicon) -> None:
        self.text = text
        self.lex = lex
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        self._genders: dict[str, str] | None = None

    def _gender(self, entity_id: str) -> str | None:
        """'male' / 'female' when the text says so of this person, else None.

        Evidence, per mention: an honorific just before it ("Mr.", "Ms."; three votes), and the first
        "he" or "she" after it before the next person is named (two votes); a clear majority decides.
        """
        if self._genders is None:
            votes: dict[str, list[int]] = {}
            people = [m for m in self.mentions if m.type == "PERSON"]
            for n, m in enumerate(people):
                v = votes.setdefault(m.entity_id, [0, 0])
                title = _HONORIFIC.search(self.text, max(0, m.start - 6), m.start)
                if title is not None:
                    v[title.group(1).lower() != "mr"] += 3
                stop = people[n + 1].start if n + 1 < len(people) else len(self.text)
                # the first subject pronoun after the name, before the next person is named
                found = _SUBJECT_PRONOUN.search(self.text, m.end, min(stop, m.end + GENDER_WINDOW))
                if found is not None:
                    v[found.group(1).lower() == "she"] += 2
            self._genders = {
                eid: ("male" if male > female else "female")
                for eid, (male, female) in votes.items()
                if max(male, female) >= 2 and max(male, female) >= 3 * min(male, female)
            }
        return self._genders.get(entity_id)

    def _fits(self, m: Mention, kind: str) -> bool:
        return kind not in _GENDERS or self._gender(m.entity_id) in (None, kind)

    def _inside(self, start: int, end: int) -> list[Mention]:
        i = bisect_left(self.starts, start)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < end:
            if self.mentions[i].end <= end:
                out.append(self.mentions[i])
            i += 1
        return out

    def _before(self, pos: int, skip: tuple[int, int] | None = None) -> list[Mention]:
        """Mentions ending before ``pos``, nearest first, outside the ``skip`` span."""
        i = bisect_left(self.starts, pos)
        out = []
        for m in reversed(self.mentions[:i]):
            if m.end > pos:
                continue
            if pos - m.end > MAX_LOOKBACK:
                break
            if skip and skip[0] <= m.start < skip[1]:
                continue
            out.append(m)
        return out

    def _full_name(self, mention: Mention) -> Speaker:
        """A one-word PERSON mention ("Kyrylenko") -> the earlier full name ending with that word."""
        if mention.type == "PERSON" and " " not in mention.name.strip():
            word = mention.name.strip().casefold()
            for m in self._before(mention.start):
                if m.type == "PERSON" and " " in m.name and m.name.casefold().split()[-1] == word:
                    return Speaker(m.name, m.entity_id)
        return Speaker(mention.name, mention.entity_id)

    def _description(self, head: str, pos: int) -> Speaker | None:
        """'the governor' -> the nearest earlier entity whose role, name or title word matches."""
        want = self.lex.description_heads.get(head)
        if want is None:
            return None
        for m in self._before(pos):
            if (want == "PERSON" and m.type != "PERSON") or (want == "ORG" and m.type not in ORG_TYPES):
                continue
            title = self.text[max(0, m.start - ROLE_WINDOW) : m.start].casefold()
            if (
                head in m.name.casefold().split()
                or (m.role and head in m.role.casefold())
                or head in title.split()
            ):
                return self._full_name(m)
        return None

    def _role_holder(self, org: Mention, pos: int) -> Speaker | None:
        """The one person of the document whose role names ``org`` (nearest to ``pos`` if several)."""
        name = org.name.casefold()
        holders = [m for m in self.mentions if m.type == "PERSON" and m.role and name in m.role.casefold()]
        people = {m.entity_id for m in holders}
        if len(people) != 1:
            return None  # nobody, or several people with roles in it: not a safe guess
        nearest = min(holders, key=lambda m: abs(m.start - pos))
        return Speaker(nearest.name, nearest.entity_id)

    def resolve(
        self, start: int, end: int, head: str | None, plural: bool, content: tuple[int, int]
    ) -> Speaker:
        """Resolve the source span [start, end) whose syntactic head word is ``head``."""
        written = self.text[start:end]
        low = written.casefold()
        inside = self._inside(start, end)
        # A possessor is no speaker ("Putin's senior adviser Yuri Ushakov", "the agency's spokesman"):
        # drop mentions followed by 's when the span goes on past them.
        owned = [m for m in inside if m.end < end and self.text[m.end : m.end + 2] in _POSSESSIVE]
        if owned:
            inside = [m for m in inside if m not in owned]
            if not inside:
                found = self._description(head, start) if head else None
                return found if found is not None else Speaker(written, None)
        if inside:
            # Prefer the mention holding the head word, then a person, then the first.
            best = next((m for m in inside if head and head in m.text.casefold().split()), None)
            best = best or next((m for m in inside if m.type == "PERSON"), None) or inside[0]
            # "Wagner Chief": a person role word heads the span, so the organisation inside is not the speaker
            role_of_org = (
                best.type != "PERSON"
                and head is not None
                and self.lex.description_heads.get(head) == "PERSON"
                and head not in best.text.casefold().split()
            )
            if role_of_org:
                # ... but the person who holds that role in it may be named elsewhere in the text
                # ("Wagner Chief" in a headline; "Yevgeny Prigozhin, the head of ... the Wagner Group").
                holder = self._role_holder(best, start)
                if holder is not None:
                    return holder
            elif best.type == "PERSON" or not plural or best.text.casefold() == low.removeprefix("the "):
                return self._full_name(best)
        if not inside and " " not in low and written[:1].isupper():
            # a bare surname the NER missed ("PETRENKO:" in a transcript): the earlier full name
            for m in self._before(start, skip=content):
                if m.type == "PERSON" and " " in m.name and m.name.casefold().split()[-1] == low:
                    return Speaker(m.name, m.entity_id)
        kind = self.lex.pronouns.get(low)
        if kind is not None:
            if low in self.lex.person_pronouns:
                # "she" is not the man named last: skip people whose gender the text gives otherwise
                person = next(
                    (
                        m
                        for m in self._before(start, skip=content)
                        if m.type == "PERSON" and self._fits(m, kind)
                    ),
                    None,
                )
                return self._full_name(person) if person else Speaker(None, None)
            if kind == "plural":
                org = next((m for m in self._before(start, skip=content) if m.type in ORG_TYPES), None)
                return Speaker(org.name, org.entity_id) if org else Speaker(None, None)
            return Speaker(None, None)
        words = low.split()
        if (head and words and words[0] in ("the", "a", "an", "its", "his", "her", "their")) or len(
            words
        ) == 1:
            found = self._description(head or words[-1], start)
            if found is not None:
                return found
        if plural or (head and head in self.lex.group_heads):
            return Speaker(written, None)  # a group speaker stays the phrase
        return Speaker(written, None)
