//! The `zyz` binary: parse the command line, dispatch, print any top-level error, exit.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = zyz::cli::Cli::parse();
    let exit = match zyz::cmd::dispatch(cli.command) {
        Ok(exit) => exit,
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            zyz::Exit::Usage
        }
    };
    std::process::ExitCode::from(exit as u8)
}
