//! Comparing secrets (admin token, staff PIN) without leaking where they differ.

pub fn same_secret(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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
