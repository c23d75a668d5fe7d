//! The console's pages, one file each: its handlers, the rows it shows, and its template's struct.

pub mod campaigns;
pub mod contact;
pub mod conversations;
pub mod handoffs;
pub mod login;
pub mod overview;
pub mod ticket_media;
pub mod tickets;
pub mod transcript;
pub mod users;
