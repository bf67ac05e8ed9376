//! Keys derived from `ACADEMY_SECRET`, one per purpose, so no key is ever used twice.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::config::Secret;

type HmacSha256 = Hmac<Sha256>;

#[derive(Clone)]
pub struct Keys {
    csrf: [u8; 32],
    device: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys([redacted])")
    }
}

impl Keys {
    pub fn derive(secret: &Secret) -> Keys {
        Keys {
            csrf: derive(secret, "academy csrf v1"),
            device: derive(secret, "academy device v1"),
        }
    }

    /// The form token that goes with an anonymous visitor's CSRF cookie.
    pub fn csrf_token_for(&self, cookie: &str) -> String {
        hex::encode(sign(&self.csrf, cookie.as_bytes()))
    }

    /// The signature of a known-device cookie's contents.
    pub fn device_signature(&self, contents: &str) -> String {
        hex::encode(sign(&self.device, contents.as_bytes()))
    }

    /// Whether `signature` is this secret's for `contents` (compared in constant time).
    pub fn device_signature_matches(&self, contents: &str, signature: &str) -> bool {
        constant_time_eq(
            self.device_signature(contents).as_bytes(),
            signature.as_bytes(),
        )
    }
}

fn derive(secret: &Secret, purpose: &str) -> [u8; 32] {
    sign(secret.expose().as_bytes(), purpose.as_bytes())
}

fn sign(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// A fresh random token for a link or cookie, and the hash that is stored instead of it.
pub fn new_token() -> (String, String) {
    let token = hex::encode(rand::random::<[u8; 32]>());
    let hash = hash_token(&token);
    (token, hash)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares without stopping at the first difference, so timing reveals nothing.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let (a, hash_a) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash_token(&a), hash_a);
        assert_ne!(hash_a, a);
    }

    #[test]
    fn csrf_tokens_depend_on_the_secret() {
        let one = Keys::derive(&Secret::new("a".repeat(32)));
        let two = Keys::derive(&Secret::new("b".repeat(32)));
        assert_eq!(one.csrf_token_for("cookie"), one.csrf_token_for("cookie"));
        assert_ne!(one.csrf_token_for("cookie"), two.csrf_token_for("cookie"));
        assert_ne!(one.csrf_token_for("cookie"), one.csrf_token_for("cookie2"));
    }

    #[test]
    fn device_signatures_depend_on_the_secret_and_differ_from_csrf_tokens() {
        let one = Keys::derive(&Secret::new("a".repeat(32)));
        let two = Keys::derive(&Secret::new("b".repeat(32)));
        let signature = one.device_signature("v1.7-ab");
        assert!(one.device_signature_matches("v1.7-ab", &signature));
        assert!(!one.device_signature_matches("v1.8-ab", &signature));
        assert!(!two.device_signature_matches("v1.7-ab", &signature));
        assert_ne!(
            signature,
            one.csrf_token_for("v1.7-ab"),
            "one key per purpose"
        );
    }
}
