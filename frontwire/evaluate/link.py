"""Scorers and data builders of the link stage: near-duplicate documents and event fusion.

**duplicates** (``frontwire eval duplicates``): pairwise precision/recall/F1 of "is a copy of"
decisions on ``ukraine-news-raw``: its exact duplicates (same normalised text under another id), the
updated versions labelled by hand in ``frontwire/data/eval/duplicate_labels.jsonl``, and
re-publications derived here from its texts, deterministically (:func:`derive_variants`). Documents
go through the system as it runs: written with ``store.add_documents`` into a temporary SQLite store,
batch by batch, then ``frontwire.link._link_duplicates`` (fingerprints, indexed LSH band lookup,
confirmation); the decision read back is each document's ``duplicate_of``.

**link** (``frontwire eval link``): pairwise precision/recall/F1 of "same cluster" over hand-labelled
pairs of counted events of different documents (``frontwire/data/eval/fusion_labels.jsonl``), read
from the ``events.cluster_id`` column of a store built by ``frontwire.runner.run``.

Both split their items ONCE with :func:`frontwire.evaluate.events.is_check`: duplicates by family
(the source article and every copy of it), fusion by the day of the earlier event of a pair.
Nothing here tunes anything; the tune part is reported beside the check part.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import re
import tempfile
import textwrap
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

from frontwire.evaluate.events import bootstrap_ci, is_check
from frontwire.evaluate.scores import Scores, prf
from frontwire.model import normalise_text_for_id, sha256_hex

NEWS_SET = "ukraine-news-raw"
SEED = 20240601
TRANSFORMS = ("header_footer", "trim", "rewrap", "typography", "ad_line", "combined")
# Pairs of different families (both texts real) reported apart: the hard negatives.
HARD = ("same_day_same_outlet", "same_day_other_outlet")

# -- small helpers ---------------------------------------------------------------------------------


def text_sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _label_file(name: str) -> list[dict[str, Any]]:
    path = importlib_resources.files("frontwire").joinpath(f"data/eval/{name}")
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


def groups_to_pairs(groups: Mapping[str, str]) -> set[tuple[str, str]]:
    """doc id -> group key  ->  every unordered pair (a < b) of documents in one group."""
    members: dict[str, list[str]] = defaultdict(list)
    for doc, g in groups.items():
        members[g].append(doc)
    out: set[tuple[str, str]] = set()
    for docs in members.values():
        out.update(itertools.combinations(sorted(docs), 2))
    return out


# -- pairwise scoring with family bootstrap -------------------------------------------------------------


def pairwise_scores(
    predicted: set[tuple[str, str]],
    gold: set[tuple[str, str]],
    unit_of: Callable[[str], str],
    universe: set[tuple[str, str]] | None = None,
    resamples: int = 1000,
) -> Scores:
    """Pairwise P/R/F1 of predicted against gold pairs, with bootstrap intervals over units.

    Each pair is charged to the unit(s) of its two items (half to each when they differ), and the
    bootstrap resamples units. ``universe`` restricts both sets to the pairs being scored (None: all).
    """
    if universe is not None:
        predicted, gold = predicted & universe, gold & universe
    per: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for pair in predicted | gold:
        slot = 0 if pair in predicted and pair in gold else (1 if pair in predicted else 2)
        ua, ub = unit_of(pair[0]), unit_of(pair[1])
        for u, w in ((ua, 1.0),) if ua == ub else ((ua, 0.5), (ub, 0.5)):
            per[u][slot] += w
    tp, fp, fn = len(predicted & gold), len(predicted - gold), len(gold - predicted)
    p, r, f = prf(tp, fp, fn)
    metrics: dict[str, float | None] = {"precision": p, "recall": r, "f1": f}
    units = sorted(per)
    if units and resamples:

        def stat(idx: list[int]) -> dict[str, float]:
            t = [sum(per[units[i]][k] for i in idx) for k in range(3)]
            sp, sr, sf = prf(*t)
            return {k: v for k, v in (("precision", sp), ("recall", sr), ("f1", sf)) if v is not None}

        for k, (lo, hi) in bootstrap_ci(len(units), stat, resamples=resamples).items():
            metrics[f"{k}.lo"], metrics[f"{k}.hi"] = lo, hi
    return Scores(metrics=metrics, counts={"tp": tp, "fp": fp, "fn": fn, "gold_pairs": len(gold)})


# -- duplicates: data -------------------------------------------------------------------------------------


@dataclass(slots=True)
class DupDoc:
    id: str
    text: str
    day: str | None  # YYYY-MM-DD (GDELT seendate)
    outlet: str | None  # the set names only the outlet's country
    family: str  # the source article's family (split key)
    kind: str  # 'real' or one of TRANSFORMS


@dataclass(slots=True)
class DupSet:
    docs: list[DupDoc] = field(default_factory=list)
    gold: set[tuple[str, str]] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)

    def family_of(self) -> dict[str, str]:
        return {d.id: d.family for d in self.docs}


_PARA = re.compile(r"\n\s*\n")
BYLINES = ("By Staff Reporter", "By our correspondent", "By News Desk", "By Foreign Desk")
ADS = ("ADVERTISEMENT", "Advertisement - scroll to continue", "Story continues below advertisement")


def _paragraphs(text: str) -> list[str]:
    paras = [p.strip() for p in _PARA.split(text) if p.strip()]
    if len(paras) <= 1:
        paras = [p.strip() for p in text.splitlines() if p.strip()]
    return paras


def _headline_of(text: str) -> str:
    words = text.split()[:9]
    return " ".join(words).rstrip(".,;:") if words else "Ukraine latest"


def derive_variants(
    doc_id: str, text: str, outlet: str | None, other: str, rng: random.Random
) -> dict[str, str]:
    """Re-publications of one real text, one per kind (deterministic given ``rng``):

    * header_footer: a byline (and dateline) line before; "Share this article" and "Read more: <first
      words of another article of the set>" lines after.
    * trim: the last paragraph(s) cut (1, or 2 when the text has 6 or more paragraphs) when at least
      60 % of the words remain, else the last sentence only (else nothing).
    * rewrap: paragraphs joined and wrapped at 60-78 columns (words unchanged).
    * typography: straight quotes to curly ones, " - " to " — ", the first paragraph in capitals.
    * ad_line: an advertisement line inserted between two paragraphs (or after the first).
    * combined: header_footer + trim + rewrap + ad_line together.
    """
    paras = _paragraphs(text)
    byline = f"{rng.choice(BYLINES)} | {outlet or 'Wire'} News"
    header = [byline, f"Published {rng.randint(1, 28)} {rng.choice(['March', 'April', 'May'])}"]
    footer = ["Share this article", f"Read more: {_headline_of(other)}"]

    def trimmed(ps: list[str]) -> list[str]:
        # A re-publication keeps most of the story: at least 60 % of the words stay, else only the
        # last sentence goes.
        cut = 2 if len(ps) >= 6 else 1
        words = sum(len(p.split()) for p in ps)
        if len(ps) > cut and sum(len(p.split()) for p in ps[:-cut]) >= 0.6 * words:
            return ps[:-cut]
        sentences = re.split(r"(?<=[.!?])\s+", ps[-1])
        out = ps[:-1] + ([" ".join(sentences[:-1])] if len(sentences) > 1 else [])
        return out if sum(len(p.split()) for p in out) >= 0.6 * words else ps

    def wrapped(ps: list[str]) -> list[str]:
        width = rng.randint(60, 78)
        return [textwrap.fill(" ".join(ps), width=width)]

    def with_ad(ps: list[str]) -> list[str]:
        at = rng.randint(1, max(1, len(ps) - 1))
        return [*ps[:at], rng.choice(ADS), *ps[at:]]

    def typography(ps: list[str]) -> list[str]:
        out = []
        for i, p in enumerate(ps):
            q = re.sub(r'"(\w)', "“\\1", p)
            q = q.replace('"', "”").replace("'", "’").replace(" - ", " — ")
            out.append(q.upper() if i == 0 else q)
        return out

    return {
        "header_footer": "\n\n".join(header + paras + footer),
        "trim": "\n\n".join(trimmed(paras)),
        "rewrap": "\n\n".join(wrapped(paras)),
        "typography": "\n\n".join(typography(paras)),
        "ad_line": "\n\n".join(with_ad(paras)),
        "combined": "\n\n".join(header + wrapped(with_ad(trimmed(paras))) + footer),
    }


def build_duplicate_set(data_dir: Path, limit: int | None = None) -> DupSet:
    """The real articles (exact duplicates + hand-labelled updated versions) and derived copies.

    Families: articles with the same normalised text, joined with the pairs labelled ``copy`` in
    ``duplicate_labels.jsonl`` (whose sha256 must match the texts); the family key is its smallest id.
    Each family's first article (smallest id) gets one derived copy per kind of :func:`derive_variants`,
    with id ``<kind>~<source id>``. Gold: every pair of documents of one family.
    """
    arts = _read_jsonl(data_dir / NEWS_SET / "articles.jsonl")
    arts.sort(key=lambda a: a["id"])
    if limit is not None:
        arts = arts[:limit]
    by_id = {a["id"]: a for a in arts}
    uf = _Union()
    first_by_text: dict[str, str] = {}
    for a in arts:
        uf.find(a["id"])
        norm = normalise_text_for_id(a["text"])
        if norm in first_by_text:
            uf.union(first_by_text[norm], a["id"])
        else:
            first_by_text[norm] = a["id"]
    exact_pairs = len(groups_to_pairs({a["id"]: uf.find(a["id"]) for a in arts}))
    labelled = 0
    for lab in _label_file("duplicate_labels.jsonl"):
        x, y = by_id.get(lab["a"]), by_id.get(lab["b"])
        if (
            x is None
            or y is None
            or (text_sha(x["text"]), text_sha(y["text"])) != (lab["sha256_a"], lab["sha256_b"])
        ):
            continue  # the set changed since the label was written
        if lab["label"] == "copy":
            uf.union(x["id"], y["id"])
            labelled += 1
    out = DupSet()
    rng = random.Random(SEED)
    families: dict[str, list[str]] = defaultdict(list)
    for a in arts:
        families[uf.find(a["id"])].append(a["id"])
        out.docs.append(
            DupDoc(a["id"], a["text"], (a.get("gdelt_seendate") or "")[:10] or None, a.get("outlet_country"),
                   uf.find(a["id"]), "real")
        )  # fmt: skip
    keys = sorted(families)
    for n, fam in enumerate(keys):
        src = by_id[fam]
        other = by_id[keys[(n + 1) % len(keys)]]["text"]
        for kind, text in derive_variants(
            src["id"], src["text"], src.get("outlet_country"), other, rng
        ).items():
            out.docs.append(
                DupDoc(f"{kind}~{src['id']}", text, (src.get("gdelt_seendate") or "")[:10] or None,
                       src.get("outlet_country"), fam, kind)
            )  # fmt: skip
    out.gold = groups_to_pairs(out.family_of())
    out.counts = {
        "articles": len(arts),
        "families": len(families),
        "exact_duplicate_pairs": exact_pairs,
        "labelled_update_pairs": labelled,
        "derived_copies": len(out.docs) - len(arts),
        "documents": len(out.docs),
    }
    return out


# -- duplicates: systems -------------------------------------------------------------------------------------


def run_detector(docs: Sequence[DupDoc], batch_size: int = 16, seed: int = SEED) -> dict[str, str | None]:
    """frontwire's near-duplicate detection as the system runs it: each batch written with
    ``store.add_documents`` into a temporary SQLite store, then ``link._link_duplicates`` on it.
    Documents arrive in a fixed shuffled order. Returns doc id -> stored ``duplicate_of``."""
    from frontwire.link import _link_duplicates
    from frontwire.model import Article, Document
    from frontwire.store import open_store

    order = list(docs)
    random.Random(seed).shuffle(order)
    with tempfile.TemporaryDirectory(prefix="fw-eval-dup-") as tmp:
        store: Any = open_store(Path(tmp) / "dup.db")
        try:
            for i in range(0, len(order), batch_size):
                batch = [
                    Document(article=Article(id=d.id, source=f"eval:{d.id}", text=d.text, outlet=d.outlet,
                                             published=d.day))
                    for d in order[i : i + batch_size]
                ]  # fmt: skip
                result = store.add_documents(batch)
                written = set(result.stored) | set(result.updated)
                _link_duplicates(store, [d.id for d in batch if d.id in written])
            rows = store.link_documents([d.id for d in docs])
        finally:
            close = getattr(store, "close", None)
            if close:
                close()
    return {r["id"]: r["duplicate_of"] for r in rows}


def roots(duplicate_of: Mapping[str, str | None]) -> tuple[dict[str, str], int]:
    """doc id -> the original at the end of its duplicate_of chain; and how many chains were longer
    than one step (the store promises an original is never itself a copy)."""
    out: dict[str, str] = {}
    long_chains = 0
    for doc in duplicate_of:
        seen = {doc}
        cur = doc
        while (nxt := duplicate_of.get(cur)) and nxt not in seen:
            seen.add(nxt)
            cur = nxt
        if len(seen) > 2:
            long_chains += 1
        out[doc] = cur
    return out, long_chains


def exact_hash_groups(docs: Sequence[DupDoc]) -> dict[str, str]:
    """Baseline: same normalised text (case-folded, whitespace collapsed)."""
    return {d.id: sha256_hex(normalise_text_for_id(d.text)) for d in docs}


def exact_jaccard_groups(docs: Sequence[DupDoc]) -> dict[str, str]:
    """Baseline: every pair compared exactly on the detector's shingles, the detector's rule (Jaccard
    >= MIN_JACCARD or containment >= MIN_CONTAINMENT, texts under MIN_SHINGLES never match), then
    connected components. What LSH and the MinHash estimate lose is the gap to this row."""
    import numpy as np
    from scipy.sparse import csr_matrix

    from frontwire.link import duplicates as dup

    vocab: dict[bytes, int] = {}
    rows, cols, sizes = [], [], []
    for i, d in enumerate(docs):
        sh = dup.shingle_set(d.text)
        sizes.append(len(sh))
        if len(sh) < dup.MIN_SHINGLES:
            continue
        for s in sh:
            rows.append(i)
            cols.append(vocab.setdefault(s, len(vocab)))
    x = csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(docs), max(1, len(vocab))))
    inter = (x @ x.T).tocoo()
    uf = _Union()
    for d in docs:
        uf.find(d.id)
    for i, j, v in zip(inter.row, inter.col, inter.data, strict=True):
        if i >= j:
            continue
        a, b = sizes[i], sizes[j]
        jac = v / (a + b - v)
        cont = v / min(a, b)
        if jac >= dup.MIN_JACCARD or cont >= dup.MIN_CONTAINMENT:
            uf.union(docs[i].id, docs[j].id)
    return {d.id: uf.find(d.id) for d in docs}


# -- duplicates: scoring -------------------------------------------------------------------------------------


def duplicate_universe(ds: DupSet, part: str) -> set[tuple[str, str]]:
    """Every pair of documents whose families both lie in ``part`` ('tune' | 'check')."""
    want = part == "check"
    ids = sorted(d.id for d in ds.docs if is_check(d.family) == want)
    return set(itertools.combinations(ids, 2))


def hard_negative_pairs(ds: DupSet) -> dict[str, set[tuple[str, str]]]:
    """Pairs of *real* articles of different families published the same day: by the same outlet
    (the set names only the outlet's country, used as the outlet) or by another one."""
    real = [d for d in ds.docs if d.kind == "real"]
    by_day: dict[str, list[DupDoc]] = defaultdict(list)
    for d in real:
        if d.day:
            by_day[d.day].append(d)
    out: dict[str, set[tuple[str, str]]] = {k: set() for k in HARD}
    for docs in by_day.values():
        for a, b in itertools.combinations(docs, 2):
            if a.family == b.family:
                continue
            pair = (min(a.id, b.id), max(a.id, b.id))
            out["same_day_same_outlet" if a.outlet == b.outlet else "same_day_other_outlet"].add(pair)
    return out


def score_duplicates(ds: DupSet, groups: Mapping[str, str], part: str, resamples: int = 1000) -> Scores:
    """Pairwise scores of one system's groups on one part, with per-kind recall and hard-negative
    false-positive counts."""
    fam = ds.family_of()
    predicted = groups_to_pairs(groups)
    universe = duplicate_universe(ds, part)
    scores = pairwise_scores(predicted, ds.gold, fam.__getitem__, universe, resamples)
    kind = {d.id: d.kind for d in ds.docs}
    for k in ("real", *TRANSFORMS):
        # recall of the pairs (family's source article, document of this kind)
        gold_k = {p for p in ds.gold & universe if kind[p[0]] == k or kind[p[1]] == k}
        if k == "real":
            gold_k = {p for p in ds.gold & universe if kind[p[0]] == kind[p[1]] == "real"}
        if gold_k:
            scores.metrics[f"recall.{k}"] = len(gold_k & predicted) / len(gold_k)
            scores.counts[f"gold.{k}"] = len(gold_k)
    for name, pairs in hard_negative_pairs(ds).items():
        pairs &= universe
        scores.counts[f"{name}.pairs"] = len(pairs)
        scores.counts[f"{name}.fp"] = len(pairs & predicted)
    worst = [
        {"id": f"{a} ~ {b}", "score": 0.0, "error": "false copy"}
        for a, b in sorted((predicted & universe) - ds.gold)
    ]
    worst += [
        {"id": f"{a} ~ {b}", "score": 0.0, "error": "missed copy"}
        for a, b in sorted((ds.gold & universe) - predicted)
    ]
    scores.worst = worst
    return scores


DUP_HEADLINE = [
    "f1", "f1.lo", "f1.hi", "precision", "recall", "recall.lo", "recall.hi",
    "recall.real", "recall.header_footer", "recall.trim", "recall.combined",
]  # fmt: skip


def duplicate_rows(
    data_dir: Path, limit: int | None, errors: int
) -> list[tuple[str, str, Scores, str | None, float]]:
    """(system, kind, scores, note, seconds) rows of the duplicates task, tune and check parts."""
    ds = build_duplicate_set(data_dir, limit)
    t0 = time.perf_counter()
    dof = run_detector(ds.docs)
    ours_s = time.perf_counter() - t0
    ours, chains = roots(dof)
    t0 = time.perf_counter()
    hashed = exact_hash_groups(ds.docs)
    hash_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    jacc = exact_jaccard_groups(ds.docs)
    jacc_s = time.perf_counter() - t0
    rows: list[tuple[str, str, Scores, str | None, float]] = []
    for part in ("check", "tune"):
        for system, kind, groups, secs, note in (
            ("frontwire MinHash/LSH (store + link)", "ours", ours, ours_s,
             "batches of 16 through add_documents + _link_duplicates; duplicate_of read back"),
            ("exact normalised-text hash", "baseline", hashed, hash_s, None),
            ("all-pairs exact shingle Jaccard/containment", "baseline", jacc, jacc_s,
             "same rule and thresholds as the detector, no LSH, no MinHash estimate"),
        ):  # fmt: skip
            s = score_duplicates(ds, groups, part)
            s.counts.update({f"data.{k}": v for k, v in ds.counts.items()})
            if kind == "ours":
                s.counts["long_duplicate_chains"] = chains
            s.worst = s.worst[:errors]
            rows.append((f"{system} · {part} part", kind, s, note, secs))
    return rows


# -- link: event fusion ----------------------------------------------------------------------------------

FUSION_SETS = (NEWS_SET, "examples")
# Days of ukraine-news-raw with several outlets, run through the pipeline (inclusive ranges).
NEWS_WINDOWS = (("2022-02-14", "2022-02-19"), ("2022-04-01", "2022-04-10"), ("2024-04-23", "2024-04-27"))
PAIR_DAYS = 3  # candidate pairs: event date intervals at most this many days apart
FUSION_HEADLINE = [
    "f1",
    "f1.lo",
    "f1.hi",
    "precision",
    "precision.lo",
    "precision.hi",
    "recall",
    "recall.lo",
    "recall.hi",
]
TRAPS = ("same_place_other_day", "same_day_other_place")


def _examples_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "examples"


def news_window_articles(data_dir: Path) -> list[dict[str, Any]]:
    arts = _read_jsonl(data_dir / NEWS_SET / "articles.jsonl")
    out = []
    for a in sorted(arts, key=lambda a: a["id"]):
        day = (a.get("gdelt_seendate") or "")[:10]
        if any(lo <= day <= hi for lo, hi in NEWS_WINDOWS):
            out.append(a)
    return out


@dataclass(slots=True)
class StoredEvent:
    id: str
    doc: str  # stable document key: the news article id, or the example's file name (+ '#n')
    dataset: str
    event_type: str
    sub_event_type: str
    admin1: str | None
    place: str | None
    date_start: str | None
    date_end: str | None
    evidence: str
    sha256: str
    cluster_id: str | None


def build_fusion_store(
    data_dir: Path, store_path: Path, limit: int | None = None
) -> tuple[list[StoredEvent], float]:
    """Run the whole pipeline (``frontwire.runner.run``, linking on) into ``store_path`` over the
    ukraine-news-raw articles of :data:`NEWS_WINDOWS` (a temporary JSONL with ``published`` = the
    GDELT seen day) and over the bundled ``examples/``; return its counted events and the seconds."""
    from frontwire.config import Settings
    from frontwire.runner import run
    from frontwire.store import open_store

    inputs: list[str] = []
    news = news_window_articles(data_dir) if (data_dir / NEWS_SET / "articles.jsonl").is_file() else []
    if limit is not None:
        news = news[:limit]
    tmp_jsonl = store_path.with_suffix(".news.jsonl")
    if news:
        with tmp_jsonl.open("w", encoding="utf-8") as fh:
            for a in news:
                fh.write(json.dumps({"text": a["text"], "published": a["gdelt_seendate"][:10]}) + "\n")
        inputs.append(str(tmp_jsonl))
    ex = _examples_dir()
    if ex.is_dir():
        inputs.append(str(ex))
    store: Any = open_store(store_path)
    t0 = time.perf_counter()
    try:
        run(inputs, store, Settings(db=str(store_path)))
        seconds = time.perf_counter() - t0
        rows = store.db.execute(
            "SELECT e.id, e.doc_id, d.source, d.text_sha256, e.event_type, e.sub_event_type, e.admin1,"
            " e.place, e.date_start, e.date_end, e.evidence, e.cluster_id"
            " FROM events e JOIN documents d ON d.id = e.doc_id"
            " WHERE e.modality IS NULL ORDER BY e.doc_id, e.start, e.id"
        ).fetchall()
    finally:
        close = getattr(store, "close", None)
        if close:
            close()
    out = []
    for eid, _doc_id, source, _tsha, etype, sub, admin1, place, ds, de, evidence, cid in rows:
        line = re.fullmatch(r".*\.news\.jsonl#L(\d+)", source or "")
        if line:  # the temporary JSONL of news articles: its line number names the article
            doc, dataset = news[int(line.group(1)) - 1]["id"], NEWS_SET
        else:
            doc, dataset = _example_key(source), "examples"
        ev = evidence or ""
        out.append(StoredEvent(eid, doc, dataset, etype, sub, admin1, place, ds, de, ev, text_sha(ev), cid))
    return out, seconds


def _example_key(source: str) -> str:
    """examples/licensed/statements.jsonl#3 -> 'licensed/statements.jsonl#3' (path below examples/)."""
    s = source.replace("\\", "/")
    i = s.rfind("examples/")
    return s[i + len("examples/") :] if i >= 0 else s


def _gap_days(a: StoredEvent, b: StoredEvent) -> int | None:
    if not (a.date_start and a.date_end and b.date_start and b.date_end):
        return None
    a0, a1 = date.fromisoformat(a.date_start), date.fromisoformat(a.date_end)
    b0, b1 = date.fromisoformat(b.date_start), date.fromisoformat(b.date_end)
    if a1 < b0:
        return (b0 - a1).days
    if b1 < a0:
        return (a0 - b1).days
    return 0


def candidate_pairs(events: Sequence[StoredEvent]) -> list[tuple[StoredEvent, StoredEvent]]:
    """Every pair of counted events of different documents whose date intervals are at most PAIR_DAYS
    apart, whatever their type and place (so that missed fusions are candidates), plus every pair the
    system put in one cluster (so that precision sees all its fusions)."""
    out = []
    for a, b in itertools.combinations(events, 2):
        if a.doc == b.doc:
            continue
        gap = _gap_days(a, b)
        fused = a.cluster_id is not None and a.cluster_id == b.cluster_id
        if fused or (gap is not None and gap <= PAIR_DAYS):
            out.append((a, b) if (a.doc, a.sha256) <= (b.doc, b.sha256) else (b, a))
    return out


def pair_key(a: StoredEvent, b: StoredEvent) -> tuple[str, str, str, str]:
    (x, y) = sorted([(a.doc, a.sha256), (b.doc, b.sha256)])
    return x[0], x[1], y[0], y[1]


def trap_of(a: StoredEvent, b: StoredEvent) -> str | None:
    """What a careless fuser would merge: the same extracted place on another day, or the same day
    in another place (places compared by admin1, else place name)."""
    pa, pb = a.admin1 or a.place, b.admin1 or b.place
    if not (pa and pb and a.date_start and b.date_start):
        return None
    if pa == pb and (a.date_start, a.date_end) != (b.date_start, b.date_end):
        return "same_place_other_day"
    if pa != pb and a.date_start == b.date_start:
        return "same_day_other_place"
    return None


def baseline_same(a: StoredEvent, b: StoredEvent) -> bool:
    """Baseline fuser: same ACLED event type, same start day, same (known) admin1."""
    return (
        bool(a.admin1)
        and a.event_type == b.event_type
        and a.date_start == b.date_start
        and a.admin1 == b.admin1
    )


@dataclass(slots=True)
class LabelledPair:
    a: StoredEvent
    b: StoredEvent
    same: bool
    dataset: str  # NEWS_SET, 'examples' or 'mixed'
    day: str  # split key: the earlier start day (or 'undated')

    @property
    def key(self) -> tuple[str, str]:
        return (self.a.id, self.b.id)


def match_labels(
    events: Sequence[StoredEvent], labels: Iterable[Mapping[str, Any]]
) -> tuple[list[LabelledPair], int]:
    """Labels joined to this run's events by (document key, evidence sha256); and how many labels
    found no event (the extraction changed since they were written)."""
    by_key: dict[tuple[str, str], list[StoredEvent]] = defaultdict(list)
    for e in events:
        by_key[(e.doc, e.sha256)].append(e)
    out: list[LabelledPair] = []
    unmatched = 0
    for lab in labels:
        xs, ys = by_key.get((lab["doc_a"], lab["sha256_a"])), by_key.get((lab["doc_b"], lab["sha256_b"]))
        if not xs or not ys:
            unmatched += 1
            continue
        a, b = xs[0], ys[0]
        dataset = a.dataset if a.dataset == b.dataset else "mixed"
        days = sorted(d for d in (a.date_start, b.date_start) if d)
        out.append(LabelledPair(a, b, bool(lab["same"]), dataset, days[0] if days else "undated"))
    return out, unmatched


def fusion_scores(
    pairs: Sequence[LabelledPair], predict: Callable[[StoredEvent, StoredEvent], bool], resamples: int = 1000
) -> Scores:
    """Pairwise P/R/F1 of 'same cluster' over labelled pairs; bootstrap over days; trap counts."""
    predicted = {p.key for p in pairs if predict(p.a, p.b)}
    gold = {p.key for p in pairs if p.same}
    unit = {p.key: p.day for p in pairs}
    scores = pairwise_scores(predicted, gold, str, None, 0)
    per: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for pk in predicted | gold:
        per[unit[pk]][0 if pk in predicted and pk in gold else (1 if pk in predicted else 2)] += 1
    units = sorted(per)
    if units and resamples:

        def stat(idx: list[int]) -> dict[str, float]:
            t = [sum(per[units[i]][j] for i in idx) for j in range(3)]
            sp, sr, sf = prf(*t)
            return {k: v for k, v in (("precision", sp), ("recall", sr), ("f1", sf)) if v is not None}

        for k, (lo, hi) in bootstrap_ci(len(units), stat, resamples=resamples).items():
            scores.metrics[f"{k}.lo"], scores.metrics[f"{k}.hi"] = lo, hi
    scores.counts["labelled_pairs"] = len(pairs)
    for t in TRAPS:
        tp = [p for p in pairs if trap_of(p.a, p.b) == t]
        scores.counts[f"{t}.pairs"] = len(tp)
        scores.counts[f"{t}.merged"] = sum(1 for p in tp if p.key in predicted)
        scores.counts[f"{t}.merged_wrongly"] = sum(1 for p in tp if p.key in predicted and not p.same)
    scores.worst = [
        {"id": f"{p.a.doc} ~ {p.b.doc}", "score": 0.0,
         "error": "false fusion" if p.key in predicted else "missed fusion",
         "a": p.a.evidence[:160], "b": p.b.evidence[:160]}
        for p in pairs if (p.key in predicted) != p.same
    ]  # fmt: skip
    return scores


def fusion_rows(
    data_dir: Path, limit: int | None, errors: int
) -> list[tuple[str, str, str, Scores | None, str | None, float | None]]:
    """(dataset, system, kind, scores, note, seconds) rows of the link task."""
    rows: list[tuple[str, str, str, Scores | None, str | None, float | None]] = []
    has_news = (data_dir / NEWS_SET / "README.md").is_file()
    if not has_news:
        rows.append((NEWS_SET, "frontwire", "no data", None, f"{data_dir / NEWS_SET} absent", None))
    with tempfile.TemporaryDirectory(prefix="fw-eval-link-") as tmp:
        events, seconds = build_fusion_store(
            data_dir if has_news else Path(tmp) / "none", Path(tmp) / "link.db", limit
        )
    pairs, unmatched = match_labels(events, _label_file("fusion_labels.jsonl"))
    note_run = f"runner.run over {len({e.doc for e in events})} documents with events: {seconds:.0f} s"
    for dataset in (*FUSION_SETS, "all"):
        chosen = [p for p in pairs if dataset == "all" or p.dataset == dataset]
        if dataset == NEWS_SET and not has_news:
            continue
        for part in ("check", "tune"):
            part_pairs = [p for p in chosen if is_check(p.day) == (part == "check")]
            for system, kind, predict in (
                ("frontwire fusion (events.cluster_id)", "ours",
                 lambda a, b: a.cluster_id is not None and a.cluster_id == b.cluster_id),
                ("same type + same day + same admin1", "baseline", baseline_same),
            ):  # fmt: skip
                s = fusion_scores(part_pairs, predict)
                s.counts["labels_unmatched"] = unmatched
                s.worst = s.worst[:errors]
                ours = kind == "ours"
                rows.append((dataset, f"{system} · {part} part", kind, s, note_run if ours else None,
                             seconds if ours else None))  # fmt: skip
    return rows
