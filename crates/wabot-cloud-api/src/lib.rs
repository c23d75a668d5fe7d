#![doc = include_str!("../README.md")]

mod account;
mod builders;
mod checks;
mod client;
mod echoes;
mod error;
mod inbound;
mod json;
mod media_source;
mod outbound;
mod ports;
mod render;
mod signature;
mod status;
mod template;
mod templates_client;
mod webhook;

pub use account::account_updates;
pub use builders::InteractiveParts;
pub use checks::BuildError;
pub use client::{
    CloudApiClient, CloudApiConfig, DEFAULT_API_VERSION, DEFAULT_BASE_URL, MediaInfo, SentMessage,
};
pub use echoes::{EchoesValue, MessageEcho};
pub use error::{ClientError, ErrorClass, GraphError, class_of_code};
pub use inbound::{
    InboundMessage, InteractiveReply, Location, Media, MessageContent, MessageContext,
};
pub use outbound::{
    ButtonAction, ButtonReply, Header, Interactive, Language, ListAction, LocationObject, MarkRead,
    MediaObject, MessageBody, OutboundMessage, ReactionObject, ReplyButton, ReplyContext, Row,
    Section, Template, TemplateComponent, Text, TextObject, TypingIndicator,
};
pub use ports::CloudApiRenderer;
pub use render::{render, split_text};
pub use secrecy::SecretString;
pub use signature::{SIGNATURE_HEADER, SignatureError, SignatureVerifier, VerifierError, sign};
pub use status::{Pricing, Status, StatusKind, WebhookError};
pub use template::param;
/// The kinds of media message (the same as the engine's inbound media kinds).
pub use wabot_engine::MediaKind;
pub use webhook::{Change, Contact, Entry, MessagesValue, Metadata, ParseError, WebhookPayload};
