# What every whole-program bench script starts with, sourced after `set -euo pipefail`:
# `root` (the repository), `data` (the shared list files, ../shared/data or
# PROSCRIBE_SHARED_DATA) and `bin` (the release binary, built first, under CARGO_TARGET_DIR
# when it is set).
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"
data="$(cd "${PROSCRIBE_SHARED_DATA:-../shared/data}" && pwd)"
cargo build --release --quiet
target="${CARGO_TARGET_DIR:-target}"
[[ "$target" = /* ]] || target="$root/$target"
bin="$target/release/proscribe"
