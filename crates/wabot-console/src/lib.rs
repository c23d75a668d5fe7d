#![doc = include_str!("../README.md")]

mod assets;
mod bubbles;
mod charts;
mod error;
mod forms;
mod guard;
mod page;
mod pages;
mod passwords;
mod routes;
mod state;
mod throttle;
mod tokens;

pub use error::ConsoleError;
pub use guard::{Access, SESSION_COOKIE, access};
pub use pages::users::name_problem;
pub use passwords::{MIN_PASSWORD_CHARS, hash_password, password_problem, verify_password};
pub use routes::{DASHBOARD, LOGIN, configure};
pub use state::{ConsoleConfig, ConsoleState};
