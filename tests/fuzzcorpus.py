"""A generated corpus of hostile inputs mixed with valid articles (issue 14), and what a run must make of it.

``build(root, scale)`` writes the input folder ``root/in`` (and ``root/outside``, which nothing may
read) and returns a :class:`Corpus` saying, for every unit, what a run must do with it: valid units
(``expected``: source -> sentences the stored text must hold, decoded), units that may go either way
(``optional``: a file only root can read, a WARC record cut inside its gzip trailer) and hostile files
(``hostile``: file source -> kind; each must end as named skips and never as a document). Expected
values come from how the corpus is built, never from what frontwire makes of it.

``scale=1.0`` is the full run (>= 1,000 inputs, 50 MB pages); CI uses a small scale.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# -- valid articles -------------------------------------------------------------------------------------

PLACES = ["Kharkiv", "Kherson", "Zaporizhzhia", "Odesa", "Dnipro", "Sumy", "Kramatorsk", "Pokrovsk"]
EN = [
    "Russian forces struck {place} overnight with drones and missiles, the regional governor said on "
    "Tuesday, adding that {n} people were wounded and two apartment blocks were damaged.",
    "Emergency crews worked through the night to put out fires in residential buildings, and officials "
    "said power had been restored to most districts by the morning.",
    "The General Staff said Ukrainian units repelled {n} assaults near the front line in the past day, "
    "a figure that could not be independently verified.",
    "Residents described hearing at least five explosions before dawn, and schools in the city moved "
    "their lessons online for the rest of the week.",
    "The mayor asked people to limit their use of electricity while engineers repaired the damaged "
    "substations, which serve about {n} thousand homes.",
]
UK = [
    "Російські війська вночі атакували місто {place} ударними дронами, повідомив голова обласної "
    "військової адміністрації. За його словами, поранено {n} людей.",
    "Пошкоджено житлові будинки та об'єкти енергетичної інфраструктури, рятувальники працювали всю ніч.",
    "У Генштабі заявили, що українські підрозділи відбили {n} атак на фронті за минулу добу.",
]
RU = [
    "Российские войска ночью атаковали город {place} ударными беспилотниками, сообщил глава областной "
    "военной администрации. По его словам, ранены {n} человек.",
    "Повреждены жилые дома и объекты энергетики, спасатели работали всю ночь.",
    "В Генштабе заявили, что подразделения отразили {n} атак на фронте за минувшие сутки.",
]
JA = [
    "ウクライナ東部の都市で夜間に無人機による攻撃があり、州知事によると{n}人が負傷した。",
    "住宅やエネルギー施設が被害を受け、救助隊が夜通し消火活動にあたった。",
    "参謀本部は、前線で過去一日に{n}回の攻撃を退けたと発表した。",
]
ZH = [
    "乌克兰东部城市夜间遭到无人机袭击，州长表示有{n}人受伤，多栋住宅受损。",
    "能源设施也遭到破坏，救援人员整夜扑救大火。",
    "总参谋部称，过去一天在前线击退了{n}次进攻。",
]
FR = [
    "Les forces russes ont frappé {place} dans la nuit, a déclaré le gouverneur régional, ajoutant que "
    "{n} personnes ont été blessées et que l'électricité a été coupée à l'hôpital.",
    "Les équipes de secours ont travaillé toute la nuit ; à l'aube, la ville était plongée dans le "
    "silence, a-t-il précisé.",
]
DE = [
    "Russische Truppen haben {place} in der Nacht mit Drohnen angegriffen, teilte der Gouverneur mit; "
    "{n} Menschen wurden verletzt, größere Schäden wurden gemeldet.",
    "Die Kämpfe dauerten mehrere Stunden, die Einsatzkräfte löschten die Brände bis zum Morgen.",
]
LANGS = {"en": EN, "uk": UK, "ru": RU, "ja": JA, "zh": ZH, "fr": FR, "de": DE}
# The encodings each language is written in, undeclared (BOM-less UTF-16 included).
LEGACY = {
    "uk": ["cp1251", "koi8_u", "utf-16-le"],
    "ru": ["cp1251", "koi8_r", "utf-16-be"],
    "ja": ["shift_jis", "euc_jp", "utf-16-le"],
    "zh": ["gbk", "gb18030"],
    "fr": ["latin-1", "cp1252"],
    "de": ["latin-1"],
    "en": ["utf-16-le", "ascii"],
}
SECRET = "FRONTWIRE-SECRET-7f3a: this file lies outside the input folder"
CHROME_TAIL = " Copyright 2024 Example News. All rights reserved. Sign up for our newsletter."


def paragraphs(lang: str, serial: int) -> list[str]:
    """Paragraphs of one article, unique by its serial number (so no two units are duplicates)."""
    rng = random.Random(serial)
    place = PLACES[serial % len(PLACES)]
    chosen = LANGS[lang]
    paras = [p.format(place=place, n=rng.randint(2, 90)) for p in chosen]
    marker = {
        "en": f"The report was dispatch number {serial} of the day.",
        "uk": f"Це повідомлення номер {serial} за день.",
        "ru": f"Это сообщение номер {serial} за день.",
        "ja": f"これは本日{serial}番目の報告である。",
        "zh": f"这是当天第{serial}号报道。",
        "fr": f"Il s'agit de la dépêche numéro {serial} de la journée.",
        "de": f"Dies war die Meldung Nummer {serial} des Tages.",
    }[lang]
    # The serial goes into the first paragraph: a one-line closing paragraph may be judged chrome.
    return [f"{marker} {paras[0]}", *paras[1:]]


def html_page(title: str, paras: list[str], charset: str | None = None, depth: int = 0) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>{title}</title></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        + "<div>" * depth
        + f"<article><h1>{title}</h1>{body}</article>"
        + "</div>" * depth
        + "<footer>Contact us</footer></body></html>"
    )


# -- the corpus -----------------------------------------------------------------------------------------


@dataclass
class Corpus:
    root: Path
    folder: Path
    outside: Path
    expected: dict[str, list[str]] = field(default_factory=dict)  # source -> sentences of the text
    optional: dict[str, list[str]] = field(default_factory=dict)
    hostile: dict[str, str] = field(default_factory=dict)  # file source -> kind
    kinds: Counter[str] = field(default_factory=Counter)  # inputs (files) per kind
    units: Counter[str] = field(default_factory=Counter)  # units per kind (lines, items, records)
    kind_of: dict[str, str] = field(default_factory=dict)  # every source (file or unit) -> kind
    no_published: set[str] = field(default_factory=set)  # valid units whose date hint is junk

    @property
    def inputs(self) -> int:
        return sum(self.kinds.values())


class _Builder:
    def __init__(self, root: Path, scale: float, seed: int) -> None:
        self.rng = random.Random(seed)
        self.scale = scale
        folder = root / "in"
        outside = root / "outside"
        folder.mkdir(parents=True)
        outside.mkdir()
        (outside / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
        (outside / "secret.html").write_text(f"<html><body><p>{SECRET}</p></body></html>", encoding="utf-8")
        self.c = Corpus(root=root, folder=folder, outside=outside)
        self.serial = 0

    def n(self, full: int, least: int = 1) -> int:
        return max(least, round(full * self.scale))

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def path(self, kind: str, name: str) -> Path:
        sub = self.c.folder / kind
        sub.mkdir(exist_ok=True)
        return sub / name

    def valid(
        self, kind: str, path: Path, data: bytes, sentences: list[str], source: str | None = None
    ) -> None:
        path.write_bytes(data)
        src = source or str(path)
        self.c.kinds[kind] += 1
        self.c.units[kind] += 1
        self.c.expected[src] = sentences
        self.c.kind_of[src] = kind

    def hostile(self, kind: str, path: Path, data: bytes | None) -> None:
        if data is not None:
            path.write_bytes(data)
        self.c.kinds[kind] += 1
        self.c.units[kind] += 1
        self.c.hostile[str(path)] = kind
        self.c.kind_of[str(path)] = kind

    # -- valid articles in every format and encoding
    def articles(self) -> None:
        for i in range(self.n(40, 4)):
            lang = ["en", "en", "uk", "ru", "ja", "zh", "fr", "de"][i % 8]
            s = self.next_serial()
            paras = paragraphs(lang, s)
            text = f"Dispatch {s}\n\n" + "\n\n".join(paras) + "\n"
            self.valid("valid_txt_utf8", self.path("valid", f"article-{s}.txt"), text.encode(), paras)
            s = self.next_serial()
            paras = paragraphs(lang, s)
            page = html_page(f"Dispatch {s}", paras, "utf-8" if i % 2 else None)
            self.valid("valid_html", self.path("valid", f"page-{s}.html"), page.encode(), paras)
        # flattened onto one line, with site chrome glued on
        for _ in range(self.n(20, 2)):
            s = self.next_serial()
            paras = paragraphs("en", s)
            line = " ".join(paras) + CHROME_TAIL
            self.valid("flattened_line", self.path("valid", f"flat-{s}.txt"), line.encode(), paras)
        # deep and unclosed markup around a real article
        for depth in (260, 300, 1000, 5000)[: self.n(4, 2)]:
            s = self.next_serial()
            paras = paragraphs("en", s)
            page = html_page(f"Deep {s}", paras, depth=depth)
            self.valid("deep_html_article", self.path("deep", f"deep-{depth}-{s}.html"), page.encode(), paras)
            s = self.next_serial()
            paras = paragraphs("en", s)
            open_page = "<html><body>" + "<div><span>" * depth + "".join(f"<p>{p}" for p in paras)
            self.valid(
                "unclosed_html_article",
                self.path("deep", f"open-{depth}-{s}.html"),
                open_page.encode(),
                paras,
            )

    def encodings(self) -> None:
        rounds = self.n(3, 1)
        for _ in range(rounds):
            for lang, encodings in LEGACY.items():
                for enc in encodings:
                    s = self.next_serial()
                    paras = paragraphs(lang, s)
                    if enc == "ascii" and lang == "en":
                        paras = [p.encode("ascii", "ignore").decode() for p in paras]
                    text = "\n\n".join(paras) + "\n"
                    name = f"{lang}-{enc}-{s}.txt"
                    self.valid(f"enc_undeclared_{enc}", self.path("enc", name), text.encode(enc), paras)
                    # the same in a page: declared correctly, undeclared, and mislabelled as UTF-8
                    if enc.startswith("utf-16"):
                        continue
                    for how in ("declared", "undeclared", "mislabelled"):
                        s = self.next_serial()
                        paras = paragraphs(lang, s)
                        charset = {"declared": enc, "undeclared": None, "mislabelled": "utf-8"}[how]
                        if lang == "en":
                            paras = [p.encode("ascii", "ignore").decode() for p in paras]
                        page = html_page(f"{lang} {s}", paras, charset).encode(enc)
                        name = f"{lang}-{enc}-{how}-{s}.html"
                        self.valid(f"enc_html_{how}", self.path("enc", name), page, paras)
            # a BOM says it; mixed UTF-8 with a Windows-1252 line pasted in
            s = self.next_serial()
            paras = paragraphs("uk", s)
            self.valid(
                "enc_bom_utf16", self.path("enc", f"bom-{s}.txt"), "\n\n".join(paras).encode("utf-16"), paras
            )
            s = self.next_serial()
            paras = paragraphs("fr", s)
            data = (paras[0] + "\n\n").encode() + ("\n\n".join(paras[1:]) + "\n").encode("cp1252")
            self.valid("enc_mixed_utf8_cp1252", self.path("enc", f"mixed-{s}.txt"), data, paras)

    def jsonl(self) -> None:
        for f in range(self.n(12, 2)):
            path = self.path("jsonl", f"dump-{f}.jsonl" if f % 3 else f"dump-{f}.txt")
            lines: list[bytes] = []
            kinds: list[tuple[str, list[str] | None]] = []
            bad = [
                (b"[1, 2, 3]", "jsonl_array_line"),
                (b'{"text": "broken', "jsonl_broken_line"),
                (b'{"text": "NUL \x00 inside", "x": 1}', "jsonl_nul_line"),
                (b"\x01\x02\x03\x04\x05\x06 junk", "jsonl_control_line"),
                (b'{"text": 12345, "title": ["a"], "published": {"y": 1}}', "jsonl_wrong_types"),
                (b'{"n": ' + b"9" * 5000 + b"}", "jsonl_huge_int_only"),
                (b'"just a string"', "jsonl_scalar_line"),
                (b'{"url": "http://127.0.0.1/admin"}', "jsonl_url_only"),
                (b"[" * 100000 + b"]" * 100000, "jsonl_deep_nesting"),
            ]
            order = list(range(len(bad)))
            self.rng.shuffle(order)
            picks = order[: 3 + f % 4]
            # a bad first line, then valid lines with bad lines between them
            lines.append(bad[picks[0]][0])
            kinds.append((bad[picks[0]][1], None))
            for k in range(4):
                s = self.next_serial()
                lang = ["en", "uk", "ja", "zh"][k]
                paras = paragraphs(lang, s)
                record: dict[str, object] = {"text": "\n\n".join(paras), "title": f"Line {s}"}
                if k == 1:
                    record["published"] = ["9999-12-31", "0001-01-01"][f % 2]
                if k == 2:
                    record["big"] = 10**4000  # near the limit, still an int
                raw = json.dumps(record, ensure_ascii=k % 2 == 0).encode()
                if k == 3:
                    raw = raw[:-1] + b', "n": ' + b"7" * 6000 + b"}"  # over Python's int limit
                lines.append(raw)
                # A record whose date hint is implausible is refused as a whole (invalid_date: the
                # user is told and can fix it), never stored with the date silently dropped.
                kinds.append(("jsonl_invalid_date", None) if k == 1 else ("jsonl_valid_line", paras))
                if k + 1 < len(picks):
                    lines.append(bad[picks[k + 1]][0])
                    kinds.append((bad[picks[k + 1]][1], None))
            path.write_bytes(b"\n".join(lines) + b"\n")
            self.c.kinds["jsonl_file"] += 1
            for n, (kind, paras_or_none) in enumerate(kinds, start=1):
                src = f"{path}#L{n}"
                self.c.units[kind] += 1
                self.c.kind_of[src] = kind
                if paras_or_none is not None:
                    self.c.expected[src] = paras_or_none
                    if '"published"' in lines[n - 1].decode("utf-8", "replace"):
                        self.c.no_published.add(src)
                else:
                    self.c.hostile[src] = kind
        # one-line JSON arrays and oversized lines
        for f in range(self.n(4, 1)):
            arr = [{"text": "\n\n".join(paragraphs("en", self.next_serial()))} for _ in range(3)]
            self.hostile("json_array_file", self.path("jsonl", f"array-{f}.jsonl"), json.dumps(arr).encode())
        with open(self.path("jsonl", "huge-line.jsonl"), "wb") as fh:  # a 10 MB single line
            fh.write(b'{"text": "' + b"a" * self.n(10_000_000, 5_200_000) + b'"}\n')
        self.hostile("jsonl_line_too_large", self.path("jsonl", "huge-line.jsonl"), None)

    def feeds(self) -> None:
        lol = '<!ENTITY lol "lol">' + "".join(
            f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10)
        )
        secret = self.c.outside / "secret.txt"
        for f in range(self.n(12, 3)):
            kind = ["feed_valid", "feed_entity_expansion", "feed_external_entity"][f % 3]
            dtd = {
                "feed_valid": "",
                "feed_entity_expansion": f"<!DOCTYPE rss [{lol}]>",
                "feed_external_entity": f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>',
            }[kind]
            ref = {"feed_valid": "", "feed_entity_expansion": "&lol9;", "feed_external_entity": "&xxe;"}[kind]
            items = []
            path = self.path("feeds", f"feed-{f}.xml")
            expected: list[list[str]] = []
            for _ in range(3):
                s = self.next_serial()
                paras = paragraphs("en", s)
                body = "".join(f"<p>{p}</p>" for p in paras)
                items.append(
                    f"<item><title>Item {s} {ref}</title><link>https://news.example/{s}</link>"
                    f"<description><![CDATA[{body}]]></description></item>"
                )
                expected.append(paras)
            xml = (
                f'<?xml version="1.0" encoding="utf-8"?>{dtd}<rss version="2.0"><channel>'
                f"<title>Wire {f}</title>{''.join(items)}</channel></rss>"
            )
            path.write_bytes(xml.encode())
            self.c.kinds[kind] += 1
            for n, paras in enumerate(expected, start=1):
                src = f"{path}#{n}"
                self.c.expected[src] = paras
                self.c.kind_of[src] = kind
                self.c.units[kind] += 1
            if dtd:  # the feed's undefined entities make it a not-well-formed feed: a skip of its own
                self.c.optional[str(path)] = []
                self.c.kind_of[str(path)] = kind
        malformed = [
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>cut',
            b'<rss version="2.0"><channel><title>Empty</title></channel></rss>',
            b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>no content</title></entry></feed>',
            b"<rss><<<>>>&&&;</rss>",
            b'<?xml version="1.0"?><urlset><url><loc>x</loc></url></urlset>',
        ]
        for f in range(self.n(15, 5)):
            self.hostile("feed_malformed", self.path("feeds", f"bad-{f}.rss"), malformed[f % len(malformed)])

    def warc(self) -> None:
        from warcio.statusandheaders import StatusAndHeaders
        from warcio.warcwriter import WARCWriter

        for f in range(self.n(10, 3)):
            gz = f % 2 == 0
            buf = io.BytesIO()
            writer = WARCWriter(buf, gzip=gz)
            ends: list[tuple[int, str, list[str]]] = []
            for r in range(3):
                s = self.next_serial()
                paras = paragraphs("en", s)
                page = html_page(f"Record {s}", paras).encode()
                http = StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
                )
                rec = writer.create_warc_record(
                    f"https://news.example/{s}", "response", payload=io.BytesIO(page), http_headers=http
                )
                writer.write_record(rec)
                ends.append((buf.tell(), f"#{r + 1}", paras))
            data = buf.getvalue()
            name = f"crawl-{f}.warc" + (".gz" if gz else "")
            path = self.path("warc", name)
            cut = [None, len(data) - 4, len(data) // 2, ends[0][0] + 10][f % 4]
            if cut is None:
                path.write_bytes(data)
                self.c.kinds["warc_valid"] += 1
                for _end, suffix, paras in ends:
                    self.c.expected[f"{path}{suffix}"] = paras
                    self.c.kind_of[f"{path}{suffix}"] = "warc_valid"
                    self.c.units["warc_valid"] += 1
                continue
            path.write_bytes(data[:cut])
            kind = "warc_truncated"
            self.c.kinds[kind] += 1
            self.c.hostile[str(path)] = kind
            self.c.kind_of[str(path)] = kind
            self.c.units[kind] += 1
            for end, suffix, paras in ends:
                src = f"{path}{suffix}"
                if end <= cut:
                    self.c.expected[src] = paras
                    self.c.units["warc_record_before_cut"] += 1
                    self.c.kind_of[src] = "warc_record_before_cut"
                elif (
                    end - cut <= 8
                ):  # cut inside the gzip trailer or the record separator: the record is whole
                    self.c.optional[src] = paras
                    self.c.kind_of[src] = "warc_record_cut_in_trailer"
                    if not gz:  # only the blank lines after it are missing: a skip is not required
                        del self.c.hostile[str(path)]
                        self.c.optional[str(path)] = []
        # gzip: truncated, a bomb, junk after the magic
        for f in range(self.n(6, 2)):
            s = self.next_serial()
            data = gzip.compress(html_page(f"Gz {s}", paragraphs("en", s)).encode())
            self.hostile("gzip_truncated", self.path("gzip", f"cut-{f}.html.gz"), data[: len(data) // 2])
        for name in ("bomb.html.gz", "bomb.jsonl.gz"):  # 1 GB of NULs, written in steps
            with gzip.open(self.path("gzip", name), "wb", compresslevel=9) as bomb:
                zeros = b"\0" * 1_000_000
                for _ in range(self.n(1000, 20)):
                    bomb.write(zeros)
            self.hostile("zip_bomb", self.path("gzip", name), None)
        self.hostile("gzip_junk", self.path("gzip", "junk.gz"), b"\x1f\x8b\x08\x00" + bytes(range(256)))

    def junk(self) -> None:
        sizes = [1, 2, 3, 5, 8, 12, 16, 24, 32, 48, 63, 64, 100, 500, 4096, 65536]
        for f in range(self.n(560, 30)):
            size = sizes[f % len(sizes)]
            data = self.rng.randbytes(size)
            ext = [".txt", ".html", ".xml", ".jsonl", ".warc"][f % 5]
            self.hostile("random_bytes", self.path("random", f"r{f}{ext}"), data)
        blanks = [b"", b" ", b"\n\n\n", b"\t \r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf  \n", "\u3000\n".encode()]
        for f in range(self.n(40, 7)):
            ext = [".txt", ".html", ".jsonl", ".xml"][f % 4]
            self.hostile("empty_whitespace", self.path("empty", f"e{f}{ext}"), blanks[f % len(blanks)])
        for f in range(self.n(40, 4)):
            s = self.next_serial()
            text = "\n\n".join(paragraphs("en", s)).encode()
            pos = self.rng.randrange(len(text))
            data = text[:pos] + b"\x00" * (1 + f % 5) + text[pos:]
            self.hostile("nul_bytes", self.path("nul", f"n{f}.txt" if f % 2 else f"n{f}.html"), data)
        binaries = [
            b"%PDF-1.7\n" + bytes(range(256)),
            b"\x89PNG\r\n\x1a\n" + bytes(200),
            b"PK\x03\x04" + bytes(100),
        ]
        for f in range(self.n(24, 3)):
            self.hostile("misleading_binary", self.path("misleading", f"doc{f}.html"), binaries[f % 3])
        # misleading names with valid content
        for f in range(self.n(12, 2)):
            s = self.next_serial()
            paras = paragraphs("en", s)
            page = html_page(f"Named {s}", paras).encode()
            self.valid("misleading_valid", self.path("misleading", f"page{f}.txt"), page, paras)
        # pages that blow up the parser, and pages too large
        flood = (
            b"<html><body><div "
            + b" ".join(b"a%d=1" % i for i in range(self.n(300_000, 20_000)))
            + b">x</div></body></html>"
        )
        self.hostile("attribute_flood", self.path("flood", "attrs.html"), flood)
        self.hostile(
            "tag_flood",
            self.path("flood", "br.html"),
            b"<html><body>" + b"<br>" * self.n(1_000_000, 250_000) + b"</body></html>",
        )
        for name, size in (
            ("big50.html", self.n(50_000_000, 6_000_000)),
            ("big10.txt", self.n(10_000_000, 5_500_000)),
        ):
            with open(self.path("big", name), "wb") as fh:
                fh.write(b"<html><body><p>" if name.endswith(".html") else b"")
                chunk = b"Kharkiv was shelled again " * 4000 if name.endswith(".html") else b"x" * 100_000
                for _ in range(size // len(chunk) + 1):
                    fh.write(chunk)
            self.hostile("too_large", self.path("big", name), None)
        for f in range(self.n(10, 2)):
            self.hostile(
                "deep_html_empty", self.path("deep", f"empty-deep-{f}.html"), b"<div>" * (300 + 1000 * f)
            )

    def links_and_names(self) -> None:
        base = self.c.folder / "links"
        base.mkdir()
        os.symlink(self.c.outside / "secret.txt", base / "passwd.txt")
        os.symlink(self.c.outside / "secret.html", base / "hostname.html")
        os.symlink(self.c.outside, base / "outside-folder")
        os.symlink(base / "loop-b.txt", base / "loop-a.txt")
        os.symlink(base / "loop-a.txt", base / "loop-b.txt")
        os.symlink(base / "nowhere.html", base / "dangling.html")
        os.symlink(self.c.folder, base / "up")  # inside the input: not descended into, no unit
        for name, kind in (
            ("passwd.txt", "symlink_outside"),
            ("hostname.html", "symlink_outside"),
            ("outside-folder", "symlink_outside"),
            ("loop-a.txt", "symlink_loop"),
            ("loop-b.txt", "symlink_loop"),
            ("dangling.html", "symlink_dangling"),
        ):
            self.hostile(kind, base / name, None)
        s = self.next_serial()
        paras = paragraphs("en", s)
        target = self.path("links", f"real-{s}.txt")
        self.valid("symlink_inside_target", target, "\n\n".join(paras).encode(), paras)
        os.symlink(target, base / "zz-inside-link.txt")  # sorts after its target
        # The same bytes as its target: counted as a duplicate of it, not stored again.
        self.c.kind_of[str(base / "zz-inside-link.txt")] = "symlink_inside"
        self.c.optional[str(base / "zz-inside-link.txt")] = paras
        # unreadable files and folders (root reads them anyway: then they are plain articles)
        for f in range(self.n(4, 1)):
            s = self.next_serial()
            paras = paragraphs("en", s)
            path = self.path("locked", f"locked-{f}.txt")
            path.write_text("\n\n".join(paras), encoding="utf-8")
            path.chmod(0)
            self.c.kinds["unreadable_file"] += 1
            self.c.units["unreadable_file"] += 1
            self.c.optional[str(path)] = paras
            self.c.kind_of[str(path)] = "unreadable_file"
        sub = self.c.folder / "locked" / "sealed"
        sub.mkdir()
        s = self.next_serial()
        paras = paragraphs("en", s)
        (sub / f"inside-{s}.txt").write_text("\n\n".join(paras), encoding="utf-8")
        sub.chmod(0)
        self.c.kinds["unreadable_folder"] += 1
        self.c.optional[str(sub)] = []
        self.c.optional[str(sub / f"inside-{s}.txt")] = paras
        self.c.kind_of[str(sub)] = self.c.kind_of[str(sub / f"inside-{s}.txt")] = "unreadable_folder"
        # odd file names holding valid articles
        odd = [
            b"caf\xe9-latin1-name.txt",
            b"\xff\xfe-not-utf8.html",
            "кириллица пробел.txt".encode(),
            b"new\nline.txt",
            b"-dash-first.txt",
            b"x" * 200 + b".txt",
            "emoji-\U0001f4f0.txt".encode(),
            b"semi;colon 'quote\".txt",
        ]
        for f in range(self.n(16, len(odd))):
            s = self.next_serial()
            paras = paragraphs("en", s)
            raw = odd[f % len(odd)]
            raw = (
                raw[:-4] + b"-%d" % s + raw[-4:]
                if raw.endswith(b".txt")
                else raw[:-5] + b"-%d" % s + raw[-5:]
            )
            folder = os.fsencode(self.path("names", "x").parent)
            full = folder + b"/" + raw
            data = (html_page("n", paras) if raw.endswith(b".html") else "\n\n".join(paras)).encode()
            with open(full, "wb") as fh:
                fh.write(data)
            # frontwire must store undecodable name bytes as \\xNN escapes
            source = full.decode("utf-8", "backslashreplace")
            self.c.kinds["odd_file_name"] += 1
            self.c.units["odd_file_name"] += 1
            self.c.expected[source] = paras
            self.c.kind_of[source] = "odd_file_name"


def build(root: Path, scale: float = 1.0, seed: int = 14) -> Corpus:
    """Write the corpus under ``root`` and say what a run must make of it."""
    b = _Builder(root, scale, seed)
    b.articles()
    b.encodings()
    b.jsonl()
    b.feeds()
    b.warc()
    b.junk()
    b.links_and_names()
    return b.c


def restore(corpus: Corpus) -> None:
    """Make the locked files and folders removable again (tmp_path clean-up)."""
    locked = corpus.folder / "locked"
    (locked / "sealed").chmod(0o755)
    for p in locked.rglob("*"):
        p.chmod(0o755)
