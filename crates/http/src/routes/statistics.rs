//! `/api/v1/admin/statistics`: the administrators' statistics as JSON, and
//! `/api/v1/admin/statistics.csv`: the same report as a CSV file (RFC 4180,
//! cells neutralised against formula injection). See ADR 0018.

use std::borrow::Cow;

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use rr_application::AppError;
use rr_application::services::StatisticsService;
use rr_application::services::statistics::{
    StatisticsFilters, StatisticsReport, StatisticsRequest, StatisticsRow,
};
use rr_domain::identity::Region;
use rr_domain::reference::ReferenceId;
use rr_domain::statistics::{Grouping, Measure, Period};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};

use crate::extract::Authenticated;
use crate::problem::{ApiError, RequestProblem};

/// What to count, when, and how narrowly.
///
/// Parameters arrive as text and are parsed here so that an error names the
/// parameter at fault: a value that cannot be read is `400 invalid_query`; a
/// readable value that breaks a rule (a reversed or too long period, an id
/// that names nothing, a filter a measure cannot take) is
/// `422 validation_failed` with the parameter as `errors[].field`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct StatisticsParams {
    /// Measures, comma-separated, among `consultations`, `searches`,
    /// `exploitations`, `favourites`, `creations`, `registrations`. Default:
    /// every measure the filters apply to.
    #[param(example = "consultations,favourites")]
    pub measures: Option<String>,
    /// First day (UTC), included: `YYYY-MM-DD`. Required.
    #[param(value_type = String, format = Date, example = "2026-01-01")]
    pub from: Option<String>,
    /// First day (UTC) after the period, excluded: `YYYY-MM-DD`. Required;
    /// at most three years after `from`. The period is widened to whole
    /// buckets.
    #[param(value_type = String, format = Date, example = "2027-01-01")]
    pub to: Option<String>,
    /// `day`, `week` (ISO, from Monday) or `month` (default).
    #[param(value_type = Option<GroupBy>, inline)]
    pub group_by: Option<String>,
    /// A category id.
    #[param(value_type = Option<uuid::Uuid>)]
    pub category: Option<String>,
    /// A resource type id.
    #[param(value_type = Option<uuid::Uuid>)]
    pub resource_type: Option<String>,
    /// A relation type id.
    #[param(value_type = Option<uuid::Uuid>)]
    pub relation_type: Option<String>,
    /// The region on the citizens' profiles: an INSEE region code (`11`,
    /// `84`…) or `99` outside France. Visitors have none.
    #[param(pattern = "^[0-9]{2}$", example = "53")]
    pub region: Option<String>,
}

/// How time is cut.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// UTC day.
    Day,
    /// ISO week, Monday to Sunday, named by its Monday.
    Week,
    /// Calendar month, named by its first day.
    Month,
}

impl From<Grouping> for GroupBy {
    fn from(grouping: Grouping) -> Self {
        match grouping {
            Grouping::Day => Self::Day,
            Grouping::Week => Self::Week,
            Grouping::Month => Self::Month,
        }
    }
}

/// What is counted.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MeasureName {
    /// Resources read.
    Consultations,
    /// Catalogue searches.
    Searches,
    /// Resources marked exploited (marks still held).
    Exploitations,
    /// Resources added to favourites (still held).
    Favourites,
    /// Resources created.
    Creations,
    /// Accounts created.
    Registrations,
}

impl From<Measure> for MeasureName {
    fn from(measure: Measure) -> Self {
        match measure {
            Measure::Consultations => Self::Consultations,
            Measure::Searches => Self::Searches,
            Measure::Exploitations => Self::Exploitations,
            Measure::Favourites => Self::Favourites,
            Measure::Creations => Self::Creations,
            Measure::Registrations => Self::Registrations,
        }
    }
}

fn invalid(parameter: &str, why: &str) -> RequestProblem {
    RequestProblem::InvalidQuery(format!("`{parameter}`: {why}"))
}

fn date(parameter: &str, raw: Option<&str>) -> Result<Date, RequestProblem> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let raw = raw.ok_or_else(|| invalid(parameter, "required, a date such as 2026-01-01."))?;
    Date::parse(raw, &format).map_err(|_| invalid(parameter, "a date such as 2026-01-01."))
}

fn reference(parameter: &str, raw: Option<&str>) -> Result<Option<ReferenceId>, RequestProblem> {
    raw.map(|raw| {
        uuid::Uuid::try_parse(raw)
            .map(ReferenceId::from_uuid)
            .map_err(|_| invalid(parameter, "an id (UUID)."))
    })
    .transpose()
}

/// Why parameters were refused.
enum Refused {
    Unreadable(RequestProblem),
    Invalid(AppError),
}

impl From<RequestProblem> for Refused {
    fn from(problem: RequestProblem) -> Self {
        Self::Unreadable(problem)
    }
}

impl From<Refused> for actix_web::Error {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::Unreadable(problem) => problem.into(),
            Refused::Invalid(err) => ApiError(err).into(),
        }
    }
}

impl StatisticsParams {
    fn into_request(self) -> Result<StatisticsRequest, Refused> {
        let measures = self
            .measures
            .as_deref()
            .map(|raw| {
                let mut measures = Vec::new();
                for name in raw.split(',') {
                    let measure = Measure::parse(name.trim()).ok_or_else(|| {
                        invalid(
                            "measures",
                            "comma-separated names among consultations, searches, \
                             exploitations, favourites, creations, registrations.",
                        )
                    })?;
                    if !measures.contains(&measure) {
                        measures.push(measure);
                    }
                }
                Ok::<_, RequestProblem>(measures)
            })
            .transpose()?;
        let from = date("from", self.from.as_deref())?;
        let to = date("to", self.to.as_deref())?;
        let grouping = match self.group_by.as_deref() {
            None => Grouping::Month,
            Some(raw) => Grouping::parse(raw)
                .ok_or_else(|| invalid("groupBy", "one of day, week, month."))?,
        };
        let region = self
            .region
            .as_deref()
            .map(|raw| {
                Region::parse(raw).map_err(|_| {
                    invalid(
                        "region",
                        "an INSEE region code such as 11 or 84, or 99 outside France.",
                    )
                })
            })
            .transpose()?;
        let filters = StatisticsFilters {
            category: reference("category", self.category.as_deref())?,
            resource_type: reference("resourceType", self.resource_type.as_deref())?,
            relation_type: reference("relationType", self.relation_type.as_deref())?,
            region,
        };
        let period = Period::new(from, to, grouping)
            .map_err(|e| Refused::Invalid(AppError::invalid("to", e.code(), format!("{e}."))))?;
        Ok(StatisticsRequest {
            measures,
            period,
            filters,
        })
    }
}

/// A piece of reference data a filter names.
#[derive(Debug, Serialize, ToSchema)]
pub struct FilterReference {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Stable machine name.
    pub slug: String,
    /// French name.
    pub label: String,
}

/// A region a filter names.
#[derive(Debug, Serialize, ToSchema)]
pub struct FilterRegion {
    /// INSEE code, or `99` outside France.
    #[schema(example = "53")]
    pub code: &'static str,
    /// Official name.
    #[schema(example = "Bretagne")]
    pub name: &'static str,
}

/// The filters applied; `null` when not given.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppliedFiltersResponse {
    /// The category.
    pub category: Option<FilterReference>,
    /// The resource type.
    pub resource_type: Option<FilterReference>,
    /// The relation type.
    pub relation_type: Option<FilterReference>,
    /// The region.
    pub region: Option<FilterRegion>,
}

/// One measure in one bucket.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatisticsRowResponse {
    /// First day of the bucket (UTC).
    #[schema(value_type = String, format = Date, example = "2026-11-01")]
    pub bucket: String,
    /// What is counted.
    pub measure: MeasureName,
    /// Events of identified citizens; `null` when suppressed.
    pub count: Option<u64>,
    /// Distinct citizens behind them; `null` when suppressed.
    pub people: Option<u64>,
    /// Visitors' events (no account, hence no person and no region):
    /// consultations and searches without a region filter; `null` otherwise.
    /// Never suppressed: it describes nobody.
    pub visitor_count: Option<u64>,
    /// Withheld because it would describe fewer than `minCellPeople` people,
    /// directly or by subtraction from another published figure.
    pub suppressed: bool,
}

/// A statistics report: numbers, dates and the filters' names; no text of
/// anyone and no identifier of a person. No totals.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatisticsResponse {
    /// First day covered (first day of the first bucket).
    #[schema(value_type = String, format = Date, example = "2026-01-01")]
    pub from: String,
    /// First day after the period (first day after the last bucket).
    #[schema(value_type = String, format = Date, example = "2027-01-01")]
    pub to: String,
    /// How time is cut.
    pub group_by: GroupBy,
    /// Fewest distinct people a published figure describes.
    #[schema(example = 10)]
    pub min_cell_people: u64,
    /// The measures counted.
    pub measures: Vec<MeasureName>,
    /// The filters applied.
    pub filters: AppliedFiltersResponse,
    /// One row per bucket and measure, by bucket then measure.
    pub rows: Vec<StatisticsRowResponse>,
}

fn row(row: &StatisticsRow) -> StatisticsRowResponse {
    StatisticsRowResponse {
        bucket: row.bucket.to_string(),
        measure: row.measure.into(),
        count: row.figures.map(|t| t.events),
        people: row.figures.map(|t| t.people),
        visitor_count: row.visitor_events,
        suppressed: row.suppressed(),
    }
}

impl From<StatisticsReport> for StatisticsResponse {
    fn from(report: StatisticsReport) -> Self {
        let reference = |id: ReferenceId, slug: String, label: String| FilterReference {
            id: id.as_uuid(),
            slug,
            label,
        };
        let filters = &report.filters;
        Self {
            from: report.period.from().to_string(),
            to: report.period.to().to_string(),
            group_by: report.period.grouping().into(),
            min_cell_people: report.min_cell_people,
            measures: report.measures.iter().map(|m| (*m).into()).collect(),
            filters: AppliedFiltersResponse {
                category: filters
                    .category
                    .as_ref()
                    .map(|c| reference(c.id, c.slug.to_string(), c.label.to_string())),
                resource_type: filters
                    .resource_type
                    .as_ref()
                    .map(|t| reference(t.id, t.slug.to_string(), t.label.to_string())),
                relation_type: filters
                    .relation_type
                    .as_ref()
                    .map(|t| reference(t.id, t.slug.to_string(), t.label.to_string())),
                region: filters.region.map(|r| FilterRegion {
                    code: r.code(),
                    name: r.name(),
                }),
            },
            rows: report.rows.iter().map(row).collect(),
        }
    }
}

/// A cell as a spreadsheet should read it: text starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return is prefixed with `'` so that no
/// spreadsheet evaluates it as a formula (OWASP, CSV injection). The `csv`
/// writer then quotes whatever needs quoting (RFC 4180).
#[must_use]
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Columns of the CSV export, in order.
pub const CSV_HEADER: [&str; 10] = [
    "bucket",
    "measure",
    "category",
    "resource_type",
    "relation_type",
    "region",
    "count",
    "people",
    "visitor_count",
    "suppressed",
];

/// The report as RFC 4180 CSV: a header row, CRLF line ends, fields quoted
/// when needed, every text cell [`neutralise`]d; a suppressed cell's `count`
/// and `people` are empty and `suppressed` is `true`. The filters' names are
/// repeated on every row so that each row stands alone in a spreadsheet.
///
/// # Errors
/// When the writer fails (it writes to memory: a bug).
pub fn to_csv(report: &StatisticsReport) -> Result<Vec<u8>, csv::Error> {
    let filters = &report.filters;
    let category = filters
        .category
        .as_ref()
        .map(|c| c.label.to_string())
        .unwrap_or_default();
    let resource_type = filters
        .resource_type
        .as_ref()
        .map(|t| t.label.to_string())
        .unwrap_or_default();
    let relation_type = filters
        .relation_type
        .as_ref()
        .map(|t| t.label.to_string())
        .unwrap_or_default();
    let region = filters.region.map(Region::name).unwrap_or_default();
    let number = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();

    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(CSV_HEADER)?;
    for row in &report.rows {
        let bucket = row.bucket.to_string();
        let count = number(row.figures.map(|t| t.events));
        let people = number(row.figures.map(|t| t.people));
        let visitors = number(row.visitor_events);
        let cells: [&str; 10] = [
            &bucket,
            row.measure.as_str(),
            &category,
            &resource_type,
            &relation_type,
            region,
            &count,
            &people,
            &visitors,
            if row.suppressed() { "true" } else { "false" },
        ];
        writer.write_record(cells.iter().map(|cell| neutralise(cell).into_owned()))?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

/// Statistics
///
/// Counts per bucket and measure, for administrators (and
/// super-administrators) with two-factor authentication. A figure that would
/// describe fewer than `minCellPeople` distinct citizens, directly or by
/// subtraction from another figure the API publishes, is suppressed (`count`
/// and `people` null, `suppressed` true); citizens who objected to
/// statistics are never counted. Every query is written to the audit log.
#[utoipa::path(
    operation_id = "admin_statistics",
    tag = "Administration",
    security(("bearerAuth" = [])),
    params(StatisticsParams),
    responses(
        (status = 200, description = "The report.", body = StatisticsResponse),
        (status = 400, description = "A parameter cannot be read (`invalid_query`), naming it.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator (`forbidden`), or one without two-factor authentication (`two_factor_required`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "A rule is broken (`validation_failed`): `errors[].code` is `period_reversed` or `period_too_long` (on `to`), `unknown_category`, `unknown_resource_type`, `unknown_relation_type`, or `filter_not_applicable` (on the filter a measure asked for cannot take).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/statistics")]
pub async fn statistics(
    service: web::Data<StatisticsService>,
    actor: Authenticated,
    params: web::Query<StatisticsParams>,
) -> Result<HttpResponse, actix_web::Error> {
    let request = params.into_inner().into_request()?;
    let report = service.report(&actor.0, request).await.map_err(ApiError)?;
    Ok(HttpResponse::Ok().json(StatisticsResponse::from(report)))
}

/// Statistics as CSV
///
/// The report of `GET /api/v1/admin/statistics` with the same parameters, as
/// an RFC 4180 CSV file to download (`text/csv; charset=utf-8`, header row,
/// CRLF): columns `bucket, measure, category, resource_type, relation_type,
/// region, count, people, visitor_count, suppressed`, the filters by name on
/// every row, suppressed figures empty. Text cells that a spreadsheet could
/// take for a formula (starting with `=`, `+`, `-`, `@`, tab or carriage
/// return) are prefixed with `'`. Same rules and errors as the JSON report.
#[utoipa::path(
    operation_id = "admin_statistics_csv",
    tag = "Administration",
    security(("bearerAuth" = [])),
    params(StatisticsParams),
    responses(
        (status = 200, description = "The report as a CSV file (attachment).", content_type = "text/csv", body = String,
         headers(("Content-Disposition" = String, description = "`attachment; filename=\"statistiques_<from>_<to>_<groupBy>.csv\"`"))),
        (status = 400, description = "A parameter cannot be read (`invalid_query`), naming it.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator (`forbidden`), or one without two-factor authentication (`two_factor_required`).", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "A rule is broken (`validation_failed`), as for the JSON report.", body = crate::problem::ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/statistics.csv")]
pub async fn statistics_csv(
    service: web::Data<StatisticsService>,
    actor: Authenticated,
    params: web::Query<StatisticsParams>,
) -> Result<HttpResponse, actix_web::Error> {
    let request = params.into_inner().into_request()?;
    let report = service.report(&actor.0, request).await.map_err(ApiError)?;
    let body = to_csv(&report).map_err(|e| ApiError(AppError::internal(e)))?;
    let name = format!(
        "statistiques_{}_{}_{}.csv",
        report.period.from(),
        report.period.to(),
        report.period.grouping().as_str()
    );
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_evaluate_are_neutralised() {
        for risky in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-1",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(neutralise(risky), format!("'{risky}"), "{risky:?}");
        }
        for safe in ["Parentalité", "2026-11-01", "12", "", "a=b", "'déjà"] {
            assert_eq!(neutralise(safe), safe, "{safe:?}");
        }
    }
}
