#!/bin/sh
# Gather nginx, its configuration, modules and shared libraries into $1.
set -eu
out=$1
mkdir -p "$out/usr/sbin" "$out/etc" "$out/var/log/nginx" "$out/var/lib/nginx" \
         "$out/usr/share/nginx" "$out/usr/lib/nginx" "$out/run"
cp /usr/sbin/nginx "$out/usr/sbin/nginx"
cp -a /etc/nginx "$out/etc/nginx"
cp -a /usr/share/nginx/. "$out/usr/share/nginx/"
mkdir -p "$out/var/www" && cp -a /var/www/html "$out/var/www/html"
[ -d /usr/lib/nginx/modules ] && cp -aL /usr/lib/nginx/modules "$out/usr/lib/nginx/modules"
ldd /usr/sbin/nginx | awk '{for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i}' |
while read -r lib; do
    mkdir -p "$out$(dirname "$lib")"
    cp -L "$lib" "$out$lib"
done
ln -sf /dev/stdout "$out/var/log/nginx/access.log"
ln -sf /dev/stderr "$out/var/log/nginx/error.log"
# The alpine stand-in's /etc/passwd lacks the user nginx runs its workers as.
printf 'root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$out/etc/passwd"
printf 'root:x:0:\nwww-data:x:33:\nnogroup:x:65534:\n' > "$out/etc/group"
