"""Situation reports: what happened, who claims what, what is disputed, how well it is corroborated.

Assembled **only from records**: every sentence is a fixed template filled with record fields
(event clusters, claims, contradictions), and every sentence carries at least one citation, a
numbered source that names the outlet, title, publication date and the span (document id and
character offsets) whose text is quoted. A span is cited only after checking that the stored
document's ``text[start:end]`` is exactly the record's text; a record whose span does not check
out is left out (and counted), never cited loosely.

Markdown output escapes the characters Markdown would read as markup or raw HTML; HTML output
escapes all page text with ``html.escape``, carries no script, and links only http(s) URLs.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from frontwire.report import acled
from frontwire.report.records import Filters, Reader, _paged, filters, records

STANCES = ("asserted", "hedged", "denied")
KINDS = {
    "control": "Control of territory",
    "casualties": "Casualty counts",
    "equipment": "Equipment counts",
    "responsibility": "Responsibility",
    "denial": "Denial",
}
SECTIONS = (
    ("happened", "What happened"),
    ("claims", "Who claims what"),
    ("disputed", "What is disputed"),
    ("corroboration", "How well each item is corroborated"),
)
UNDATED = "Date not stated"


@dataclass(slots=True)
class Source:
    """One cited span."""

    n: int
    doc_id: str
    start: int
    end: int
    quote: str  # == the stored document's text[start:end]
    outlet: str | None
    title: str | None
    published: str | None
    url: str | None


@dataclass(slots=True)
class Sentence:
    text: str  # plain text (no markup, no citation marks)
    cites: list[int]


@dataclass(slots=True)
class Item:
    sentences: list[Sentence] = field(default_factory=list)


@dataclass(slots=True)
class Group:
    heading: str | None  # a day, a period, or None
    items: list[Item] = field(default_factory=list)


@dataclass(slots=True)
class Section:
    key: str
    title: str
    count: int = 0
    noun: str = "items"
    groups: list[Group] = field(default_factory=list)


@dataclass(slots=True)
class Report:
    place: str | None
    since: str | None
    until: str | None
    places: list[str]  # the stored place names the place matched
    sections: list[Section]
    sources: list[Source]
    left_out: int = 0  # records whose span did not match the stored text


def _deaths(low: int | None, best: int | None, high: int | None) -> str | None:
    if best is not None:
        if low is not None and high is not None and (low, high) != (best, best):
            return f"{best} (between {low} and {high})"
        return str(best)
    if low is not None and high is not None:
        return str(low) if low == high else f"between {low} and {high}"
    if low is not None:
        return f"at least {low}"
    if high is not None:
        return f"up to {high}"
    return None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _period(start: str | None, end: str | None) -> str:
    if not start:
        return UNDATED
    return start if start == end or not end else f"{start} to {end}"


def _side(code: str | None) -> str:
    if not code:
        return ""
    name = acled.country(code)[0] or code
    return f" ({name} side)"


def _in_period(day: str | None, since: str | None, until: str | None) -> bool:
    if since is None and until is None:
        return True
    if not day:
        return False
    return (since is None or day >= since) and (until is None or day <= until)


class _Builder:
    def __init__(self, store: Any, f: Filters) -> None:
        self.store = store
        self.f = f
        self.reader = Reader(store)
        self.sources: dict[tuple[str, int, int], Source] = {}
        self.left_out = 0
        self._claims: dict[str, dict[str, dict[str, Any]]] = {}

    # -- citations -----------------------------------------------------------------------------
    def cite(self, doc_id: str, start: int, end: int, quote: str) -> int | None:
        key = (doc_id, start, end)
        if key in self.sources:
            return self.sources[key].n
        doc = self.reader.document(doc_id)
        if not (0 <= start < end <= len(doc.text)) or doc.text[start:end] != quote:
            return None
        src = Source(
            len(self.sources) + 1, doc_id, start, end, quote, doc.outlet, doc.title, doc.published, doc.url
        )
        self.sources[key] = src
        return src.n

    def claims_of(self, doc_id: str) -> dict[str, dict[str, Any]]:
        if doc_id not in self._claims:
            rows = self.store.query_claims(doc_id=doc_id, limit=100_000)
            self._claims[doc_id] = {r["claim_id"]: r for r in rows}
        return self._claims[doc_id]

    # -- places --------------------------------------------------------------------------------
    def place_names(self, place: str | None) -> tuple[list[str], set[str]]:
        """Stored place names the report's place matches (its name, a mention of it, its region),
        and the claim-fact keys (place ids and folded names) for them."""
        if not place:
            return [], set()
        key = place.strip().casefold()
        names = {place.strip()}
        ids: set[str] = set()
        for row in self.store.query_places(name=place.strip(), limit=1000):
            names.add(row["name"])
            ids.add(row["id"])
        # Places in the region (admin1) of that name: the events query matches admin1 itself.
        ordered = sorted(names, key=lambda n: (n.casefold() != key, n))
        return ordered, ids | {n.casefold() for n in ordered}

    # -- sections ------------------------------------------------------------------------------
    def happened(self, places: list[str]) -> tuple[Section, Section]:
        recs = records(self.store, self.f, reader=self.reader, places=places or None)
        happened = Section("happened", "What happened", noun="event")
        corroboration = Section("corroboration", "How well each item is corroborated", noun="event")
        groups: dict[str, Group] = {}
        ranked: list[tuple[int, str, Item]] = []
        clusters = self.reader.clusters() if any(r["kind"] == "cluster" for r in recs) else {}
        for r in recs:
            members = self._members(r, clusters)
            anchor = self.cite(r["doc_id"], r["start"], r["end"], r["evidence"])
            cited = (self.cite(m["doc_id"], m["start"], m["end"], m["evidence"]) for m in members)
            spans = [n for n in cited if n]
            if anchor is None or not spans:
                self.left_out += 1
                continue
            item = Item()
            where = r["place"] or "a place the report does not name"
            if r["admin1"] and r["admin1"] != r["place"]:
                where += f", {r['admin1']}"
            actors = [a for a in (r["actor1"], r["actor2"]) if a]
            what = f"{r['sub_event_type']} ({r['event_type']}) in {where}"
            if actors:
                what += ", involving " + " and ".join(actors)
            if r["target"]:
                what += f"; target: {r['target']}"
            item.sentences.append(Sentence(what + ".", [anchor]))
            item.sentences.append(Sentence(f"“{_flat(r['evidence'])}”", [anchor]))
            deaths = _deaths(r["fatalities_low"], r["fatalities_best"], r["fatalities_high"])
            if deaths:
                stated = [
                    n
                    for m in members
                    if m["fatalities"] and m["fatalities"].get("best") == r["fatalities_best"]
                    if (n := self.cite(m["doc_id"], m["start"], m["end"], m["evidence"]))
                ]
                item.sentences.append(Sentence(f"Fatalities stated: {deaths}.", stated or [anchor]))
            for m in members:
                if m["reported_by"]:
                    n = self.cite(m["doc_id"], m["start"], m["end"], m["evidence"])
                    who = m["reported_by_speaker"] or "an unnamed source"
                    stance = m["stance"] or "stance not stated"
                    said = f"Reported as a claim by {who} ({stance})."
                    item.sentences.append(Sentence(said, [n or anchor]))
            for key, values in sorted((r["disagreements"] or {}).items()):
                shown = ", ".join(str(v) for v in values)
                differ = f"The reports differ on the {key.replace('_', ' ')}: {shown}."
                item.sentences.append(Sentence(differ, spans))
            item.sentences += self._corroboration(r, spans)
            when = _period(r["date_start"], r["date_end"])
            groups.setdefault(when, Group(when)).items.append(item)
            summary = Item([Sentence(f"{r['sub_event_type']} in {where} ({when}).", [anchor])])
            summary.sentences += self._corroboration(r, spans)
            ranked.append((-(r["corroboration"] or 0), r["date_start"] or "9999", summary))
        happened.groups = sorted(groups.values(), key=lambda g: (g.heading == UNDATED, g.heading or ""))
        happened.count = sum(len(g.items) for g in happened.groups)
        ranked.sort(key=lambda t: (t[0], t[1]))
        corroboration.groups = [Group(None, [item for *_, item in ranked])] if ranked else []
        corroboration.count = len(ranked)
        return happened, corroboration

    def _members(self, r: dict[str, Any], clusters: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        if r["kind"] != "cluster":
            return [{**r, "fatalities": _fat(r)}]
        wanted = set(clusters[r["id"]]["events"])
        return [m for d in r["documents"] for m in self.reader.events_of(d) if m["id"] in wanted]

    def _corroboration(self, r: dict[str, Any], spans: list[int]) -> list[Sentence]:
        reports = _plural(r["reports"], "report")
        if r["corroboration"] is None:
            return [Sentence(f"Corroboration: not linked across documents yet ({reports}).", spans)]
        outlets = ", ".join(r["outlets"]) or "outlets not stated"
        out = [
            Sentence(
                f"Corroboration: {_plural(r['corroboration'], 'independent outlet')} ({outlets}), {reports}.",
                spans,
            )
        ]
        if r["claimed_only"]:
            out.append(Sentence("Claimed only by a party to the conflict.", spans))
        return out

    def claims(self, keys: set[str]) -> Section:
        section = Section("claims", "Who claims what", noun="claim")
        since, until = self.f.since, self.f.until
        if keys:
            facts = self.store.claim_fact_candidates(sorted(keys), since, until, [])
            rows = [
                {
                    "doc_id": x["doc_id"],
                    "claim_id": x["claim_id"],
                    "speaker": x["speaker_name"] or x["speaker"],
                    "side": x["side"],
                    "stance": x["stance"],
                    "content": x["content"],
                    "start": x["start"],
                    "end": x["end"],
                    "date": x["date"],
                }
                for x in facts
            ]
        else:
            rows = [
                {
                    "doc_id": c["doc_id"],
                    "claim_id": c["claim_id"],
                    "speaker": c["speaker_name"] or c["speaker"],
                    "side": None,
                    "stance": c["stance"],
                    "content": c["content"],
                    "start": c["start"],
                    "end": c["end"],
                    "date": (c["said_on"] or c["published"] or "")[:10] or None,
                }
                for c in _paged(self.store.query_claims)
            ]
        rows = [r for r in rows if _in_period(r["date"], since, until)]
        rows.sort(key=lambda r: (r["date"] is None, r["date"] or "", r["doc_id"], r["start"]))
        groups: dict[str, Group] = {}
        for r in rows:
            n = self.cite(r["doc_id"], r["start"], r["end"], r["content"])
            if n is None:
                self.left_out += 1
                continue
            claim = self.claims_of(r["doc_id"]).get(r["claim_id"])
            speaker = r["speaker"] or "An unnamed source"
            stance = r["stance"] if r["stance"] in STANCES else "stance not stated"
            if claim is None:  # a party channel's own sentence (no attribution cue in the text)
                how = f"{speaker}{_side(r['side'])}, in its own channel ({stance})"
            else:
                quoted = ", quoted words" if claim["direct"] else ""
                how = f"{speaker}{_side(r['side'])} {claim['cue']} ({stance}{quoted})"
            text = f"{how}: {_quoted(r['content'])}"
            day = r["date"] or UNDATED
            groups.setdefault(day, Group(day)).items.append(Item([Sentence(text, [n])]))
        section.groups = sorted(groups.values(), key=lambda g: (g.heading == UNDATED, g.heading or ""))
        section.count = sum(len(g.items) for g in section.groups)
        return section

    def _claim_day(self, doc_id: str, claim_id: str) -> str | None:
        claim = self.claims_of(doc_id).get(claim_id)
        if claim and claim.get("said_on"):
            return str(claim["said_on"])[:10]
        return (self.reader.document(doc_id).published or "")[:10] or None

    def disputed(self, places: list[str], place: str | None) -> Section:
        section = Section("disputed", "What is disputed", noun="contradiction")
        found: dict[str, dict[str, Any]] = {}
        if place:
            for name in places:
                for c in _paged(self.store.contradictions, place=name):
                    found.setdefault(c["id"], c)
        else:
            found = {c["id"]: c for c in _paged(self.store.contradictions)}
        items: list[tuple[str, Item]] = []
        for c in sorted(found.values(), key=lambda c: (c.get("place") or "", c["kind"], c["id"])):
            a, b = c["a"], c["b"]
            days = [self._claim_day(a["doc_id"], a["claim_id"]), self._claim_day(b["doc_id"], b["claim_id"])]
            if not any(_in_period(d, self.f.since, self.f.until) for d in days):
                continue
            na = self.cite(a["doc_id"], a["start"], a["end"], a["content"])
            nb = self.cite(b["doc_id"], b["start"], b["end"], b["content"])
            if na is None or nb is None:
                self.left_out += 1
                continue
            label = KINDS.get(c["kind"], c["kind"])
            if c.get("place"):
                label += f" ({c['place']})"
            explanation = c["explanation"].rstrip()
            stop = "" if explanation.endswith(".") else "."
            item = Item([Sentence(f"{label}: {explanation}{stop}", [na, nb])])
            for side, n in ((a, na), (b, nb)):
                who = side.get("speaker") or "An unnamed source"
                item.sentences.append(Sentence(f"{who} ({side['stance']}): {_quoted(side['content'])}", [n]))
            items.append((min(d for d in days if d) if any(days) else "", item))
        section.groups = [Group(None, [item for _, item in items])] if items else []
        section.count = len(items)
        return section


def _fat(r: dict[str, Any]) -> dict[str, int | None] | None:
    fat = {k: r[f"fatalities_{k}"] for k in ("low", "best", "high")}
    return fat if any(v is not None for v in fat.values()) else None


def _quoted(text: str) -> str:
    """The record's words in quotation marks, closing the sentence unless they already do."""
    flat = _flat(text)
    return f"“{flat}”" if flat.endswith((".", "!", "?")) else f"“{flat}”."


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def build_report(
    store: Any, place: str | None = None, since: str | None = None, until: str | None = None
) -> Report:
    """The report's records, sentences and sources (the structure both renderings print)."""
    f = filters(place=place, since=since, until=until)
    b = _Builder(store, f)
    places, keys = b.place_names(f.place)
    happened, corroboration = b.happened(places)
    claims = b.claims(keys)
    disputed = b.disputed(places, f.place)
    return Report(
        place=f.place,
        since=f.since,
        until=f.until,
        places=places,
        sections=[happened, claims, disputed, corroboration],
        sources=sorted(b.sources.values(), key=lambda s: s.n),
        left_out=b.left_out,
    )


# -- rendering ------------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#&!~])")


def md_escape(text: str) -> str:
    """Text that Markdown shows as written: markup and raw-HTML characters backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", _flat(text))


def _title(r: Report) -> str:
    where = r.place or "all places"
    if r.since or r.until:
        when = f"{r.since or 'the start'} to {r.until or 'the latest record'}"
    else:
        when = "all dates"
    return f"Situation report: {where}, {when}"


def _meta(r: Report) -> list[str]:
    lines = [
        "Assembled by frontwire from the records in the store only (event clusters, claims, "
        "contradictions): every sentence is a template filled with record fields, and the numbers "
        "in brackets after it name its sources, listed at the end with outlet, title, date, "
        "document id, character span and the quoted text.",
    ]
    if r.place:
        lines.append("Places matched: " + ("; ".join(r.places) or r.place) + ".")
    counts = ", ".join(_plural(s.count, s.noun) for s in r.sections[:3])
    lines.append(f"Records: {counts}; {_plural(len(r.sources), 'cited span')}.")
    if r.left_out:
        lines.append(f"Left out: {_plural(r.left_out, 'record')} whose span does not match the stored text.")
    return lines


def _heading(s: Section) -> str:
    return f"{s.title} ({_plural(s.count, s.noun)})"


def _source_line(s: Source) -> str:
    parts = [
        s.outlet or "outlet not stated",
        f"“{s.title}”" if s.title else "untitled",
        (s.published or "date not stated")[:10],
        f"document {s.doc_id[:12]}, characters {s.start}-{s.end}",
    ]
    return ", ".join(parts)


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _md_sentence(sent: Sentence) -> str:
    return md_escape(_sentence_case(sent.text)) + " " + "".join(f"[{n}]" for n in sent.cites)


def to_markdown(r: Report) -> str:
    out = [f"# {md_escape(_title(r))}", ""]
    out += [f"> {md_escape(line)}" for line in _meta(r)]
    for s in r.sections:
        out += ["", f"## {md_escape(_heading(s))}"]
        for g in s.groups:
            if g.heading:
                out += ["", f"### {md_escape(g.heading)}"]
            out.append("")
            for item in g.items:
                out.append("- " + " ".join(_md_sentence(sent) for sent in item.sentences))
    out += ["", "## Sources", ""]
    for src in r.sources:
        line = f"[{src.n}] {md_escape(_source_line(src))}"
        if src.url:
            line += f" <{md_escape(src.url)}>" if _web(src.url) else f", {md_escape(src.url)}"
        out.append(f"{line}: “{md_escape(src.quote)}”")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _web(url: str) -> bool:
    return bool(re.match(r"https?://[^\s<>\"']+$", url))


_CSS = (
    "body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
    ".meta{color:#555}.cite{font-size:.8em;vertical-align:super;text-decoration:none}"
    "blockquote{margin:.2rem 0 .8rem 1rem;color:#444}li{margin:.3rem 0}"
)


def to_html(r: Report) -> str:
    e = html.escape
    title = e(_title(r))
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        # No script may run in this page, whatever a document's text holds.
        '<meta http-equiv="Content-Security-Policy"'
        " content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{title}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{title}</h1>",
        *(f'<p class="meta">{e(line)}</p>' for line in _meta(r)),
        "</header><main>",
    ]
    for s in r.sections:
        out.append(f'<section id="{s.key}"><h2>{e(_heading(s))}</h2>')
        for g in s.groups:
            if g.heading:
                out.append(f"<h3>{e(g.heading)}</h3>")
            out.append("<ul>")
            for item in g.items:
                cells = [
                    f'<span class="s">{e(_sentence_case(sent.text))}</span>'
                    + "".join(f'<a class="cite" href="#src-{n}">[{n}]</a>' for n in sent.cites)
                    for sent in item.sentences
                ]
                out.append("<li>" + " ".join(cells) + "</li>")
            out.append("</ul>")
        out.append("</section>")
    out.append('<section id="sources"><h2>Sources</h2><ol>')
    for src in r.sources:
        link = ""
        if src.url:
            link = f' <a href="{e(src.url)}">{e(src.url)}</a>' if _web(src.url) else f" {e(src.url)}"
        out.append(
            f'<li id="src-{src.n}" value="{src.n}">{e(_source_line(src))}{link}'
            f"<blockquote>{e(src.quote)}</blockquote></li>"
        )
    out.append("</ol></section></main></body></html>")
    return "\n".join(out) + "\n"


def situation_report(
    store: Any, place: str | None, since: str | None, until: str | None, fmt: str = "md"
) -> str:
    """The situation report for a place and period, as Markdown (``md``) or HTML (``html``)."""
    fmt = (fmt or "md").strip().lower()
    if fmt not in ("md", "html"):
        raise ValueError(f"unknown report format {fmt!r}; formats: md, html")
    report = build_report(store, place, since, until)
    return to_markdown(report) if fmt == "md" else to_html(report)
