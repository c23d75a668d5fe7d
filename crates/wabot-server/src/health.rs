//! `wabot health`: asks the running server's `GET /health` (or `/ready`) at the address of
//! `server.bind` and succeeds on a 200 — for a container's `HEALTHCHECK` and the systemd unit's
//! start check, where no HTTP client may be installed. Plain HTTP/1.0 over a TCP socket: the
//! server listens on plain HTTP (a proxy in front does TLS), and one status line is all it reads.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use anyhow::Context;

/// Where to connect for a server bound to `bind`: a wildcard address means this machine.
fn target(bind: &str) -> anyhow::Result<SocketAddr> {
    let mut address = bind
        .to_socket_addrs()
        .with_context(|| format!("server.bind = {bind:?} is not an address"))?
        .next()
        .with_context(|| format!("server.bind = {bind:?} names no address"))?;
    if address.ip().is_unspecified() {
        address.set_ip(if address.is_ipv4() {
            std::net::Ipv4Addr::LOCALHOST.into()
        } else {
            std::net::Ipv6Addr::LOCALHOST.into()
        });
    }
    Ok(address)
}

/// One request: the status code.
fn ask(address: SocketAddr, path: &str) -> anyhow::Result<u16> {
    let timeout = Duration::from_secs(3);
    let mut stream = TcpStream::connect_timeout(&address, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n")?;
    let mut head = [0_u8; 64];
    let read = stream.read(&mut head)?;
    let line = String::from_utf8_lossy(&head[..read]);
    line.split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .with_context(|| format!("not an HTTP answer: {line:?}"))
}

/// Asks `path` (`/health` or `/ready`) of the server bound to `bind`, again every half second
/// for up to `wait`; Ok once it answers 200, else what it last said.
pub fn check(bind: &str, path: &str, wait: Duration) -> anyhow::Result<String> {
    let address = target(bind)?;
    let started = Instant::now();
    loop {
        let outcome = ask(address, path);
        match outcome {
            Ok(200) => return Ok(format!("http://{address}{path}: 200")),
            _ if started.elapsed() < wait => std::thread::sleep(Duration::from_millis(500)),
            Ok(code) => anyhow::bail!("http://{address}{path} answered {code}"),
            Err(error) => anyhow::bail!("http://{address}{path}: {error:#}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wildcard_bind_is_asked_on_this_machine() {
        assert_eq!(
            target("0.0.0.0:8080").unwrap().to_string(),
            "127.0.0.1:8080"
        );
        assert_eq!(target("[::]:80").unwrap().to_string(), "[::1]:80");
        assert_eq!(target("10.0.0.5:9").unwrap().to_string(), "10.0.0.5:9");
        assert!(target("nonsense").is_err());
    }

    #[test]
    fn nothing_listening_is_an_error_naming_the_address() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let error = check(&format!("127.0.0.1:{port}"), "/health", Duration::ZERO).unwrap_err();
        assert!(
            error
                .to_string()
                .contains(&format!("127.0.0.1:{port}/health"))
        );
    }
}
