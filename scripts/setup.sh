#!/usr/bin/env bash
# Installs the Debian packages PruneGen needs, and only those that are missing, so it is safe to run
# before every build. One line per package. Extra package names given as arguments are added to the
# list (./dev.sh bench adds python3-torch).
#
# Needs: Debian 12 (apt), root or sudo when something must be installed, and the .NET 10 SDK.
set -euo pipefail

packages=(libtorch-dev coinor-cbc dataset-fashion-mnist g++ "$@")

# Prints the installed version of a package, or nothing when it is not (fully) installed.
installed_version() {
    dpkg-query -W -f='${Status} ${Version}\n' "$1" 2>/dev/null |
        awk '$1 == "install" && $2 == "ok" && $3 == "installed" { print $4; exit }' || true
}

if ! command -v dotnet >/dev/null 2>&1; then
    echo "setup: dotnet not found; install the .NET 10 SDK first" >&2
    exit 1
fi

missing=()
for package in "${packages[@]}"; do
    version=$(installed_version "$package")
    if [[ -n $version ]]; then
        echo "setup: $package $version already installed"
    else
        missing+=("$package")
    fi
done
if ((${#missing[@]} == 0)); then
    exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
    as_root=(env DEBIAN_FRONTEND=noninteractive)
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo env DEBIAN_FRONTEND=noninteractive)
else
    echo "setup: missing ${missing[*]}; run as root or install sudo" >&2
    exit 1
fi

log=$(mktemp "${TMPDIR:-/tmp}/prunegen-setup.XXXXXX.log")
echo "setup: installing ${missing[*]} with apt-get (log: $log)"
# One index refresh, and only because something is about to be installed.
if ! "${as_root[@]}" apt-get update >"$log" 2>&1 ||
    ! "${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
    tail -n 20 "$log" >&2
    echo "setup: apt-get failed; see $log" >&2
    exit 1
fi

failed=0
for package in "${missing[@]}"; do
    version=$(installed_version "$package")
    if [[ -n $version ]]; then
        echo "setup: $package $version installed now"
    else
        echo "setup: $package is still not installed; see $log" >&2
        failed=1
    fi
done
exit $failed
