//! `wabot user add|list|remove|password|disable|enable`: the console's operators from the command
//! line (how the first administrator is made). A password is read from the first line of standard
//! input, or asked twice without echo on a terminal; it is never an argument (arguments show up in
//! `ps` and shell history).

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use wabot_app::{OperatorChange, Operators, Role, StoreError, utc_now};
use wabot_console::{hash_password, name_problem, password_problem};
use wabot_store::DieselStore;

/// What to do.
#[derive(Debug)]
pub enum UserCommand {
    /// Add an operator with a role.
    Add {
        /// The login name.
        name: String,
        /// `admin` or `agent`.
        role: Role,
    },
    /// List the operators.
    List,
    /// Remove an operator (and end their sessions).
    Remove {
        /// The login name.
        name: String,
    },
    /// Set a new password (and end their sessions).
    Password {
        /// The login name.
        name: String,
    },
    /// Disable (`true`) or enable an operator.
    Disable {
        /// The login name.
        name: String,
        /// Disable, or enable again.
        disabled: bool,
    },
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

/// Runs a user command against the database at `url`; returns what to print.
pub async fn run(url: &str, command: UserCommand) -> anyhow::Result<String> {
    let store = DieselStore::open(url, 1).await?;
    let missing = |name: &str| {
        anyhow::anyhow!("there is no user named {name} (`wabot user list` shows them)")
    };
    match command {
        UserCommand::Add { name, role } => {
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
        UserCommand::Disable { name, disabled } => {
            if !store
                .change_operator(&name, OperatorChange::Disabled(disabled))
                .await?
            {
                return Err(missing(&name));
            }
            Ok(if disabled {
                format!("disabled {name}; their sessions ended")
            } else {
                format!("enabled {name}")
            })
        }
    }
}
