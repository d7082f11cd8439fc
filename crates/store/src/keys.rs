//! API keys: a name, a role and the SHA-256 of the secret (the secret itself is shown once,
//! when the key is made, and never stored). Keys are revoked, not deleted, so that what they
//! did stays attributable.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::Row;
use crate::rows::{json, stored_by_name, text};
use crate::{now, Error, Store};

/// What a key may do. Each role may do what the ones before it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Read and screen.
    Reader,
    /// Also import and act in the workflow.
    Editor,
    /// Also manage keys and settings.
    Admin,
}

impl Role {
    /// Every role, weakest first.
    pub const ALL: [Role; 3] = [Role::Reader, Role::Editor, Role::Admin];

    /// The role's name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    /// Reads a role's name.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim().to_ascii_lowercase())
    }
}

stored_by_name!(Role, "role");

/// A stored key, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    /// Its number.
    pub id: i64,
    /// Who or what it is for.
    pub name: String,
    /// What it may do.
    pub role: Role,
    /// When it was made.
    pub created_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
    /// The bodies (authority ids) it may act for in the workflow.
    #[serde(default)]
    pub bodies: Vec<String>,
}

/// The SHA-256 of a key's secret, as stored and looked up.
pub fn key_hash(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// Reads a key row: id, name, role, created_at, revoked_at, bodies. A role this build does not
/// know is an error, not the weakest role: it may have been meant as another.
fn key_row(r: &Row<'_>) -> Result<ApiKey, Error> {
    let id: i64 = r.get(0)?;
    let role: String = r.get(2)?;
    Ok(ApiKey {
        id,
        name: r.get(1)?,
        role: text(&role, "api_key", id, "role")?,
        created_at: r.get(3)?,
        revoked_at: r.get(4)?,
        bodies: json(&r.get::<String>(5)?, "api_key", id, "bodies")?,
    })
}

impl Store {
    /// Stores a key for `secret` (which the caller made, long and random) and returns it.
    pub fn add_key(&self, actor: &str, name: &str, role: Role, secret: &str) -> Result<ApiKey, Error> {
        let name = name.trim();
        if name.is_empty() || name.len() > 200 {
            return Err(Error::Invalid("a key's name is 1 to 200 characters".into()));
        }
        if secret.len() < 32 {
            return Err(Error::Invalid("a key's secret is at least 32 characters".into()));
        }
        let tx = self.db.begin_write()?;
        let hash = key_hash(secret);
        let id: i64 = tx.scalar(
            "INSERT INTO api_key (name, role, hash, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
            &[&name, &role, &hash.as_slice(), &now()],
        )?;
        crate::audit::append(&tx, actor, "key.add", &format!("key:{id}"), &[("api_key", id.to_string())])?;
        tx.commit()?;
        Ok(self.key(id)?.expect("the key just stored"))
    }

    /// Lets key `id` act for `bodies` in the workflow (in place of what it had).
    pub fn set_key_bodies(&self, actor: &str, id: i64, bodies: &[String]) -> Result<ApiKey, Error> {
        let Some(key) = self.key(id)? else {
            return Err(Error::NotFound(format!("no key {id}")));
        };
        self.check_key_bodies(key.role, bodies)?;
        let tx = self.db.begin_write()?;
        let json = serde_json::to_string(bodies)?;
        tx.execute("UPDATE api_key SET bodies = ?2 WHERE id = ?1", &[&id, &json])?;
        crate::audit::append(&tx, actor, "key.bodies", &format!("key:{id}"), &[("api_key", id.to_string())])?;
        tx.commit()?;
        Ok(self.key(id)?.expect("the key just updated"))
    }

    /// Refuses bodies a key of `role` could not act for: a reader acts for none (bodies are
    /// for workflow actions, which need an editor), and a body must have a role on some list.
    pub fn check_key_bodies(&self, role: Role, bodies: &[String]) -> Result<(), Error> {
        if role == Role::Reader && !bodies.is_empty() {
            return Err(Error::Invalid(format!(
                "a reader key acts for no body ({} given): bodies are for editor and admin keys",
                bodies.join(", ")
            )));
        }
        for body in bodies {
            if self.db.first("SELECT 1 FROM wf_role WHERE body_id = ?1 LIMIT 1", &[body], |_| Ok(()))?.is_none() {
                return Err(Error::NotFound(format!(
                    "body {body:?} has no role on any list (give it one with `proscribe roles grant`)"
                )));
            }
        }
        Ok(())
    }

    /// Key `id`.
    pub fn key(&self, id: i64) -> Result<Option<ApiKey>, Error> {
        self.db.first(
            "SELECT id, name, role, created_at, revoked_at, bodies FROM api_key WHERE id = ?1",
            &[&id],
            key_row,
        )
    }

    /// Every key, revoked ones too, oldest first.
    pub fn keys(&self) -> Result<Vec<ApiKey>, Error> {
        self.db.rows("SELECT id, name, role, created_at, revoked_at, bodies FROM api_key ORDER BY id", &[], key_row)
    }

    /// The keys in force, by the hash of their secret.
    pub fn active_keys(&self) -> Result<Vec<([u8; 32], ApiKey)>, Error> {
        self.db.rows(
            "SELECT id, name, role, created_at, revoked_at, bodies, hash FROM api_key WHERE revoked_at IS NULL ORDER BY id",
            &[],
            |r| {
            let hash: Vec<u8> = r.get(6)?;
            let mut h = [0u8; 32];
            if hash.len() == 32 {
                h.copy_from_slice(&hash);
            }
            Ok((h, key_row(r)?))
            },
        )
    }

    /// Revokes key `id`; false when it was already revoked.
    pub fn revoke_key(&self, actor: &str, id: i64) -> Result<bool, Error> {
        if self.key(id)?.is_none() {
            return Err(Error::NotFound(format!("no key {id}")));
        }
        let tx = self.db.begin_write()?;
        let n =
            tx.execute("UPDATE api_key SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL", &[&id, &now()])?;
        if n == 1 {
            crate::audit::append(&tx, actor, "key.revoke", &format!("key:{id}"), &[("api_key", id.to_string())])?;
        }
        tx.commit()?;
        Ok(n == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stored_hashed_and_revoked() {
        let store = Store::open_in_memory().unwrap();
        let secret = "psk_0123456789abcdef0123456789abcdef";
        let k = store.add_key("test", "ci", Role::Editor, secret).unwrap();
        assert_eq!((k.name.as_str(), k.role, k.revoked_at.is_none()), ("ci", Role::Editor, true));
        // Only the hash is kept.
        let stored: Vec<u8> = store.db.scalar("SELECT hash FROM api_key", &[]).unwrap();
        assert_eq!(stored, key_hash(secret).to_vec());
        assert!(!String::from_utf8_lossy(&stored).contains("0123456789"));
        assert_eq!(store.active_keys().unwrap()[0].0, key_hash(secret));
        assert!(store.revoke_key("test", k.id).unwrap());
        assert!(!store.revoke_key("test", k.id).unwrap());
        assert!(store.active_keys().unwrap().is_empty());
        assert!(store.keys().unwrap()[0].revoked_at.is_some());
        assert!(matches!(store.revoke_key("test", 99), Err(Error::NotFound(_))));
        assert!(matches!(store.add_key("test", "short", Role::Reader, "abc"), Err(Error::Invalid(_))));
        assert!(matches!(store.add_key("test", " ", Role::Reader, secret), Err(Error::Invalid(_))));
        assert_eq!(Role::parse("ADMIN"), Some(Role::Admin));
        assert!(Role::Reader < Role::Editor && Role::Editor < Role::Admin);
    }

    #[test]
    fn unreadable_roles_and_bodies_are_errors() {
        let store = Store::open_in_memory().unwrap();
        let k = store.add_key("test", "ci", Role::Editor, "psk_0123456789abcdef0123456789abcdef").unwrap();
        store.db.execute("UPDATE api_key SET role = 'root'", &[]).unwrap();
        assert_eq!(
            store.key(k.id).unwrap_err().to_string(),
            "stored data is corrupt: api_key row 1, column role: unknown role \"root\""
        );
        store.db.execute("UPDATE api_key SET role = 'editor', bodies = '[1'", &[]).unwrap();
        assert!(matches!(store.active_keys(), Err(Error::Corrupt { table: "api_key", column: "bodies", .. })));
    }
}
