#!/usr/bin/env bash
# The Python package and its Spark jobs: builds the wheel with maturin into a virtualenv
# under target/ (pinned tools from PyPI: crates/python/requirements-dev.txt), installs it,
# and runs pytest. The Spark tests run Spark in local mode (local[2]) and need a Java
# runtime: .ci/run installs Debian's headless OpenJDK when there is none; elsewhere they skip
# without it (and fail when CI is set).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/py
if [[ ! -x $venv/bin/python ]]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check -r crates/python/requirements-dev.txt
# The tests compare with the command line's batches.
cargo build --locked -q -p proscribe-cli
rm -rf target/wheels
"$venv/bin/maturin" build --locked -q -m crates/python/Cargo.toml -o target/wheels
"$venv/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps target/wheels/proscribe-*.whl
PROSCRIBE_BIN="$PWD/target/debug/proscribe" "$venv/bin/python" -m pytest -q -p no:cacheprovider crates/python/tests "$@"
