"""Learn cue verbs the hand lexicon does not list, from PolNeAR's training articles.

``python -m frontwire.claims.train [--data ../shared/eval/polnear-train]`` parses the 840 training
articles (never the scoring set ``../shared/eval/polnear``) with the project's spaCy model and counts,
per verb lemma, how often a verb token with that lemma heads a gold cue, against how often the lemma
occurs as a verb. For each lemma it also records the syntactic slot that held the gold content (a
``ccomp`` clause, an ``xcomp`` infinitive, the direct object, or the object of a preposition) and how
often the attribution had an explicit source. It writes ``frontwire/data/claim_cues_learned.json``:
the statistics only (derived counts, no text), and the selection thresholds, which were chosen on the
tune part of the scoring set (see ``THRESHOLDS``). :func:`frontwire.claims.lexicon.load_lexicon`
adds the selected lemmas to the hand lexicon as cue verbs; a hand entry always wins.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

LEARNED_FILE = "claim_cues_learned.json"
# Chosen on the tune part of ../shared/eval/polnear (frontwire eval claims, tune rows); never on check:
# min_precision 0.3 / 0.2 / 0.15 / 0.1 gave all-spans overlap F1 .842 / .844 / .851 / .852 and speaker
# accuracy .932 / .929 / .928 / .925 (min_cue 3, 5 and 10 hardly differ); 0.15 balances the two.
# min_object_precision: a learned lemma's direct object is its content only when the lemma is a cue
# >= 35 % of the time. Read on 100 ukraine-news-raw articles, object cues such as "launched its
# operation", "signed a law", "has seen indicators" were actions, not statements; the rule costs
# .003 F1 and .015 content found on the tune part.
THRESHOLDS = {"min_cue": 3, "min_precision": 0.15, "min_object_precision": 0.35}
# Lemmas whose cues the lexicon already finds another way: "according" (lemma "accord") is the
# "according to" phrase cue.
EXCLUDE = frozenset({"accord"})


def _head_verb(doc: Any, start: int, end: int) -> Any | None:
    """The first verb token inside a cue span (the cue's head for verb cues)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    return next((t for t in span if t.pos_ == "VERB"), None)


def _slot(tok: Any, content: list[tuple[int, int]]) -> str | None:
    """Which dependent of the cue verb covers most of the gold content."""
    best, best_ov = None, 0
    for c in tok.children:
        dep = c.dep_
        if dep == "prep":
            objs = [g for g in c.children if g.dep_ in ("pobj", "pcomp")]
            if not objs:
                continue
            node, name = objs[0], f"prep:{c.lower_}"
        elif dep in ("ccomp", "xcomp", "dobj"):
            node, name = c, dep
        else:
            continue
        s, e = node.left_edge.idx, node.right_edge.idx + len(node.right_edge.text)
        ov = sum(max(0, min(e, ce) - max(s, cs)) for cs, ce in content)
        if ov > best_ov:
            best, best_ov = name, ov
    return best


def learn(data_dir: Path, model: str) -> dict[str, Any]:
    import spacy

    nlp = spacy.load(model, disable=["ner"])
    lines = (data_dir / "articles.jsonl").read_text("utf-8").splitlines()
    arts = [json.loads(line) for line in lines if line.strip()]
    verbs: Counter[str] = Counter()
    cues: Counter[str] = Counter()
    sourced: Counter[str] = Counter()
    slots: dict[str, Counter[str]] = defaultdict(Counter)
    for art, doc in zip(arts, nlp.pipe(a["text"] for a in arts), strict=True):
        for t in doc:
            if t.pos_ == "VERB":
                verbs[t.lemma_.lower()] += 1
        seen: set[int] = set()
        for attr in art["annotations"][art["primary_annotator"]]["attributions"]:
            frags = [f for span in attr.get("cue", []) for f in span["fragments"]]
            if not frags:
                continue
            tok = next((v for s, e in frags if (v := _head_verb(doc, s, e)) is not None), None)
            if tok is None or tok.i in seen:
                continue
            seen.add(tok.i)
            lemma = tok.lemma_.lower()
            cues[lemma] += 1
            sourced[lemma] += bool(attr.get("source"))
            content = [tuple(f) for span in attr.get("content", []) for f in span["fragments"]]
            slots[lemma][_slot(tok, content) or "none"] += 1  # type: ignore[arg-type]
    out = {}
    for lemma, n in sorted(cues.items()):
        if n < 2 or not lemma.isalpha():
            continue
        out[lemma] = {
            "cue": n,
            "verb": verbs[lemma],
            "sourced": sourced[lemma],
            "slots": dict(slots[lemma].most_common()),
        }
    return {
        "_doc": [
            "Derived by python -m frontwire.claims.train from PolNeAR train (840 articles; counts only).",
            "Per verb lemma: 'cue' = verb tokens heading a gold cue, 'verb' = all verb tokens of the lemma,",
            "'sourced' = of the cues, those with an explicit source, 'slots' = where the gold content was.",
            "The loader adds lemmas with cue >= min_cue and cue/verb >= min_precision (thresholds chosen",
            "on the tune part of the scoring set) that the hand lexicon does not list.",
        ],
        "thresholds": THRESHOLDS,
        "exclude": sorted(EXCLUDE),
        "articles": len(arts),
        "verbs": out,
    }


def main(argv: list[str] | None = None) -> int:
    from frontwire.config import Settings

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/eval/polnear-train"))
    default_out = Path(__file__).resolve().parent.parent / "data" / LEARNED_FILE
    ap.add_argument("--out", type=Path, default=default_out)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    data = learn(args.data, Settings().spacy_model)
    args.out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(data['verbs'])} lemmas from {data['articles']} articles in {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
