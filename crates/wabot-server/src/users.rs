//! `wabot user add|list|remove|password|disable|enable`: the console's operators from the command
//! line (how the first administrator is made). A password is read from the first line of standard
//! input, or asked twice without echo on a terminal; it is never an argument (arguments show up in
//! `ps` and shell history).

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use wabot_app::{OperatorChange, Operators, Role, StoreError, utc_now};
use wabot_console::{hash_password, name_problem, password_problem};
use wabot_store::DieselStore;

/// What `wabot user` does (parsed by clap). Passwords come from the first line of standard
/// input, or are asked twice on a terminal; never from an argument.
#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Add a user: `wabot user add ana --role admin`.
    Add {
        /// The login name (letters, digits, `.`, `-`, `_`, `@`).
        name: String,
        /// What they may do: agents see conversations, contacts and tickets; admins also users.
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// List the users.
    List,
    /// Remove a user (their sessions end).
    Remove {
        /// The login name.
        name: String,
    },
    /// Set a new password (their sessions end).
    Password {
        /// The login name.
        name: String,
    },
    /// Disable a user (their sessions end); `enable` lets them in again.
    Disable {
        /// The login name.
        name: String,
    },
    /// Enable a disabled user.
    Enable {
        /// The login name.
        name: String,
    },
}

/// A role on the command line.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum RoleArg {
    /// Conversations, contacts, tickets, and users.
    Admin,
    /// Conversations, contacts and tickets.
    Agent,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Admin => Role::Admin,
            RoleArg::Agent => Role::Agent,
        }
    }
}

/// Reads a new password: asked twice on a terminal, else the first line of standard input.
fn read_password(name: &str) -> anyhow::Result<String> {
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("New password for {name}: "))?;
        let second = rpassword::prompt_password("The same again: ")?;
        if first != second {
            bail!("the two passwords differ; nothing was changed");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    if let Some(problem) = password_problem(&password) {
        bail!("{problem}; nothing was changed");
    }
    Ok(password)
}

/// The error for a name no operator has.
fn missing(name: &str) -> anyhow::Error {
    anyhow::anyhow!("there is no user named {name} (`wabot user list` shows them)")
}

/// Runs a user command against the database at `url`; returns what to print.
pub async fn run(url: &str, command: UserCommand) -> anyhow::Result<String> {
    let store = DieselStore::open(url, 1).await?;
    match command {
        UserCommand::Add { name, role } => {
            let role = Role::from(role);
            if let Some(problem) = name_problem(&name) {
                bail!("{problem}");
            }
            let hash = hash_password(&read_password(&name)?)?;
            match store.add_operator(&name, role, &hash, utc_now()).await {
                Ok(_) => Ok(format!(
                    "added {name} ({}); they sign in at /dashboard/login",
                    role.as_str()
                )),
                Err(StoreError::Conflict(_)) => bail!(
                    "there is already a user named {name}; `wabot user password {name}` sets a new password"
                ),
                Err(error) => Err(error.into()),
            }
        }
        UserCommand::List => {
            let operators = store.list_operators().await?;
            if operators.is_empty() {
                return Ok("no users yet: add one with `wabot user add NAME --role admin`".into());
            }
            let lines: Vec<String> = operators
                .iter()
                .map(|o| {
                    let last = o.last_login_at.map_or_else(
                        || "never signed in".into(),
                        |at| format!("last sign-in {}", at.format("%Y-%m-%d %H:%M UTC")),
                    );
                    let state = if o.disabled { "disabled" } else { "active" };
                    format!("{:<24} {:<6} {:<9} {last}", o.name, o.role.as_str(), state)
                })
                .collect();
            Ok(lines.join("\n"))
        }
        UserCommand::Remove { name } => {
            if !store.remove_operator(&name).await? {
                return Err(missing(&name));
            }
            Ok(format!("removed {name}; their sessions ended"))
        }
        UserCommand::Password { name } => {
            if store.credentials(&name).await?.is_none() {
                return Err(missing(&name));
            }
            let hash = hash_password(&read_password(&name)?)?;
            store
                .change_operator(&name, OperatorChange::Password(hash))
                .await?;
            Ok(format!("new password set for {name}; their sessions ended"))
        }
        UserCommand::Disable { name } => switch(&store, &name, true).await,
        UserCommand::Enable { name } => switch(&store, &name, false).await,
    }
}

/// Disables (their sessions end) or enables an operator.
async fn switch(store: &DieselStore, name: &str, disabled: bool) -> anyhow::Result<String> {
    if !store
        .change_operator(name, OperatorChange::Disabled(disabled))
        .await?
    {
        return Err(missing(name));
    }
    Ok(if disabled {
        format!("disabled {name}; their sessions ended")
    } else {
        format!("enabled {name}")
    })
}
