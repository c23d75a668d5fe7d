//! `GET /health`: 200 while the process is up.

use actix_web::HttpResponse;

/// Always 200 with `{"status": "ok"}`.
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}
