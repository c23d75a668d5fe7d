//! `GET /dashboard`: is the bot doing its job? Traffic per day, conversations, reply times,
//! delivery and read rates, failures by error class and the menu funnel, for a chosen period.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::TimeDelta;
use serde::Deserialize;
use wabot_app::{Count, Overview, Period, Statistics, utc_now};
use wabot_cloud_api::class_of_code;

use crate::charts::{Chart, daily_traffic, funnel};
use crate::error::ConsoleError;
use crate::guard::Viewer;
use crate::page::{Layout, duration, html, when};
use crate::state::ConsoleState;

/// The periods offered, in days.
pub const PERIODS: [i64; 4] = [1, 7, 30, 90];

/// A chart drawn as SVG.
#[derive(Template)]
#[template(path = "chart.html")]
pub struct ChartSvg<'a> {
    /// What to draw.
    pub chart: &'a Chart,
}

/// Draws a chart (the page embeds the SVG it rendered itself, escaped, so it is marked safe).
pub fn svg(chart: &Chart) -> Result<String, ConsoleError> {
    ChartSvg { chart }
        .render()
        .map_err(|e| ConsoleError::Internal(format!("a chart failed: {e}")))
}

/// One row of the failures table.
pub struct FailureRow {
    /// Meta's error code.
    pub code: String,
    /// What the sender does about it.
    pub class: &'static str,
    /// How many.
    pub count: i64,
}

fn failure_rows(failures: &[Count]) -> Vec<FailureRow> {
    failures
        .iter()
        .map(|failure| {
            let code = failure.labels.first().cloned().unwrap_or_default();
            let class = code
                .parse()
                .map_or("no code", |code| class_of_code(code).as_str());
            FailureRow {
                code,
                class,
                count: failure.count,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    layout: Layout,
    days: i64,
    periods: [i64; 4],
    period: String,
    from: String,
    to: String,
    overview: Overview,
    traffic_svg: String,
    funnel_svg: String,
    reply_p50: String,
    reply_p95: String,
    delivered: String,
    read: String,
    failures: Vec<FailureRow>,
    failed_total: i64,
}

/// The overview's query: `?days=7`.
#[derive(Deserialize)]
pub struct PeriodQuery {
    days: Option<i64>,
}

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |p| format!("{p:.1} %"))
}

/// The period `days` asks for (whole UTC days ending now: today and the `days - 1` before it; the
/// store keeps complete days' figures, so only today is read from the messages themselves) and
/// its overview.
async fn overview_of<S: Statistics>(
    state: &ConsoleState<S>,
    days: Option<i64>,
) -> Result<(i64, Period, Overview), ConsoleError> {
    let days = days.filter(|d| PERIODS.contains(d)).unwrap_or(7);
    let now = utc_now();
    let today = now.date_naive().and_time(chrono::NaiveTime::MIN).and_utc();
    let period = Period {
        since: today - TimeDelta::days(days - 1),
        until: now,
    };
    let idle = state.engine.get().menu().idle_timeout();
    Ok((
        days,
        period,
        state.store.overview(period, now - idle).await?,
    ))
}

/// `GET /dashboard/menu.svg?days=7`: the menu as a diagram with the period's traffic (customers
/// who reached each node, conversations that left there). Served as an image: the diagram carries
/// its own styles, so this answer has a policy of its own that allows them and nothing else.
pub async fn diagram<S: Statistics + 'static>(
    state: web::Data<ConsoleState<S>>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let (days, _, overview) = overview_of(&state, query.days).await?;
    let words = if days == 1 {
        "today".to_owned()
    } else {
        format!("the last {days} days")
    };
    let traffic = wabot_diagram::Traffic::from_overview(&overview, format!("customers, {words}"));
    let svg = wabot_diagram::svg(state.engine.get().menu(), Some(&traffic));
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CONTENT_TYPE, "image/svg+xml"))
        .insert_header((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'",
        ))
        .body(svg))
}

/// `GET /dashboard`.
pub async fn page<S: Statistics + 'static>(
    state: web::Data<ConsoleState<S>>,
    viewer: web::ReqData<Viewer>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let (days, period, mut overview) = overview_of(&state, query.days).await?;
    // The funnel reads from the widest node down.
    overview
        .funnel
        .sort_by(|a, b| b.reached.cmp(&a.reached).then_with(|| a.node.cmp(&b.node)));
    let words = if days == 1 {
        "today (UTC)".to_owned()
    } else {
        format!("the last {days} days")
    };
    let delivery = overview.delivery;
    let failures = failure_rows(&overview.failures_by_code);
    html(&OverviewPage {
        layout: Layout::new(&viewer, "Overview", "overview"),
        days,
        periods: PERIODS,
        from: when(period.since),
        to: when(period.until),
        traffic_svg: svg(&daily_traffic(&overview.days, &words))?,
        funnel_svg: svg(&funnel(&overview.funnel, &words))?,
        reply_p50: duration(overview.reply_times.p50_ms),
        reply_p95: duration(overview.reply_times.p95_ms),
        delivered: percent(delivery.delivered_percent()),
        read: percent(delivery.read_percent()),
        failed_total: failures.iter().map(|f| f.count).sum(),
        failures,
        period: words,
        overview,
    })
}
