#!/bin/sh
# Gather busybox, the ssh tools and the shared libraries they link against into $1.
set -eu
out=$1
mkdir -p "$out/bin" "$out/usr/bin" "$out/etc/ssl/certs" "$out/tmp" "$out/root" \
         "$out/var/run" "$out/proc" "$out/sys" "$out/dev"
chmod 1777 "$out/tmp"
cp /bin/busybox "$out/bin/busybox"
for applet in $(/bin/busybox --list); do
    [ -e "$out/bin/$applet" ] || ln -s busybox "$out/bin/$applet"
done
for tool in ssh ssh-add ssh-agent ssh-keygen ssh-keyscan; do
    cp "/usr/bin/$tool" "$out/usr/bin/$tool"
    # ldd prints "name => /path (addr)" or "/path (addr)"; copy every resolved path.
    ldd "/usr/bin/$tool" | awk '{for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i}' |
    while read -r lib; do
        mkdir -p "$out$(dirname "$lib")"
        cp -L "$lib" "$out$lib"
    done
done
# Alpine's busybox has printenv; Debian's busybox-static does not. Same behaviour:
# print the named variables, exit 1 when one is not set.
cat > "$out/usr/bin/printenv" <<'SCRIPT'
#!/bin/sh
[ $# -eq 0 ] && exec env
rc=0
for name in "$@"; do
    case $name in
        ''|[!A-Za-z_]*|*[!A-Za-z0-9_]*) rc=1; continue ;;
    esac
    if eval "[ -n \"\${$name+set}\" ]"; then eval "printf '%s\\n' \"\$$name\""; else rc=1; fi
done
exit $rc
SCRIPT
chmod 755 "$out/usr/bin/printenv"
cp /etc/ssl/certs/ca-certificates.crt "$out/etc/ssl/certs/"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$out/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$out/etc/group"
printf 'NAME="Alpine Linux (confkb stand-in)"\nID=alpine\nPRETTY_NAME="busybox + OpenSSH client on Debian bookworm binaries (confkb stand-in)"\n' > "$out/etc/os-release"
