//! The admin API under `/api`: bearer-authenticated JSON routes over the store's ports, and their
//! OpenAPI document.

mod auth;
mod campaigns;
mod contact_messages;
mod contact_show;
mod contacts_list;
mod handoffs;
mod menu_reload;
mod openapi;
mod paging;
mod records;
mod send_attachment;
mod send_message;
mod state;
mod stats;
mod template_check;
mod templates;
mod tickets;
mod views;

use actix_web::{middleware, web};
use wabot_app::{
    BusinessRecords, Campaigns, Contacts, Conversations, Handoffs, Outreach, Statistics,
    TicketDesk, TicketUpdates,
};

pub use auth::{AdminToken, RandomError};
pub use openapi::{AdminApi, openapi_document};
pub use paging::{DEFAULT_LIMIT, MAX_LIMIT};
pub use state::{
    AdminState, CampaignsConfig, MenuReload, MenuReloaded, TemplateFetch, TemplateFetchError,
};

/// The largest attachment body (WhatsApp's document limit) and a little.
const ATTACHMENT_BODY_LIMIT: usize = 100 * 1024 * 1024 + 1024;

/// Registers the `/api` scope (every route behind the admin token) and `GET /metrics` (open, like
/// `/health`: it shows counts and ages, never a phone number or message).
pub(crate) fn configure_admin<S>(
    state: web::Data<AdminState<S>>,
    token: web::Data<AdminToken>,
    metrics: web::Data<crate::metrics::Metrics>,
) -> impl FnOnce(&mut web::ServiceConfig)
where
    S: Contacts
        + Conversations
        + Statistics
        + Outreach
        + Handoffs
        + Campaigns
        + BusinessRecords
        + TicketDesk
        + TicketUpdates
        + wabot_app::MediaJobs
        + 'static,
{
    move |config| {
        config.service(
            web::resource("/metrics")
                .app_data(state.clone())
                .app_data(metrics)
                .route(web::get().to(crate::metrics_route::metrics::<S>)),
        );
        config.service(
            web::scope("/api")
                .app_data(state)
                .app_data(token)
                .wrap(middleware::from_fn(auth::require_admin))
                .route("/messages", web::post().to(send_message::send_message::<S>))
                .service(
                    web::resource("/messages/attachment")
                        .app_data(web::PayloadConfig::new(ATTACHMENT_BODY_LIMIT))
                        .route(web::post().to(send_attachment::send_attachment::<S>)),
                )
                .route(
                    "/contacts",
                    web::get().to(contacts_list::list_contacts::<S>),
                )
                .route(
                    "/contacts/{id}",
                    web::get().to(contact_show::show_contact::<S>),
                )
                .route(
                    "/contacts/{id}/messages",
                    web::get().to(contact_messages::contact_messages::<S>),
                )
                .route("/stats", web::get().to(stats::stats::<S>))
                .route(
                    "/handoffs",
                    web::get().to(handoffs::list::list_handoffs::<S>),
                )
                .route(
                    "/handoffs/{id}/claim",
                    web::post().to(handoffs::claim::claim_handoff::<S>),
                )
                .route(
                    "/handoffs/{id}/reply",
                    web::post().to(handoffs::reply::reply_handoff::<S>),
                )
                .route(
                    "/handoffs/{id}/note",
                    web::post().to(handoffs::note::note_handoff::<S>),
                )
                .route(
                    "/handoffs/{id}/transfer",
                    web::post().to(handoffs::transfer::transfer_handoff::<S>),
                )
                .route(
                    "/handoffs/{id}/close",
                    web::post().to(handoffs::close::close_handoff::<S>),
                )
                .route(
                    "/menu/reload",
                    web::post().to(menu_reload::reload_menu::<S>),
                )
                .route(
                    "/orders",
                    web::get().to(records::orders_list::list_orders::<S>),
                )
                .route(
                    "/orders/{number}",
                    web::put().to(records::order_put::put_order::<S>),
                )
                .route(
                    "/orders/{number}",
                    web::get().to(records::order_show::show_order::<S>),
                )
                .route(
                    "/orders/{number}",
                    web::delete().to(records::order_delete::delete_order::<S>),
                )
                .route(
                    "/schedule",
                    web::get().to(records::schedule_list::list_schedule::<S>),
                )
                .route(
                    "/schedule/{reference}",
                    web::put().to(records::schedule_put::put_schedule_entry::<S>),
                )
                .route(
                    "/schedule/{reference}",
                    web::get().to(records::schedule_show::show_schedule_entry::<S>),
                )
                .route(
                    "/schedule/{reference}",
                    web::delete().to(records::schedule_delete::delete_schedule_entry::<S>),
                )
                .route(
                    "/templates",
                    web::get().to(templates::list::list_templates::<S>),
                )
                .route(
                    "/templates/sync",
                    web::post().to(templates::sync::sync_templates::<S>),
                )
                .route(
                    "/campaigns",
                    web::post().to(campaigns::create::create_campaign::<S>),
                )
                .route(
                    "/campaigns",
                    web::get().to(campaigns::list::list_campaigns::<S>),
                )
                .route(
                    "/campaigns/{id}",
                    web::get().to(campaigns::show::show_campaign::<S>),
                )
                .route(
                    "/campaigns/{id}/{action}",
                    web::post().to(campaigns::control::control_campaign::<S>),
                )
                .route("/openapi.json", web::get().to(openapi::openapi_json))
                .route(
                    "/tickets/{reference}",
                    web::get().to(tickets::show::show_ticket::<S>),
                )
                .route(
                    "/tickets/{reference}",
                    web::patch().to(tickets::update::update_ticket::<S>),
                )
                .route(
                    "/tickets/{reference}/media/{n}",
                    web::get().to(tickets::media::ticket_media::<S>),
                )
                .default_service(web::to(|| async {
                    Err::<actix_web::HttpResponse, _>(crate::error::ApiError::NotFound(
                        "this admin route".to_owned(),
                    ))
                })),
        );
    }
}
