"""Link stage (across documents): near-duplicates, event clusters with corroboration, contradictions.

It runs after each commit on what was just stored, against what the store already holds, so a
new batch never rereads the whole store: fingerprints are matched through indexed LSH band keys,
events against the clusters in their type, place box and date window, claims against the claims
about the same places in the same period.

Entry point: :func:`link_batch` (the runner's after-commit step).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from frontwire.link import duplicates, fusion
from frontwire.model import Document

__all__ = ["LinkSummary", "link_batch"]


@dataclass(slots=True)
class LinkSummary:
    """What one link step did."""

    duplicates: dict[str, str] = field(default_factory=dict)  # copy id -> original id
    clusters_changed: int = 0
    clusters_dropped: int = 0
    events_linked: int = 0
    contradictions: int = 0

    def add(self, other: LinkSummary) -> None:
        self.duplicates.update(other.duplicates)
        self.clusters_changed += other.clusters_changed
        self.clusters_dropped += other.clusters_dropped
        self.events_linked += other.events_linked
        self.contradictions += other.contradictions


def link_batch(store: Any, documents: Sequence[Document], resources: Any) -> LinkSummary:
    """Link the documents just committed against the store (idempotent: a rerun changes nothing)."""
    summary = LinkSummary()
    ids = [d.id for d in documents]
    if not ids:
        return summary
    summary.duplicates = _link_duplicates(store, ids)
    party = resources.link_rules.is_party
    _refresh_stale(store, party, summary)
    new = store.events_to_link(ids, party)
    if new:
        changed = fusion.assign(new, store.candidate_clusters(new, party))
        store.save_clusters([fusion.fuse(c) for c in changed])
        summary.clusters_changed += len(changed)
        summary.events_linked = len(new)
    summary.contradictions = _link_claims(store, documents, resources)
    return summary


def _link_duplicates(store: Any, ids: Sequence[str]) -> dict[str, str]:
    rows = store.link_documents(ids)
    prints = [fp for r in rows if (fp := duplicates.fingerprint(r["id"], r["text"])) is not None]
    found: dict[str, str] = {}
    for fp in prints:
        hit = duplicates.match(fp, store.fingerprint_candidates(fp.bands, exclude=ids))
        if hit is not None:
            found[fp.doc_id] = hit.doc_id
    # Inside the batch, the earlier stored document is the original.
    for copy, original in duplicates.group_batch([fp for fp in prints if fp.doc_id not in found]).items():
        found[copy] = original
    already = {r["id"]: r["duplicate_of"] for r in rows}
    found = {k: v for k, v in found.items() if already.get(k) != v}
    if found:
        store.set_duplicate_of(found)
    store.save_fingerprints(prints, duplicates.EXTRACTOR)
    return found


def _refresh_stale(store: Any, party: Any, summary: LinkSummary) -> None:
    """Clusters that lost members (their document was replaced): fuse again, or drop when empty."""
    stale = store.stale_clusters()
    if not stale:
        return
    clusters = store.load_clusters(stale, party)
    kept = [c for c in clusters if c.members]
    dropped = [c.id for c in clusters if not c.members]
    store.save_clusters([fusion.fuse(c) for c in kept], dropped=dropped)
    summary.clusters_changed += len(kept)
    summary.clusters_dropped += len(dropped)


def _link_claims(store: Any, documents: Sequence[Document], resources: Any) -> int:
    from frontwire.link import contradictions

    rules = resources.link_rules
    facts = [f for d in documents for f in contradictions.claim_facts(d, rules)]
    if not facts:
        return 0
    store.save_claim_facts(facts)
    places = {k for f in facts for k in f.place_keys()}
    dates = sorted(f.date for f in facts if f.date)
    # Claims further apart than the widest window of any kind cannot contradict each other.
    since, until = rules.window(dates[0], dates[-1]) if dates else (None, None)
    stored = store.claim_fact_candidates(places, since, until, exclude_docs=[d.id for d in documents])
    candidates = [contradictions.ClaimFacts.from_json(r) for r in stored]
    # Two claims can only disagree about a place they share: compare each new claim with the stored
    # and new claims that name one of its places, not with the whole batch's candidates.
    by_place: dict[str, list[Any]] = {}
    for f in [*candidates, *facts]:
        for key in f.place_keys():
            by_place.setdefault(key, []).append(f)
    found: dict[str, Any] = {}
    for f in facts:
        near = {x.key(): x for k in f.place_keys() for x in by_place[k] if x is not f}
        for c in contradictions.find_contradictions([f], list(near.values()), rules):
            found.setdefault(c.id, c)
    if found:
        store.save_contradictions(sorted(found.values(), key=lambda c: c.id))
    return len(found)
