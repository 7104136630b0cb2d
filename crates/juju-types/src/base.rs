//! Juju's operating-system bases (`ubuntu@24.04`): `add-machine --base`
//! parses one with Juju's wording; machines without one show
//! [`DEFAULT_BASE`].

/// The base every machine shows unless `add-machine --base` named another.
pub const DEFAULT_BASE: (&str, &str) = ("ubuntu", "24.04");

/// Parse `os@channel` (`ubuntu@22.04`, `ubuntu@22.04/stable`) into its OS
/// and channel, with Juju's errors.
pub fn parse(s: &str) -> Result<(String, String), String> {
    let parts: Vec<&str> = s.split('@').collect();
    if parts.len() != 2 {
        return Err("expected base string to contain os and channel separated by '@'".into());
    }
    let (os, channel) = (parts[0], parts[1]);
    if os.is_empty() {
        return Err(format!("invalid base string {s:?}: os cannot be empty"));
    }
    if channel.is_empty() {
        return Err(format!(
            "invalid base string {s:?}: channel cannot be empty"
        ));
    }
    Ok((os.to_string(), channel.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases() {
        assert_eq!(
            parse("ubuntu@22.04").unwrap(),
            ("ubuntu".into(), "22.04".into())
        );
        assert_eq!(
            parse("jammy").unwrap_err(),
            "expected base string to contain os and channel separated by '@'"
        );
        assert!(parse("@22.04").unwrap_err().contains("os cannot be empty"));
    }
}
