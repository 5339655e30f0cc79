/* S3 credentials: static keys, the AWS_* environment, EC2 instance profiles (IMDSv2) and STS
 * AssumeRole, with temporary credentials cached and refreshed before they expire. Thread-safe: a
 * mutex guards the cache, so one provider serves every worker thread of an Fs. */
#ifndef CAIRN_FS_S3_CRED_H
#define CAIRN_FS_S3_CRED_H

#include <stdint.h>

#include "fs/http.h"
#include "fs/retry.h"

typedef struct S3Creds {
    char *access_key; /* owned copies */
    char *secret_key;
    char *token;        /* session token or NULL */
    int64_t expires_ms; /* 0 = never */
} S3Creds;

typedef struct S3CredConfig {
    const char *access_key; /* static keys (any property family), or NULL */
    const char *secret_key;
    const char *session_token;
    bool instance_profile;
    const char *role_arn;
    const char *external_id;
    const char *imds_endpoint; /* default http://169.254.169.254 */
    const char *sts_endpoint;  /* default https://sts.amazonaws.com */
    const char *sts_region;    /* default us-east-1 */
    int64_t refresh_margin_ms; /* refresh this long before expiry; default 5 min */
    const char *key_props;     /* "aws.s3.access_key and aws.s3.secret_key": named in auth errors */
} S3CredConfig;

typedef struct S3CredProvider S3CredProvider;

/* Picks the source: role ARN (STS, with instance-profile, static or environment base credentials),
 * instance profile, static keys, then the environment. Fails if there is none. Nothing is fetched
 * yet. */
Status s3_cred_new(const S3CredConfig *cfg, HttpPool *pool, const FsRetryPolicy *retry,
                   S3CredProvider **out, Error *err) MUST_CHECK;
void s3_cred_free(S3CredProvider *p);
/* Current credentials (fetched or refreshed as needed), copied into out; free with s3_creds_clear.
 */
Status s3_cred_get(S3CredProvider *p, S3Creds *out, Error *err) MUST_CHECK;
void s3_creds_clear(S3Creds *c);
/* "static", "environment", "instance profile" or "assumed role": for messages. */
const char *s3_cred_source(const S3CredProvider *p);
/* Which properties to check when the store refuses these credentials. */
const char *s3_cred_hint(const S3CredProvider *p);
/* How many times temporary credentials were fetched (tests). */
int64_t s3_cred_fetches(const S3CredProvider *p);

#endif
