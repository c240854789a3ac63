//! Loopback listeners whose connections a handler can cut, and that no local
//! process can stall.
//!
//! Fault injection must be able to drop a connection *after* a request was
//! applied, so that a client sees a network error although the server changed
//! state (the case a client has to reconcile). Each accepted stream carries a
//! flag; once set, writes fail, hyper abandons the connection and the response
//! is never sent.
//!
//! Any process of this computer can connect, so each listener serves at most
//! [`ConnLimits::max_open`] connections at once (file descriptors are the
//! app's too), closes a connection that starts no request for
//! [`ConnLimits::idle`], and cuts a request not answered
//! [`ConnLimits::request`] after its first byte (a trickled body). Held or trickling connections thus give their places back, and the
//! app's own calls, waiting in the OS's queue meanwhile, are served.

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

/// What one listener allows its connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnLimits {
    /// Connections served at once; more wait in the OS's queue until one closes.
    pub max_open: usize,
    /// How long a connection may stay open with no request under way (before
    /// its first request and between keep-alive requests). Longer than the
    /// app's own client keeps an idle connection (20 s, `cloud::transport`),
    /// so that the app never sends on a connection the sandbox is closing.
    pub idle: Duration,
    /// How long a request may take from its first byte to its answer (hyper
    /// watches the socket while the handler runs, so the handler's time
    /// counts too): well past the sandbox's longest wait for its database
    /// (a 10 s busy timeout), so that no applied request loses its answer.
    pub request: Duration,
}

impl Default for ConnLimits {
    fn default() -> Self {
        ConnLimits {
            max_open: 64,
            idle: Duration::from_secs(60),
            request: Duration::from_secs(30),
        }
    }
}

/// Per-connection facts handlers can see (`ConnectInfo<Conn>`).
#[derive(Clone, Debug)]
pub struct Conn {
    pub peer: SocketAddr,
    cut: Arc<AtomicBool>,
}

impl Conn {
    /// Drops the connection instead of sending the response being prepared.
    pub fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
    }
}

pub struct SandboxListener {
    tcp: TcpListener,
    limits: ConnLimits,
    places: Arc<Semaphore>,
}

impl SandboxListener {
    pub fn new(tcp: TcpListener, limits: ConnLimits) -> Self {
        SandboxListener {
            tcp,
            limits,
            places: Arc::new(Semaphore::new(limits.max_open.max(1))),
        }
    }
}

impl Listener for SandboxListener {
    type Io = CuttableStream;
    type Addr = Conn;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        // A place first: at the cap, the next connection waits in the OS's
        // queue (not accepted, holding no descriptor) until one closes.
        let place = self
            .places
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        loop {
            match self.tcp.accept().await {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    let cut = Arc::new(AtomicBool::new(false));
                    return (
                        CuttableStream {
                            inner: stream,
                            cut: cut.clone(),
                            limits: self.limits,
                            deadline: Box::pin(tokio::time::sleep(self.limits.idle)),
                            in_request: false,
                            _place: place,
                        },
                        Conn { peer, cut },
                    );
                }
                // Out of file descriptors and the like: wait a moment rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(Conn {
            peer: self.tcp.local_addr()?,
            cut: Arc::new(AtomicBool::new(false)),
        })
    }
}

impl Connected<IncomingStream<'_, SandboxListener>> for Conn {
    fn connect_info(stream: IncomingStream<'_, SandboxListener>) -> Self {
        stream.remote_addr().clone()
    }
}

pub struct CuttableStream {
    inner: TcpStream,
    cut: Arc<AtomicBool>,
    limits: ConnLimits,
    /// When reading stops being allowed: `idle` after the last answer was
    /// written (or the connection opened), `request` after a request's first byte.
    deadline: Pin<Box<Sleep>>,
    /// A request has begun arriving and has not been answered yet.
    in_request: bool,
    /// This connection's place among the listener's `max_open`, given back on close.
    _place: OwnedSemaphorePermit,
}

impl CuttableStream {
    fn is_cut(&self) -> bool {
        self.cut.load(Ordering::SeqCst)
    }
}

fn aborted() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "connection cut by fault injection",
    )
}

impl AsyncRead for CuttableStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.is_cut() {
            return Poll::Ready(Err(aborted()));
        }
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before && !this.in_request {
                    this.in_request = true;
                    let until = Instant::now() + this.limits.request;
                    this.deadline.as_mut().reset(until);
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    if this.in_request {
                        "the request did not arrive whole in time"
                    } else {
                        "idle connection closed"
                    },
                ))),
                Poll::Pending => Poll::Pending,
            },
            failed => failed,
        }
    }
}

impl AsyncWrite for CuttableStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.is_cut() {
            return Poll::Ready(Err(aborted()));
        }
        let written = Pin::new(&mut this.inner).poll_write(cx, buf);
        // An answer is going out: the request was whole; the idle clock runs again.
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            this.in_request = false;
            let until = Instant::now() + this.limits.idle;
            this.deadline.as_mut().reset(until);
        }
        written
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.is_cut() {
            return Poll::Ready(Err(aborted()));
        }
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
