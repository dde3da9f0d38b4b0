//! Real engines beside the server for the scale-out and operations tests: PostgreSQL, Redis and
//! nginx, each on loopback with a private port and folder, and stopped by PID when its guard drops
//! (also when a test panics).
pub mod postgres;
pub mod redis;
