//! [`CloudApiClient`]: sends messages and handles media through the Graph API (reqwest with rustls,
//! pooled connections, timeouts), turning every failure into a classified [`ClientError`].

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::{RequestBuilder, Response, multipart};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::error::ClientError;
use crate::outbound::{MarkRead, OutboundMessage};

/// Meta's Graph API.
pub const DEFAULT_BASE_URL: &str = "https://graph.facebook.com";
/// The Graph API version used unless configured otherwise.
pub const DEFAULT_API_VERSION: &str = "v23.0";

/// What the client needs to know.
#[derive(Clone, Debug)]
pub struct CloudApiConfig {
    /// Scheme and host, no trailing slash needed (`https://graph.facebook.com`).
    pub base_url: String,
    /// `v23.0`.
    pub api_version: String,
    /// The phone number id we send from.
    pub phone_number_id: String,
    /// A system-user or business token.
    pub access_token: SecretString,
    /// The longest a whole call may take.
    pub timeout: Duration,
    /// The longest connecting may take.
    pub connect_timeout: Duration,
    /// How many calls may be under way at once: the connection pool keeps this many idle
    /// connections so a busy sender never opens one per send (HTTP/1.1 needs a connection per call
    /// in flight; HTTP/2, negotiated by TLS when the server offers it, shares a few).
    pub max_connections: usize,
}

impl CloudApiConfig {
    /// A configuration with the default base URL, version and timeouts (10 s, connect 5 s).
    pub fn new(phone_number_id: &str, access_token: SecretString) -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            api_version: DEFAULT_API_VERSION.to_owned(),
            phone_number_id: phone_number_id.to_owned(),
            access_token,
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            max_connections: 512,
        }
    }
}

/// A message the Graph API accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentMessage {
    /// Its id (`wamid.…`): status webhooks refer to it.
    pub id: String,
    /// The recipient's WhatsApp id as Meta normalised it, if given.
    pub wa_id: Option<String>,
}

/// Where and what an inbound media file is.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct MediaInfo {
    /// A download URL, valid for about five minutes, that needs the access token.
    pub url: String,
    /// The MIME type.
    pub mime_type: Option<String>,
    /// The SHA-256 Meta computed.
    pub sha256: Option<String>,
    /// The size in bytes, as Meta gives it.
    #[serde(default, deserialize_with = "size")]
    pub file_size: Option<u64>,
}

fn size<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(value
        .as_u64()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok())))
}

#[derive(Deserialize)]
struct SendResponse {
    #[serde(default)]
    contacts: Vec<SendContact>,
    #[serde(default)]
    messages: Vec<SendMessageId>,
}

#[derive(Deserialize)]
struct SendContact {
    wa_id: Option<String>,
}

#[derive(Deserialize)]
struct SendMessageId {
    id: String,
}

#[derive(Deserialize)]
struct UploadResponse {
    id: String,
}

/// A Graph API client for one phone number. Cheap to clone (the connection pool is shared).
#[derive(Clone, Debug)]
pub struct CloudApiClient {
    http: reqwest::Client,
    config: CloudApiConfig,
}

impl CloudApiClient {
    /// A client with its own connection pool.
    pub fn new(config: CloudApiConfig) -> Result<Self, ClientError> {
        if !(config.base_url.starts_with("https://") || config.base_url.starts_with("http://")) {
            return Err(ClientError::Config(format!(
                "base URL `{}` is not http(s)",
                config.base_url
            )));
        }
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .pool_max_idle_per_host(config.max_connections.max(1))
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_keepalive(Duration::from_secs(30))
            .tcp_nodelay(true)
            .user_agent(concat!("wabot/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| ClientError::Config(error.to_string()))?;
        Ok(Self { http, config })
    }

    /// The HTTP client (for the other Graph calls of this crate).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Runs an authorized request and reads its JSON answer.
    pub(crate) async fn get_json<T: for<'de> Deserialize<'de>>(
        &self,
        request: RequestBuilder,
    ) -> Result<T, ClientError> {
        let response = self.execute(request).await?;
        self.json(response).await
    }

    pub(crate) fn url(&self, path: &str) -> String {
        let base = self.config.base_url.trim_end_matches('/');
        format!("{base}/{}/{path}", self.config.api_version)
    }

    fn authorized(&self, request: RequestBuilder) -> RequestBuilder {
        request.bearer_auth(self.config.access_token.expose_secret())
    }

    async fn execute(&self, request: RequestBuilder) -> Result<Response, ClientError> {
        let response = self
            .authorized(request)
            .send()
            .await
            .map_err(|error| self.transport(&error))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let body = response.bytes().await.unwrap_or_default();
        Err(ClientError::from_response(status.as_u16(), &body))
    }

    fn transport(&self, error: &reqwest::Error) -> ClientError {
        if error.is_timeout() {
            ClientError::Timeout(self.config.timeout)
        } else {
            // reqwest's message names the URL, never the token.
            ClientError::Network(error.to_string())
        }
    }

    async fn json<T: for<'de> Deserialize<'de>>(
        &self,
        response: Response,
    ) -> Result<T, ClientError> {
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|error| self.transport(&error))?;
        serde_json::from_slice(&body).map_err(|_| ClientError::UnexpectedResponse {
            status,
            snippet: String::from_utf8_lossy(&body).chars().take(200).collect(),
        })
    }

    /// Sends one message: `POST /{version}/{phone_number_id}/messages`.
    pub async fn send(&self, message: &OutboundMessage) -> Result<SentMessage, ClientError> {
        let body =
            serde_json::to_string(message).map_err(|e| ClientError::Config(e.to_string()))?;
        self.send_raw(&body).await
    }

    /// Sends a request body that was built (and checked) earlier, e.g. one stored in the outbox.
    pub async fn send_raw(&self, body: &str) -> Result<SentMessage, ClientError> {
        let url = self.url(&format!("{}/messages", self.config.phone_number_id));
        let request = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_owned());
        let response = self.execute(request).await?;
        let sent: SendResponse = self.json(response).await?;
        let id = sent.messages.into_iter().next().map(|message| message.id);
        match id {
            Some(id) => Ok(SentMessage {
                id,
                wa_id: sent.contacts.into_iter().next().and_then(|c| c.wa_id),
            }),
            None => Err(ClientError::UnexpectedResponse {
                status: 200,
                snippet: "no message id in the answer".into(),
            }),
        }
    }

    /// Marks an inbound message as read (optionally with the typing indicator).
    pub async fn mark_read(&self, read: &MarkRead) -> Result<(), ClientError> {
        let url = self.url(&format!("{}/messages", self.config.phone_number_id));
        self.execute(self.http.post(url).json(read)).await.map(drop)
    }

    /// Looks up an inbound media file's download URL: `GET /{version}/{media_id}`.
    pub async fn media_info(&self, media_id: &str) -> Result<MediaInfo, ClientError> {
        let url = self.url(media_id);
        let request = self
            .http
            .get(url)
            .query(&[("phone_number_id", &self.config.phone_number_id)]);
        let response = self.execute(request).await?;
        self.json(response).await
    }

    /// Downloads a media file from the URL [`CloudApiClient::media_info`] gave, refusing anything over
    /// `max_bytes` (by its announced length, and again while reading).
    pub async fn download_media(&self, url: &str, max_bytes: u64) -> Result<Bytes, ClientError> {
        let mut response = self.execute(self.http.get(url)).await?;
        if response
            .content_length()
            .is_some_and(|length| length > max_bytes)
        {
            return Err(ClientError::MediaTooLarge { max: max_bytes });
        }
        let mut body = BytesMut::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| self.transport(&error))?
        {
            let total = u64::try_from(body.len() + chunk.len()).unwrap_or(u64::MAX);
            if total > max_bytes {
                return Err(ClientError::MediaTooLarge { max: max_bytes });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }

    /// Uploads a media file: `POST /{version}/{phone_number_id}/media` (multipart); returns its id.
    pub async fn upload_media(
        &self,
        data: Bytes,
        mime_type: &str,
        filename: &str,
    ) -> Result<String, ClientError> {
        let part = multipart::Part::stream(data)
            .file_name(filename.to_owned())
            .mime_str(mime_type)
            .map_err(|_| ClientError::Config(format!("`{mime_type}` is not a MIME type")))?;
        let form = multipart::Form::new()
            .text("messaging_product", "whatsapp")
            .text("type", mime_type.to_owned())
            .part("file", part);
        let url = self.url(&format!("{}/media", self.config.phone_number_id));
        let response = self.execute(self.http.post(url).multipart(form)).await?;
        let uploaded: UploadResponse = self.json(response).await?;
        Ok(uploaded.id)
    }
}
