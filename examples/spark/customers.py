#!/usr/bin/env python3
"""Writes a generated customer table for screening examples and tests.

Deterministic by seed: the same arguments give the same rows. Most rows are ordinary people
and companies whose names are drawn from the pools below (names common in many countries,
in Latin, Cyrillic, Arabic and Han script); a share (``--listed-share``, default 2%) are
listed entities' names taken from a FollowTheMoney export (``proscribe export``) and
changed as names change between a list and a customer file: another case, words in another
order, a word left out, a typing error.

Columns: ``customer_id`` (int64), ``full_name``, ``birth_date`` (YYYY-MM-DD or empty),
``country`` (ISO code or empty), ``kind`` (Person or Company). The file type follows the
extension: ``.parquet`` or ``.csv``; several ``--out`` write the same rows to each.

    python3 examples/spark/customers.py --rows 100000 --seed 7 --listed lists.ftm.json \\
        --out customers.parquet --out customers.csv
"""

import argparse
import datetime
import json
import random
import sys

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

GIVEN = [
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
    "Maria", "Jose", "Ana", "Luis", "Carmen", "Juan", "Sofia", "Pedro", "Lucia", "Miguel",
    "Hans", "Anna", "Peter", "Ursula", "Klaus", "Monika", "Jan", "Katarzyna", "Piotr", "Agnieszka",
    "Olga", "Sergei", "Elena", "Dmitri", "Natalia", "Andrei", "Irina", "Alexei", "Tatiana", "Pavel",
    "Ahmed", "Fatima", "Omar", "Aisha", "Hassan", "Layla", "Karim", "Nour", "Youssef", "Mariam",
    "Wei", "Fang", "Jun", "Li", "Hiroshi", "Yuki", "Min-jun", "Seo-yeon", "Arjun", "Priya",
    "Chinedu", "Amara", "Kwame", "Zanele", "Thabo", "Nia", "Mehmet", "Ayse", "Emre", "Zeynep",
]
FAMILY = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Muller", "Schmidt", "Schneider", "Fischer", "Weber", "Kowalski", "Nowak", "Wisniewski", "Novak", "Horvat",
    "Ivanova", "Smirnov", "Kuznetsov", "Popova", "Sokolov", "Lebedev", "Kozlova", "Novikov", "Morozov", "Volkova",
    "Haddad", "Nasser", "Khalil", "Saleh", "Mansour", "Farouk", "Aziz", "Rahman", "Hussein", "Qasim",
    "Wang", "Zhang", "Chen", "Liu", "Tanaka", "Suzuki", "Kim", "Park", "Sharma", "Patel",
    "Okafor", "Mensah", "Dlamini", "Nkosi", "Mwangi", "Diallo", "Yilmaz", "Kaya", "Demir", "Celik",
]
SCRIPTED = [
    "Иван Петров", "Ольга Смирнова", "Сергей Кузнецов", "Анна Попова", "Дмитрий Соколов",
    "محمد حسن", "فاطمة علي", "أحمد خليل", "王伟", "李娜", "张敏", "陈静", "田中 浩", "김민준",
]
COMPANY_WORDS = [
    "Global", "Northern", "Pacific", "Atlas", "Union", "Delta", "Summit", "Harbor", "Eastern", "Prime",
    "Trading", "Logistics", "Energy", "Holdings", "Textiles", "Foods", "Marine", "Metals", "Pharma", "Capital",
]
LEGAL_FORMS = ["LLC", "Ltd", "GmbH", "S.A.", "AG", "OOO", "JSC", "Co., Ltd.", "B.V.", "S.R.L."]
COUNTRIES = ["US", "GB", "DE", "FR", "ES", "IT", "PL", "RU", "UA", "TR", "AE", "SA", "EG", "IN", "CN",
             "JP", "KR", "NG", "ZA", "KE", "BR", "MX", "CA", "AU", "NL"]


def listed_names(path):
    """(name, kind, birth date) of every listed entity of a FollowTheMoney export."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            e = json.loads(line)
            props = e.get("properties", {})
            schema = e.get("schema", "")
            kind = "Person" if schema == "Person" else "Company" if schema in ("Company", "Organization",
                                                                                "LegalEntity") else None
            if kind is None:
                continue
            for name in props.get("name", [])[:1] + props.get("alias", [])[:2]:
                out.append((name, kind, (props.get("birthDate") or [""])[0]))
    return out


def typo(rng, word):
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def changed(rng, name):
    """A listed name as a customer file might write it."""
    words = name.split()
    how = rng.random()
    if how < 0.25 and len(words) > 1:
        words = words[1:] + words[:1]
    elif how < 0.4 and len(words) > 2:
        del words[rng.randrange(1, len(words) - 1)]
    elif how < 0.6:
        k = rng.randrange(len(words))
        words[k] = typo(rng, words[k])
    text = " ".join(words)
    return text.title() if rng.random() < 0.5 else text


def birth_date(rng):
    day = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(65 * 365))
    return day.isoformat()


def rows(n, seed, listed, share):
    rng = random.Random(seed)
    ids, names, dates, countries, kinds = [], [], [], [], []
    for i in range(n):
        draw = rng.random()
        if listed and draw < share:
            name, kind, born = rng.choice(listed)
            name = changed(rng, name)
            date = born if kind == "Person" and len(born) == 10 and rng.random() < 0.5 else ""
            country = ""
        elif draw < 0.8:
            kind = "Person"
            if rng.random() < 0.05:
                name = rng.choice(SCRIPTED)
            else:
                parts = [rng.choice(GIVEN)]
                if rng.random() < 0.2:
                    parts.append(rng.choice(GIVEN))
                parts.append(rng.choice(FAMILY))
                name = " ".join(parts)
            date = birth_date(rng) if rng.random() < 0.8 else ""
            country = rng.choice(COUNTRIES) if rng.random() < 0.9 else ""
        else:
            kind = "Company"
            name = " ".join(rng.sample(COMPANY_WORDS, rng.choice((1, 2, 2, 3))) + [rng.choice(LEGAL_FORMS)])
            date, country = "", rng.choice(COUNTRIES)
        ids.append(1_000_000 + i)
        names.append(name)
        dates.append(date)
        countries.append(country)
        kinds.append(kind)
    return pa.table({
        "customer_id": pa.array(ids, pa.int64()),
        "full_name": names,
        "birth_date": dates,
        "country": countries,
        "kind": kinds,
    })


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--listed", help="FollowTheMoney JSON lines of listed entities (proscribe export)")
    p.add_argument("--listed-share", type=float, default=0.02)
    p.add_argument("--out", action="append", required=True, help=".parquet or .csv (repeatable)")
    args = p.parse_args(argv)
    listed = listed_names(args.listed) if args.listed else []
    if args.listed and not listed:
        sys.exit(f"customers.py: {args.listed} holds no listed person or company")
    table = rows(args.rows, args.seed, listed, args.listed_share)
    for out in args.out:
        if out.endswith(".parquet"):
            pq.write_table(table, out)
        elif out.endswith(".csv"):
            pacsv.write_csv(table, out)
        else:
            sys.exit(f"customers.py: {out}: write .parquet or .csv")


if __name__ == "__main__":
    main()
