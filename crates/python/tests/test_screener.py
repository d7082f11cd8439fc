"""The Python package against the command line: one name, Arrow tables, pair scores, and
the errors it raises."""

import shutil
import threading
import time

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import proscribe
from conftest import cli_batch, comparable_arrow, comparable_cli, run

CUSTOMER_COLUMNS = {"name": "full_name", "birth_date": "birth_date", "country": "country", "schema": "kind",
                    "key": "customer_id"}


def test_an_index_file_and_its_database_answer_alike(registry):
    from_file = proscribe.Screener.open(registry["index"])
    from_db = proscribe.Screener.open(str(registry["db"]))
    assert from_file.entity_count == from_db.entity_count > 50
    assert from_file.data_version == from_db.data_version
    for name in ["Yun Ho Jin", "Eric Badege", "Taliban", "Roshan Shirkat", "Ivan Petrov"]:
        a = [(h.entity_id, h.score) for h in from_file.screen(name)]
        b = [(h.entity_id, h.score) for h in from_db.screen(name)]
        assert a == b, name


def test_an_index_read_in_memory_or_mapped_answers_alike(registry):
    memory = proscribe.Screener.open(registry["index"], reading="memory")
    mapped = proscribe.Screener.open(registry["index"], reading="mapped")
    for name in ["Yun Ho Jin", "Taliban", "Abu Zeid", "Amir Khan Mutaqi"]:
        a = [(h.entity_id, h.score, h.explanation) for h in memory.screen(name, cutoff=0.0)]
        b = [(h.entity_id, h.score, h.explanation) for h in mapped.screen(name, cutoff=0.0)]
        assert a == b, name
    with pytest.raises(proscribe.FieldError) as e:
        proscribe.Screener.open(registry["index"], reading="lazy")
    assert e.value.field == "reading"


def test_a_hit_carries_its_lists_status_and_explanation(registry):
    screener = proscribe.Screener.open(registry["index"])
    hits = screener.screen("Yun Ho-jin", schema="Person", country="KP")
    best = hits[0]
    assert best.match and best.score > 0.9
    assert best.entity_id == "un-kpi-001" and best.caption == "YUN HO-JIN" and best.schema == "Person"
    assert [(r.list, r.reference, r.status) for r in best.references] == [("un-sc-consolidated", "KPi.001", "listed")]
    assert "sanction" in best.topics
    assert best.matched_name == "YUN HO-JIN"
    assert best.explanation[0].startswith(f"{best.score:.3f}  MATCH  un-kpi-001")
    assert any("yun~yun" in line for line in best.explanation)
    as_dict = best.to_dict()
    assert as_dict["entity_id"] == "un-kpi-001" and as_dict["name"]["text"] == "YUN HO-JIN"
    # The command line's --json gives the same hit.
    import json

    cli = json.loads(run("--db", registry["db"], "--json", "screen", "Yun Ho-jin", "--schema", "Person",
                         "--country", "KP"))
    assert cli["hits"][0]["score"] == best.score
    assert cli["hits"][0]["entity_id"] == best.entity_id


def test_the_cutoff_limit_and_threshold_shape_the_answer(registry):
    screener = proscribe.Screener.open(registry["index"])
    everything = screener.screen("Abu Zeid", cutoff=0.0, limit=50)
    assert len(everything) > len(screener.screen("Abu Zeid"))
    assert len(screener.screen("Abu Zeid", cutoff=0.0, limit=3)) == 3
    strict = screener.screen("Abu Zeid", threshold=1.0, cutoff=0.0)
    assert all(h.match == (h.score >= 1.0) for h in strict)


def test_values_that_cannot_be_read_name_their_argument(registry):
    screener = proscribe.Screener.open(registry["index"])
    cases = [
        (dict(name=""), "name"),
        (dict(name="Ivan", birth_date="31/02/1961"), "birth_date"),
        (dict(name="Ivan", country="Atlantis"), "country"),
        (dict(name="Ivan", country=5), "country"),
        (dict(name="Ivan", schema="Banana"), "schema"),
        (dict(name="Ivan", threshold=1.5), "threshold"),
        (dict(name="!!!"), "name"),
    ]
    for kwargs, field in cases:
        name = kwargs.pop("name")
        with pytest.raises(proscribe.FieldError) as e:
            screener.screen(name, **kwargs)
        assert e.value.field == field, (kwargs, e.value)
        assert str(e.value).startswith(f"{field}: ")
        assert isinstance(e.value, ValueError)
    import datetime

    assert screener.screen("Yun Ho Jin", birth_date=datetime.date(1960, 1, 1))
    with pytest.raises(proscribe.FieldError) as e:
        proscribe.score("a", "b", schema="Banana")
    assert e.value.field == "schema"


def test_what_cannot_be_opened_says_why(registry, tmp_path):
    with pytest.raises(FileNotFoundError):
        proscribe.Screener.open(tmp_path / "none.idx")
    with pytest.raises(proscribe.FieldError) as e:
        proscribe.Screener.open("postgres://user@host/db")
    assert e.value.field == "path"
    not_an_index = tmp_path / "notes.txt"
    not_an_index.write_text("hello")
    with pytest.raises(proscribe.IndexFileError):
        proscribe.Screener.open(not_an_index)
    damaged = tmp_path / "damaged.idx"
    shutil.copy(registry["index"], damaged)
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    with pytest.raises(proscribe.IndexFileError):
        proscribe.Screener.open(damaged)
    cut = tmp_path / "cut.idx"
    cut.write_bytes(registry["index"].read_bytes()[:-100])
    with pytest.raises(proscribe.IndexFileError):
        proscribe.Screener.open(cut)
    with pytest.raises(proscribe.FieldError) as e:
        proscribe.Screener.open(registry["index"], as_of="2020-01-01")
    assert e.value.field == "as_of"
    with pytest.raises(proscribe.FieldError) as e:
        proscribe.Screener.open(registry["index"], threads=0)
    assert e.value.field == "threads"
    past = proscribe.Screener.open(registry["db"], as_of="2024-01-01")
    assert past.as_of == "2024-01-01" and past.day == "2024-01-01"


def test_pair_scores_are_the_command_line_s(registry):
    pairs = [("Vladimir Putin", "Владимир Путин", "Person"), ("Amir Khan Muttaqi", "AMIR KHAN MOTAQI", "Person"),
             ("Rosneft", "Rosneft Oil Company", "Company"), ("Ivan Petrov", "Olga Smirnova", "")]
    text = "".join(f"{a},{b},{s}\n" for a, b, s in pairs)
    cli = [float(line) for line in run("score-pairs", input=text).split()]
    ours = [proscribe.score(a, b, s or None) for a, b, s in pairs]
    assert [round(s, 6) for s in ours] == cli
    assert ours[0] > 0.9 and ours[3] < 0.5


def test_a_table_screens_as_the_command_line_s_batch(registry, customers, tmp_path):
    listed = customers.listed_names(registry["export"])
    table = customers.rows(3000, 11, listed, 0.05)
    # A few rows the batch has something to say of.
    extra = pa.table({"customer_id": pa.array([9, 10, 11], pa.int64()), "full_name": ["", "Yun Ho Jin", "!!!"],
                      "birth_date": ["1961", "31/02/1961", ""], "country": ["", "Atlantis", ""],
                      "kind": ["Person", "Banana", ""]})
    table = pa.concat_tables([table, extra])
    csv_path = tmp_path / "customers.csv"
    pacsv.write_csv(table, csv_path)
    expected = comparable_cli(cli_batch(registry, csv_path, CUSTOMER_COLUMNS))
    screener = proscribe.Screener.open(registry["index"])
    hits = screener.screen_arrow(table, columns=CUSTOMER_COLUMNS)
    assert hits.column_names == proscribe.hit_columns()
    assert hits.schema.field("key").type == pa.int64()
    assert comparable_arrow(hits.to_pylist()) == expected
    matches = [r for r in hits.to_pylist() if r["match"]]
    assert len(matches) > 50
    errors = {r["key"]: r["error"] for r in hits.to_pylist() if r["error"]}
    assert errors[9] == "name: missing or empty"
    assert "birth_date" in errors[10] and "country" in errors[10] and "schema" in errors[10]
    assert errors[11] == "name: the name has no letters or digits"
    # Batches and readers, and one thread, give the same rows, numbered across batches.
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=700))
    single = proscribe.Screener.open(registry["index"], threads=1)
    again = single.screen_arrow(reader, columns=CUSTOMER_COLUMNS)
    assert again.to_pylist() == hits.to_pylist()
    batch = table.slice(0, 100).to_batches()[0]
    assert screener.screen_arrow(batch, columns=CUSTOMER_COLUMNS).num_rows >= 0


def test_a_table_without_its_columns_is_refused_naming_them(registry):
    screener = proscribe.Screener.open(registry["index"])
    table = pa.table({"full_name": ["Ivan"]})
    with pytest.raises(proscribe.FieldError) as e:
        screener.screen_arrow(table)
    assert e.value.field == "name" and "full_name" in e.value.message
    with pytest.raises(proscribe.FieldError) as e:
        screener.screen_arrow(table, columns={"name": "full_name", "dob": "x"})
    assert e.value.field == "columns"
    with pytest.raises(proscribe.FieldError) as e:
        screener.screen_arrow(table, columns={"name": "full_name", "birth_date": "dob"})
    assert e.value.field == "dob"
    empty = screener.screen_arrow(pa.table({"name": pa.array([], pa.string())}))
    assert empty.num_rows == 0 and empty.column_names == proscribe.hit_columns()


def test_screening_a_table_lets_other_threads_run(registry, customers):
    screener = proscribe.Screener.open(registry["index"], threads=1)
    table = customers.rows(20000, 3, [], 0.0)
    ticks = 0
    done = threading.Event()

    def work():
        screener.screen_arrow(table, columns=CUSTOMER_COLUMNS)
        done.set()

    worker = threading.Thread(target=work)
    started = time.perf_counter()
    worker.start()
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)
    worker.join()
    elapsed = time.perf_counter() - started
    # Were the GIL held while screening, this loop would stand still until the end.
    assert elapsed > 0.2, "the table screened too fast to tell"
    assert ticks > elapsed * 100, (ticks, elapsed)
