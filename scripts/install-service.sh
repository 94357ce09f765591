#!/usr/bin/env bash
# Installs plugd as a systemd service (binary, home, unit, enabled), or removes it with --uninstall.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: scripts/install-service.sh [--binary FILE] [--root DIR] [--no-start]
       scripts/install-service.sh --uninstall [--root DIR]

Installs /usr/local/bin/plugd, creates the home /var/lib/plugd, installs
/etc/systemd/system/plugd.service, enables it and (re)starts it. Running it again is safe: a
changed binary or unit restarts the service, an unchanged one leaves it running.

  --binary FILE  the plugd binary (default: dist/plugd-linux-<arch>[-musl] of this checkout)
  --root DIR     install below DIR instead of / (images, packages, tests); nothing is started
  --no-start     enable the service but neither start nor restart it now
  --uninstall    stop and disable the service, remove the unit and the binary; the home with
                 its plugins, configuration and store is kept
EOF
}

checkout="$(cd "$(dirname "$0")/.." && pwd)"
root=/
binary=""
start=yes
action=install
while (($#)); do
  case "$1" in
  --binary) binary="${2:?--binary needs a file}" && shift ;;
  --root) root="${2:?--root needs a folder}" && shift ;;
  --no-start) start=no ;;
  --uninstall) action=uninstall ;;
  -h | --help) usage && exit 0 ;;
  *) echo "install-service: unknown argument $1" >&2 && usage >&2 && exit 2 ;;
  esac
  shift
done

root="${root%/}"
bin_file="$root/usr/local/bin/plugd"
unit_dir="$root/etc/systemd/system"
unit_file="$unit_dir/plugd.service"
home="$root/var/lib/plugd"
# Only a real install talks to the running systemd; below --root, systemctl edits files.
live=no
if [ -z "$root" ]; then
  [ "$(id -u)" -eq 0 ] || { echo "install-service: run as root (or use --root DIR)" >&2 && exit 1; }
  [ -d /run/systemd/system ] && live=yes
fi

say() { echo "install-service: $*"; }

# `systemctl --root` edits the unit links without a running systemd; without systemctl at all
# (a bare image), the one link `enable` makes is made by hand.
offline() {
  local wants="$unit_dir/multi-user.target.wants"
  if command -v systemctl >/dev/null 2>&1; then
    systemctl --root="${root:-/}" --quiet "$1" plugd.service
  elif [ "$1" = enable ]; then
    mkdir -p "$wants" && ln -sfn /etc/systemd/system/plugd.service "$wants/plugd.service"
  else
    rm -f "$wants/plugd.service"
  fi
}

default_binary() {
  local arch libc=""
  case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "install-service: no plugd build for $(uname -m); pass --binary" >&2 && exit 1 ;;
  esac
  if ls /lib/ld-musl-* >/dev/null 2>&1; then libc=-musl; fi
  echo "$checkout/dist/plugd-linux-$arch$libc"
}

# Copies $1 to $2 with mode $3 unless they are equal; a running binary is replaced by a rename,
# never overwritten in place. Prints "changed" when it copied.
put() {
  if [ -f "$2" ] && cmp -s "$1" "$2"; then return 0; fi
  mkdir -p "$(dirname "$2")"
  install -m "$3" "$1" "$2.new"
  mv -f "$2.new" "$2"
  echo changed
}

install_service() {
  binary="${binary:-$(default_binary)}"
  [ -f "$binary" ] || { echo "install-service: no binary at $binary (npm run build)" >&2 && exit 1; }
  if [ -z "$root" ]; then
    # A binary for another CPU or C library fails here rather than in a restart loop.
    "$binary" version >/dev/null || { echo "install-service: $binary does not run here" >&2 && exit 1; }
  fi
  local changed=""
  changed+="$(put "$binary" "$bin_file" 0755)"
  changed+="$(put "$checkout/etc/plugd.service" "$unit_file" 0644)"
  install -d -m 0755 "$home"
  say "binary $bin_file, unit $unit_file, home $home${changed:+ (updated)}"
  if [ "$live" = yes ]; then
    systemctl daemon-reload
    systemctl --quiet enable plugd.service
    if [ "$start" = no ]; then
      say "enabled; not started (--no-start)"
    elif [ -n "$changed" ] && systemctl --quiet is-active plugd.service; then
      systemctl restart plugd.service && say "restarted"
    else
      systemctl start plugd.service && say "started"
    fi
  else
    offline enable
    say "enabled; systemd is not running here, so nothing was started"
  fi
}

uninstall_service() {
  if [ "$live" = yes ]; then
    systemctl --quiet disable --now plugd.service 2>/dev/null || true
  elif [ -f "$unit_file" ]; then
    offline disable
  fi
  rm -f "$unit_file" "$bin_file"
  if [ "$live" = yes ]; then systemctl daemon-reload; fi
  say "removed $bin_file and $unit_file; kept $home (plugins, configuration, store)"
}

if [ "$action" = install ]; then install_service; else uninstall_service; fi
