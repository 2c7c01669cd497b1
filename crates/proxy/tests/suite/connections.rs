//! Connections over real sockets: one that never brings a whole request is closed at the
//! header-read timeout counted from its accept, whether it says nothing, stops inside the
//! HTTP/2 preface or opens HTTP/2 and sends no request; one left idle after its requests is
//! closed at the idle timeout, HTTP/1 and HTTP/2 alike; and no more than the configured
//! number are open at once.

use crate::common::start_with;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long until the server hangs up on `stream`, reading whatever it sends meanwhile.
async fn closed_after(mut stream: TcpStream) -> Duration {
    let started = Instant::now();
    let mut sink = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut sink)).await;
    assert!(read.is_ok(), "still open after 10 s");
    started.elapsed()
}

#[tokio::test]
async fn a_connection_without_a_whole_request_is_closed_counted_from_its_accept() {
    let h = start_with(|c| c.limits.header_read_timeout_ms = 400).await;
    let at = h.running.addr;
    // Nothing at all.
    let silent = TcpStream::connect(at).await.unwrap();
    // Half of HTTP/2's preface.
    let mut half = TcpStream::connect(at).await.unwrap();
    half.write_all(b"PRI * HTTP/2.0\r\n").await.unwrap();
    // The whole preface and its settings, then no request.
    let mut settings_only = TcpStream::connect(at).await.unwrap();
    settings_only
        .write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04\0\0\0\0\0")
        .await
        .unwrap();
    for (what, stream) in [
        ("silent", silent),
        ("half a preface", half),
        ("settings only", settings_only),
    ] {
        let after = closed_after(stream).await;
        assert!(after < Duration::from_secs(3), "{what}: {after:?}");
    }
    let metrics = h.metrics().await;
    assert!(
        !metrics.contains("tableorder_silent_connections_closed_total 0"),
        "{metrics}"
    );
}

#[tokio::test]
async fn an_idle_connection_is_closed_http1_and_http2_alike() {
    let h = start_with(|c| {
        c.limits.request_timeout_ms = 500;
        c.limits.idle_timeout_ms = 1_200;
    })
    .await;
    let at = h.running.addr;

    // HTTP/1.1 keep-alive: answered, then left alone.
    let mut one = TcpStream::connect(at).await.unwrap();
    one.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut answer = [0u8; 12];
    one.read_exact(&mut answer).await.unwrap();
    assert_eq!(&answer, b"HTTP/1.1 200");
    let after = closed_after(one).await;
    assert!(
        (Duration::from_millis(900)..Duration::from_secs(4)).contains(&after),
        "HTTP/1: {after:?}"
    );

    // HTTP/2: a request, then no frame.
    let tcp = TcpStream::connect(at).await.unwrap();
    let (mut client, connection) = h2::client::handshake(tcp).await.unwrap();
    let started = Instant::now();
    let ended = tokio::spawn(async move {
        let _ = connection.await;
        Instant::now()
    });
    let request = http::Request::get(format!("http://{at}/healthz"))
        .body(())
        .unwrap();
    let (response, _) = client.send_request(request, true).unwrap();
    assert_eq!(response.await.unwrap().status(), 200);
    let ended = tokio::time::timeout(Duration::from_secs(10), ended)
        .await
        .expect("closed")
        .unwrap();
    let after = ended - started;
    assert!(
        (Duration::from_millis(900)..Duration::from_secs(4)).contains(&after),
        "HTTP/2: {after:?}"
    );
}

#[tokio::test]
async fn no_more_connections_are_open_than_the_cap() {
    let h = start_with(|c| {
        c.limits.max_connections = 2;
        c.limits.header_read_timeout_ms = 5_000;
    })
    .await;
    let at = h.running.addr;
    let first = TcpStream::connect(at).await.unwrap();
    let _second = TcpStream::connect(at).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    // A third waits in the kernel's queue: no answer while the two are open.
    let mut third = TcpStream::connect(at).await.unwrap();
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let waited =
        tokio::time::timeout(Duration::from_millis(700), third.read_to_end(&mut answer)).await;
    assert!(waited.is_err(), "answered beyond the cap: {answer:?}");
    drop(first);
    tokio::time::timeout(Duration::from_secs(5), third.read_to_end(&mut answer))
        .await
        .expect("answered once a place is free")
        .unwrap();
    assert!(answer.starts_with(b"HTTP/1.1 200"), "{answer:?}");
}
