#!/usr/bin/env python3
"""Writes a synthetic FollowTheMoney corpus (JSON lines) for scale benchmarks.

Deterministic by seed: the same arguments give the same bytes. Name parts, dates of birth,
places and nationalities are drawn from the shared lists and the synthetic-people files
(`../shared/data`), so names, scripts and country mixes resemble what is screened:

- people (about 60%): a given name, sometimes a middle name, a family name, drawn from the
  same row's script; one to three aliases (another combination, initials, a reordering);
  a birth date, a nationality, sometimes a passport number;
- companies (about 35%): two or three words from listed organisations' names and a legal
  form, a country, sometimes a registration number;
- vessels (about 5%): a name, an IMO number, a flag.

A share of the entities (`--pep-share`, default 0.3) are politically exposed persons or
debarred companies: `topics` without a `Sanction`. The rest carry one `Sanction` each.

    python3 bench/corpus.py --entities 1000000 --seed 7 > corpus-1m.ftm.json
"""

import argparse
import csv
import json
import os
import random
import re
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("PROSCRIBE_SHARED_DATA", os.path.join(HERE, "..", "..", "shared", "data"))

LEGAL_FORMS = ["LLC", "Ltd", "GmbH", "OOO", "JSC", "S.A.", "Co., Ltd.", "PJSC", "FZE", "LLP", "S.R.L.", "AG",
               "Limited", "Trading Company", "Holding"]
AUTHORITIES = [("US OFAC", "SDGT"), ("UN Security Council", "1267"), ("EU Council", "CFSP 2014/145"),
               ("UK OFSI", "Russia"), ("Australia DFAT", "Autonomous"), ("Canada SEMA", "Russia")]
PEP_TOPICS = [["role.pep"], ["role.pep", "role.rca"], ["debarment"], ["crime.fin"], ["wanted"]]


def load_people():
    """Rows of the synthetic-people files: (first, middle, last, birth date, nationality)."""
    rows = []
    for name in ("negatives_global.csv", "negatives_us.csv"):
        path = os.path.join(SHARED, "pairs", "yente", name)
        with open(path, encoding="utf-8") as f:
            for r in csv.DictReader(f):
                if r["first_name"] and r["last_name"]:
                    rows.append((r["first_name"], r["middle_name"], r["last_name"], r["date_of_birth"],
                                 r["nationality"]))
    return rows


def load_org_words():
    """Words of listed organisations' names (UN entities, OFAC entities)."""
    words = set()
    un = os.path.join(SHARED, "lists", "un", "consolidated.xml")
    for _, el in ET.iterparse(un):
        if el.tag == "ENTITY":
            first = el.findtext("FIRST_NAME") or ""
            words.update(w for w in re.findall(r"[^\W\d_]{3,}", first))
            el.clear()
    sdn = os.path.join(SHARED, "lists", "ofac", "sdn.csv")
    with open(sdn, encoding="latin-1") as f:
        for row in csv.reader(f):
            if len(row) > 2 and row[2].strip() == "-0-":
                words.update(w.capitalize() for w in re.findall(r"[^\W\d_]{3,}", row[1]))
    return sorted(words)


def country_codes():
    """ISO codes from the model's country table (its first column)."""
    path = os.path.join(HERE, "..", "crates", "model", "src", "countries.txt")
    codes = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                code = re.split(r"[\t|, ]", line, 1)[0].lower()
                if len(code) == 2:
                    codes.append(code)
    return codes or ["ru", "ir", "kp", "sy", "af", "cn", "ae", "tr", "us", "gb"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--entities", type=int, required=True, help="how many screened entities")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--pep-share", type=float, default=0.3, help="share with topics and no Sanction")
    ap.add_argument("--prefix", default="syn", help="entity id prefix")
    args = ap.parse_args()
    if not os.path.isdir(SHARED):
        sys.exit(f"corpus.py: the shared data is not at {SHARED} (set PROSCRIBE_SHARED_DATA)")

    rnd = random.Random(args.seed)
    people = load_people()
    org_words = load_org_words()
    countries = country_codes()
    out = sys.stdout
    write = out.write

    for i in range(args.entities):
        eid = f"{args.prefix}-{i}"
        kind = rnd.random()
        pep = rnd.random() < args.pep_share
        props = {}
        if kind < 0.60:
            schema = "Person"
            first, middle, last, dob, nat = people[rnd.randrange(len(people))]
            # Mix parts of another row of the same script, so names are not the fixtures' own.
            other = people[rnd.randrange(len(people))]
            if rnd.random() < 0.5 and other[2] and other[2][:1].isascii() == last[:1].isascii():
                last = other[2]
            full = " ".join(p for p in (first, middle if rnd.random() < 0.4 else "", last) if p)
            names = [full]
            for _ in range(rnd.randrange(0, 3)):
                r = rnd.random()
                if r < 0.4:
                    names.append(f"{last} {first}")
                elif r < 0.7:
                    names.append(f"{first[:1]}. {last}")
                else:
                    alt = people[rnd.randrange(len(people))]
                    names.append(f"{first} {alt[2]}")
            props["name"] = names
            if dob and rnd.random() < 0.8:
                y, m, d = dob.split("-")
                y = str(int(y) + rnd.randrange(-15, 16))
                if (m, d) == ("02", "29"):
                    d = "28"
                props["birthDate"] = [f"{y}-{m}-{d}" if rnd.random() < 0.8 else y]
            props["nationality"] = [rnd.choice(countries)]
            if rnd.random() < 0.3:
                props["passportNumber"] = [f"{rnd.choice('ABCDEFGHKLMNP')}{rnd.randrange(10**7, 10**8)}"]
            topics = rnd.choice(PEP_TOPICS[:2]) if pep else ["sanction"]
        elif kind < 0.95:
            schema = "Company"
            words = [rnd.choice(org_words) for _ in range(rnd.choice((1, 2, 2, 3)))]
            base = " ".join(words)
            names = [f"{base} {rnd.choice(LEGAL_FORMS)}"]
            if rnd.random() < 0.3:
                names.append(base.upper())
            props["name"] = names
            props["country"] = [rnd.choice(countries)]
            if rnd.random() < 0.4:
                props["registrationNumber"] = [str(rnd.randrange(10**8, 10**10))]
            topics = rnd.choice(PEP_TOPICS[2:]) if pep else ["sanction"]
        else:
            schema = "Vessel"
            props["name"] = [" ".join(rnd.choice(org_words) for _ in range(rnd.choice((1, 2)))).upper()]
            props["imoNumber"] = [f"IMO{rnd.randrange(1000000, 9999999)}"]
            props["flag"] = [rnd.choice(countries)]
            topics = ["sanction"]
            pep = False
        props["topics"] = topics
        entity = {"id": eid, "schema": schema, "properties": props, "target": not pep}
        write(json.dumps(entity, ensure_ascii=False, separators=(",", ":")))
        write("\n")
        if not pep:
            authority, program = AUTHORITIES[rnd.randrange(len(AUTHORITIES))]
            year = rnd.randrange(2001, 2026)
            sanction = {
                "id": f"{eid}-s",
                "schema": "Sanction",
                "properties": {
                    "entity": [eid],
                    "authority": [authority],
                    "program": [program],
                    "startDate": [f"{year}-{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 29):02d}"],
                },
            }
            write(json.dumps(sanction, ensure_ascii=False, separators=(",", ":")))
            write("\n")


if __name__ == "__main__":
    main()
