//! A seeded HTTP/1.1 proxy that sits between `skm` and a sandbox and breaks
//! the network the ways a real one breaks: refused connections, gateway
//! errors before or after the request was applied, answers lost or cut short,
//! HTML where JSON was expected.
//!
//! One request per connection, `Connection: close` both ways: the client never
//! pipelines, and every exchange is numbered in arrival order, so request `n`
//! meets `FaultPlan::fault(n)` on every run with the same seed. The request's
//! bytes are forwarded untouched but for the `Connection` header: the Host
//! header and everything else the ACS3 signature covers must reach the sandbox
//! as the client sent them.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The faults, in the order the plan draws them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetFault {
    /// The connection is refused: the request was never sent.
    Refused,
    /// 503 `ServiceUnavailable`, not forwarded.
    Unavailable,
    /// 429 `Throttling.User` with `x-acs-retry-after: 1`, not forwarded.
    Throttled,
    /// Forwarded (so applied), then closed without a byte of answer.
    DropAfterApply,
    /// Forwarded, then a gateway's HTML 502.
    BadGatewayAfterApply,
    /// Forwarded, then the answer's head and half its body.
    CutInHalf,
    /// Forwarded, then a 200 HTML page (a captive portal or a WAF).
    HtmlInsteadOfJson,
}

impl NetFault {
    pub const ALL: [NetFault; 7] = [
        NetFault::Refused,
        NetFault::Unavailable,
        NetFault::Throttled,
        NetFault::DropAfterApply,
        NetFault::BadGatewayAfterApply,
        NetFault::CutInHalf,
        NetFault::HtmlInsteadOfJson,
    ];

    pub fn name(self) -> &'static str {
        match self {
            NetFault::Refused => "refused",
            NetFault::Unavailable => "503 before applying",
            NetFault::Throttled => "429 before applying",
            NetFault::DropAfterApply => "drop after applying",
            NetFault::BadGatewayAfterApply => "502 after applying",
            NetFault::CutInHalf => "cut in half",
            NetFault::HtmlInsteadOfJson => "HTML instead of JSON",
        }
    }

    fn index(self) -> usize {
        NetFault::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }
}

/// SplitMix64's finaliser: a small, stable mixing function (the plan must not
/// change with a crate upgrade, or a seed stops meaning the same run).
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform number in [0, 1) for draw `n` of `stream` under `seed`.
pub fn unit(seed: u64, n: u64, stream: u64) -> f64 {
    (mix(mix(seed ^ stream).wrapping_add(n)) >> 11) as f64 / (1u64 << 53) as f64
}

/// Which request meets which fault: a pure function of the seed and the
/// request's number. Requests are planned ten at a time, and exactly
/// `rate × 10` of every ten meet a fault (which ones, and which fault, drawn
/// from the seed): 30 % is 30 % of every stretch of requests, recovery and
/// lookup calls included, not 30 % on average.
#[derive(Debug, Clone, Copy)]
pub struct FaultPlan {
    pub seed: u64,
    /// Share of requests that meet a fault, split equally over the kinds.
    pub rate: f64,
}

impl FaultPlan {
    /// Requests per planned block.
    pub const BLOCK: u64 = 10;

    pub fn new(seed: u64) -> FaultPlan {
        FaultPlan { seed, rate: 0.30 }
    }

    pub fn fault(&self, n: u64) -> Option<NetFault> {
        let per_block = (self.rate.clamp(0.0, 1.0) * Self::BLOCK as f64).round() as usize;
        let first = n - n % Self::BLOCK;
        let draw = |slot: u64| (unit(self.seed, slot, 0xFA_u64), slot);
        // This request's rank among its block's draws: the lowest ones meet a fault.
        let rank = (first..first + Self::BLOCK)
            .filter(|slot| draw(*slot) < draw(n))
            .count();
        if rank >= per_block {
            return None;
        }
        let kind = (unit(self.seed, n, 0xF4_u64) * NetFault::ALL.len() as f64) as usize;
        Some(NetFault::ALL[kind.min(NetFault::ALL.len() - 1)])
    }
}

#[derive(Default)]
struct Stats {
    /// Request slots used so far, refused ones included.
    planned: AtomicU64,
    injected: [AtomicU64; 7],
}

impl Stats {
    fn count(&self, fault: NetFault) {
        self.injected[fault.index()].fetch_add(1, Ordering::SeqCst);
    }
}

pub struct FaultProxy {
    addr: SocketAddr,
    stats: Arc<Stats>,
    /// False while the listening socket is closed to refuse connections.
    listening: watch::Receiver<bool>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

/// How long the listening socket stays closed for one refused connection:
/// long enough for a client that connects again at once, short enough for
/// one that waits before retrying to get through.
const REFUSED_PAUSE: Duration = Duration::from_millis(150);

impl FaultProxy {
    /// A proxy on a free loopback port in front of `upstream`, a base URL
    /// such as `http://127.0.0.1:PORT`.
    pub async fn start(upstream: &str, plan: FaultPlan) -> FaultProxy {
        FaultProxy::start_with_pause(upstream, plan, REFUSED_PAUSE).await
    }

    /// `start`, with the socket closed for `refused_pause` per refused slot.
    pub async fn start_with_pause(
        upstream: &str,
        plan: FaultPlan,
        refused_pause: Duration,
    ) -> FaultProxy {
        let upstream: SocketAddr = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .expect("upstream is http://IP:PORT");
        let listener = listen(SocketAddr::from(([127, 0, 0, 1], 0))).expect("proxy listens");
        let addr = listener.local_addr().unwrap();
        let stats = Arc::new(Stats::default());
        let (stop, stopped) = watch::channel(false);
        let (listening_tx, listening) = watch::channel(true);
        let listener = Listener {
            socket: Some(listener),
            addr,
            listening: listening_tx,
        };
        let task = tokio::spawn(serve(
            listener,
            upstream,
            plan,
            refused_pause,
            stats.clone(),
            stopped,
        ));
        FaultProxy {
            addr,
            stats,
            listening,
            stop,
            task,
        }
    }

    /// `http://127.0.0.1:<port>`: what `skm --endpoint` takes.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Request slots the plan has been asked about (refused ones included).
    pub fn requests(&self) -> u64 {
        self.stats.planned.load(Ordering::SeqCst)
    }

    /// How often each fault was injected, in `NetFault::ALL` order.
    pub fn injected(&self) -> Vec<(NetFault, u64)> {
        NetFault::ALL
            .iter()
            .map(|f| (*f, self.stats.injected[f.index()].load(Ordering::SeqCst)))
            .collect()
    }

    /// Waits until no refusal window is open, so the faults one caller met
    /// do not spill over onto the next one.
    pub async fn until_listening(&self) {
        let mut listening = self.listening.clone();
        let _ = listening.wait_for(|l| *l).await;
    }

    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(5), self.task).await;
    }
}

/// A listening socket with SO_REUSEADDR, so the same port can be bound again
/// right after it was closed (its old connections linger in TIME_WAIT).
fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(128)
}

/// The listening socket, closed and opened again around refused slots.
struct Listener {
    socket: Option<TcpListener>,
    addr: SocketAddr,
    listening: watch::Sender<bool>,
}

impl Listener {
    fn close(&mut self) {
        drop(self.socket.take());
        let _ = self.listening.send(false);
    }

    async fn reopen(&mut self) {
        for _ in 0..50 {
            if let Ok(l) = listen(self.addr) {
                self.socket = Some(l);
                let _ = self.listening.send(true);
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the proxy could not listen on {} again", self.addr);
    }
}

/// Sleeps `d`, or less if the proxy is told to stop; true when it was.
async fn pause(d: Duration, stopped: &mut watch::Receiver<bool>) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(d) => *stopped.borrow(),
        _ = stopped.changed() => true,
    }
}

async fn serve(
    mut listener: Listener,
    upstream: SocketAddr,
    plan: FaultPlan,
    refused_pause: Duration,
    stats: Arc<Stats>,
    mut stopped: watch::Receiver<bool>,
) {
    // Refused connections are made by closing the listening socket, so that
    // the client's connect fails with ECONNREFUSED: the request provably never
    // left. Accepting and then closing would look to the client like an answer
    // lost after sending, which is the different fault `DropAfterApply`.
    let mut n: u64 = 0;
    loop {
        // Refused slots at the head of the plan: nothing in flight, close now.
        let refused = refused_run(&plan, &stats, &mut n);
        if refused > 0 {
            listener.close();
            if pause(refused_pause * refused, &mut stopped).await {
                return;
            }
            listener.reopen().await;
        }
        let Some(socket) = listener.socket.as_ref() else {
            return;
        };
        let client = tokio::select! {
            accepted = socket.accept() => match accepted {
                Ok((c, _)) => c,
                Err(_) => continue,
            },
            _ = stopped.changed() => return,
        };
        let fault = plan.fault(n);
        stats.planned.fetch_add(1, Ordering::SeqCst);
        let exchange = tokio::spawn(exchange(
            client,
            upstream,
            fault,
            plan.seed,
            n,
            stats.clone(),
        ));
        n += 1;
        let refused = refused_run(&plan, &stats, &mut n);
        if refused > 0 {
            // The next connection must be refused: close before this exchange
            // answers, since the client connects again as soon as it has.
            listener.close();
            let _ = exchange.await;
            if pause(refused_pause * refused, &mut stopped).await {
                return;
            }
            listener.reopen().await;
        }
    }
}

/// Counts the refused slots from `n` on (a refusal counts once planned) and
/// moves `n` past them.
fn refused_run(plan: &FaultPlan, stats: &Stats, n: &mut u64) -> u32 {
    let mut run = 0;
    while plan.fault(*n) == Some(NetFault::Refused) {
        stats.count(NetFault::Refused);
        stats.planned.fetch_add(1, Ordering::SeqCst);
        *n += 1;
        run += 1;
    }
    run
}

/// A message as read off the wire: the head (start line and headers, without
/// the blank line) and the body.
struct Message {
    head: String,
    body: Vec<u8>,
}

impl Message {
    /// The head with `Connection: close` in place of any connection header.
    fn head_closing(&self) -> String {
        let mut lines: Vec<&str> = self
            .head
            .split("\r\n")
            .filter(|l| {
                let name = l.split(':').next().unwrap_or("").trim();
                !name.eq_ignore_ascii_case("connection") && !name.eq_ignore_ascii_case("keep-alive")
            })
            .collect();
        lines.push("Connection: close");
        format!("{}\r\n\r\n", lines.join("\r\n"))
    }
}

const MAX_MESSAGE: usize = 16 << 20;

fn find_blank_line(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n")
}

fn content_length(head: &str) -> usize {
    head.split("\r\n")
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0)
}

/// One request: the head, then Content-Length bytes of body (the client
/// never sends a chunked body).
async fn read_request(stream: &mut TcpStream) -> io::Result<Message> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let end = loop {
        if let Some(i) = find_blank_line(&buf) {
            break i;
        }
        let got = stream.read(&mut chunk).await?;
        if got == 0 || buf.len() > MAX_MESSAGE {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..got]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let want = content_length(&head).min(MAX_MESSAGE);
    let mut body = buf[end + 4..].to_vec();
    while body.len() < want {
        let got = stream.read(&mut chunk).await?;
        if got == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        body.extend_from_slice(&chunk[..got]);
    }
    body.truncate(want);
    Ok(Message { head, body })
}

/// Sends `request` to the sandbox on a fresh connection and reads its whole
/// answer (the sandbox closes after it, as asked).
async fn forward(upstream: SocketAddr, request: &Message) -> io::Result<Message> {
    let mut up = TcpStream::connect(upstream).await?;
    up.write_all(request.head_closing().as_bytes()).await?;
    up.write_all(&request.body).await?;
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), up.read_to_end(&mut raw))
        .await
        .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))??;
    let end = find_blank_line(&raw).ok_or(io::ErrorKind::InvalidData)?;
    Ok(Message {
        head: String::from_utf8_lossy(&raw[..end]).into_owned(),
        body: raw[end + 4..].to_vec(),
    })
}

/// An answer the proxy makes up, as a gateway would.
fn made_up(status: &str, content_type: &str, extra: &[(&str, &str)], body: &str) -> Message {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}",
        body.len()
    );
    for (k, v) in extra {
        head.push_str(&format!("\r\n{k}: {v}"));
    }
    Message {
        head,
        body: body.as_bytes().to_vec(),
    }
}

/// A request id shaped like the service's, derived from the plan (no randomness).
fn request_id(seed: u64, n: u64) -> String {
    let (a, b) = (mix(seed ^ n.rotate_left(17)), mix(n ^ seed.rotate_left(29)));
    format!(
        "{:08X}-{:04X}-{:04X}-{:04X}-{:012X}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFFF,
        b >> 48,
        b & 0xFFFF_FFFF_FFFF
    )
}

fn api_error(status: &str, code: &str, message: &str, id: &str, extra: &[(&str, &str)]) -> Message {
    let body = serde_json::json!({ "Code": code, "Message": message, "RequestId": id }).to_string();
    made_up(status, "application/json", extra, &body)
}

const BAD_GATEWAY_HTML: &str = "<html><body><h1>502 Bad Gateway</h1></body></html>";
const PORTAL_HTML: &str = "<!DOCTYPE html><html><head><title>Sign in to the network</title></head>\
<body><h1>Access to this site is blocked</h1><p>Sign in to continue browsing.</p></body></html>";

async fn answer(client: &mut TcpStream, m: &Message) -> io::Result<()> {
    client.write_all(m.head_closing().as_bytes()).await?;
    client.write_all(&m.body).await?;
    client.shutdown().await
}

async fn exchange(
    mut client: TcpStream,
    upstream: SocketAddr,
    fault: Option<NetFault>,
    seed: u64,
    n: u64,
    stats: Arc<Stats>,
) {
    let Ok(request) = read_request(&mut client).await else {
        return;
    };
    let id = request_id(seed, n);
    let made_up_answer = match fault {
        Some(NetFault::Unavailable) => Some(api_error(
            "503 Service Unavailable",
            "ServiceUnavailable",
            "The request has failed due to a temporary failure of the server.",
            &id,
            &[],
        )),
        Some(NetFault::Throttled) => Some(api_error(
            "429 Too Many Requests",
            "Throttling.User",
            "Request was denied due to user flow control.",
            &id,
            &[("x-acs-retry-after", "1")],
        )),
        _ => None,
    };
    if let Some(m) = made_up_answer {
        stats.count(fault.unwrap());
        let _ = answer(&mut client, &m).await;
        return;
    }
    let Ok(upstream_answer) = forward(upstream, &request).await else {
        // The sandbox itself failed: say so as a gateway would, but no fault is counted.
        let _ = answer(
            &mut client,
            &made_up("502 Bad Gateway", "text/html", &[], BAD_GATEWAY_HTML),
        )
        .await;
        return;
    };
    let Some(fault) = fault else {
        let _ = answer(&mut client, &upstream_answer).await;
        return;
    };
    stats.count(fault);
    match fault {
        NetFault::DropAfterApply => {
            let _ = client.shutdown().await;
        }
        NetFault::BadGatewayAfterApply => {
            let m = made_up("502 Bad Gateway", "text/html", &[], BAD_GATEWAY_HTML);
            let _ = answer(&mut client, &m).await;
        }
        NetFault::CutInHalf => {
            // The original Content-Length stays: the client must notice the shortfall.
            let half = Message {
                head: upstream_answer.head.clone(),
                body: upstream_answer.body[..upstream_answer.body.len() / 2].to_vec(),
            };
            let _ = answer(&mut client, &half).await;
        }
        NetFault::HtmlInsteadOfJson => {
            let m = made_up("200 OK", "text/html; charset=utf-8", &[], PORTAL_HTML);
            let _ = answer(&mut client, &m).await;
        }
        // Decided before forwarding, above.
        NetFault::Refused | NetFault::Unavailable | NetFault::Throttled => {}
    }
}
