//! Arrow tables in and out of a batch: the rows of a record batch read into the batch's
//! [`Row`]s ([`read_rows`]), and the hits format's records written as a record batch
//! ([`hit_batch`]). Rows are read by [`RowValues::into_row`] and written from
//! [`hit_records`], as the command line's CSV and JSON batches are, so that a table screened
//! here gives the rows `proscribe screen --input` gives for the same rows.
//!
//! A column is found by name (exactly, else ignoring case); its values are read as text
//! (Arrow's cast: numbers, dates and timestamps as their ISO text), a list column as several
//! values. A null is no value; a null name is an empty one, which refuses the row. The
//! output's `key` column keeps the input key column's type, so that hits join back to the
//! input on it.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, BooleanArray, Float64Array, RecordBatch, StringArray, UInt32Array, UInt64Array};
use arrow_cast::cast;
use arrow_schema::{ArrowError, DataType, Field as ArrowField, Schema, SchemaRef};
use proscribe_app::batch::{hit_records, Columns, HitRecord, Row, RowValues, Value, CSV_HEADER};
use proscribe_app::Loaded;
use proscribe_matching::entity::Hit;

/// Why a table cannot be read: the column (as the caller named it) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnError {
    /// The column.
    pub column: String,
    /// What is wrong with it.
    pub message: String,
}

impl std::fmt::Display for ColumnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.column, self.message)
    }
}

/// A column's values as text: one per row, or several (a list column).
enum Texts {
    One(StringArray),
    Many(arrow_array::ListArray),
}

impl Texts {
    fn values(&self, row: usize) -> Vec<Value> {
        match self {
            Texts::One(a) if a.is_null(row) => Vec::new(),
            Texts::One(a) => vec![Ok(a.value(row).to_string())],
            Texts::Many(l) if l.is_null(row) => Vec::new(),
            Texts::Many(l) => {
                let items = l.value(row);
                let items = items.as_string::<i32>();
                items.iter().flatten().map(|s| Ok(s.to_string())).collect()
            }
        }
    }

    fn first(&self, row: usize) -> Option<Value> {
        self.values(row).into_iter().next()
    }
}

/// The position of `name` in `schema`: exactly, else ignoring case and surrounding spaces.
pub fn position(schema: &Schema, name: &str) -> Option<usize> {
    let fields = schema.fields();
    fields
        .iter()
        .position(|f| f.name() == name)
        .or_else(|| fields.iter().position(|f| f.name().trim().eq_ignore_ascii_case(name.trim())))
}

/// The input column asked for by `col`, if present; an absent required column is an error
/// naming the columns there are.
fn find(batch: &RecordBatch, col: &proscribe_app::batch::Column) -> Result<Option<usize>, ColumnError> {
    match position(batch.schema_ref(), &col.name) {
        None if col.required => {
            let names: Vec<&str> = batch.schema_ref().fields().iter().map(|f| f.name().as_str()).collect();
            Err(ColumnError {
                column: col.name.clone(),
                message: format!("the table has no such column (columns: {})", names.join(", ")),
            })
        }
        found => Ok(found),
    }
}

/// Column `at` of `batch` as text.
fn texts(batch: &RecordBatch, at: usize) -> Result<Texts, ColumnError> {
    let field = batch.schema_ref().field(at);
    let array = batch.column(at);
    let failed = |e: ArrowError| ColumnError {
        column: field.name().clone(),
        message: format!("values of type {} cannot be read as text: {e}", field.data_type()),
    };
    match array.data_type() {
        DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(..) | DataType::ListView(_) => {
            let target = DataType::List(Arc::new(ArrowField::new("item", DataType::Utf8, true)));
            let list = cast(array, &target).map_err(failed)?;
            Ok(Texts::Many(list.as_list::<i32>().clone()))
        }
        DataType::Struct(_) | DataType::Map(..) | DataType::Union(..) => Err(failed(ArrowError::CastError(
            "a column of records holds no single value; name a column of text".to_string(),
        ))),
        _ => Ok(Texts::One(cast(array, &DataType::Utf8).map_err(failed)?.as_string::<i32>().clone())),
    }
}

/// Reads the rows of `batch`, numbered from `first` (1 for a table's first row), with the
/// fields where `cols` says.
pub fn read_rows(batch: &RecordBatch, cols: &Columns, first: u64) -> Result<Vec<Row>, ColumnError> {
    let name_col = proscribe_app::batch::Column { required: true, ..cols.name.clone() };
    let name = texts(batch, find(batch, &name_col)?.expect("a required column is found"))?;
    let optional =
        |col| -> Result<Option<Texts>, ColumnError> { find(batch, col)?.map(|at| texts(batch, at)).transpose() };
    let birth_date = optional(&cols.birth_date)?;
    let country = optional(&cols.country)?;
    let id = optional(&cols.id)?;
    let schema = optional(&cols.schema)?;
    let key = optional(&cols.key)?;
    let many = |t: &Option<Texts>, row| t.as_ref().map(|t| t.values(row)).unwrap_or_default();
    Ok((0..batch.num_rows())
        .map(|row| {
            RowValues {
                name: Some(name.first(row).unwrap_or_else(|| Ok(String::new()))),
                birth_date: many(&birth_date, row),
                country: many(&country, row),
                id: many(&id, row),
                schema: schema.as_ref().and_then(|t| t.first(row)),
                key: key.as_ref().and_then(|t| t.first(row)).and_then(Result::ok),
            }
            .into_row(first + row as u64)
        })
        .collect())
}

/// The schema of the hits table: the columns of [`CSV_HEADER`], the key of the input key
/// column's type (text when the input has none).
pub fn hit_schema(key_type: &DataType) -> SchemaRef {
    let types = [
        DataType::UInt64,
        key_type.clone(),
        DataType::Utf8,
        DataType::Float64,
        DataType::Boolean,
        DataType::Utf8,
        DataType::Utf8,
        DataType::Utf8,
        DataType::Utf8,
        DataType::Utf8,
    ];
    let fields: Vec<ArrowField> =
        CSV_HEADER.iter().zip(types).map(|(name, t)| ArrowField::new(*name, t, *name != "row")).collect();
    Arc::new(Schema::new(fields))
}

/// The hits of screened rows as a record batch of [`hit_schema`]: for each row in order,
/// [`hit_records`] of its hits (none when it was not screened). `input` is the batch the rows
/// were read from, numbered from `first`, whose key column (found by `cols`) is copied.
pub fn hit_batch(
    loaded: &Loaded,
    input: &RecordBatch,
    cols: &Columns,
    first: u64,
    rows: &[Row],
    hits: &[Option<Vec<Hit>>],
) -> Result<RecordBatch, ColumnError> {
    let records: Vec<HitRecord> =
        rows.iter().zip(hits).flat_map(|(row, h)| hit_records(loaded, row, h.as_deref().unwrap_or(&[]))).collect();
    let key = find(input, &cols.key)?.map(|at| input.column(at).clone());
    let key_type = key.as_ref().map_or(DataType::Utf8, |k| k.data_type().clone());
    let schema = hit_schema(&key_type);
    let key: ArrayRef = match key {
        Some(k) => {
            let at: UInt32Array = records.iter().map(|r| Some((r.row - first) as u32)).collect();
            arrow_select::take::take(&k, &at, None).map_err(|e| ColumnError {
                column: cols.key.name.clone(),
                message: format!("cannot copy the keys: {e}"),
            })?
        }
        None => Arc::new(StringArray::new_null(records.len())),
    };
    let text =
        |f: fn(&HitRecord) -> Option<&str>| -> ArrayRef { Arc::new(records.iter().map(f).collect::<StringArray>()) };
    let columns: Vec<ArrayRef> = vec![
        Arc::new(records.iter().map(|r| r.row).collect::<UInt64Array>()),
        key,
        text(|r| r.name.as_deref()),
        Arc::new(records.iter().map(|r| r.score).collect::<Float64Array>()),
        Arc::new(records.iter().map(|r| r.is_match).collect::<BooleanArray>()),
        text(|r| r.entity_id.as_deref()),
        text(|r| r.reference.as_deref()),
        text(|r| r.caption.as_deref()),
        text(|r| r.matched_name.as_deref()),
        text(|r| r.error.as_deref()),
    ];
    RecordBatch::try_new(schema, columns)
        .map_err(|e| ColumnError { column: "key".to_string(), message: format!("cannot build the hits table: {e}") })
}

#[cfg(test)]
mod tests {
    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::{Date32Array, Int64Array};
    use proscribe_app::batch::{Column, CsvRows, Rows};

    use super::*;

    fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
        RecordBatch::try_from_iter(columns).unwrap()
    }

    fn strings(values: &[Option<&str>]) -> ArrayRef {
        Arc::new(values.iter().copied().collect::<StringArray>())
    }

    #[test]
    fn a_table_reads_as_the_same_csv_reads() {
        let mut countries = ListBuilder::new(StringBuilder::new());
        for row in [&[Some("ru")][..], &[], &[Some("Atlantis"), None], &[Some("af"), Some("pk")]] {
            for c in row {
                countries.values().append_option(*c);
            }
            countries.append(true);
        }
        let table = batch(vec![
            ("Key", Arc::new(Int64Array::from(vec![7, 8, 9, 10])) as ArrayRef),
            ("name", strings(&[Some("Ivan Petrov"), None, Some("Ivan"), Some("Amir Khan Muttaqi")])),
            ("birth_date", Arc::new(Date32Array::from(vec![Some(-3000), None, Some(0), None])) as ArrayRef),
            ("country", Arc::new(countries.finish()) as ArrayRef),
            ("schema", strings(&[Some("Person"), None, Some("Banana"), Some("Person")])),
        ]);
        let rows = read_rows(&table, &Columns::default(), 1).unwrap();
        let csv = "key,name,birth_date,country,schema\n\
                   7,Ivan Petrov,1961-10-15,ru,Person\n\
                   8,,,,\n\
                   9,Ivan,1970-01-01,Atlantis,Banana\n";
        let mut from_csv =
            CsvRows::new(Box::new(std::io::Cursor::new(csv.as_bytes().to_vec())), &Columns::default()).unwrap();
        let from_csv = from_csv.next_chunk(10).unwrap();
        for (a, c) in rows.iter().zip(&from_csv) {
            assert_eq!((a.number, &a.key, &a.name, a.error_text()), (c.number, &c.key, &c.name, c.error_text()));
            assert_eq!(a.query.as_ref().ok(), c.query.as_ref().ok());
        }
        // A list column gives every value: both countries are in the query.
        assert_eq!(rows[3].query.as_ref().unwrap().countries.len(), 2);
        assert_eq!(rows[1].error_text().as_deref(), Some("name: missing or empty"));
    }

    #[test]
    fn a_missing_or_unreadable_column_is_named() {
        let table = batch(vec![("full_name", strings(&[Some("x")]))]);
        let e = read_rows(&table, &Columns::default(), 1).unwrap_err();
        assert_eq!(e.column, "name");
        assert!(e.message.contains("columns: full_name"), "{e}");
        let cols = Columns { name: Column::asked("full_name"), birth_date: Column::asked("dob"), ..Columns::default() };
        let e = read_rows(&table, &cols, 1).unwrap_err();
        assert_eq!(e.column, "dob");
        let cols = Columns { name: Column::asked("FULL_NAME"), ..Columns::default() };
        assert_eq!(read_rows(&table, &cols, 1).unwrap()[0].name.as_deref(), Some("x"));

        let point = arrow_array::StructArray::from(vec![(
            Arc::new(ArrowField::new("a", DataType::Int64, false)),
            Arc::new(Int64Array::from(vec![1])) as ArrayRef,
        )]);
        let table = batch(vec![("name", strings(&[Some("x")])), ("country", Arc::new(point) as ArrayRef)]);
        let e = read_rows(&table, &Columns::default(), 1).unwrap_err();
        assert_eq!(e.column, "country");
        assert!(e.message.contains("cannot be read as text"), "{e}");
    }

    #[test]
    fn hits_keep_the_key_s_type_and_the_csv_columns() {
        let loaded = Loaded::of_index(proscribe_matching::index::Index::build(Vec::new()), proscribe_app::today());
        let table = batch(vec![
            ("name", strings(&[Some("Ivan"), Some("")])),
            ("key", Arc::new(Int64Array::from(vec![41, 42])) as ArrayRef),
        ]);
        let rows = read_rows(&table, &Columns::default(), 1).unwrap();
        let out = hit_batch(&loaded, &table, &Columns::default(), 1, &rows, &[Some(Vec::new()), None]).unwrap();
        let names: Vec<&str> = out.schema_ref().fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, CSV_HEADER);
        // Only the row without a name has something to say: its error, with its own key.
        assert_eq!(out.num_rows(), 1);
        assert_eq!(out.column(1).data_type(), &DataType::Int64);
        assert_eq!(out.column(1).as_primitive::<arrow_array::types::Int64Type>().value(0), 42);
        assert_eq!(out.column(9).as_string::<i32>().value(0), "name: missing or empty");
    }
}
