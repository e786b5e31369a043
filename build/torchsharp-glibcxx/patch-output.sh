#!/usr/bin/env bash
# Makes TorchSharp 0.107's libLibTorchSharp.so load on hosts whose libstdc++ predates GLIBCXX_3.4.32 (Debian 12).
# Run after build on an output folder; hosts with a newer libstdc++ are left untouched. See ../../README.md.
# Without patchelf or g++ it warns and leaves the folder as it is: ranking (predict, evaluate, score) never loads
# libtorch, and only training then says that it needs this fix.
set -euo pipefail
out_dir=$1
here=$(cd "$(dirname "$0")" && pwd)
shim=libtorchsharp_glibcxx_shim.so

libstdcxx=$(ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
if [[ -n $libstdcxx ]] && grep -qa GLIBCXX_3.4.32 "$libstdcxx"; then exit 0; fi

mapfile -t libraries < <(find "$out_dir" -name libLibTorchSharp.so -type f)
((${#libraries[@]})) || exit 0
for tool in patchelf g++; do
  if ! command -v "$tool" >/dev/null; then
    echo "patch-output.sh: warning TORCHSHARP1: $tool is missing, so TorchSharp will not load on this host and training will" \
      "not run (apt-get install -y patchelf g++); ranking does not need it" >&2
    exit 0
  fi
done

tools=${TMPDIR:-/tmp}/torchsharp-glibcxx-$(id -u)
mkdir -p "$tools"
[[ $tools/$shim -nt $here/glibcxx_shim.cpp ]] || g++ -shared -fPIC -O2 -o "$tools/$shim" "$here/glibcxx_shim.cpp"
[[ $tools/weaken_version_need -nt $here/weaken_version_need.cpp ]] || g++ -O2 -o "$tools/weaken_version_need" "$here/weaken_version_need.cpp"

# A file is never rewritten in place: a process running from this folder (a training while the project builds again)
# has these libraries mapped, and truncating a mapped file throws away even the pages the loader relocated in memory,
# so that process died at exit (SIGSEGV in _dl_fini, calling the shim's unrelocated destructor). An unchanged file is
# left alone; a changed one is written beside it and renamed into place, which leaves the running process its own copy.
replace() { # replace TARGET NEW: NEW (a temporary file in TARGET's folder) becomes TARGET, unless they are the same
  if cmp -s "$2" "$1"; then rm -f "$2"; else chmod 755 "$2" && mv -f "$2" "$1"; fi
}
for library in "${libraries[@]}"; do
  folder=$(dirname "$library")
  fresh=$(mktemp "$folder/.$shim.XXXXXX")
  cp "$tools/$shim" "$fresh"
  replace "$folder/$shim" "$fresh"
  patchelf --print-needed "$library" | grep -qx "$shim" && continue
  patched=$(mktemp "$folder/.libLibTorchSharp.so.XXXXXX")
  cp "$library" "$patched"
  "$tools/weaken_version_need" "$patched" GLIBCXX_3.4.32
  patchelf --add-needed "$shim" "$patched"
  replace "$library" "$patched"
done
