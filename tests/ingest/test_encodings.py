"""Undeclared legacy encodings decode to the text that was encoded (issue 14, point 3)."""

from __future__ import annotations

import pytest

from frontwire.ingest.sniff import decode_bytes, detect_text, looks_binary, sniff

UK = (
    "Російські війська вночі атакували Харків ударними дронами, повідомив голова обласної "
    "військової адміністрації. Пошкоджено житлові будинки та енергетичну інфраструктуру, є поранені."
)
RU = (
    "Российские войска ночью атаковали Харьков ударными беспилотниками, сообщил глава областной "
    "военной администрации. Повреждены жилые дома и объекты энергетики, есть раненые."
)
JA = (
    "ウクライナ東部ハルキウで夜間に無人機による攻撃があり、州知事によると住宅やエネルギー施設が"
    "被害を受けた。負傷者も出ている。"
)
ZH = "乌克兰东部哈尔科夫夜间遭到无人机袭击，州长表示，住宅和能源设施受损，另有多人受伤。"
FR = (
    "Les forces russes ont frappé Kharkiv dans la nuit, a déclaré le gouverneur régional. Des immeubles "
    "ont été endommagés et l'électricité a été coupée à Zaporijjia, où l'hôpital fonctionne grâce à "
    "des générateurs."
)
DE = (
    "Die ukrainische Armee hat nach eigenen Angaben einen russischen Angriff bei Awdijiwka abgewehrt. "
    "Die Kämpfe dauerten mehrere Stunden, größere Schäden wurden gemeldet."
)
PL = (
    "Rosyjskie wojska zaatakowały w nocy Charków, poinformował gubernator. Uszkodzone zostały budynki "
    "mieszkalne, są ranni. Żołnierze odparli szturm."
)
EN = "Officials in Kherson said the shelling continued through the night and power was cut to the port."

CASES = [
    (UK, "cp1251"),
    (RU, "cp1251"),
    (UK, "koi8_u"),
    (RU, "koi8_r"),
    (JA, "shift_jis"),
    (JA, "euc_jp"),
    (ZH, "gbk"),
    (ZH, "gb18030"),
    (FR, "latin-1"),
    (DE, "latin-1"),
    (FR, "cp1252"),
    (PL, "cp1250"),
    (UK, "utf-16-le"),
    (RU, "utf-16-be"),
    (JA, "utf-16-le"),
    (EN, "utf-16-le"),
    (EN, "utf-16-be"),
    (UK, "utf-8"),
]


@pytest.mark.parametrize(("text", "encoding"), CASES, ids=[f"{t[:6]}-{e}" for t, e in CASES])
def test_encodings_undeclared_decode_to_the_original(text: str, encoding: str) -> None:
    data = text.encode(encoding)
    assert not looks_binary(data)
    assert sniff(data) == "text"
    assert decode_bytes(data) == text


def test_encodings_mixed_utf8_keeps_both_parts() -> None:
    data = "Residents said the café was hit.\n".encode() + b"The caf\xe9 owner said so.\n"
    assert decode_bytes(data) == "Residents said the café was hit.\nThe café owner said so.\n"


def test_encodings_utf8_with_a_pasted_cyrillic_paragraph() -> None:
    data = ("He said: “we hold the line”.\n").encode() + (UK + "\n").encode("cp1251")
    assert decode_bytes(data) == "He said: “we hold the line”.\n" + UK + "\n"


def test_encodings_random_bytes_are_no_text() -> None:
    # Fixed junk that a code page decodes to symbols glued to letters.
    assert detect_text(bytes([0xA4, 0xB6, 0x7E, 0xA7, 0xBE, 0x5C, 0xD7, 0xA9, 0x7C, 0xAE, 0xB0])) is None
