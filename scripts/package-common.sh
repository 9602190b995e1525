# What both package scripts (package.sh: fengqiao-desk; package-web.sh: fengqiao-web) do
# alike; sourced by them from the repository root, with `profile` (release or debug) set.

target_dir=$(realpath -m "${CARGO_TARGET_DIR:-target}")
out=$target_dir/$profile
cli=$out/fengqiao

# The command-line tool: built for a release; for a debug package, the one `cargo test` has
# built when there is one (a `cargo build` would compile a second dependency tree, see
# scripts/test.sh).
build_cli() {
  if [ "$profile" = release ]; then
    cargo build --release --locked --bin fengqiao
  elif [ ! -x "$cli" ]; then
    cargo build --locked --bin fengqiao
  fi
}

# check_no_build_paths DIR: fails when a file under DIR (a package's contents) holds the path
# of this checkout or of the target directory.
check_no_build_paths() {
  local dir=$1 built_in leaks
  for built_in in "$PWD" "$target_dir"; do
    if leaks=$(grep -rlF -- "$built_in" "$dir"); then
      echo "软件包中的文件含有构建机器上的路径 $built_in：" >&2
      sed "s|^$dir||" <<<"$leaks" >&2
      exit 1
    fi
  done
}
