#![doc = include_str!("../README.md")]

pub mod application;
pub mod campaign_cli;
pub mod campaigns;
pub mod chat;
pub mod check;
pub mod components;
pub mod diagram;
pub mod handoff_timer;
pub mod health;
pub mod layers;
pub mod messenger;
pub mod observer;
pub mod reload;
pub mod serve;
pub mod settings;
pub mod suggest;
pub mod telemetry;
pub mod users;
pub mod validate;
pub mod workers;

pub use application::Application;
pub use components::Components;
pub use settings::Settings;
