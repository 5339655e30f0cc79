"""Reference SigV4 computed by botocore (Debian python3-botocore), for checking cairn's signer.

sign(...) returns the Authorization header botocore's signer produces for a request, with a fixed x-amz-date,
signing exactly the given headers. botocore encodes the query parameters itself (params=) and signs the path as
given, so the caller quotes the path independently of cairn. Used by the differential test and by
fault_proxy.py's re-signing check. Run with /usr/bin/python3."""
from urllib.parse import parse_qsl, urlsplit

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def sign(method, url, params, headers, payload_hash, access_key, secret_key, region, service="s3", token=None,
         payload_header=None):
    """url: scheme://host/path (path already quoted, no query); params: list of raw (key, value);
    headers: list of (name, value) to sign, including host and x-amz-date (x-amz-content-sha256 is added)."""
    creds = Credentials(access_key, secret_key, token)
    auth = (S3SigV4Auth if service == "s3" else SigV4Auth)(creds, service, region)
    req = AWSRequest(method=method, url=url, headers={}, params=dict(params) if params else {})
    for name, value in headers:
        if name.lower() in (k.lower() for k in req.headers.keys()):
            req.headers.add_header(name, value)  # repeated header: botocore joins values with ','
        else:
            req.headers[name] = value
    if payload_header if payload_header is not None else service == "s3":
        req.headers["X-Amz-Content-SHA256"] = payload_hash  # botocore then signs this value as the payload hash
    if token:
        req.headers["X-Amz-Security-Token"] = token
    req.context["timestamp"] = dict((k.lower(), v) for k, v in headers)["x-amz-date"]
    canonical = auth.canonical_request(req)
    signature = auth.signature(auth.string_to_sign(req, canonical), req)
    signed = auth.signed_headers(auth.headers_to_sign(req))
    return "AWS4-HMAC-SHA256 Credential=%s, SignedHeaders=%s, Signature=%s" % (auth.scope(req), signed, signature)


def verify(method, raw_url, headers, authorization, secret_key):
    """Re-signs a received request using the header set its Authorization names; returns (ok, expected)."""
    fields = dict(p.strip().split("=", 1) for p in authorization[len("AWS4-HMAC-SHA256 "):].split(","))
    access_key, _date, region, service, _ = fields["Credential"].split("/")
    names = fields["SignedHeaders"].split(";")
    lower = [(k.lower(), v) for k, v in headers]
    values = dict(lower)
    chosen = [(k, v) for k, v in lower if k in names and k not in ("x-amz-content-sha256", "x-amz-security-token")]
    split = urlsplit(raw_url)
    params = parse_qsl(split.query, keep_blank_values=True)
    url = "%s://%s%s" % (split.scheme or "http", values.get("host", "localhost"), split.path)
    expected = sign(method, url, params, chosen, values.get("x-amz-content-sha256", "UNSIGNED-PAYLOAD"), access_key,
                    secret_key, region, service, values.get("x-amz-security-token"),
                    payload_header="x-amz-content-sha256" in names)
    return expected == authorization, expected
