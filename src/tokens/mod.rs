//! Tokens that stay valid across a fleet of Workers: the token manager, its stores, the sealing
//! of records at rest, and Square's revocation webhook.
//!
//! - [`record`] (pure): what is stored per merchant, how it is sealed
//!   (`sqoe1.` + AES-256-GCM), and the decisions: use, refresh, wait, authorize again.
//! - [`store`]: the [`TokenStore`] interface (get, and put only-if-unchanged) and its
//!   implementations: [`MemoryStore`], a caller's JavaScript store, a Durable Object's storage.
//! - [`webhook`] (pure): what Square signs, the constant-time compare, the event.
//! - wasm only: `crypto` (Web Crypto), `manager` ([`TokenManager`]), `durable` (the Durable
//!   Object protocol and object), `verify` ([`verify_webhook`]).

pub mod record;
pub mod store;
pub mod webhook;

#[cfg(target_arch = "wasm32")]
pub mod crypto;
#[cfg(target_arch = "wasm32")]
pub mod durable;
#[cfg(target_arch = "wasm32")]
pub mod manager;
#[cfg(target_arch = "wasm32")]
pub mod verify;

#[cfg(target_arch = "wasm32")]
pub use manager::{Store, TokenManager, TokenManagerConfig};
#[cfg(target_arch = "wasm32")]
pub use store::{DurableStorage, JsStore};
pub use store::{MemoryStore, TokenStore};
#[cfg(target_arch = "wasm32")]
pub use verify::verify_webhook;
pub use webhook::{WebhookEvent, WebhookOutcome};
