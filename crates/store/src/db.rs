//! The two databases the store runs on, behind one way of running SQL: SQLite (a file, or
//! memory) and PostgreSQL (a server that several processes share).
//!
//! Every query of the store is written once, in the SQL both understand, with numbered
//! parameters (`?1`, rewritten to `$1` for PostgreSQL), `ON CONFLICT ... DO NOTHING` for
//! inserts that may meet a row already there, and `RETURNING id` for new rows' ids. What
//! differs (the schema's types, pragmas, how writers are serialised) is decided here and in
//! [`crate::schema`], by [`Dialect`].
//!
//! - Values go in as [`Arg`]s and come out of a [`Row`] as [`Value`]s, typed by [`Col`]: the
//!   five kinds SQLite stores (null, integer, real, text, blob), which the PostgreSQL schema
//!   declares as `BIGINT`, `DOUBLE PRECISION`, `TEXT COLLATE "C"` and `BYTEA`, so that both
//!   order text by bytes and the audit trail's digests of rows are the same on both.
//! - A write transaction ([`Db::begin_write`]) holds the database's one writer lock: SQLite's
//!   own (`BEGIN IMMEDIATE`), a transaction-scoped advisory lock on PostgreSQL. Writers on
//!   either are therefore serialised, and the audit chain, which each write extends, cannot
//!   fork between two processes.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write;

use crate::Error;

/// Which SQL a database speaks where the two differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// The key of the advisory lock every PostgreSQL write transaction takes ("proscrib" in ASCII).
const WRITER_LOCK: i64 = 0x7072_6f73_6372_6962;

/// A value going into or coming out of the database.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(Cow<'a, str>),
    Blob(Cow<'a, [u8]>),
}

impl Value<'_> {
    /// The value, owning what it holds.
    pub(crate) fn into_owned(self) -> Value<'static> {
        match self {
            Value::Null => Value::Null,
            Value::Int(i) => Value::Int(i),
            Value::Real(f) => Value::Real(f),
            Value::Text(t) => Value::Text(Cow::Owned(t.into_owned())),
            Value::Blob(b) => Value::Blob(Cow::Owned(b.into_owned())),
        }
    }
}

/// What can be bound to a query's parameter.
pub(crate) trait Arg {
    /// The value bound.
    fn arg(&self) -> Value<'_>;
}

macro_rules! int_arg {
    ($($t:ty),*) => {$(
        impl Arg for $t {
            fn arg(&self) -> Value<'_> {
                Value::Int(i64::from(*self))
            }
        }
    )*};
}
int_arg!(i64, i32, u32, bool);

impl Arg for f64 {
    fn arg(&self) -> Value<'_> {
        Value::Real(*self)
    }
}

impl Arg for str {
    fn arg(&self) -> Value<'_> {
        Value::Text(Cow::Borrowed(self))
    }
}

impl Arg for String {
    fn arg(&self) -> Value<'_> {
        Value::Text(Cow::Borrowed(self))
    }
}

impl Arg for [u8] {
    fn arg(&self) -> Value<'_> {
        Value::Blob(Cow::Borrowed(self))
    }
}

impl Arg for Vec<u8> {
    fn arg(&self) -> Value<'_> {
        Value::Blob(Cow::Borrowed(self))
    }
}

impl<T: Arg + ?Sized> Arg for &T {
    fn arg(&self) -> Value<'_> {
        (**self).arg()
    }
}

impl<T: Arg> Arg for Option<T> {
    fn arg(&self) -> Value<'_> {
        self.as_ref().map_or(Value::Null, Arg::arg)
    }
}

impl Arg for Value<'_> {
    fn arg(&self) -> Value<'_> {
        match self {
            Value::Null => Value::Null,
            Value::Int(i) => Value::Int(*i),
            Value::Real(f) => Value::Real(*f),
            Value::Text(t) => Value::Text(Cow::Borrowed(t)),
            Value::Blob(b) => Value::Blob(Cow::Borrowed(b)),
        }
    }
}

/// What a column can be read as.
pub(crate) trait Col: Sized {
    /// The value read, or what is wrong with it.
    fn col(v: Value<'_>) -> Result<Self, String>;
}

fn wrong(v: &Value<'_>, want: &str) -> String {
    let found = match v {
        Value::Null => "null",
        Value::Int(_) => "an integer",
        Value::Real(_) => "a real number",
        Value::Text(_) => "text",
        Value::Blob(_) => "a blob",
    };
    format!("expected {want}, found {found}")
}

impl Col for i64 {
    fn col(v: Value<'_>) -> Result<i64, String> {
        match v {
            Value::Int(i) => Ok(i),
            other => Err(wrong(&other, "an integer")),
        }
    }
}

impl Col for u32 {
    fn col(v: Value<'_>) -> Result<u32, String> {
        let i = i64::col(v)?;
        u32::try_from(i).map_err(|_| format!("{i} is out of range"))
    }
}

impl Col for bool {
    fn col(v: Value<'_>) -> Result<bool, String> {
        Ok(i64::col(v)? != 0)
    }
}

impl Col for f64 {
    fn col(v: Value<'_>) -> Result<f64, String> {
        match v {
            Value::Real(f) => Ok(f),
            Value::Int(i) => Ok(i as f64),
            other => Err(wrong(&other, "a number")),
        }
    }
}

impl Col for String {
    fn col(v: Value<'_>) -> Result<String, String> {
        match v {
            Value::Text(t) => Ok(t.into_owned()),
            other => Err(wrong(&other, "text")),
        }
    }
}

impl Col for Vec<u8> {
    fn col(v: Value<'_>) -> Result<Vec<u8>, String> {
        match v {
            Value::Blob(b) => Ok(b.into_owned()),
            other => Err(wrong(&other, "a blob")),
        }
    }
}

impl<T: Col> Col for Option<T> {
    fn col(v: Value<'_>) -> Result<Option<T>, String> {
        match v {
            Value::Null => Ok(None),
            v => T::col(v).map(Some),
        }
    }
}

/// One row of a result.
pub(crate) enum Row<'a> {
    Sqlite(&'a rusqlite::Row<'a>),
    Postgres(&'a postgres::Row),
}

impl Row<'_> {
    /// Column `i` as it is stored.
    pub(crate) fn value(&self, i: usize) -> Result<Value<'_>, Error> {
        match self {
            Row::Sqlite(r) => {
                use rusqlite::types::ValueRef;
                Ok(match r.get_ref(i)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(v) => Value::Int(v),
                    ValueRef::Real(v) => Value::Real(v),
                    ValueRef::Text(t) => Value::Text(
                        std::str::from_utf8(t)
                            .map(Cow::Borrowed)
                            .unwrap_or_else(|_| String::from_utf8_lossy(t).into_owned().into()),
                    ),
                    ValueRef::Blob(b) => Value::Blob(Cow::Borrowed(b)),
                })
            }
            Row::Postgres(r) => pg_value(r, i),
        }
    }

    /// Column `i` read as `T`; a value of another type is a driver error naming the column.
    pub(crate) fn get<T: Col>(&self, i: usize) -> Result<T, Error> {
        let v = self.value(i)?;
        T::col(v).map_err(|reason| Error::Column { column: self.column_name(i), reason })
    }

    fn column_name(&self, i: usize) -> String {
        match self {
            Row::Sqlite(r) => r.as_ref().column_name(i).map(str::to_string).unwrap_or_else(|_| i.to_string()),
            Row::Postgres(r) => r.columns().get(i).map(|c| c.name().to_string()).unwrap_or_else(|| i.to_string()),
        }
    }

    /// How many columns the row has.
    pub(crate) fn len(&self) -> usize {
        match self {
            Row::Sqlite(r) => r.as_ref().column_count(),
            Row::Postgres(r) => r.len(),
        }
    }
}

fn pg_value<'r>(r: &'r postgres::Row, i: usize) -> Result<Value<'r>, Error> {
    use postgres::types::Type;
    let ty = r
        .columns()
        .get(i)
        .map(|c| c.type_().clone())
        .ok_or_else(|| Error::Column { column: i.to_string(), reason: "no such column".into() })?;
    let v = if ty == Type::INT8 {
        r.try_get::<_, Option<i64>>(i)?.map(Value::Int)
    } else if ty == Type::INT4 {
        r.try_get::<_, Option<i32>>(i)?.map(|v| Value::Int(v.into()))
    } else if ty == Type::INT2 {
        r.try_get::<_, Option<i16>>(i)?.map(|v| Value::Int(v.into()))
    } else if ty == Type::BOOL {
        r.try_get::<_, Option<bool>>(i)?.map(|v| Value::Int(v.into()))
    } else if ty == Type::FLOAT8 {
        r.try_get::<_, Option<f64>>(i)?.map(Value::Real)
    } else if ty == Type::FLOAT4 {
        r.try_get::<_, Option<f32>>(i)?.map(|v| Value::Real(v.into()))
    } else if ty == Type::BYTEA {
        r.try_get::<_, Option<&[u8]>>(i)?.map(|b| Value::Blob(Cow::Borrowed(b)))
    } else if ty == Type::TEXT || ty == Type::VARCHAR || ty == Type::BPCHAR || ty == Type::NAME {
        r.try_get::<_, Option<&str>>(i)?.map(|t| Value::Text(Cow::Borrowed(t)))
    } else {
        return Err(Error::Column {
            column: r.columns()[i].name().to_string(),
            reason: format!("the store does not read values of type {ty}"),
        });
    };
    Ok(v.unwrap_or(Value::Null))
}

impl rusqlite::types::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(*i),
            Value::Real(f) => ValueRef::Real(*f),
            Value::Text(t) => ValueRef::Text(t.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

impl postgres::types::ToSql for Value<'_> {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::{IsNull, Type};
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) if *ty == Type::INT8 => i.to_sql(ty, out),
            Value::Int(i) if *ty == Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
            Value::Int(i) if *ty == Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
            Value::Int(i) if *ty == Type::BOOL => (*i != 0).to_sql(ty, out),
            Value::Int(i) if *ty == Type::FLOAT8 => (*i as f64).to_sql(ty, out),
            Value::Int(i) if *ty == Type::TEXT => i.to_string().to_sql(ty, out),
            Value::Real(f) if *ty == Type::FLOAT8 => f.to_sql(ty, out),
            Value::Text(t) => t.as_ref().to_sql(ty, out),
            Value::Blob(b) => b.as_ref().to_sql(ty, out),
            other => Err(format!("cannot bind {other:?} to a parameter of type {ty}").into()),
        }
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// A connection to either database.
pub(crate) struct Db {
    backend: Backend,
}

enum Backend {
    Sqlite(rusqlite::Connection),
    Postgres(Box<Pg>),
}

struct Pg {
    /// How to connect again when the connection is lost.
    config: postgres::Config,
    client: RefCell<postgres::Client>,
    /// Whether a transaction is open (a lost connection is then an error, not reconnected).
    in_transaction: std::cell::Cell<bool>,
    /// Prepared statements by the store's SQL text.
    statements: RefCell<HashMap<String, postgres::Statement>>,
}

impl Db {
    /// A connection to an SQLite database.
    pub(crate) fn sqlite(conn: rusqlite::Connection) -> Db {
        conn.set_prepared_statement_cache_capacity(128);
        Db { backend: Backend::Sqlite(conn) }
    }

    /// A connection to a PostgreSQL database.
    pub(crate) fn postgres(config: postgres::Config) -> Result<Db, Error> {
        let client = config.connect(postgres::NoTls)?;
        Ok(Db {
            backend: Backend::Postgres(Box::new(Pg {
                config,
                client: RefCell::new(client),
                in_transaction: Default::default(),
                statements: RefCell::default(),
            })),
        })
    }

    /// The SQL this database speaks.
    pub(crate) fn dialect(&self) -> Dialect {
        match self.backend {
            Backend::Sqlite(_) => Dialect::Sqlite,
            Backend::Postgres(_) => Dialect::Postgres,
        }
    }

    /// The SQLite connection, for what only SQLite has (its file, pragmas).
    pub(crate) fn sqlite_conn(&self) -> Option<&rusqlite::Connection> {
        match &self.backend {
            Backend::Sqlite(c) => Some(c),
            Backend::Postgres(_) => None,
        }
    }

    /// Runs statements without parameters or results (DDL, several separated by `;`).
    pub(crate) fn batch(&self, sql: &str) -> Result<(), Error> {
        match &self.backend {
            Backend::Sqlite(c) => c.execute_batch(sql)?,
            Backend::Postgres(pg) => pg.client()?.batch_execute(sql)?,
        }
        Ok(())
    }

    /// Runs one statement; the number of rows it changed.
    pub(crate) fn execute(&self, sql: &str, args: &[&dyn Arg]) -> Result<usize, Error> {
        let values: Vec<Value<'_>> = args.iter().map(|a| a.arg()).collect();
        match &self.backend {
            Backend::Sqlite(c) => Ok(c.prepare_cached(sql)?.execute(rusqlite::params_from_iter(values.iter()))?),
            Backend::Postgres(pg) => {
                let stmt = pg.statement(sql)?;
                let params = pg_params(&values);
                Ok(pg.client()?.execute(&stmt, &params)? as usize)
            }
        }
    }

    /// Inserts `values` (a row after another, `width` values each) with as few statements as
    /// the databases' limits on parameters allow: `{head} VALUES (...), (...) {tail}`, where
    /// `head` is `INSERT INTO table (columns)` and `tail` may be an `ON CONFLICT` clause. One
    /// round trip per few hundred rows, where a statement a row would make one each.
    pub(crate) fn insert_many(&self, head: &str, width: usize, values: &[Value<'_>], tail: &str) -> Result<(), Error> {
        debug_assert!(width > 0 && values.len().is_multiple_of(width));
        let per_statement = (4000 / width).max(1);
        for chunk in values.chunks(per_statement * width) {
            let rows = chunk.len() / width;
            let mut sql = String::with_capacity(head.len() + tail.len() + rows * width * 6);
            sql.push_str(head);
            sql.push_str(" VALUES ");
            for r in 0..rows {
                sql.push_str(if r == 0 { "(" } else { ", (" });
                for c in 0..width {
                    if c > 0 {
                        sql.push_str(", ");
                    }
                    // Written in place: a string made for each of thousands of parameters
                    // cost a few percent of an import.
                    let _ = write!(sql, "?{}", r * width + c + 1);
                }
                sql.push(')');
            }
            sql.push(' ');
            sql.push_str(tail);
            let args: Vec<&dyn Arg> = chunk.iter().map(|v| v as &dyn Arg).collect();
            self.execute(&sql, &args)?;
        }
        Ok(())
    }

    /// Every row of a query, each read by `read`, in order. `read` may run queries of its own.
    pub(crate) fn each(
        &self,
        sql: &str,
        args: &[&dyn Arg],
        mut read: impl FnMut(&Row<'_>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let values: Vec<Value<'_>> = args.iter().map(|a| a.arg()).collect();
        match &self.backend {
            Backend::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(values.iter()))?;
                while let Some(row) = rows.next()? {
                    read(&Row::Sqlite(row))?;
                }
            }
            Backend::Postgres(pg) => {
                let stmt = pg.statement(sql)?;
                let params = pg_params(&values);
                // Fetched whole before `read` runs, so that it can query the same connection.
                let rows = pg.client()?.query(&stmt, &params)?;
                for row in &rows {
                    read(&Row::Postgres(row))?;
                }
            }
        }
        Ok(())
    }

    /// Every row of a query, read by `read`.
    pub(crate) fn rows<T>(
        &self,
        sql: &str,
        args: &[&dyn Arg],
        mut read: impl FnMut(&Row<'_>) -> Result<T, Error>,
    ) -> Result<Vec<T>, Error> {
        let mut out = Vec::new();
        self.each(sql, args, |r| {
            out.push(read(r)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// The first row of a query, if there is one.
    pub(crate) fn first<T>(
        &self,
        sql: &str,
        args: &[&dyn Arg],
        read: impl FnOnce(&Row<'_>) -> Result<T, Error>,
    ) -> Result<Option<T>, Error> {
        let values: Vec<Value<'_>> = args.iter().map(|a| a.arg()).collect();
        match &self.backend {
            Backend::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(values.iter()))?;
                rows.next()?.map(|r| read(&Row::Sqlite(r))).transpose()
            }
            Backend::Postgres(pg) => {
                let stmt = pg.statement(sql)?;
                let params = pg_params(&values);
                let row = pg.client()?.query_opt(&stmt, &params)?;
                row.as_ref().map(|r| read(&Row::Postgres(r))).transpose()
            }
        }
    }

    /// The one row a query always has (an aggregate, a `RETURNING` clause).
    pub(crate) fn one<T>(
        &self,
        sql: &str,
        args: &[&dyn Arg],
        read: impl FnOnce(&Row<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.first(sql, args, read)?.ok_or_else(|| Error::Invalid(format!("no row from: {sql}")))
    }

    /// The first column of the one row a query always has.
    pub(crate) fn scalar<T: Col>(&self, sql: &str, args: &[&dyn Arg]) -> Result<T, Error> {
        self.one(sql, args, |r| r.get(0))
    }

    /// Starts a transaction that reads and writes, holding the database's writer lock until it
    /// ends. Dropped without [`Tx::commit`], it rolls back.
    pub(crate) fn begin_write(&self) -> Result<Tx<'_>, Error> {
        match &self.backend {
            Backend::Sqlite(c) => c.execute_batch("BEGIN IMMEDIATE")?,
            Backend::Postgres(pg) => {
                let mut client = pg.client()?;
                client.batch_execute("BEGIN")?;
                pg.in_transaction.set(true);
                if let Err(e) = client.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITER_LOCK]) {
                    let _ = client.batch_execute("ROLLBACK");
                    pg.in_transaction.set(false);
                    return Err(e.into());
                }
            }
        }
        Ok(Tx { db: self, open: true })
    }

    /// Notes that the open transaction ended.
    fn ended(&self) {
        if let Backend::Postgres(pg) = &self.backend {
            pg.in_transaction.set(false);
        }
    }

    /// Whether a table exists.
    pub(crate) fn has_table(&self, name: &str) -> Result<bool, Error> {
        let n: i64 = match self.dialect() {
            Dialect::Sqlite => self.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1", &[&name])?,
            Dialect::Postgres => self.scalar(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?1",
                &[&name],
            )?,
        };
        Ok(n > 0)
    }
}

impl Pg {
    /// The connection, made again if it was lost (the server restarted, the network failed)
    /// outside a transaction. Prepared statements are prepared again on the new one.
    fn client(&self) -> Result<std::cell::RefMut<'_, postgres::Client>, Error> {
        let mut client = self.client.borrow_mut();
        if client.is_closed() && !self.in_transaction.get() {
            *client = self.config.connect(postgres::NoTls)?;
            self.statements.borrow_mut().clear();
            tracing::info!("connected to PostgreSQL again");
        }
        Ok(client)
    }

    /// The prepared statement of `sql`, its `?N` parameters written `$N`.
    fn statement(&self, sql: &str) -> Result<postgres::Statement, Error> {
        // A lost connection's statements are gone with it.
        self.client()?;
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let stmt = self.client()?.prepare(&postgres_sql(sql))?;
        let mut statements = self.statements.borrow_mut();
        // Statements of many rows come in many sizes: the cache stays bounded.
        if statements.len() >= 512 {
            statements.clear();
        }
        statements.insert(sql.to_string(), stmt.clone());
        Ok(stmt)
    }
}

fn pg_params<'v>(values: &'v [Value<'_>]) -> Vec<&'v (dyn postgres::types::ToSql + Sync)> {
    values.iter().map(|v| v as &(dyn postgres::types::ToSql + Sync)).collect()
}

/// `sql` with its `?N` parameters written `$N`, leaving quoted text and names alone.
pub(crate) fn postgres_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) => out.push('$'),
            None => out.push(c),
        }
    }
    out
}

/// A transaction: it derefs to its connection; dropped without [`Tx::commit`], it rolls back.
pub(crate) struct Tx<'a> {
    db: &'a Db,
    open: bool,
}

impl Tx<'_> {
    /// Makes the transaction's writes durable and visible.
    pub(crate) fn commit(mut self) -> Result<(), Error> {
        self.open = false;
        let done = self.db.batch("COMMIT");
        self.db.ended();
        done
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Db;

    fn deref(&self) -> &Db {
        self.db
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            if let Err(e) = self.db.batch("ROLLBACK") {
                tracing::warn!(error = %e, "rolling back a transaction failed");
            }
            self.db.ended();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::postgres_sql;

    #[test]
    fn parameters_are_numbered_for_postgres_outside_quotes() {
        assert_eq!(
            postgres_sql("SELECT a FROM t WHERE b = ?1 AND c = ?12"),
            "SELECT a FROM t WHERE b = $1 AND c = $12"
        );
        assert_eq!(postgres_sql("SELECT '?1', \"?2\" FROM t WHERE x = ?3"), "SELECT '?1', \"?2\" FROM t WHERE x = $3");
        assert_eq!(postgres_sql("SELECT 'it''s ?1' WHERE y = ?2"), "SELECT 'it''s ?1' WHERE y = $2");
    }
}
