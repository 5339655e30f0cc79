#!/usr/bin/env bash
# Patches npm test packages after `npm install` (run by scripts/deps.sh test). Idempotent.
#  - @20minutes/s3rver (the SigV4-verifying s3rver fork): sign the request path exactly as sent (trailing
#    slashes, virtual-hosted style), and refuse unsigned requests when S3RVER_DENY_ANONYMOUS=1.
#  - adds the launcher the fork's package.json names but does not ship.
set -euo pipefail
cd "$(dirname "$0")/.."
auth=node_modules/@20minutes/s3rver/lib/middleware/authentication.js
[ -f "$auth" ] || exit 0
/usr/bin/python3 - "$auth" <<'PY'
import sys
path = sys.argv[1]
src = open(path).read()
if "cairn-patch" in src:
    sys.exit(0)
anon_old = "    if (mechanismCount === 0) {\n      return next();\n    }\n"
anon_new = ("    if (mechanismCount === 0) {\n"
            "      // cairn-patch: refuse unsigned requests on demand\n"
            "      if (process.env.S3RVER_DENY_ANONYMOUS === '1') {\n"
            "        throw new S3Error('AccessDenied', 'Access Denied');\n"
            "      }\n"
            "      return next();\n    }\n")
path_old = "    canonicalizedResource = canonicalizedResource\n      .split('/')"
path_new = ("    // cairn-patch: SigV4 signs the path exactly as sent (trailing slash, virtual-hosted style)\n"
            "    if (mechanisms.queryV4 || (mechanisms.header && /^AWS4-/.test(ctx.get('Authorization')))) {\n"
            "      canonicalizedResource = ctx.originalUrl.split('?')[0].split('/').map(decodeURIComponent).join('/');\n"
            "    }\n" + path_old)
if anon_old not in src or path_old not in src:
    sys.exit("patch-node-modules: unexpected content in " + path + "; the fork changed")
src = src.replace(anon_old, anon_new, 1).replace(path_old, path_new, 1)
open(path, "w").write(src)
PY
mkdir -p node_modules/@20minutes/s3rver/bin
cat > node_modules/@20minutes/s3rver/bin/s3rver.js <<'JS'
#!/usr/bin/env node
require('../lib/cli.js').parseAsync(process.argv);
JS
chmod +x node_modules/@20minutes/s3rver/bin/s3rver.js
