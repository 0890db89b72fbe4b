//! CLI contract cases, as typos pins its behaviour with trycmd: each
//! `tests/cmd/*.toml` names the arguments (and standard input) of one run,
//! and its `.stdout` / `.stderr` files hold exactly what the run prints;
//! the exit status is in the case. After an intended change, regenerate
//! with `TRYCMD=overwrite cargo test contract` and review the diff.

#[test]
fn cli_contract_cases() {
    trycmd::TestCases::new()
        .register_bin(
            "seedance-preflight",
            std::path::Path::new(env!("CARGO_BIN_EXE_seedance-preflight")),
        )
        .case("tests/cmd/*.toml");
}
