#!/usr/bin/env bash
# Makes TorchSharp 0.107's libLibTorchSharp.so load on hosts whose libstdc++ predates GLIBCXX_3.4.32 (Debian 12).
# Run after build on an output folder; hosts with a newer libstdc++ are left untouched. See ../../README.md.
set -euo pipefail
out_dir=$1
here=$(cd "$(dirname "$0")" && pwd)
shim=libtorchsharp_glibcxx_shim.so

libstdcxx=$(ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
if [[ -n $libstdcxx ]] && grep -qa GLIBCXX_3.4.32 "$libstdcxx"; then exit 0; fi

mapfile -t libraries < <(find "$out_dir" -name libLibTorchSharp.so -type f)
((${#libraries[@]})) || exit 0
command -v patchelf >/dev/null || { echo "error: patchelf is needed to make TorchSharp load on this host (apt-get install -y patchelf)" >&2; exit 1; }

tools=${TMPDIR:-/tmp}/torchsharp-glibcxx-$(id -u)
mkdir -p "$tools"
[[ $tools/$shim -nt $here/glibcxx_shim.cpp ]] || g++ -shared -fPIC -O2 -o "$tools/$shim" "$here/glibcxx_shim.cpp"
[[ $tools/weaken_version_need -nt $here/weaken_version_need.cpp ]] || g++ -O2 -o "$tools/weaken_version_need" "$here/weaken_version_need.cpp"

for library in "${libraries[@]}"; do
  cp "$tools/$shim" "$(dirname "$library")/$shim"
  patchelf --print-needed "$library" | grep -qx "$shim" && continue
  "$tools/weaken_version_need" "$library" GLIBCXX_3.4.32
  patchelf --add-needed "$shim" "$library"
done
