//! The Python package `proscribe`: the screening engine of the command line and the HTTP
//! service, opened from an index file (`proscribe index FILE`) or a registry database, for
//! Python programs and Spark jobs.
//!
//! Everything here is an adapter: a query is read by [`proscribe_app::query::parse_query`], a
//! batch row by [`proscribe_app::batch::RowValues`], a hit shown by
//! [`proscribe_app::views::HitView`] and written by [`proscribe_app::batch::hit_records`], as
//! every other interface does. Screening runs without the GIL, a table's rows on all cores
//! (or the threads the screener was opened with).

#![deny(missing_docs)]

pub mod table;

use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use arrow_pyarrow::{FromPyArrow, PyArrowType, Table};
use arrow_schema::DataType;
use proscribe_app::batch::{batch_options, screen_rows, Column, Columns};
use proscribe_app::query::{parse_query, parse_schema, Field, FieldError as QueryFieldError, QueryFields};
use proscribe_app::views::{explanation, screen_loaded, shown, HitView, DEFAULT_CUTOFF};
use proscribe_app::Loaded;
use proscribe_matching::entity::{ScreenOptions, DEFAULT_THRESHOLD};
use proscribe_matching::index::Reading;
use proscribe_model::PartialDate;
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyFileNotFoundError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

create_exception!(proscribe, ProscribeError, PyException, "An error of proscribe.");
create_exception!(
    proscribe,
    IndexFileError,
    ProscribeError,
    "An index file or registry that cannot be used: damaged, cut, written by another build, not an index."
);
create_exception!(
    proscribe,
    FieldError,
    PyValueError,
    "A value that cannot be used; `field` names the argument or column, `message` says what is wrong."
);

/// mimalloc, as the command line and the service: screening allocates many small,
/// short-lived buffers, which it serves faster than the system allocator (BENCHMARKS.md).
/// Only Rust's allocations use it: the tables built here go to pyarrow through the C data
/// interface and are freed by their release callback, here, with the same allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Rows of a table screened at a time: read, screened on all cores, written.
const CHUNK: usize = 8192;

/// A [`FieldError`] for `field` (an argument or a column).
fn field_error(py: Python<'_>, field: &str, message: &str) -> PyErr {
    let err = FieldError::new_err(format!("{field}: {message}"));
    let value = err.value(py);
    // Setting attributes of a fresh exception object cannot fail.
    let _ = value.setattr("field", field);
    let _ = value.setattr("message", message);
    err
}

fn query_error(py: Python<'_>, e: &QueryFieldError) -> PyErr {
    let field = match e.field {
        Field::Id => "identifiers",
        other => other.as_str(),
    };
    field_error(py, field, &e.message)
}

fn app_error(e: proscribe_app::Error) -> PyErr {
    match e {
        proscribe_app::Error::File { path, source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            PyFileNotFoundError::new_err(format!("{}: no such file", path.display()))
        }
        other => IndexFileError::new_err(other.to_string()),
    }
}

/// Whether `path` is an SQLite database (its first 16 bytes say so).
fn is_database(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && &head == b"SQLite format 3\0"
}

/// A designation of a hit's entity, with its status on the day screened for.
#[pyclass(frozen, get_all, skip_from_py_object, module = "proscribe")]
#[derive(Clone)]
pub struct Reference {
    /// The authority that keeps the list.
    authority: String,
    /// The list.
    list: String,
    /// The list's reference for the entry, if it gives one.
    reference: Option<String>,
    /// `in force`, `ended`, `suspended`, ... on the day screened for.
    status: String,
}

#[pymethods]
impl Reference {
    fn __repr__(&self) -> String {
        let reference = self.reference.as_ref().map_or("None".to_string(), |r| format!("{r:?}"));
        format!("Reference({:?}, {:?}, {reference}, {:?})", self.authority, self.list, self.status)
    }
}

/// A listed entity found for a query: its score, whether it is a match, what it is, which
/// lists name it, and why it scored so.
#[pyclass(frozen, get_all, module = "proscribe")]
pub struct Hit {
    /// The score, from 0 to 1.
    score: f64,
    /// Whether the score reaches the threshold.
    #[pyo3(name = "match")]
    is_match: bool,
    /// The entity's id.
    entity_id: String,
    /// Its kind (`Person`, `Organization`, ...).
    schema: String,
    /// Its name as shown.
    caption: String,
    /// The lists that name it.
    references: Vec<Reference>,
    /// Its topics (`sanction`, `role.pep`, ...).
    topics: Vec<String>,
    /// The listed name that matched best, as written in the list.
    matched_name: Option<String>,
    /// The explanation in words, one line each, as the command line prints it.
    explanation: Vec<String>,
    /// The cluster the entity is one of, when several lists' entries are one real-world
    /// entity.
    cluster: Option<String>,
    /// The entity ids of the cluster's other entries.
    members: Vec<String>,
    /// The hit as JSON, as the command line's `--json` writes it.
    json: String,
}

#[pymethods]
impl Hit {
    /// The hit as a dictionary of plain values (the command line's `--json` form, with the
    /// aligned words of the name and each piece of evidence).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py.import("json")?.call_method1("loads", (&self.json,))
    }

    fn __repr__(&self) -> String {
        format!(
            "Hit(score={:.3}, match={}, entity_id={:?}, caption={:?})",
            self.score,
            if self.is_match { "True" } else { "False" },
            self.entity_id,
            self.caption
        )
    }
}

impl Hit {
    fn new(view: HitView) -> Hit {
        Hit {
            score: view.score,
            is_match: view.is_match,
            entity_id: view.entity_id.clone(),
            schema: view.schema.to_string(),
            caption: view.caption.clone(),
            references: view
                .references
                .iter()
                .map(|r| Reference {
                    authority: r.authority.clone(),
                    list: r.list.clone(),
                    reference: r.reference.clone(),
                    status: r.status.to_string(),
                })
                .collect(),
            topics: view.topics.clone(),
            matched_name: view.name.as_ref().map(|n| n.text.clone()),
            explanation: explanation(&view),
            cluster: view.cluster.clone(),
            members: view.members.iter().map(|m| m.entity_id.clone()).collect(),
            json: serde_json::to_string(&view).unwrap_or_default(),
        }
    }
}

/// Values of an argument that takes one or several: `None`, a string, or a sequence of them.
fn many(py: Python<'_>, field: &str, value: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<String>> {
    let Some(value) = value.filter(|v| !v.is_none()) else { return Ok(Vec::new()) };
    if let Ok(s) = value.extract::<String>() {
        return Ok(vec![s]);
    }
    if let Ok(items) = value.extract::<Vec<String>>() {
        return Ok(items);
    }
    // A date (datetime.date) reads as its ISO text.
    if value.hasattr("isoformat")? {
        return Ok(vec![value.call_method0("isoformat")?.extract()?]);
    }
    Err(field_error(py, field, &format!("must be a string or a list of strings, not {}", value.get_type().name()?)))
}

/// A screening index, opened from an index file or a registry database: screen names one at a
/// time ([`Screener::screen`]) or whole Arrow tables ([`Screener::screen_arrow`]).
#[pyclass(frozen, module = "proscribe")]
pub struct Screener {
    loaded: Loaded,
    pool: Option<rayon::ThreadPool>,
    path: PathBuf,
}

#[pymethods]
impl Screener {
    /// Opens an index file written by `proscribe index FILE`, or a registry database (its
    /// index is built, or opened from the file kept beside it). `threads`: threads for
    /// `screen_arrow` (default: all cores). `as_of`: for a database, the lists in force on
    /// that day (YYYY-MM-DD). `reading`, for an index file: `"memory"` decodes it whole into
    /// memory when opened (the fastest queries), `"mapped"` maps it and decodes what queries
    /// reach (the least memory), `"auto"` (the default) reads into memory an index of up to
    /// 200,000 name forms and maps a larger one.
    #[staticmethod]
    #[pyo3(signature = (path, *, threads=None, as_of=None, reading="auto"))]
    fn open(
        py: Python<'_>,
        path: PathBuf,
        threads: Option<usize>,
        as_of: Option<String>,
        reading: &str,
    ) -> PyResult<Screener> {
        let reading = match reading {
            "auto" => Reading::BySize,
            "memory" => Reading::InMemory,
            "mapped" => Reading::InPlace,
            other => {
                return Err(field_error(py, "reading", &format!("{other:?} is none of auto, memory, mapped")));
            }
        };
        let text = path.to_string_lossy();
        if let Some((scheme, _)) = text.split_once("://") {
            return Err(field_error(
                py,
                "path",
                &format!("{scheme}:// is not something proscribe opens: give an index file or an SQLite database"),
            ));
        }
        if !path.is_file() {
            return Err(PyFileNotFoundError::new_err(format!("{}: no such file", path.display())));
        }
        let as_of = as_of
            .map(|d| d.parse::<PartialDate>().map_err(|e| field_error(py, "as_of", &format!("{d:?}: {e}"))))
            .transpose()?;
        let database = is_database(&path);
        if as_of.is_some() && !database {
            return Err(field_error(
                py,
                "as_of",
                "an index file holds the lists of the day it was written for (`proscribe index --as-of`)",
            ));
        }
        let day = as_of.unwrap_or_else(proscribe_app::today);
        let loaded = py.detach(|| -> Result<Loaded, PyErr> {
            if database {
                let store = proscribe_store::Store::open_read_only(&path)
                    .map_err(|e| IndexFileError::new_err(format!("{}: {e}", path.display())))?;
                if store.is_empty().map_err(|e| IndexFileError::new_err(e.to_string()))? {
                    return Err(IndexFileError::new_err(format!(
                        "{}: the database holds no lists: import lists into it (`proscribe import`)",
                        path.display()
                    )));
                }
                proscribe_app::load_index(&store, as_of.as_ref(), day).map_err(app_error)
            } else {
                proscribe_app::loaded::open_index_file(&path, reading, day).map_err(app_error)
            }
        })?;
        let pool = match threads {
            Some(0) => return Err(field_error(py, "threads", "must be at least 1")),
            Some(n) => Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .map_err(|e| ProscribeError::new_err(format!("cannot start {n} threads: {e}")))?,
            ),
            None => None,
        };
        Ok(Screener { loaded, pool, path })
    }

    /// The file or database opened.
    #[getter]
    fn path(&self) -> PathBuf {
        self.path.clone()
    }

    /// How many entities are screened against.
    #[getter]
    fn entity_count(&self) -> usize {
        self.loaded.index.entity_count()
    }

    /// The registry's data version the index was built from.
    #[getter]
    fn data_version(&self) -> i64 {
        self.loaded.data_version
    }

    /// The day of the lists, when not the newest (YYYY-MM-DD).
    #[getter]
    fn as_of(&self) -> Option<String> {
        self.loaded.as_of.map(|d| d.to_string())
    }

    /// The day designation statuses are given for (YYYY-MM-DD).
    #[getter]
    fn day(&self) -> String {
        self.loaded.day.to_string()
    }

    /// Screens one name. `schema`: Person, Organization, Company, LegalEntity, Vessel,
    /// Aircraft. `birth_date`: YYYY, YYYY-MM, YYYY-MM-DD or a `datetime.date`. `country`:
    /// one or several ISO codes or names. Returns the hits scoring at least `cutoff` (default
    /// 0.5, or the threshold if lower), best first, at most `limit`. A value that cannot be
    /// read raises `FieldError` naming it. One hit per real-world entity: an entity several lists
    /// name is one hit, its other entries in `members`; `members=True` shows each alone.
    #[pyo3(signature = (name, *, schema=None, birth_date=None, country=None, identifiers=None, limit=10, threshold=DEFAULT_THRESHOLD, cutoff=None, members=false))]
    #[allow(clippy::too_many_arguments)]
    fn screen(
        &self,
        py: Python<'_>,
        name: String,
        schema: Option<String>,
        birth_date: Option<&Bound<'_, PyAny>>,
        country: Option<&Bound<'_, PyAny>>,
        identifiers: Option<&Bound<'_, PyAny>>,
        limit: usize,
        threshold: f64,
        cutoff: Option<f64>,
        members: bool,
    ) -> PyResult<Vec<Hit>> {
        check_score(py, "threshold", threshold)?;
        if let Some(c) = cutoff {
            check_score(py, "cutoff", c)?;
        }
        let fields = QueryFields {
            name: Some(name),
            schema,
            birth_dates: many(py, "birth_date", birth_date)?,
            countries: many(py, "country", country)?,
            identifiers: many(py, "identifiers", identifiers)?,
        };
        let query = parse_query(fields).and_then(|p| p.strict()).map_err(|e| query_error(py, &e))?;
        let options = ScreenOptions { limit, threshold, ..ScreenOptions::default() };
        let loaded = &self.loaded;
        let views = py.detach(|| {
            screen_loaded(loaded, &query, &options, members).map(|hits| {
                shown(hits, cutoff.unwrap_or(DEFAULT_CUTOFF), threshold)
                    .iter()
                    .map(|h| HitView::new(loaded, h))
                    .collect::<Vec<_>>()
            })
        });
        let views = views.map_err(|e| field_error(py, "name", &e.to_string()))?;
        Ok(views.into_iter().map(Hit::new).collect())
    }

    /// Screens every row of an Arrow table (a `pyarrow.Table`, `RecordBatch`,
    /// `RecordBatchReader`, or anything with `__arrow_c_stream__`) with the command line's
    /// batch columns: `name` (required), `birth_date`, `country`, `id`, `schema`, `key`;
    /// `columns` maps these to the table's own names (`{"name": "full_name", "key": "id"}`).
    /// A list column gives several values. Returns a `pyarrow.Table` with one row per match
    /// and one per input row with an error or values left out, the columns of `proscribe
    /// screen --input` (`row`, `key`, `name`, `score`, `match`, `entity_id`, `reference`,
    /// `caption`, `matched_name`, `error`); `key` keeps the input key column's type. Runs on
    /// all cores without the GIL.
    #[pyo3(signature = (table, *, columns=None, threshold=DEFAULT_THRESHOLD, limit=10, members=false))]
    fn screen_arrow(
        &self,
        py: Python<'_>,
        table: &Bound<'_, PyAny>,
        columns: Option<&Bound<'_, PyDict>>,
        threshold: f64,
        limit: usize,
        members: bool,
    ) -> PyResult<PyArrowType<Table>> {
        check_score(py, "threshold", threshold)?;
        let cols = batch_columns(py, columns)?;
        let batches: Vec<RecordBatch> = if table.hasattr("__arrow_c_stream__")? {
            let reader = arrow_array::ffi_stream::RecordBatchStreamReader::from_pyarrow_bound(table)?;
            reader.collect::<Result<_, _>>().map_err(|e| PyValueError::new_err(format!("table: {e}")))?
        } else {
            vec![RecordBatch::from_pyarrow_bound(table)?]
        };
        let options = batch_options(&ScreenOptions { limit, threshold, ..ScreenOptions::default() }, true);
        let out = py.detach(|| match &self.pool {
            Some(pool) => pool.install(|| self.screen_batches(&batches, &cols, &options, members)),
            None => self.screen_batches(&batches, &cols, &options, members),
        });
        let out = out.map_err(|e| field_error(py, &e.column, &e.message))?;
        let schema = match out.first() {
            Some(b) => b.schema(),
            None => {
                let key = batches.first().and_then(|b| {
                    table::position(b.schema_ref(), &cols.key.name).map(|at| b.column(at).data_type().clone())
                });
                table::hit_schema(&key.unwrap_or(DataType::Utf8))
            }
        };
        Ok(PyArrowType(Table::try_new(out, schema).map_err(|e| ProscribeError::new_err(e.to_string()))?))
    }

    fn __repr__(&self) -> String {
        format!("Screener({:?}, entities={})", self.path.display().to_string(), self.loaded.index.entity_count())
    }
}

impl Screener {
    /// Screens the rows of `batches` in chunks of [`CHUNK`], numbered from 1 across them.
    fn screen_batches(
        &self,
        batches: &[RecordBatch],
        cols: &Columns,
        options: &ScreenOptions,
        members: bool,
    ) -> Result<Vec<RecordBatch>, table::ColumnError> {
        let mut out = Vec::new();
        let mut first = 1u64;
        for batch in batches {
            let mut offset = 0;
            while offset < batch.num_rows() {
                let len = CHUNK.min(batch.num_rows() - offset);
                let part = batch.slice(offset, len);
                let mut rows = table::read_rows(&part, cols, first)?;
                let screened = screen_rows(&self.loaded, &mut rows, options, members);
                let hits: Vec<_> = screened.into_iter().map(|s| s.map(|s| s.hits)).collect();
                out.push(table::hit_batch(&self.loaded, &part, cols, first, &rows, &hits)?);
                offset += len;
                first += len as u64;
            }
        }
        Ok(out)
    }
}

fn check_score(py: Python<'_>, field: &str, value: f64) -> PyResult<()> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(field_error(py, field, &format!("{value} is not between 0 and 1")))
    }
}

/// The batch columns `columns` asks for; unknown fields are an error naming them.
fn batch_columns(py: Python<'_>, columns: Option<&Bound<'_, PyDict>>) -> PyResult<Columns> {
    let mut cols = Columns::default();
    let Some(columns) = columns else { return Ok(cols) };
    for (field, column) in columns.iter() {
        let field: String = field.extract().map_err(|_| field_error(py, "columns", "keys must be strings"))?;
        let column: String = column
            .extract()
            .map_err(|_| field_error(py, "columns", &format!("the column of {field:?} must be a string")))?;
        let slot = match field.as_str() {
            "name" => &mut cols.name,
            "birth_date" => &mut cols.birth_date,
            "country" => &mut cols.country,
            "id" => &mut cols.id,
            "schema" => &mut cols.schema,
            "key" => &mut cols.key,
            other => {
                return Err(field_error(
                    py,
                    "columns",
                    &format!("unknown field {other:?} (name, birth_date, country, id, schema, key)"),
                ))
            }
        };
        *slot = Column::asked(&column);
    }
    Ok(cols)
}

/// How alike two names are, from 0 to 1, for a kind of entity (`schema`: Person,
/// Organization, ...; any kind when `None`), as `proscribe score-pairs` scores them.
#[pyfunction]
#[pyo3(signature = (name1, name2, schema=None))]
fn score(py: Python<'_>, name1: &str, name2: &str, schema: Option<&str>) -> PyResult<f64> {
    let schema = match schema {
        Some(s) => parse_schema(s).map_err(|e| query_error(py, &e))?,
        None => None,
    };
    Ok(py.detach(|| proscribe_matching::score_pair(name1, name2, schema)))
}

/// The names of the batch columns, in the order of the hits table.
#[pyfunction]
fn hit_columns(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    PyList::new(py, proscribe_app::batch::CSV_HEADER)
}

/// The extension module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<Screener>()?;
    m.add_class::<Hit>()?;
    m.add_class::<Reference>()?;
    m.add_function(wrap_pyfunction!(score, m)?)?;
    m.add_function(wrap_pyfunction!(hit_columns, m)?)?;
    m.add("ProscribeError", py.get_type::<ProscribeError>())?;
    m.add("IndexFileError", py.get_type::<IndexFileError>())?;
    m.add("FieldError", py.get_type::<FieldError>())?;
    m.add("DEFAULT_THRESHOLD", DEFAULT_THRESHOLD)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
