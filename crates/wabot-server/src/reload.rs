//! Menu reload without a restart: [`MenuReloader`] reads the menu file again, and puts the new menu
//! in use for every conversation turn that starts from then on — only if the whole file is valid.
//! An invalid file keeps the running menu and says why: in the log, in the answer of
//! `POST /api/menu/reload`, and in `wabot_menu_reloads_total{outcome="refused"}`. [`on_sighup`] runs
//! it on every SIGHUP.

use std::sync::Arc;

use wabot_app::CurrentEngine;
use wabot_engine::{Engine, Menu, MenuFile};
use wabot_http::{MenuReload, MenuReloaded, Metrics};

use crate::workers::Task;

/// Reloads one menu file into the engine the workers share.
pub struct MenuReloader {
    path: String,
    current: Arc<CurrentEngine>,
    metrics: Arc<Metrics>,
}

/// The menu file at `path`, compiled, or every problem in it as `path:line: message`.
pub fn compile_menu(path: &str) -> Result<Menu, Vec<String>> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| vec![format!("{path}: cannot read the menu file: {error}")])?;
    MenuFile::parse(&text)
        .and_then(|file| Menu::compile(&file))
        .map_err(|errors| {
            errors
                .problems()
                .iter()
                .map(|problem| format!("{path}:{}: {}", problem.line, problem.message))
                .collect()
        })
}

impl MenuReloader {
    /// Reloads `path` into `current`, counting each outcome in `metrics`.
    pub fn new(path: &str, current: Arc<CurrentEngine>, metrics: Arc<Metrics>) -> Self {
        Self {
            path: path.to_owned(),
            current,
            metrics,
        }
    }

    /// Reads and compiles the file; puts it in use if it is valid, else keeps the running menu.
    pub fn reload(&self) -> MenuReload {
        match compile_menu(&self.path) {
            Ok(menu) => {
                let nodes = menu.node_ids().count();
                self.current.replace(Arc::new(Engine::new(menu)));
                self.metrics.menu_reloaded(true);
                tracing::info!(path = %self.path, nodes, "menu reloaded: the new menu is in use");
                Ok(MenuReloaded {
                    path: self.path.clone(),
                    nodes,
                })
            }
            Err(problems) => {
                self.metrics.menu_reloaded(false);
                tracing::warn!(
                    path = %self.path,
                    problems = %problems.join("; "),
                    "menu reload refused: the running menu is kept"
                );
                Err(problems)
            }
        }
    }
}

/// A task that reloads the menu on every SIGHUP (on Unix; elsewhere it does nothing).
pub fn on_sighup(reloader: Arc<MenuReloader>) -> Task {
    Box::pin(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let mut hangups = match signal(SignalKind::hangup()) {
                Ok(hangups) => hangups,
                Err(error) => {
                    tracing::warn!(%error, "cannot listen for SIGHUP; reload the menu with POST /api/menu/reload");
                    return;
                }
            };
            while hangups.recv().await.is_some() {
                tracing::info!("SIGHUP: reloading the menu");
                let reloader = Arc::clone(&reloader);
                if let Err(error) = tokio::task::spawn_blocking(move || reloader.reload()).await {
                    tracing::warn!(%error, "the menu reload stopped");
                }
            }
        }
        #[cfg(not(unix))]
        let _ = reloader;
    })
}
