//! Juju (gnuflag) style flag parsing for hook tools (being written).
