//! [`PersonalData`] on sea-orm: the sections of [`sections::SECTIONS`], each
//! read by SQL built from its description, so that what the completeness
//! test checks ([`SeaOrmPersonalData::covered_columns`]) is what the queries
//! read.
//!
//! A paged section is read in keyset pages: `WHERE <person> AND key > last
//! ORDER BY key LIMIT n`, the key being the column(s) that order the
//! person's rows in an index (`(author_id, id)` for comments), so page
//! 1,000 costs what page 1 costs and memory holds one page.

mod sections;

use async_trait::async_trait;
use rr_application::RepositoryError;
use rr_application::ports::{
    ExportRow, ExportSection, ExportValue, PersonalData, SectionCursor, SectionPage,
};
use rr_domain::identity::UserId;
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, QueryResult, Statement, Value,
};
use time::PrimitiveDateTime;

use crate::map_db_err;
use crate::mapping::{from_column, to_column};
use sections::{Col, Kind, Rows, SECTIONS, Section, Shape, WITHHELD_USER_COLUMNS};

/// [`PersonalData`] on sea-orm, over every table that refers to accounts.
#[derive(Debug, Clone)]
pub struct SeaOrmPersonalData {
    conn: DatabaseConnection,
}

impl SeaOrmPersonalData {
    /// The reader on this pool.
    #[must_use]
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }

    /// Every `(table, column)` an export matches against the person's id:
    /// the columns holding account ids that the export covers.
    #[must_use]
    pub fn covered_columns() -> Vec<(&'static str, &'static str)> {
        let mut covered: Vec<_> = SECTIONS
            .iter()
            .filter_map(|section| match section.rows {
                Rows::Referring(column) => Some((section.table, column)),
                Rows::Through { .. } => None,
            })
            .collect();
        covered.sort_unstable();
        covered.dedup();
        covered
    }

    /// The columns of `users` the export shows in clear.
    #[must_use]
    pub fn exported_user_columns() -> Vec<&'static str> {
        SECTIONS
            .iter()
            .filter(|section| section.table == "users")
            .flat_map(|section| section.columns.iter().map(|col| col.name))
            .collect()
    }

    /// The columns of `users` the export withholds, each with why.
    #[must_use]
    pub fn withheld_user_columns() -> &'static [(&'static str, &'static str)] {
        WITHHELD_USER_COLUMNS
    }

    async fn rows(&self, statement: Statement) -> Result<Vec<QueryResult>, RepositoryError> {
        self.conn.query_all_raw(statement).await.map_err(map_db_err)
    }
}

fn section(name: &str) -> Result<&'static Section, RepositoryError> {
    SECTIONS
        .iter()
        .find(|section| section.name == name)
        .ok_or_else(|| RepositoryError::Internal(format!("no export section {name:?}").into()))
}

fn bad_cursor(section: &Section) -> RepositoryError {
    RepositoryError::Internal(
        format!("a cursor of section {} it did not give", section.name).into(),
    )
}

/// SQL of a section for one engine, with the values to bind in order.
struct Query<'a> {
    backend: DatabaseBackend,
    section: &'a Section,
    person: UserId,
}

impl Query<'_> {
    fn quote(&self, name: &str) -> String {
        match self.backend {
            DatabaseBackend::MySql => format!("`{name}`"),
            _ => format!("\"{name}\""),
        }
    }

    /// `WHERE …` selecting the person's rows, and its values.
    fn condition(&self) -> (String, Vec<Value>) {
        let person: Value = self.person.as_uuid().into();
        let mut values = vec![person.clone()];
        let mut sql = match self.section.rows {
            Rows::Referring(column) => format!("{} = ?", self.quote(column)),
            Rows::Through {
                column,
                parent,
                parent_key,
                parent_person,
            } => format!(
                "{} IN (SELECT {} FROM {} WHERE {} = ?)",
                self.quote(column),
                self.quote(parent_key),
                self.quote(parent),
                self.quote(parent_person)
            ),
        };
        if let Some(filter) = self.section.filter {
            sql = format!("{sql} AND {filter}");
            values.extend(std::iter::repeat_n(person, filter.matches('?').count()));
        }
        (sql, values)
    }

    /// The columns selected: the exported ones, then the key's others.
    fn selected(&self, key: &[Col]) -> Vec<Col> {
        let mut columns = self.section.columns.to_vec();
        for col in key {
            if !columns.iter().any(|c| c.name == col.name) {
                columns.push(*col);
            }
        }
        columns
    }

    /// A page of a paged section after `after`.
    fn page(&self, key: &[Col], after: Option<&[ExportValue]>, limit: u64) -> Statement {
        let (mut sql, mut values) = self.condition();
        if let Some(after) = after {
            // (k1, k2) > (a, b) spelt out, for every engine's planner.
            let mut alternatives = Vec::new();
            for (position, col) in key.iter().enumerate() {
                let mut terms: Vec<String> = key[..position]
                    .iter()
                    .map(|equal| format!("{} = ?", self.quote(equal.name)))
                    .collect();
                terms.push(format!("{} > ?", self.quote(col.name)));
                values.extend(after[..position].iter().map(bind));
                values.push(bind(&after[position]));
                alternatives.push(format!("({})", terms.join(" AND ")));
            }
            sql = format!("{sql} AND ({})", alternatives.join(" OR "));
        }
        let order: Vec<String> = key.iter().map(|col| self.quote(col.name)).collect();
        values.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
        self.statement(
            format!(
                "SELECT {} FROM {} WHERE {sql} ORDER BY {} LIMIT ?",
                self.list(&self.selected(key)),
                self.quote(self.section.table),
                order.join(", ")
            ),
            values,
        )
    }

    /// Every row of a whole section.
    fn whole(&self) -> Statement {
        let (sql, values) = self.condition();
        self.statement(
            format!(
                "SELECT {} FROM {} WHERE {sql}",
                self.list(self.section.columns),
                self.quote(self.section.table)
            ),
            values,
        )
    }

    /// How many rows, counting up to `ceiling` (`ceiling` 0: all).
    fn count(&self, ceiling: Option<u64>) -> Statement {
        let (sql, mut values) = self.condition();
        let table = self.quote(self.section.table);
        let sql = match ceiling {
            None => format!("SELECT COUNT(*) FROM {table} WHERE {sql}"),
            Some(ceiling) => {
                values.push(i64::try_from(ceiling).unwrap_or(i64::MAX).into());
                format!(
                    "SELECT COUNT(*) FROM (SELECT 1 AS one FROM {table} WHERE {sql} LIMIT ?) AS counted"
                )
            }
        };
        self.statement(sql, values)
    }

    fn list(&self, columns: &[Col]) -> String {
        columns
            .iter()
            .map(|col| self.quote(col.name))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn statement(&self, sql: String, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(self.backend, sql, values)
    }
}

/// The database value of a cursor's value.
fn bind(value: &ExportValue) -> Value {
    match value {
        ExportValue::Null => Value::String(None),
        ExportValue::Bool(b) => (*b).into(),
        ExportValue::Integer(i) => (*i).into(),
        ExportValue::Text(t) => t.clone().into(),
        ExportValue::Instant(at) => to_column(*at).map_or(Value::TimeDateTime(None), Value::from),
        ExportValue::Id(id) => (*id).into(),
    }
}

/// The value of `col` in `row`.
fn read(row: &QueryResult, section: &Section, col: &Col) -> Result<ExportValue, RepositoryError> {
    let corrupt = |err: sea_orm::DbErr| {
        RepositoryError::Internal(
            format!("{}.{} cannot be read: {err}", section.table, col.name).into(),
        )
    };
    let value = match col.kind {
        Kind::Id => row
            .try_get::<Option<uuid::Uuid>>("", col.name)
            .map_err(corrupt)?
            .map(ExportValue::Id),
        Kind::Text => row
            .try_get::<Option<String>>("", col.name)
            .map_err(corrupt)?
            .map(ExportValue::Text),
        Kind::Instant => row
            .try_get::<Option<PrimitiveDateTime>>("", col.name)
            .map_err(corrupt)?
            .map(|at| ExportValue::Instant(from_column(at))),
        Kind::Flag => row
            .try_get::<Option<bool>>("", col.name)
            .map_err(corrupt)?
            .map(ExportValue::Bool),
        Kind::Integer => row
            .try_get::<Option<i64>>("", col.name)
            .map_err(corrupt)?
            .map(ExportValue::Integer),
        Kind::Date => row
            .try_get::<Option<time::Date>>("", col.name)
            .map_err(corrupt)?
            .map(|day| ExportValue::Text(day.to_string())),
    };
    Ok(value.unwrap_or(ExportValue::Null))
}

fn export_row(row: &QueryResult, section: &Section) -> Result<ExportRow, RepositoryError> {
    Ok(ExportRow {
        fields: section
            .columns
            .iter()
            .map(|col| Ok((col.name, read(row, section, col)?)))
            .collect::<Result<_, RepositoryError>>()?,
    })
}

fn count_of(rows: &[QueryResult]) -> Result<i64, RepositoryError> {
    rows.first()
        .map(|row| row.try_get_by_index::<i64>(0))
        .transpose()
        .map_err(map_db_err)
        .map(Option::unwrap_or_default)
}

#[async_trait]
impl PersonalData for SeaOrmPersonalData {
    fn sections(&self) -> Vec<ExportSection> {
        SECTIONS
            .iter()
            .map(|section| ExportSection {
                name: section.name,
                description: section.description,
            })
            .collect()
    }

    async fn page(
        &self,
        name: &str,
        person: UserId,
        after: Option<SectionCursor>,
        limit: u64,
    ) -> Result<SectionPage, RepositoryError> {
        let section = section(name)?;
        let query = Query {
            backend: self.conn.get_database_backend(),
            section,
            person,
        };
        match section.shape {
            Shape::Paged(key) => {
                let after = match &after {
                    Some(SectionCursor(values)) if values.len() != key.len() => {
                        return Err(bad_cursor(section));
                    }
                    Some(SectionCursor(values)) => Some(values.as_slice()),
                    None => None,
                };
                let rows = self.rows(query.page(key, after, limit.max(1))).await?;
                let next = match rows.last() {
                    Some(last) if u64::try_from(rows.len()).unwrap_or(u64::MAX) >= limit => {
                        let values = key
                            .iter()
                            .map(|col| read(last, section, col))
                            .collect::<Result<Vec<_>, _>>()?;
                        Some(SectionCursor(values))
                    }
                    _ => None,
                };
                let rows = rows
                    .iter()
                    .map(|row| export_row(row, section))
                    .collect::<Result<_, _>>()?;
                Ok(SectionPage { rows, next })
            }
            Shape::Whole | Shape::Count(_) if after.is_some() => Err(bad_cursor(section)),
            Shape::Whole => {
                let rows = self.rows(query.whole()).await?;
                Ok(SectionPage {
                    rows: rows
                        .iter()
                        .map(|row| export_row(row, section))
                        .collect::<Result<_, _>>()?,
                    next: None,
                })
            }
            Shape::Count(field) => {
                let count = count_of(&self.rows(query.count(None)).await?)?;
                Ok(SectionPage {
                    rows: vec![ExportRow {
                        fields: vec![(field, ExportValue::Integer(count))],
                    }],
                    next: None,
                })
            }
        }
    }

    async fn estimate(&self, person: UserId, ceiling: u64) -> Result<u64, RepositoryError> {
        let backend = self.conn.get_database_backend();
        let mut total = 0_u64;
        for section in SECTIONS {
            let query = Query {
                backend,
                section,
                person,
            };
            let rows = match section.shape {
                Shape::Count(_) => 1,
                Shape::Paged(_) | Shape::Whole => {
                    let counted = count_of(
                        &self
                            .rows(query.count(Some(ceiling.saturating_add(1))))
                            .await?,
                    )?;
                    u64::try_from(counted).unwrap_or_default()
                }
            };
            total = total.saturating_add(rows);
            if total > ceiling {
                break;
            }
        }
        Ok(total)
    }
}
