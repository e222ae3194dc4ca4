# shellcheck shell=bash
# The forward-auth test runs the gateway behind Debian's nginx, configured as
# ingress-nginx configures an Ingress. On Debian 12 the package `nginx` has
# the auth_request module compiled in (`nginx-light` is only a metapackage
# that adds the echo module to it); set-misc gives the `set_escape_uri` that
# ingress-nginx's sign-in redirect uses (its OpenResty build has it compiled
# in). The test starts its own nginx with its own prefix and port; the
# system service is never wanted.
aigc_ensure_nginx() {
  local nginx=/usr/sbin/nginx modules=/usr/lib/nginx/modules
  if [ ! -x "$nginx" ] || [ ! -f "$modules/ngx_http_set_misc_module.so" ]; then
    echo "aigc: installing nginx (Debian packages nginx, libnginx-mod-http-set-misc)" >&2
    # Exit 101 tells invoke-rc.d that starting services is not allowed, so
    # the package's postinst neither starts nginx nor fails when it cannot.
    # An existing policy (as in container images) is left as it is.
    local policy=/usr/sbin/policy-rc.d ours=
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' >"$policy"
      chmod 755 "$policy"
      ours=1
    fi
    local status=0
    apt-get update -qq >&2 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        nginx libnginx-mod-http-set-misc >&2 ||
      status=$?
    [ -z "$ours" ] || rm -f "$policy"
    [ "$status" -eq 0 ] || return "$status"
    # Should an existing policy have let the service start, it must not hold port 80.
    if [ -s /run/nginx.pid ]; then
      "$nginx" -s quit >&2 || true
    fi
  fi
  if ! "$nginx" -V 2>&1 | grep -q -- --with-http_auth_request_module; then
    echo "aigc: $nginx has no auth_request module" >&2
    return 1
  fi
  export AIGC_NGINX="$nginx" AIGC_NGINX_MODULES="$modules"
}
