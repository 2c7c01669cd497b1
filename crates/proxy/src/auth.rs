//! Comparing secrets (admin token, staff PIN) without leaking where they differ.

pub fn same_secret(given: &str, expected: &str) -> bool {
    use subtle::ConstantTimeEq;
    given.as_bytes().ct_eq(expected.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn equal_only_when_equal() {
        assert!(super::same_secret("1234", "1234"));
        assert!(!super::same_secret("1235", "1234"));
        assert!(!super::same_secret("123", "1234"));
        assert!(!super::same_secret("", "1234"));
    }
}
