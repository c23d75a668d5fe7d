//! `GET /dashboard/conversations` and `GET /dashboard/contacts`: the customers, newest activity
//! first, searched by name or number and filtered by menu node or open window; htmx swaps in just
//! the rows as the operator types. Paged by cursor.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use wabot_app::{
    ActivityCursor, CUSTOMER_WINDOW, ConversationFilter, ConversationRow, ConversationsView,
    Direction, utc_now, window_open,
};

use crate::error::ConsoleError;
use crate::guard::Viewer;
use crate::page::{Layout, html, shown_number, when};
use crate::state::ConsoleState;

/// Rows per page.
const PAGE: i64 = 50;

/// The list's query string.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListQuery {
    /// Part of a name or number.
    #[serde(default)]
    q: String,
    /// A menu node id.
    #[serde(default)]
    node: String,
    /// `1`: only customers whose window is open.
    #[serde(default)]
    open: String,
    /// The cursor: `<last_seen_at in ms>.<contact id>`.
    #[serde(default)]
    after: String,
}

fn parse_cursor(text: &str) -> Option<ActivityCursor> {
    let (millis, id) = text.split_once('.')?;
    Some(ActivityCursor {
        last_seen_at: DateTime::<Utc>::from_timestamp_millis(millis.parse().ok()?)?,
        contact_id: id.parse().ok()?,
    })
}

/// One row as shown.
pub struct Row {
    id: i64,
    name: String,
    number: String,
    node: String,
    last: String,
    last_at: String,
    window_open: bool,
}

fn row(
    conversation: ConversationRow,
    viewer: &Viewer,
    see_numbers: bool,
    now: DateTime<Utc>,
) -> Row {
    let contact = conversation.contact;
    let key = contact
        .ids
        .wa_id
        .as_deref()
        .or(contact.ids.user_id.as_deref());
    let (last, last_at) = conversation.last_message.map_or_else(
        || ("—".to_owned(), String::new()),
        |m| {
            let way = if m.direction == Direction::In {
                "from customer"
            } else {
                "to customer"
            };
            (format!("{} {way}", m.kind), when(m.created_at))
        },
    );
    Row {
        id: contact.id,
        name: contact.profile_name.unwrap_or_else(|| "(no name)".into()),
        number: shown_number(key, viewer, see_numbers),
        node: conversation.node.unwrap_or_else(|| "—".into()),
        last,
        last_at,
        window_open: window_open(contact.last_inbound_at, now),
    }
}

#[derive(Template)]
#[template(path = "conversations.html")]
struct ListPage {
    layout: Layout,
    base: &'static str,
    query: ListQuery,
    nodes: Vec<String>,
    rows: Vec<Row>,
    next: Option<String>,
    filtered: bool,
}

#[derive(Template)]
#[template(path = "conversation_rows.html")]
struct RowsFragment {
    base: &'static str,
    query: ListQuery,
    rows: Vec<Row>,
    next: Option<String>,
    filtered: bool,
}

async fn list<S: ConversationsView + 'static>(
    request: HttpRequest,
    state: web::Data<ConsoleState<S>>,
    viewer: web::ReqData<Viewer>,
    query: ListQuery,
    base: &'static str,
    section: &'static str,
) -> Result<HttpResponse, ConsoleError> {
    let now = utc_now();
    let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let filter = ConversationFilter {
        search: text(&query.q),
        node: text(&query.node),
        wrote_since: (query.open == "1").then(|| now - CUSTOMER_WINDOW),
    };
    let filtered = filter != ConversationFilter::default();
    let found = state
        .store
        .conversations(filter, parse_cursor(&query.after), PAGE + 1)
        .await?;
    let more = found.len() > usize::try_from(PAGE).unwrap_or(usize::MAX);
    let page: Vec<_> = found
        .into_iter()
        .take(usize::try_from(PAGE).unwrap_or(0))
        .collect();
    let next = more
        .then(|| {
            page.last().map(|r| {
                format!(
                    "{}.{}",
                    r.contact.last_seen_at.timestamp_millis(),
                    r.contact.id
                )
            })
        })
        .flatten();
    let see = state.config.agents_see_numbers;
    let rows = page
        .into_iter()
        .map(|r| row(r, &viewer, see, now))
        .collect();
    if request.headers().contains_key("HX-Request") {
        return html(&RowsFragment {
            base,
            query,
            rows,
            next,
            filtered,
        });
    }
    let nodes = state
        .engine
        .get()
        .menu()
        .node_ids()
        .map(str::to_owned)
        .collect();
    let title = if section == "contacts" {
        "Contacts"
    } else {
        "Conversations"
    };
    html(&ListPage {
        layout: Layout::new(&viewer, title, section),
        base,
        query,
        nodes,
        rows,
        next,
        filtered,
    })
}

/// `GET /dashboard/conversations`.
pub async fn page<S: ConversationsView + 'static>(
    request: HttpRequest,
    state: web::Data<ConsoleState<S>>,
    viewer: web::ReqData<Viewer>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ConsoleError> {
    list(
        request,
        state,
        viewer,
        query.into_inner(),
        crate::routes::CONVERSATIONS,
        "conversations",
    )
    .await
}

/// `GET /dashboard/contacts`: the same list, each row leading to the contact's profile.
pub async fn contacts<S: ConversationsView + 'static>(
    request: HttpRequest,
    state: web::Data<ConsoleState<S>>,
    viewer: web::ReqData<Viewer>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ConsoleError> {
    list(
        request,
        state,
        viewer,
        query.into_inner(),
        crate::routes::CONTACTS,
        "contacts",
    )
    .await
}
