//! `POST /api/menu/reload`: reads the menu file again and, if it is valid, puts it in use for every
//! conversation turn from now on (as SIGHUP does). An invalid file keeps the running menu: 422 with
//! every problem, each with its file and line.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::admin::state::AdminState;
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// The menu now in use.
#[derive(Debug, Serialize, ToSchema)]
pub struct MenuReloadedBody {
    /// Always `reloaded`.
    pub status: &'static str,
    /// The menu file read.
    pub path: String,
    /// How many nodes the new menu has.
    pub nodes: usize,
}

/// Why the file was refused; the running menu is kept.
#[derive(Debug, Serialize, ToSchema)]
pub struct MenuRefusedBody {
    /// What happened.
    pub error: String,
    /// Every problem of the file, as `path:line: message`.
    pub problems: Vec<String>,
}

/// Reloads the menu file.
#[utoipa::path(
    post,
    path = "/api/menu/reload",
    tag = "menu",
    responses(
        (status = 200, description = "The new menu is in use", body = MenuReloadedBody),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 422, description = "The file has problems; the running menu is kept", body = MenuRefusedBody),
    ),
    security(("bearer" = []))
)]
pub async fn reload_menu<S: 'static>(
    state: web::Data<AdminState<S>>,
) -> Result<HttpResponse, ApiError> {
    let reload = std::sync::Arc::clone(&state.reload_menu);
    // Reading and compiling a file: off the async threads.
    let outcome = web::block(move || reload())
        .await
        .map_err(|_| ApiError::Conflict("the menu reload was interrupted; try again".into()))?;
    Ok(match outcome {
        Ok(reloaded) => HttpResponse::Ok().json(MenuReloadedBody {
            status: "reloaded",
            path: reloaded.path,
            nodes: reloaded.nodes,
        }),
        Err(problems) => HttpResponse::UnprocessableEntity().json(MenuRefusedBody {
            error: format!(
                "the menu file has {} problem(s); the running menu is kept",
                problems.len()
            ),
            problems,
        }),
    })
}
