//! [`HttpBusinessSource`]: the [`BusinessSource`] that asks the business's own HTTP API. One GET
//! per lookup (or none, when the cache has the answer), with the configured auth and timeout; the
//! records are read through the field mapping, then sorted, filtered and cut as each lookup says,
//! so the API only has to list a customer's orders or entries. A failure is logged once here, with
//! the lookup's kind and the reason (never the URL: it holds the customer's id).

use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use wabot_app::{BusinessSource, LookupFailure, LookupFuture, LookupOutcome};
use wabot_engine::{Lookup, Order, Records, ScheduleEntry, ScheduleStatus};

use crate::cache::Cache;
use crate::mapping::{Malformed, OrderFields, ScheduleFields};
use crate::template::UrlTemplate;

/// The largest answer read; a bigger one is malformed (a customer's orders are a few kilobytes).
pub const MAX_ANSWER_BYTES: usize = 1 << 20;

/// How far ahead "upcoming" entries are asked for (`{until}` of an upcoming-schedule lookup).
pub const UPCOMING_DAYS: u64 = 90;

/// How requests prove who is asking.
#[derive(Clone, Debug)]
pub enum Auth {
    /// Nothing.
    None,
    /// `Authorization: Bearer TOKEN`.
    Bearer(SecretString),
    /// A header of its own, e.g. `X-Api-Key: VALUE`.
    Header {
        /// The header's name.
        name: String,
        /// Its value.
        value: SecretString,
    },
}

/// What the source is told at start (from `[business_http]`).
#[derive(Clone, Debug)]
pub struct HttpSourceConfig {
    /// A customer's orders (`{customer}`).
    pub orders_url: Option<UrlTemplate>,
    /// One order (`{customer}`, `{order}`); without it, the order is found in the orders list.
    pub order_url: Option<UrlTemplate>,
    /// A customer's schedule (`{customer}`, `{from}`, `{until}`: ISO days, `until` excluded).
    pub schedule_url: Option<UrlTemplate>,
    /// How requests are authorised.
    pub auth: Auth,
    /// The longest a lookup may take, answer read included.
    pub timeout: Duration,
    /// How long an answer is kept (zero: not kept).
    pub cache_ttl: Duration,
    /// How many answers are kept at most.
    pub cache_entries: usize,
    /// Where an order's fields are.
    pub orders: OrderFields,
    /// Where a schedule entry's fields are.
    pub schedule: ScheduleFields,
}

/// What one URL answered, as records.
#[derive(Clone, Debug)]
enum Fetched {
    Orders(Vec<Order>),
    Order(Option<Order>),
    Entries(Vec<ScheduleEntry>),
}

/// The business's HTTP API as a [`BusinessSource`].
#[derive(Debug)]
pub struct HttpBusinessSource {
    client: reqwest::Client,
    config: HttpSourceConfig,
    auth: Option<(HeaderName, HeaderValue)>,
    cache: Cache<Fetched>,
}

/// Why a source could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The auth header's name or value cannot be sent.
    #[error("the auth header is not valid: {0}")]
    Header(String),
    /// The HTTP client could not be built.
    #[error("the HTTP client could not be built: {0}")]
    Client(#[from] reqwest::Error),
}

fn auth_header(auth: &Auth) -> Result<Option<(HeaderName, HeaderValue)>, SourceError> {
    let (name, value) = match auth {
        Auth::None => return Ok(None),
        Auth::Bearer(token) => (
            AUTHORIZATION,
            format!("Bearer {}", token.expose_secret().trim()),
        ),
        Auth::Header { name, value } => (
            HeaderName::try_from(name.trim())
                .map_err(|_| SourceError::Header(format!("`{name}` is not a header name")))?,
            value.expose_secret().trim().to_owned(),
        ),
    };
    let mut value = HeaderValue::try_from(value)
        .map_err(|_| SourceError::Header("the value has characters a header cannot hold".into()))?;
    value.set_sensitive(true);
    Ok(Some((name, value)))
}

fn failure(outcome: LookupOutcome, detail: impl Into<String>) -> LookupFailure {
    LookupFailure::new(outcome, detail)
}

fn malformed(error: Malformed) -> LookupFailure {
    failure(LookupOutcome::Malformed, error.0)
}

impl HttpBusinessSource {
    /// A source asking the API `config` describes.
    pub fn new(config: HttpSourceConfig) -> Result<Self, SourceError> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .user_agent(concat!("wabot/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            auth: auth_header(&config.auth)?,
            cache: Cache::new(config.cache_ttl, config.cache_entries),
            client,
            config,
        })
    }

    /// GETs `url` as JSON; `None` when it answers 404 (no such record).
    async fn get(&self, url: &str) -> Result<Option<Value>, LookupFailure> {
        let mut request = self.client.get(url).header(ACCEPT, "application/json");
        if let Some((name, value)) = &self.auth {
            request = request.header(name.clone(), value.clone());
        }
        let transport = |error: reqwest::Error| {
            let outcome = if error.is_timeout() {
                LookupOutcome::Timeout
            } else {
                LookupOutcome::Error
            };
            failure(outcome, error.without_url().to_string())
        };
        let mut response = request.send().await.map_err(transport)?;
        match response.status() {
            StatusCode::NOT_FOUND => return Ok(None),
            status if !status.is_success() => {
                return Err(failure(LookupOutcome::Error, format!("HTTP {status}")));
            }
            _ => {}
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                let limit = MAX_ANSWER_BYTES;
                return Err(failure(
                    LookupOutcome::Malformed,
                    format!("the answer is larger than {limit} bytes"),
                ));
            }
            body.extend_from_slice(&chunk);
        }
        serde_json::from_slice(&body).map(Some).map_err(|error| {
            let (line, column) = (error.line(), error.column());
            failure(
                LookupOutcome::Malformed,
                format!("the answer is not JSON (line {line}, column {column})"),
            )
        })
    }

    /// The records at `url`, from the cache if fresh; `read` turns the JSON into them.
    async fn fetch_url(
        &self,
        url: String,
        read: impl FnOnce(Option<Value>) -> Result<Fetched, LookupFailure>,
    ) -> Result<Fetched, LookupFailure> {
        if let Some(fetched) = self.cache.get(&url, Instant::now()) {
            return Ok(fetched);
        }
        let fetched = read(self.get(&url).await?)?;
        self.cache.put(url, fetched.clone(), Instant::now());
        Ok(fetched)
    }

    async fn orders(&self, customer: &str) -> Result<Vec<Order>, LookupFailure> {
        let template = self.config.orders_url.as_ref().ok_or_else(|| {
            failure(
                LookupOutcome::Error,
                "no orders_url is set for order lookups",
            )
        })?;
        let url = template.fill(&[("customer", customer)]);
        let fields = &self.config.orders;
        let fetched = self
            .fetch_url(url, |json| match json {
                // No such customer: no orders.
                None => Ok(Fetched::Orders(Vec::new())),
                Some(json) => fields.orders(&json).map(Fetched::Orders).map_err(malformed),
            })
            .await?;
        match fetched {
            Fetched::Orders(orders) => Ok(orders),
            _ => Ok(Vec::new()),
        }
    }

    async fn order(&self, customer: &str, number: &str) -> Result<Option<Order>, LookupFailure> {
        let Some(template) = &self.config.order_url else {
            let orders = self.orders(customer).await?;
            return Ok(orders
                .into_iter()
                .find(|order| order.number.eq_ignore_ascii_case(number)));
        };
        let url = template.fill(&[("customer", customer), ("order", number)]);
        let fields = &self.config.orders;
        let fetched = self
            .fetch_url(url, |json| match json {
                None => Ok(Fetched::Order(None)),
                Some(json) => fields
                    .one(&json)
                    .map(|order| Fetched::Order(Some(order)))
                    .map_err(malformed),
            })
            .await?;
        Ok(match fetched {
            Fetched::Order(order) => order,
            _ => None,
        })
    }

    async fn entries(
        &self,
        customer: &str,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<ScheduleEntry>, LookupFailure> {
        let template = self.config.schedule_url.as_ref().ok_or_else(|| {
            failure(
                LookupOutcome::Error,
                "no schedule_url is set for schedule lookups",
            )
        })?;
        let (from_day, until_day) = (from.to_string(), until.to_string());
        let values = [
            ("customer", customer),
            ("from", from_day.as_str()),
            ("until", until_day.as_str()),
        ];
        let fields = &self.config.schedule;
        let fetched = self
            .fetch_url(template.fill(&values), |json| match json {
                None => Ok(Fetched::Entries(Vec::new())),
                Some(json) => fields
                    .entries(&json)
                    .map(Fetched::Entries)
                    .map_err(malformed),
            })
            .await?;
        let mut entries = match fetched {
            Fetched::Entries(entries) => entries,
            _ => Vec::new(),
        };
        entries.retain(|entry| from <= entry.date && entry.date < until);
        entries.sort_by_key(|entry| (entry.date, entry.starts));
        Ok(entries)
    }

    /// The records answering `lookup`, cut and ordered as the lookup says.
    async fn answer(&self, customer: &str, lookup: &Lookup) -> Result<Records, LookupFailure> {
        Ok(match lookup {
            Lookup::RecentOrders { limit } => {
                let mut orders = self.orders(customer).await?;
                orders.sort_by_key(|order| std::cmp::Reverse(order.placed_on));
                orders.truncate(*limit);
                Records::Orders(orders)
            }
            Lookup::DeliveryDates => {
                let mut orders = self.orders(customer).await?;
                orders.retain(|order| order.status.is_open() && order.expected_delivery.is_some());
                orders.sort_by_key(|order| order.expected_delivery);
                Records::Orders(orders)
            }
            Lookup::Order { number } => Records::Order(self.order(customer, number).await?),
            Lookup::Schedule { from, until } => {
                Records::Schedule(self.entries(customer, *from, *until).await?)
            }
            Lookup::UpcomingSchedule { today, limit } => {
                let until = today
                    .checked_add_days(Days::new(UPCOMING_DAYS))
                    .unwrap_or(NaiveDate::MAX);
                let mut entries = self.entries(customer, *today, until).await?;
                entries.retain(|entry| {
                    matches!(
                        entry.status,
                        ScheduleStatus::Planned | ScheduleStatus::Confirmed
                    )
                });
                entries.truncate(*limit);
                Records::Schedule(entries)
            }
        })
    }
}

impl BusinessSource for HttpBusinessSource {
    fn fetch<'a>(&'a self, customer: &'a str, lookup: &'a Lookup) -> LookupFuture<'a> {
        Box::pin(async move {
            let answered = self.answer(customer, lookup).await;
            if let Err(failure) = &answered {
                tracing::warn!(
                    lookup = lookup.kind(),
                    outcome = failure.outcome.as_str(),
                    reason = %failure.detail,
                    "business API lookup failed; the customer is asked to try again later"
                );
            }
            answered
        })
    }

    fn patience(&self) -> Duration {
        self.config.timeout
    }
}
