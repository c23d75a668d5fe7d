//! [`CurrentEngine`]: the engine every conversation worker steps with, replaceable while they run
//! (a menu reload). A turn takes the engine once, at its start, so each turn runs on one menu from
//! beginning to end; the next turn sees the new one. A conversation saved at a node the new menu lacks
//! starts again at the main menu, with a sentence saying the menu changed (the engine's rule).

use std::sync::{Arc, PoisonError, RwLock};

use wabot_engine::Engine;

/// The engine in use, shared by the workers and swapped atomically by a reload.
#[derive(Debug)]
pub struct CurrentEngine {
    engine: RwLock<Arc<Engine>>,
}

impl CurrentEngine {
    /// Starts with `engine`.
    pub fn new(engine: Arc<Engine>) -> Self {
        Self {
            engine: RwLock::new(engine),
        }
    }

    /// The engine in use now.
    pub fn get(&self) -> Arc<Engine> {
        // A poisoned lock still holds a whole `Arc` (replacing it cannot panic half-way).
        Arc::clone(&self.engine.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Puts `engine` in use for every turn that starts from now on; returns the one it replaces.
    pub fn replace(&self, engine: Arc<Engine>) -> Arc<Engine> {
        let mut current = self.engine.write().unwrap_or_else(PoisonError::into_inner);
        std::mem::replace(&mut *current, engine)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use wabot_engine::{DEFAULT_MENU_TOML, Menu};

    use super::*;

    #[test]
    fn a_replaced_engine_is_the_one_handed_out() {
        let first = Arc::new(Engine::new(Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap()));
        let second = Arc::new(Engine::new(Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap()));
        let current = CurrentEngine::new(Arc::clone(&first));
        assert!(Arc::ptr_eq(&current.get(), &first));
        let old = current.replace(Arc::clone(&second));
        assert!(Arc::ptr_eq(&old, &first));
        assert!(Arc::ptr_eq(&current.get(), &second));
    }
}
