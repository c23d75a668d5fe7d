//! `GET/POST /dashboard/users` (administrators only, by the guard): the operators, adding one, and
//! changing one — role, disabled or enabled, a new password. An administrator cannot demote,
//! disable or remove themselves (the last way back in would be the command line).

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use wabot_app::{OperatorChange, Operators, Role, StoreError, utc_now};

use crate::error::ConsoleError;
use crate::forms::CsrfForm;
use crate::guard::Viewer;
use crate::page::{Layout, html, see_other, when};
use crate::passwords::{hash_password_off_thread, password_problem};
use crate::routes::USERS;
use crate::state::ConsoleState;

/// An operator as the table shows them.
pub struct UserRow {
    name: String,
    role: &'static str,
    disabled: bool,
    last_login: String,
    is_me: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<UserRow>,
    notice: Option<String>,
    problem: Option<String>,
}

/// Query: `?done=...` after a change, `?problem=...` after a refusal.
#[derive(Deserialize)]
pub struct Outcome {
    done: Option<String>,
    problem: Option<String>,
}

/// `GET /dashboard/users`.
pub async fn page<S: Operators + 'static>(
    state: web::Data<ConsoleState<S>>,
    viewer: web::ReqData<Viewer>,
    outcome: web::Query<Outcome>,
) -> Result<HttpResponse, ConsoleError> {
    // The guard already refuses agents here; the handlers check again, whatever path led here.
    if !viewer.is_admin() {
        return Err(ConsoleError::AdminOnly);
    }
    let users = state
        .store
        .list_operators()
        .await?
        .into_iter()
        .map(|o| UserRow {
            is_me: o.id == viewer.operator.id,
            role: o.role.as_str(),
            disabled: o.disabled,
            last_login: o.last_login_at.map_or_else(|| "never".into(), when),
            name: o.name,
        })
        .collect();
    let Outcome { done, problem } = outcome.into_inner();
    html(&UsersPage {
        layout: Layout::new(&viewer, "Users", "users"),
        users,
        notice: done,
        problem,
    })
}

/// Back to the list, with what happened in the query string.
fn back(key: &str, text: &str) -> HttpResponse {
    let query = serde_urlencoded::to_string([(key, text)]).unwrap_or_default();
    see_other(&format!("{USERS}?{query}"))
}

/// The new operator form.
#[derive(Deserialize)]
pub struct NewUser {
    name: String,
    role: String,
    password: String,
}

/// Whether a login name is acceptable: 1–64 letters, digits, `.`, `-`, `_` or `@`.
pub fn name_problem(name: &str) -> Option<&'static str> {
    let fine = |c: char| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@');
    if name.is_empty() || name.chars().count() > 64 || !name.chars().all(fine) {
        Some("A user name has 1 to 64 letters, digits, dots, dashes, underscores or @.")
    } else {
        None
    }
}

/// `POST /dashboard/users`: adds an operator.
pub async fn add<S: Operators + 'static>(
    state: web::Data<ConsoleState<S>>,
    form: CsrfForm<NewUser>,
) -> Result<HttpResponse, ConsoleError> {
    if !form.viewer.is_admin() {
        return Err(ConsoleError::AdminOnly);
    }
    let NewUser {
        name,
        role,
        password,
    } = form.fields;
    let name = name.trim().to_owned();
    if let Some(problem) = name_problem(&name) {
        return Ok(back("problem", problem));
    }
    let Some(role) = Role::parse(&role) else {
        return Ok(back("problem", "Choose the role admin or agent."));
    };
    if let Some(problem) = password_problem(&password) {
        return Ok(back("problem", &format!("Not added: {problem}.")));
    }
    let hash = hash_password_off_thread(password).await?;
    match state
        .store
        .add_operator(&name, role, &hash, utc_now())
        .await
    {
        Ok(_) => Ok(back("done", &format!("Added {name} ({}).", role.as_str()))),
        Err(StoreError::Conflict(_)) => Ok(back(
            "problem",
            &format!("There is already a user named {name}."),
        )),
        Err(error) => Err(error.into()),
    }
}

/// A change to one operator: `action` is `role`, `disable`, `enable`, `password` or `remove`.
#[derive(Deserialize)]
pub struct Change {
    action: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

/// `POST /dashboard/users/{name}`.
pub async fn change<S: Operators + 'static>(
    state: web::Data<ConsoleState<S>>,
    name: web::Path<String>,
    form: CsrfForm<Change>,
) -> Result<HttpResponse, ConsoleError> {
    if !form.viewer.is_admin() {
        return Err(ConsoleError::AdminOnly);
    }
    let name = name.into_inner();
    let Change {
        action,
        role,
        password,
    } = form.fields;
    let myself = form.viewer.operator.name == name;
    let change = match action.as_str() {
        "role" => match Role::parse(&role) {
            Some(Role::Agent) if myself => {
                return Ok(back(
                    "problem",
                    "You cannot demote yourself; ask another administrator.",
                ));
            }
            Some(role) => OperatorChange::Role(role),
            None => return Ok(back("problem", "Choose the role admin or agent.")),
        },
        "disable" | "remove" if myself => {
            return Ok(back("problem", "You cannot disable or remove yourself."));
        }
        "disable" => OperatorChange::Disabled(true),
        "enable" => OperatorChange::Disabled(false),
        "password" => {
            if let Some(problem) = password_problem(&password) {
                return Ok(back("problem", &format!("Not changed: {problem}.")));
            }
            OperatorChange::Password(hash_password_off_thread(password).await?)
        }
        "remove" => {
            return if state.store.remove_operator(&name).await? {
                Ok(back("done", &format!("Removed {name}.")))
            } else {
                Err(ConsoleError::NotFound(format!("user {name}")))
            };
        }
        other => {
            return Err(ConsoleError::BadRequest(format!(
                "`{other}` is not something a user can be changed by."
            )));
        }
    };
    if !state.store.change_operator(&name, change).await? {
        return Err(ConsoleError::NotFound(format!("user {name}")));
    }
    let done = match action.as_str() {
        "password" => format!("New password set for {name}; their sessions ended."),
        "disable" => format!("Disabled {name}; their sessions ended."),
        "enable" => format!("Enabled {name}."),
        _ => format!("{name} is now {role}."),
    };
    Ok(back("done", &done))
}
