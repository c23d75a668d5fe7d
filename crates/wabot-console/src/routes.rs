//! The console's paths and their handlers, under `/dashboard` on the server's actix app, behind
//! the [`crate::guard`] middleware and the security headers every page carries.

use actix_web::middleware::{DefaultHeaders, from_fn};
use actix_web::web;
use wabot_app::{
    Campaigns, Contacts, Conversations, ConversationsView, Handoffs, MediaJobs, Operators,
    Statistics, TicketDesk, TicketUpdates,
};

use crate::pages::{
    campaigns, contact, conversations, handoffs, login, overview, ticket_media, tickets,
    transcript, users,
};
use crate::state::ConsoleState;
use crate::{assets, guard};

/// The console's root.
pub const DASHBOARD: &str = "/dashboard";
/// The sign-in page.
pub const LOGIN: &str = "/dashboard/login";
/// The static files.
pub const ASSETS: &str = "/dashboard/assets";
/// The conversation list.
pub const CONVERSATIONS: &str = "/dashboard/conversations";
/// The ticket list.
pub const TICKETS: &str = "/dashboard/tickets";
/// The contacts.
pub const CONTACTS: &str = "/dashboard/contacts";
/// The handoff queue.
pub const HANDOFFS: &str = "/dashboard/handoffs";
/// The operators (administrators only).
pub const USERS: &str = "/dashboard/users";
/// The campaigns (their `…/{id}/control` form: administrators only).
pub const CAMPAIGNS: &str = "/dashboard/campaigns";

/// What every console answer carries: no framing, no guessing of types, scripts and styles only
/// from us (no inline script; the SVG charts use attributes, not inline styles), no referrer
/// outside, and pages never cached (they show customer data).
fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
        ))
        .add(("X-Frame-Options", "DENY"))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("Cache-Control", "no-store"))
}

/// Adds the console's routes to an app: `App::new().configure(wabot_console::configure(state))`.
pub fn configure<S>(state: web::Data<ConsoleState<S>>) -> impl FnOnce(&mut web::ServiceConfig)
where
    S: Operators
        + Statistics
        + Conversations
        + ConversationsView
        + TicketDesk
        + Contacts
        + Handoffs
        + TicketUpdates
        + MediaJobs
        + Campaigns
        + 'static,
{
    move |config| {
        config.service(
            web::scope(DASHBOARD)
                .app_data(state)
                .wrap(from_fn(guard::guard::<S, _>))
                .wrap(security_headers())
                .route("", web::get().to(overview::page::<S>))
                .route("/", web::get().to(overview::page::<S>))
                .route("/menu.svg", web::get().to(overview::diagram::<S>))
                .route("/login", web::get().to(login::form::<S>))
                .route("/login", web::post().to(login::submit::<S>))
                .route("/logout", web::post().to(login::logout::<S>))
                .route("/assets/{file}", web::get().to(assets::serve))
                .route("/conversations", web::get().to(conversations::page::<S>))
                .route("/conversations/{id}", web::get().to(transcript::page::<S>))
                .route("/contacts", web::get().to(conversations::contacts::<S>))
                .route("/contacts/{id}", web::get().to(contact::page::<S>))
                .route("/tickets", web::get().to(tickets::list::<S>))
                .route("/tickets/{id}", web::get().to(tickets::show::<S>))
                .route("/tickets/{id}/status", web::post().to(tickets::update::<S>))
                .route(
                    "/tickets/{id}/media/{n}",
                    web::get().to(ticket_media::file::<S>),
                )
                .route("/handoffs", web::get().to(handoffs::queue::<S>))
                .route("/handoffs/{id}", web::get().to(handoffs::show::<S>))
                .route("/handoffs/{id}", web::post().to(handoffs::act::<S>))
                .route("/users", web::get().to(users::page::<S>))
                .route("/users", web::post().to(users::add::<S>))
                .route("/users/{name}", web::post().to(users::change::<S>))
                .route("/campaigns", web::get().to(campaigns::list::<S>))
                .route("/campaigns/{id}", web::get().to(campaigns::show::<S>))
                .route(
                    "/campaigns/{id}/control",
                    web::post().to(campaigns::control::<S>),
                ),
        );
    }
}
