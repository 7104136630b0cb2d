//! SSH public keys as Juju keeps them per model (`add-ssh-key`,
//! `ssh-keys`, `remove-ssh-key`): an authorized_keys line is checked (a key
//! type and a base64 key blob, then an optional comment) and named by its
//! fingerprint, the MD5 of the blob as colon-separated hex, as Juju's
//! `ssh.KeyFingerprint` does. MD5 (RFC 1321) is here, small and
//! dependency-free, with the RFC's test vectors.

/// A checked public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    /// The line as given (trimmed).
    pub key: String,
    /// `45:7f:33:...`.
    pub fingerprint: String,
    /// The text after the key blob (often `user@host`), may be empty.
    pub comment: String,
}

/// Key types OpenSSH writes in authorized_keys.
const TYPES: &[&str] = &[
    "ssh-rsa",
    "ssh-dss",
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
];

/// Parse an authorized_keys line: `Err` (Juju's `invalid ssh key: <key>`)
/// unless it holds a known key type followed by a base64 blob that names
/// the same type.
pub fn parse(line: &str) -> Result<PublicKey, String> {
    let invalid = || format!("invalid ssh key: {line}");
    let line = line.trim();
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words
        .iter()
        .position(|w| TYPES.contains(w))
        .ok_or_else(invalid)?;
    let blob = words.get(at + 1).ok_or_else(invalid)?;
    let bytes = crate::secrets::base64_decode(blob).ok_or_else(invalid)?;
    // The blob starts with the key type as an SSH string.
    let ty = words[at].as_bytes();
    if bytes.len() < 4 + ty.len()
        || u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize != ty.len()
        || &bytes[4..4 + ty.len()] != ty
    {
        return Err(invalid());
    }
    let fingerprint = md5(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":");
    Ok(PublicKey {
        key: line.to_string(),
        fingerprint,
        comment: words[at + 2..].join(" "),
    })
}

const S: [u32; 64] = [
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9,
    14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15,
    21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
];

/// MD5 of `data` (RFC 1321).
pub fn md5(data: &[u8]) -> [u8; 16] {
    let k: Vec<u32> = (0..64)
        .map(|i| ((i as f64 + 1.0).sin().abs() * 4294967296.0) as u32)
        .collect();
    let mut msg = data.to_vec();
    let bits = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bits.to_le_bytes());
    let (mut a0, mut b0, mut c0, mut d0) =
        (0x67452301u32, 0xefcdab89u32, 0x98badcfeu32, 0x10325476u32);
    for chunk in msg.chunks(64) {
        let m: Vec<u32> = chunk
            .chunks(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect();
        let (mut a, mut b, mut c, mut d) = (a0, b0, c0, d0);
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(S[i]));
        }
        a0 = a0.wrapping_add(a);
        b0 = b0.wrapping_add(b);
        c0 = c0.wrapping_add(c);
        d0 = d0.wrapping_add(d);
    }
    let mut out = [0u8; 16];
    for (i, w) in [a0, b0, c0, d0].iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&w.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn md5_vectors() {
        assert_eq!(hex(&md5(b"")), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(hex(&md5(b"abc")), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            hex(&md5(
                b"12345678901234567890123456789012345678901234567890123456789012345678901234567890"
            )),
            "57edf4a22be3c955ac49da2e2107b67a"
        );
    }

    #[test]
    fn keys() {
        // An ed25519 key: type string then a 32-byte key.
        let mut blob = vec![0, 0, 0, 11];
        blob.extend_from_slice(b"ssh-ed25519");
        blob.extend_from_slice(&[0, 0, 0, 32]);
        blob.extend_from_slice(&[7u8; 32]);
        let b64 = crate::secrets::base64_encode(&blob);
        let k = parse(&format!("ssh-ed25519 {b64} me@host")).unwrap();
        assert_eq!(k.comment, "me@host");
        assert_eq!(k.fingerprint.len(), 47);
        assert_eq!(
            k.fingerprint,
            md5(&blob)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(":")
        );
        assert_eq!(
            parse("not a key").unwrap_err(),
            "invalid ssh key: not a key"
        );
        assert!(parse(&format!("ssh-rsa {b64}")).is_err(), "type mismatch");
    }
}
