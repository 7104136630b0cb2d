//! Go's wording for operating-system errors, which Juju prints as they come
//! from Go's standard library: `open /x/y: no such file or directory`.

use std::io;
use std::path::Path;

/// The error's text as Go prints a `syscall.Errno`: the C library's message
/// without Rust's ` (os error N)` suffix, starting lower case (`permission
/// denied`).
pub fn errno_text(err: &io::Error) -> String {
    let text = err.to_string();
    let text = match text.rfind(" (os error ") {
        Some(p) => &text[..p],
        None => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Go's `*PathError` text: `open /x/y: no such file or directory`.
pub fn go_path_error(op: &str, path: &Path, err: &io::Error) -> String {
    format!("{op} {}: {}", path.display(), errno_text(err))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_go() {
        let e = io::Error::from_raw_os_error(2);
        assert_eq!(
            go_path_error("open", Path::new("/x/y"), &e),
            "open /x/y: no such file or directory"
        );
        assert_eq!(
            errno_text(&io::Error::from_raw_os_error(13)),
            "permission denied"
        );
        assert_eq!(
            errno_text(&io::Error::from_raw_os_error(21)),
            "is a directory"
        );
        let custom = io::Error::new(io::ErrorKind::InvalidData, "not valid UTF-8");
        assert_eq!(errno_text(&custom), "not valid UTF-8");
    }
}
