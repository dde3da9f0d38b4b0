//! The shared table cart, end to end: the real server, real sockets, real client crates.

mod access;
mod bad_input;
mod concurrency;
mod group_commit;
mod live;
mod menu;
mod restart;
mod resume;
