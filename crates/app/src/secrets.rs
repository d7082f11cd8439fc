//! Secrets for API keys and webhooks: random bytes from the operating system.

use crate::{Error, Result};

/// A new secret: 32 random bytes from the operating system, in hex, with a recognisable prefix.
pub fn new_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::System(format!("no randomness from the system: {e}")))?;
    Ok(format!("psk_{}", hex::encode(bytes)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_are_long_prefixed_and_new_each_time() {
        let (a, b) = (super::new_secret().unwrap(), super::new_secret().unwrap());
        assert!(a.starts_with("psk_") && a.len() == 4 + 64, "{a}");
        assert_ne!(a, b);
    }
}
