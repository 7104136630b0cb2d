//! Charm reading and validation (placeholder; being written).
