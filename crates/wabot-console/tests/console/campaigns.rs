//! The Campaigns pages: the list shows each campaign with its progress bar; one campaign shows
//! its counts; administrators pause and resume it through the page's form (the store's state
//! changes), agents see the page without the form and are refused the action.

use std::collections::BTreeMap;

use actix_web::http::{StatusCode, header};
use actix_web::test::{self, TestRequest};
use serde_json::json;
use wabot_app::{
    AudienceRow, CampaignState, Campaigns, NewCampaign, SyncedTemplate, recipients, utc_now,
};
use wabot_store::DieselStore;

use crate::support::{ADMIN_PASSWORD, AGENT_PASSWORD, console, csrf_in, signed_in, store};

/// A running campaign of three recipients (one of them not a phone number).
async fn campaign(store: &DieselStore) -> i64 {
    let synced = SyncedTemplate {
        meta_id: None,
        name: "fall_sale".into(),
        language: "en_US".into(),
        category: "MARKETING".into(),
        status: "APPROVED".into(),
        parameter_format: None,
        components: json!([{"type": "BODY", "text": "Hi {{1}}"}]),
    };
    store
        .store_templates(vec![synced], utc_now())
        .await
        .unwrap();
    let template = store.template("fall_sale", "en_US").await.unwrap().unwrap();
    let rows: Vec<AudienceRow> = ["15550100001", "15550100002", "nope"]
        .iter()
        .map(|to| AudienceRow {
            to: (*to).into(),
            values: BTreeMap::from([("1".to_owned(), "Ana <b>".to_owned())]),
        })
        .collect();
    let new = NewCampaign {
        name: "Fall <sale>".into(),
        template_id: template.id,
        messages_per_second: 5.0,
        starts_at: utc_now() + chrono::TimeDelta::hours(1),
        recipients: recipients(&template, &rows).unwrap(),
    };
    store.create_campaign(new, utc_now()).await.unwrap().id
}

async fn page(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    uri: &str,
    cookie: &str,
) -> (StatusCode, String) {
    let request = TestRequest::get()
        .uri(uri)
        .insert_header((header::COOKIE, cookie.to_owned()));
    let response = test::call_service(app, request.to_request()).await;
    let status = response.status();
    (
        status,
        String::from_utf8_lossy(&test::read_body(response).await).into_owned(),
    )
}

#[actix_web::test]
async fn admins_pause_and_resume_a_campaign_agents_only_watch() {
    let store = store().await;
    let id = campaign(&store).await;
    let app = console(store.clone()).await;
    let admin = signed_in(&app, "ana", ADMIN_PASSWORD).await;
    let (status, list) = page(&app, "/dashboard/campaigns", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("Fall &#60;sale&#62;"), "escaped: {list}");
    assert!(list.contains(r#"<progress value="1" max="3""#), "{list}");
    let uri = format!("/dashboard/campaigns/{id}");
    let (status, shown) = page(&app, &uri, &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        shown.contains("invalid: 1") && shown.contains(r#"value="pause""#),
        "{shown}"
    );
    let control = format!("/dashboard/campaigns/{id}/control");
    let pause = TestRequest::post()
        .uri(&control)
        .insert_header((header::COOKIE, admin.clone()))
        .set_form([("csrf", csrf_in(&shown).as_str()), ("action", "pause")]);
    let response = test::call_service(&app, pause.to_request()).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        store.campaign(id).await.unwrap().unwrap().state,
        CampaignState::Paused
    );
    let (_, paused) = page(&app, &format!("{uri}?done=pause"), &admin).await;
    assert!(
        paused.contains("Paused:") && paused.contains(r#"value="resume""#),
        "{paused}"
    );

    let agent = signed_in(&app, "bo", AGENT_PASSWORD).await;
    let (status, watched) = page(&app, &uri, &agent).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!watched.contains(r#"value="resume""#), "agents get no form");
    let resume = TestRequest::post()
        .uri(&control)
        .insert_header((header::COOKIE, agent))
        .set_form([("csrf", csrf_in(&watched).as_str()), ("action", "resume")]);
    let response = test::call_service(&app, resume.to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        store.campaign(id).await.unwrap().unwrap().state,
        CampaignState::Paused
    );
    let (status, _) = page(&app, "/dashboard/campaigns/999", &admin).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
