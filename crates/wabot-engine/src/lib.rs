#![doc = include_str!("../README.md")]

mod actions;
mod compile;
mod compile_form;
mod compile_hours;
mod compile_lang;
mod compile_menu;
mod compile_settings;
mod compile_text;
mod compile_tree;
mod definition;
mod engine;
mod error;
mod form;
mod handoff;
mod hours;
mod input;
mod language;
pub mod limits;
mod lookup;
mod marketing_texts;
mod memory;
mod menu;
mod outline;
mod port;
mod reply;
mod results;
mod state;
mod texts;
mod ticket_notice;
mod unknown_keys;

pub use actions::{FormAction, NodeAction};
pub use definition::MenuFile;
pub use engine::Engine;
pub use error::{MenuErrors, Problem};
pub use hours::BusinessHours;
pub use input::{Input, MediaKind, fold, normalize_reference, option_number};
pub use lookup::{Answer, Lookup, RecordSource, Records, Stepped, Unavailable};
pub use marketing_texts::MarketingTexts;
pub use memory::{DEMO_CUSTOMER, Feedback, InMemoryBusinessData};
pub use menu::Menu;
pub use outline::{OptionTarget, Outline, OutlineField, OutlineKind, OutlineNode, OutlineOption};
pub use port::{
    BusinessData, DefectTicket, NewDefect, Order, OrderStatus, ScheduleEntry, ScheduleKind,
    ScheduleStatus, TicketStatus, TicketStatusChange,
};
pub use reply::{AbandonReason, Event, HandoffChange, MenuReply, Reply, ReplyOption, Step};
pub use state::{ConversationState, FormProgress, HandoffStage};
pub use ticket_notice::TicketNotice;

/// The default menu tree (`config/menu.toml`), built in so embedding users and tests have it.
pub const DEFAULT_MENU_TOML: &str = include_str!("../../../config/menu.toml");
