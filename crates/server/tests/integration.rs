//! The HTTP layer in process: the router called with `oneshot`, over a store holding the
//! committed extracts of the UN and OFAC lists (no socket, no shared data needed).

mod oneshot;
