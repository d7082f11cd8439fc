#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seed inputs: small slices of the real list files in
# ../shared/data (or $PROSCRIBE_SHARED_DATA), of the committed fixtures (crates/testkit,
# crates/import/tests, examples/registry) and the inputs written for the fuzzers in
# fuzz/seeds/. Nothing here is committed: corpus/ is ignored. Seeds already in a corpus
# (and whatever the fuzzers added) are kept; files of the same name are overwritten.
# A missing shared folder only means fewer seeds.
#
# Usage: fuzz/seed.sh
set -euo pipefail
cd "$(dirname "$0")"
root=..
data="${PROSCRIBE_SHARED_DATA:-$root/../shared/data}"
if [[ ! -d $data ]]; then
  echo "seed.sh: no shared data at $data; seeding from the committed files only" >&2
  data=""
fi

python3 - "$root" "$data" <<'PY'
import csv, gzip, io, json, os, re, sys, zipfile
import xml.etree.ElementTree as ET

root, data = sys.argv[1], sys.argv[2]
SEP = b"\n#next-file#\n"
made = {}


def put(target, name, content):
    d = os.path.join("corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(content)
    made[target] = made.get(target, 0) + 1


def shared(rel):
    p = os.path.join(data, rel) if data else ""
    return p if p and os.path.exists(p) else None


def read(path, gz=False):
    opener = gzip.open if gz else open
    with opener(path, "rb") as f:
        return f.read()


def head_lines(content, n):
    return b"".join(content.splitlines(keepends=True)[:n])


# Written for the fuzzers: dates, texts to scan, batch inputs.
for target in sorted(os.listdir("seeds")):
    for name in sorted(os.listdir(os.path.join("seeds", target))):
        put(target, name, read(os.path.join("seeds", target, name)))


def xml_records(content, record, keep, head_end):
    """The start of an XML file up to `head_end`, `keep` `record` elements, closing tags."""
    text = content.decode("utf-8")
    records = re.findall(r"<%s[ >].*?</%s>" % (record, record), text, re.S)
    start = text[: text.index(head_end) + len(head_end)] if head_end in text else ""
    return start, records[:keep]


# UN: well-formed extracts of a few individuals and entities, and raw heads.
for i, path in enumerate(filter(None, [
    os.path.join(root, "crates/testkit/fixtures/un/consolidated.xml"),
    shared("lists/un/consolidated.xml"),
    shared("lists/un/history/consolidated-2024-11-30.xml"),
])):
    content = read(path)
    text = content.decode("utf-8")
    root_tag = re.search(r"<CONSOLIDATED_LIST[^>]*>", text).group(0)
    people = re.findall(r"<INDIVIDUAL>.*?</INDIVIDUAL>", text, re.S)
    groups = re.findall(r"<ENTITY>.*?</ENTITY>", text, re.S)
    for j, (p, g) in enumerate([(people[:3], groups[:2]), (people[10:12], groups[5:6]), (people[-2:], [])]):
        doc = '<?xml version="1.0" encoding="utf-8"?>\n%s<INDIVIDUALS>%s</INDIVIDUALS><ENTITIES>%s</ENTITIES></CONSOLIDATED_LIST>\n' % (
            root_tag, "".join(p), "".join(g))
        put("import_un", "extract-%d-%d.xml" % (i, j), doc)
    put("import_un", "head-%d.xml" % i, content[:4096])

# OFAC CSV: a few primary rows with their addresses, aliases and remarks, as one input.
for i, folder in enumerate(filter(None, [
    os.path.join(root, "crates/testkit/fixtures/ofac"),
    os.path.join(root, "crates/import/tests/fixtures/ofac-csv"),
    shared("lists/ofac"),
])):
    sdn = read(os.path.join(folder, "sdn.csv"))
    companions = {}
    for name in ["add.csv", "alt.csv", "sdn_comments.csv"]:
        p = os.path.join(folder, name)
        companions[name] = read(p) if os.path.exists(p) else b""
    for j, (a, b) in enumerate([(0, 12), (200, 206), (4000, 4003)]):
        rows = sdn.splitlines(keepends=True)[a:b]
        if not rows:
            continue
        nums = {r.split(b",", 1)[0] for r in rows}
        parts = [b"".join(rows)]
        for name in ["add.csv", "alt.csv", "sdn_comments.csv"]:
            parts.append(b"".join(l for l in companions[name].splitlines(keepends=True) if l.split(b",", 1)[0] in nums))
        put("import_ofac_csv", "set-%d-%d.csv" % (i, j), SEP.join(parts))
    put("import_ofac_csv", "main-only-%d.csv" % i, head_lines(sdn, 5))

cons = shared("lists/ofac/cons/cons_prim.csv")
if cons:
    put("import_ofac_csv", "cons.csv", head_lines(read(cons), 8))

put("import_ofac_xml", "sdn.xml", read(os.path.join(root, "crates/import/tests/fixtures/ofac/sdn.xml")))
put("import_eu", "fsf-sample.xml", read(os.path.join(root, "crates/import/tests/fixtures/eu/fsf-sample.xml")))
put("import_uk", "ConList.csv", read(os.path.join(root, "crates/import/tests/fixtures/uk/ConList.csv")))
registry = os.path.join(root, "examples/registry")
for name in sorted(os.listdir(registry)):
    put("import_registry", name, read(os.path.join(registry, name)))

p = shared("lists/other/us_csl/consolidated.csv.gz")
if p:
    lines = gzip.open(p, "rb").read().splitlines(keepends=True)
    put("import_csl", "head.csv", b"".join(lines[:30]))
    put("import_csl", "middle.csv", lines[0] + b"".join(lines[5000:5020]))
    put("import_csl", "head.csv.gz", gzip.compress(b"".join(lines[:5])))

p = shared("lists/other/us_bis_dpl/dpl.txt")
if p:
    lines = read(p).splitlines(keepends=True)
    put("import_dpl", "head.txt", b"".join(lines[:30]))
    put("import_dpl", "tail.txt", lines[0] + b"".join(lines[-10:]))

p = shared("lists/other/ca_sema/sema-lmes.xml")
if p:
    text = read(p).decode("utf-8")
    records = re.findall(r"<record>.*?</record>", text, re.S)
    head = text[: text.index("<record>")]
    for j, sl in enumerate([records[:15], records[600:610], records[-5:]]):
        put("import_sema", "extract-%d.xml" % j, head + "\n".join(sl) + "\n</data-set>\n")

for name in ["t1.entities.ftm.json", "zala.entities.ftm.json", "parteispenden.entities.ftm.json"]:
    p = shared("ftm/" + name)
    if p:
        lines = read(p).splitlines(keepends=True)
        put("import_ftm", name + ".head", b"".join(lines[:12]))

# DFAT: the first rows of the real workbook as inline-string cells, as sheet XML (wrapped
# into a workbook by the target) and as a workbook.
p = shared("lists/other/au_dfat/regulation8_consolidated.xlsx")
if p:
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    z = zipfile.ZipFile(p)
    strings = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns):
            strings.append("".join(t.text or "" for t in si.iter("{%s}t" % ns["m"])))
    sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows = sheet.find("m:sheetData", ns).findall("m:row", ns)

    def esc(s):
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def sheet_xml(selected):
        out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="%s"><sheetData>' % ns["m"]]
        for n, row in enumerate(selected, 1):
            out.append('<row r="%d">' % n)
            for c in row.findall("m:c", ns):
                ref = re.sub(r"\d+", str(n), c.get("r"))
                v = c.find("m:v", ns)
                if v is None:
                    continue
                if c.get("t") == "s":
                    out.append('<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, esc(strings[int(v.text)])))
                else:
                    out.append('<c r="%s"><v>%s</v></c>' % (ref, esc(v.text or "")))
            out.append("</row>")
        out.append("</sheetData></worksheet>")
        return "".join(out).encode("utf-8")

    sst = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="%s" count="0" uniqueCount="0"></sst>' % ns["m"].encode()
    for j, sel in enumerate([rows[:25], rows[:1] + rows[3000:3010]]):
        put("import_dfat", "sheet-%d.xml" % j, sheet_xml(sel) + SEP + sst)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name in z.namelist():
            if name == "xl/worksheets/sheet1.xml":
                out.writestr(name, sheet_xml(rows[:8]))
            elif name == "xl/sharedStrings.xml":
                out.writestr(name, sst)
            elif not name.startswith("xl/media") and not name.startswith("docProps"):
                out.writestr(name, z.read(name))
    put("import_dfat", "workbook.xlsx", buf.getvalue())

# Names to prepare and compare: a schema byte, then two names on two lines.
schemas = {"Person": 0, "Organization": 1, "Company": 2, "LegalEntity": 3, "Vessel": 4, "Aircraft": 5}
for rel in ["pairs/nomenklatura/cases.csv", "pairs/watchman/cascade-name-pairs.csv",
            "pairs/watchman/cascade-name-pairs-2.csv", "pairs/watchman/cross_script_pairs.csv"]:
    p = shared(rel)
    if not p:
        continue
    lines = [l for l in read(p).decode("utf-8").splitlines() if not l.startswith("#") and l.strip()]
    rows = list(csv.reader(lines))
    if rows and "name1" in rows[0]:
        s, a, b = rows[0].index("schema"), rows[0].index("name1"), rows[0].index("name2")
        rows = [(r[s], r[a], r[b]) for r in rows[1:] if len(r) > max(s, a, b)]
    else:
        rows = [("", r[0], r[1]) for r in rows if len(r) > 1 and r[0] != "Query"]
    for n, (schema, a, b) in enumerate(rows[::7][:40]):
        put("prepare", "%s-%d" % (os.path.basename(rel), n), bytes([schemas.get(schema, 6)]) + ("%s\n%s" % (a, b)).encode())

# Batch inputs: the first rows of labelled person records, as CSV and as JSON lines.
p = shared("pairs/yente/positives_un_untreated.csv")
if p:
    rows = list(csv.DictReader(io.StringIO(read(p).decode("utf-8"))))[:25]
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["key", "name", "birth_date", "country", "schema"])
    for n, r in enumerate(rows):
        w.writerow([n, r["full_name"], r["date_of_birth"], r["nationality"], "Person"])
    put("batch_csv", "positives.csv", out.getvalue())
    put("batch_json", "positives.jsonl", b"\x10" + "".join(
        json.dumps({"key": n, "name": r["full_name"], "birth_date": r["date_of_birth"].split(";"),
                    "country": r["nationality"]}, ensure_ascii=False) + "\n" for n, r in enumerate(rows)).encode())
    put("scan", "names.txt", b"\x05" + (" and ".join(r["full_name"].title() for r in rows[:8]) + ".").encode())

for target, n in sorted(made.items()):
    print("%-16s %3d seeds" % (target, n))
PY
