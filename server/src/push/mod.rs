//! The push path: fan-out of events to live connections, and the SSE wire format.
//!
//! Every event is encoded once, when it is published, and shared by all its subscribers as
//! reference-counted bytes; a connection only copies a pointer. Each subscriber reads from a
//! bounded broadcast queue, so a slow one falls behind on its own and never holds up the others.

pub mod feed;
pub mod sse;
pub mod ws;
