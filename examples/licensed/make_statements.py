"""Rebuild statements.jsonl from the licensed plain-text items (run from the repository root).

Each line holds one item's text exactly as in ../shared/examples/licensed/<file> (kremlin.ru and
president.gov.ua under CC BY 4.0, whitehouse.gov public domain, Wikinews CC BY 2.5; see SOURCES.md
beside this file for each item's source, licence evidence and the attribution to keep), with the
outlet, URL and day that SOURCES.md gives for it, so that a run over examples/ knows who published
what and when. The HTML pages are bundled as they are.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

SRC = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/examples/licensed")
OUT = Path(__file__).with_name("statements.jsonl")
# A row of SOURCES.md's table: | `file` | outlet (site) | url (archived copy ...) | day time | ...
ROW = re.compile(
    r"^\| `(?P<file>[^`]+\.txt)` \| (?P<outlet>[^|(]+?)(?: \([^)]*\))? \| (?P<url>\S+)[^|]* \|"
    r" (?P<day>\d{4}-\d{2}-\d{2})"
)


def main() -> None:
    lines = (SRC / "SOURCES.md").read_text(encoding="utf-8").splitlines()
    rows = [m.groupdict() for line in lines if (m := ROW.match(line))]
    with OUT.open("w", encoding="utf-8") as out:
        for r in rows:
            text = (SRC / r["file"]).read_text(encoding="utf-8")
            item = {"id": r["file"], "url": r["url"], "outlet": r["outlet"].strip(), "published": r["day"]}
            item["text"] = text
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(f"{OUT}: {len(rows)} items")


if __name__ == "__main__":
    main()
