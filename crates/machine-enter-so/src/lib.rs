//! `libminijuju_enter.so`: one C function, `minijuju_enter(plan)`, that
//! enters the machine view a plan describes (`machine_enter::Plan`, in
//! its one-argument encoding) in the calling process, exactly as
//! `minijuju-enter` does before it execs a hook.
//!
//! The warm Python interpreter loads it with `ctypes` in a process it
//! forked for one unit: that process must be in the unit's machine view
//! but cannot exec (it is warm because it does not). The caller must be
//! single-threaded. With a time namespace the call forks once more, as
//! `Plan::enter` does: it returns in the new process, while the one that
//! called it waits for that process and exits as it does.

#![deny(clippy::undocumented_unsafe_blocks)]

use std::ffi::{c_char, c_int, CStr};

/// Enter the view `plan` (NUL-terminated `Plan::encode` text) describes.
/// Returns 0, or an errno (`EINVAL` for a plan that does not decode).
///
/// # Safety
/// `plan` must be a valid NUL-terminated string; the calling process must
/// have a single thread.
#[no_mangle]
pub unsafe extern "C" fn minijuju_enter(plan: *const c_char) -> c_int {
    if plan.is_null() {
        return libc_einval();
    }
    // SAFETY: the caller passes a valid NUL-terminated string.
    let text = unsafe { CStr::from_ptr(plan) };
    let Ok(text) = text.to_str() else {
        return libc_einval();
    };
    let Ok(plan) = machine_enter::Plan::decode(text) else {
        return libc_einval();
    };
    match plan.enter() {
        Ok(()) => 0,
        Err(e) => e.raw_os_error().unwrap_or(libc_einval()),
    }
}

/// `EINVAL` on Linux.
fn libc_einval() -> c_int {
    22
}

/// Write to the first byte of each of the `n` pages at `pages` without
/// changing it (a compare-and-swap of its own value: a locked write the
/// compiler keeps, where an add of zero may become a load), so that a process forked from a
/// warm interpreter takes its copies of the pages a hook will write
/// before the hook runs. Returns how many pages were touched.
///
/// # Safety
/// `pages` must point at `n` addresses, each inside a writable private
/// mapping of the calling process.
#[no_mangle]
pub unsafe extern "C" fn minijuju_touch(pages: *const usize, n: usize) -> usize {
    if pages.is_null() {
        return 0;
    }
    // SAFETY: the caller passes `n` readable addresses.
    let pages = unsafe { std::slice::from_raw_parts(pages, n) };
    for &page in pages {
        // SAFETY: the caller guarantees each address is in a writable
        // private mapping; swapping a value for itself leaves it as it
        // is, whatever else runs (a failed swap changes nothing either).
        let byte = unsafe { &*(page as *const std::sync::atomic::AtomicU8) };
        let value = byte.load(std::sync::atomic::Ordering::Relaxed);
        let _ = byte.compare_exchange(
            value,
            value,
            std::sync::atomic::Ordering::Relaxed,
            std::sync::atomic::Ordering::Relaxed,
        );
    }
    pages.len()
}
