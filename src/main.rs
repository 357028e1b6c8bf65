//! The `pulse` binary: the web server, and `pulse import` for content. All the work lives in
//! [`pulse::server::cli`]; this file only hands over the process arguments and exit code.

fn main() -> std::process::ExitCode {
    pulse::server::cli::main(std::env::args().skip(1).collect())
}
