#!/usr/bin/env python3
"""Writes han_readings.tsv, the readings of Han characters that proscribe-text uses to
romanise Chinese, Korean and Japanese names written in Han characters.

Source: the Unihan database of the Unicode Character Database (Debian package
`unicode-data`, /usr/share/unicode/Unihan_*.txt.bz2; Unicode License v3). Characters kept:
those of the IICore set (the characters in everyday use in China, Hong Kong, Taiwan, Japan,
Korea and Vietnam) and every character with a Japanese reading.

Columns (tab-separated, one character a line, sorted by code point):
  char, Mandarin (kMandarin, tone marks removed), Korean (kHangul, name readings marked N
  first), Japanese kun readings (kJapaneseKun), Japanese on readings (kJapaneseOn).
Readings are lower case, several separated by spaces.

Usage: python3 make_han_readings.py [UNIHAN_DIR] > han_readings.tsv
"""

import bz2
import sys
import unicodedata
from collections import defaultdict

src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/unicode"
fields = defaultdict(dict)
for name in ("Unihan_Readings.txt.bz2", "Unihan_IRGSources.txt.bz2"):
    with bz2.open(f"{src}/{name}", "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            code, key, value = line.rstrip("\n").split("\t", 2)
            if key in ("kMandarin", "kHangul", "kJapaneseKun", "kJapaneseOn", "kIICore"):
                fields[int(code[2:], 16)][key] = value


def plain(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).replace("ü", "u")


out = []
for cp in sorted(fields):
    f = fields[cp]
    if "kIICore" not in f and "kJapaneseKun" not in f and "kJapaneseOn" not in f:
        continue
    mandarin = plain(f.get("kMandarin", "").split(" ")[0]).lower()
    hangul = []
    for r in f.get("kHangul", "").split():
        syl, _, tag = r.partition(":")
        hangul.append((0 if "N" in tag else 1, syl))
    hangul = " ".join(s for _, s in sorted(hangul, key=lambda x: x[0]))
    kun = f.get("kJapaneseKun", "").lower()
    on = f.get("kJapaneseOn", "").lower()
    if not (mandarin or hangul or kun or on):
        continue
    out.append(f"{chr(cp)}\t{mandarin}\t{hangul}\t{kun}\t{on}")
sys.stdout.write("\n".join(out) + "\n")
