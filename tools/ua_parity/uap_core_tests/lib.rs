// Empty: this crate only exists to fetch uap-core's test files (see Cargo.toml).
