//! `GET /api/templates`: the stored templates, by name and language.

use actix_web::{HttpResponse, web};
use wabot_app::Campaigns;

use crate::admin::state::AdminState;
use crate::admin::templates::TemplateView;
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// Lists the stored templates.
#[utoipa::path(
    get,
    path = "/api/templates",
    tag = "campaigns",
    responses(
        (status = 200, description = "Every stored template", body = Vec<TemplateView>),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_templates<S: Campaigns + 'static>(
    state: web::Data<AdminState<S>>,
) -> Result<HttpResponse, ApiError> {
    let templates = state
        .store
        .templates()
        .await
        .map_err(ApiError::Unavailable)?;
    let views: Vec<TemplateView> = templates.into_iter().map(TemplateView::from).collect();
    Ok(HttpResponse::Ok().json(views))
}
