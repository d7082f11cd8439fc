#!/usr/bin/env bash
# Bounded imports: writes full-size crafted files (a far cell reference, gigabytes of white
# space and a gigabyte shared string in small xlsx files, a gzip bomb of one field, a 100 MB
# CSV field, deep XML, deep YAML, an entity with 100,000 names), imports the real lists into a
# fresh store, then imports each crafted file into it with the release build under GNU time
# and prints: exit status, wall time, peak RSS, whether the store is unchanged, and the error.
# Then imports the largest files the default limits accept, each into a fresh store.
# Usage: bench/bounded.sh [WORKDIR]   (default: a temporary folder, removed at the end; the
# crafted files take about 120 MB). Needs python3, sqlite3 and GNU time at /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
data="${PROSCRIBE_SHARED_DATA:-../shared/data}"
cargo build --release --quiet -p proscribe-cli
bin=$PWD/target/release/proscribe
if [ $# -ge 1 ]; then out=$1; mkdir -p "$out"; else out=$(mktemp -d); trap 'rm -rf "$out"' EXIT; fi

python3 - "$out" <<'EOF'
import gzip, os, sys, zipfile, zlib
out = sys.argv[1]
MB = 1 << 20

def chunks(total, byte, size=16 * MB):
    left = total
    while left > 0:
        n = min(size, left)
        yield byte * n
        left -= n

def xlsx(path, sheet_parts, shared_parts=None):
    """An xlsx whose sheet and shared strings are streamed from generators of bytes."""
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    fixed = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rels}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{rels}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rels}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{rels}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, text in fixed.items():
            z.writestr(name, text)
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for part in shared_parts or [b"<si><t>x</t></si>"]:
                f.write(part)
            f.write(b"</sst>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            for part in sheet_parts:
                f.write(part)
            f.write(b"</sheetData></worksheet>")

def row(r, cells):
    cols = "ABCDEFGHIJ"
    return ("<row r=\"%d\">" % r + "".join(
        '<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (cols[i], r, c) for i, c in enumerate(cells)) + "</row>").encode()

header = row(1, ["Reference", "Name of Individual or Entity", "Type", "Name Type"])

# 1. A cell ZZZZZZ3 among 20,000 ordinary rows.
def far_rows():
    yield header
    yield row(2, ["1", "John Doe", "Individual", "Primary Name"])
    yield b'<row r="3"><c r="ZZZZZZ3" t="inlineStr"><is><t>x</t></is></c></row>'
    for r in range(4, 20004):
        yield row(r, [str(r), "Person %d %s" % (r, os.urandom(6).hex()), "Individual", "Primary Name"])
xlsx(f"{out}/far-cell.xlsx", far_rows())

# 2. 5 GiB of white space in sheetData.
xlsx(f"{out}/blank.xlsx", [header, *chunks(5 << 30, b" ")])

# 3. One shared string of 3 GiB.
xlsx(f"{out}/shared.xlsx", [header, b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'],
     [b"<si><t>", *chunks(3 << 30, b"A"), b"</t></si>"])

# 4. A CSL gzip whose second row is one field of 4 GiB.
os.makedirs(f"{out}/gz", exist_ok=True)
with gzip.open(f"{out}/gz/consolidated.csv.gz", "wb", compresslevel=9) as f:
    f.write(b"_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids\n1,x,,,,\"")
    for c in chunks(4 << 30, b"a"):
        f.write(c)
    f.write(b"\"\n")

# 5. An OFAC sdn.csv whose remarks are 100 MB.
os.makedirs(f"{out}/sdn", exist_ok=True)
with open(f"{out}/sdn/sdn.csv", "wb") as f:
    f.write(b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n')
    f.write(b'37,"DOE, John",individual,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"')
    for c in chunks(100 * MB, b"r"):
        f.write(c)
    f.write(b'"\r\n')

# 6. UN XML with 150,000 nested elements in COMMENTS1.
with open(f"{out}/consolidated.xml", "w") as f:
    f.write('<?xml version="1.0"?>\n<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z">\n<INDIVIDUALS>\n<INDIVIDUAL>\n'
            '<DATAID>1</DATAID><VERSIONNUM>1</VERSIONNUM><FIRST_NAME>JOHN</FIRST_NAME><UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>'
            '<REFERENCE_NUMBER>QDi.001</REFERENCE_NUMBER><LISTED_ON>2001-01-01</LISTED_ON>\n<COMMENTS1>'
            + "<x>" * 150_000 + "</x>" * 150_000 + '</COMMENTS1>\n</INDIVIDUAL>\n</INDIVIDUALS>\n<ENTITIES/>\n</CONSOLIDATED_LIST>\n')

# 7. Registry YAML nested 40,000 deep, in flow style and in block style.
with open(f"{out}/deep-flow.yaml", "w") as f:
    f.write("proscribe-registry: 1\nid: deep\nentities: " + "[" * 40_000 + "]" * 40_000 + "\n")
with open(f"{out}/deep-block.yaml", "w") as f:
    f.write("proscribe-registry: 1\nid: deep\nentities:\n  " + "- " * 40_000 + "x\n")

# Largest accepted: just within the default limits, each imported into a fresh store.
os.makedirs(f"{out}/ok", exist_ok=True)
un = open("crates/testkit/fixtures/un/consolidated.xml").read()
at = un.index("<COMMENTS1>") + len("<COMMENTS1>")
# A UN record of 15,500 empty elements (each counts 256 bytes of the 4 MiB record).
open(f"{out}/ok/wide.xml", "w").write(un[:at] + "<a></a>" * 15_500 + un[at:])
# A FollowTheMoney line of 3.9 MB: 270,000 properties of one empty value.
with open(f"{out}/ok/props.ftm.json", "w") as f:
    f.write('{"id":"p1","schema":"Person","properties":{"name":["X"],%s}}\n' % ",".join('"p%d":[""]' % i for i in range(270_000)))
# An entity with 10,000 names and 10,000 first names.
with open(f"{out}/ok/names.ftm.json", "w") as f:
    names = ",".join('"Name%d Surname%d"' % (i, i) for i in range(10_000))
    first = ",".join('"Name%d"' % i for i in range(10_000))
    f.write('{"id":"p1","schema":"Person","properties":{"name":[%s],"firstName":[%s]}}\n' % (names, first))
# A registry YAML of 120,000 tiny values: within the limits, so parsed whole (and then refused,
# being no registry).
with open(f"{out}/ok/values.yaml", "w") as f:
    f.write("proscribe-registry: 1\nid: big\nentities: [" + ",".join(["a"] * 120_000) + "]\n")
# A DFAT sheet with 900,000 distinct shared strings (64 MiB counting 64 bytes each).
xlsx(f"{out}/ok/strings.xlsx", [header, row(2, ["1", "John Doe", "Individual", "Primary Name"])],
     [b"".join(b"<si><t>%s</t></si>" % os.urandom(3).hex().encode() for _ in range(900_000))])

# A registry YAML of 2,000,000 tiny values in 4 MB (the parser holds every value).
with open(f"{out}/values.yaml", "w") as f:
    f.write("proscribe-registry: 1\nid: big\nentities: [" + ",".join(["a"] * 2_000_000) + "]\n")

# 8. A FollowTheMoney entity with 100,000 names.
with open(f"{out}/names.ftm.json", "w") as f:
    names = ",".join('"Name %d"' % i for i in range(100_000))
    f.write('{"id":"p1","schema":"Person","properties":{"name":[%s]}}\n' % names)
EOF

rm -f "$out"/store.db*
"$bin" --db "$out/store.db" import "$data/lists" > /dev/null
state() { sqlite3 "$out/store.db" .dump | sha256sum | cut -c1-16; }
before=$(state)
printf '%-22s %10s %6s %8s %9s %s\n' case "file MB" exit "wall s" "peak MiB" "store"
# Imports "$out/$1" into the store "$2"; sets rc, wall (s), rss (MiB) and size (MB).
measure() {
  set +e
  /usr/bin/time -v -o "$out/time" "$bin" --db "$2" import "$out/$1" > /dev/null 2> "$out/err"
  rc=$?
  set -e
  wall=$(awk -F': ' '/Elapsed/ {print $2}' "$out/time" | awk -F: '{print ($1 * 60) + $2}')
  rss=$(awk -F': ' '/Maximum resident/ {print int($2 / 1024)}' "$out/time")
  size=$(du -m --apparent-size "$out/$1" | cut -f1)
}

for f in far-cell.xlsx blank.xlsx shared.xlsx gz/consolidated.csv.gz sdn/sdn.csv consolidated.xml deep-flow.yaml deep-block.yaml values.yaml names.ftm.json; do
  measure "$f" "$out/store.db"
  after=$(state)
  unchanged=$([ "$after" = "$before" ] && echo unchanged || echo CHANGED)
  printf '%-22s %10s %6s %8s %9s %s\n' "$f" "$size" "$rc" "$wall" "$rss" "$unchanged"
  sed "s|$out/||" "$out/err" | grep -v '^$' | head -2 | sed 's/^/    /'
done

echo
echo "largest accepted (each into a fresh store):"
printf '%-22s %10s %6s %8s %9s\n' case "file MB" exit "wall s" "peak MiB"
for f in ok/wide.xml ok/props.ftm.json ok/names.ftm.json ok/strings.xlsx ok/values.yaml; do
  rm -f "$out"/ok.db*
  measure "$f" "$out/ok.db"
  printf '%-22s %10s %6s %8s %9s\n' "$f" "$size" "$rc" "$wall" "$rss"
done
