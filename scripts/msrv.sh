#!/usr/bin/env bash
# The library builds on its declared MSRV (rust-version in Cargo.toml), with
# and without serde, for the host and for thumbv7em-none-eabihf (no std).
#
# Only the library is bound by the MSRV: its tests, benches, the command and
# xtask use dev-dependencies (criterion, proptest, openstack, ...) that need
# a newer compiler, and the shared Cargo.lock may hold versions 1.81 cannot
# read. So the build is made from a throwaway crate in a temp dir that
# depends on the library by path, with its own fresh lockfile, resolved by
# the old cargo as a user on that toolchain would.
#
# If a new release of a dependency (serde, thiserror and thiserror's proc
# macros) ever needs a newer rustc, pin it in the throwaway crate below with
#   cargo +$TOOLCHAIN update -p <crate> --precise <version>
# and say why in a comment.
#
# Usage: scripts/msrv.sh   (installs the toolchain and target if missing)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
msrv="$(sed -n 's/^rust-version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n 1)"
TOOLCHAIN="${msrv}.0"
TARGET=thumbv7em-none-eabihf

rustup toolchain install "$TOOLCHAIN" --profile minimal >/dev/null
rustup target add --toolchain "$TOOLCHAIN" "$TARGET" >/dev/null

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/src"
cat >"$tmp/Cargo.toml" <<EOF
[package]
name = "nova-states-msrv"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
nova-states = { path = "$root", default-features = false }

[features]
serde = ["nova-states/serde"]

# Not a member of any enclosing workspace.
[workspace]
EOF
# Uses the library, so an item that needs a newer compiler fails here.
cat >"$tmp/src/lib.rs" <<'EOF'
#![no_std]
pub use nova_states;
EOF

cd "$tmp"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$tmp/target}/msrv-$TOOLCHAIN"
cargo "+$TOOLCHAIN" --version
rustc "+$TOOLCHAIN" --version
for target in host "$TARGET"; do
    for features in "" serde; do
        echo "-- rust $TOOLCHAIN, target $target, features: ${features:-none}"
        args=(build --lib)
        [ "$target" = host ] || args+=(--target "$target")
        [ -z "$features" ] || args+=(--features "$features")
        cargo "+$TOOLCHAIN" "${args[@]}"
    done
done
echo "MSRV $TOOLCHAIN: the library builds"
