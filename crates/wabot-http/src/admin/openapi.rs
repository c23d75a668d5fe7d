//! The admin API's OpenAPI 3.1 document, generated from the handlers' annotations and served at
//! `GET /api/openapi.json`. A test compares it with `docs/openapi.json` and calls every operation in it.

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::admin::{
    campaigns, contact_messages, contact_show, contacts_list, handoffs, menu_reload, records,
    send_attachment, send_message, stats, templates, tickets,
};

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "wabot admin API",
        description = "Contacts, their messages, statistics, messages sent by hand, handoffs to a person, menu reloads, the business's orders and schedule entries, defect tickets, message templates and campaigns. Every route needs `Authorization: Bearer <admin.api_token>`."
    ),
    paths(
        send_message::send_message,
        contacts_list::list_contacts,
        contact_show::show_contact,
        contact_messages::contact_messages,
        stats::stats,
        menu_reload::reload_menu,
        handoffs::list::list_handoffs,
        handoffs::claim::claim_handoff,
        handoffs::reply::reply_handoff,
        handoffs::note::note_handoff,
        handoffs::transfer::transfer_handoff,
        handoffs::close::close_handoff,
        records::order_put::put_order,
        records::order_show::show_order,
        records::order_delete::delete_order,
        records::orders_list::list_orders,
        records::schedule_put::put_schedule_entry,
        records::schedule_show::show_schedule_entry,
        records::schedule_delete::delete_schedule_entry,
        records::schedule_list::list_schedule,
        templates::list::list_templates,
        templates::sync::sync_templates,
        campaigns::create::create_campaign,
        campaigns::list::list_campaigns,
        campaigns::show::show_campaign,
        campaigns::control::control_campaign,
        openapi_json,
        tickets::show::show_ticket,
        tickets::update::update_ticket,
        tickets::media::ticket_media,
        send_attachment::send_attachment,
    ),
    modifiers(&BearerToken)
)]
pub struct AdminApi;

/// Adds the bearer security scheme the operations refer to.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document as pretty JSON, as `docs/openapi.json` holds it.
pub fn openapi_document() -> String {
    AdminApi::openapi()
        .to_pretty_json()
        .unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"))
}

/// Serves this document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "meta",
    responses(
        (status = 200, description = "This OpenAPI document", content_type = "application/json"),
        (status = 401, description = "Missing or wrong bearer token", body = crate::admin::views::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(openapi_document())
}
