//! The `roster` binary: parses the command line and hands over to the library.

/// mimalloc instead of the system allocator: a build allocates and frees millions of small
/// strings across threads, where glibc's malloc spends a large share of the time (see the
/// README, Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    roster::cli::main()
}
