/* Repository properties: lookup, secret detection and redaction (secrets never reach messages, logs
 * or SHOW output), and validation against the location's scheme before any driver touches the
 * network. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "fs/fs.h"
#include "util/str.h"

const char *fs_prop_get(const FsProp *props, int nprops, const char *key) {
    const char *v = NULL;
    for (int i = 0; i < nprops; i++)
        if (props[i].key && strcmp(props[i].key, key) == 0) v = props[i].value;
    return v;
}

Status fs_prop_int(const FsProp *props, int nprops, const char *key, int64_t lo, int64_t hi, int64_t *out,
                   Error *err) {
    const char *v = fs_prop_get(props, nprops, key);
    if (!v) return STATUS_OK;
    int64_t n;
    if (!str_to_int64(v, &n) || n < lo || n > hi)
        return err_set(err, ERR_INVALID_ARGUMENT, "property '%s' = '%s' must be an integer from %lld to %lld", key,
                       v, (long long)lo, (long long)hi);
    *out = n;
    return STATUS_OK;
}

bool fs_prop_is_secret(const char *key) {
    static const char *const needles[] = {"secret",     "password",      "passwd", "token",
                                          "shared_key", "sas",           "keytab", "private",
                                          "credential", "encryption_key"};
    if (!key) return false;
    char low[256];
    size_t n = strlen(key);
    if (n >= sizeof low) n = sizeof low - 1;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)key[i]);
    low[n] = '\0';
    for (size_t i = 0; i < sizeof needles / sizeof *needles; i++)
        if (strstr(low, needles[i])) return true;
    return false;
}

void fs_props_render_redacted(const FsProp *props, int nprops, StrBuf *out) {
    for (int i = 0; i < nprops; i++) {
        if (i) sb_append(out, ", ");
        sb_putc(out, '"');
        sb_append_json_escaped(out, props[i].key, strlen(props[i].key));
        sb_append(out, "\" = \"");
        if (fs_prop_is_secret(props[i].key))
            sb_append(out, "******");
        else if (props[i].value)
            sb_append_json_escaped(out, props[i].value, strlen(props[i].value));
        sb_putc(out, '"');
    }
}

const char *fs_scheme_driver(const char *location) {
    static const struct {
        const char *prefix;
        const char *driver;
    } schemes[] = {
        {"file://", "posix"},  {"s3://", "s3"},      {"s3a://", "s3"},      {"s3n://", "s3"},
        {"gs://", "s3"},       {"oss://", "s3"},     {"cosn://", "s3"},     {"wasb://", "azure"},
        {"wasbs://", "azure"}, {"abfs://", "azure"}, {"abfss://", "azure"}, {"hdfs://", "webhdfs"},
    };
    if (!location) return NULL;
    if (location[0] == '/') return "posix";
    for (size_t i = 0; i < sizeof schemes / sizeof *schemes; i++)
        if (str_has_iprefix(location, schemes[i].prefix)) return schemes[i].driver;
    return NULL;
}

static Status check_bool(const FsProp *props, int nprops, const char *key, Error *err) {
    const char *v = fs_prop_get(props, nprops, key);
    bool b;
    if (v && !str_to_bool(v, &b))
        return err_set(err, ERR_INVALID_ARGUMENT, "property '%s' = '%s' must be true or false", key,
                       v);
    return STATUS_OK;
}

static Status check_pair(const FsProp *props, int nprops, const char *id_key,
                         const char *secret_key, Error *err) {
    const char *id = fs_prop_get(props, nprops, id_key),
               *secret = fs_prop_get(props, nprops, secret_key);
    if (id && *id && !(secret && *secret))
        return err_set(err, ERR_INVALID_ARGUMENT,
                       "property '%s' is set but '%s' is missing: set both", id_key, secret_key);
    if (secret && *secret && !(id && *id))
        return err_set(err, ERR_INVALID_ARGUMENT,
                       "property '%s' is set but '%s' is missing: set both", secret_key, id_key);
    return STATUS_OK;
}

static Status validate_s3(const char *location, const FsProp *props, int nprops, Error *err) {
    static const char *const bools[] = {"aws.s3.use_instance_profile",
                                        "aws.s3.enable_path_style_access", "aws.s3.enable_ssl"};
    for (size_t i = 0; i < sizeof bools / sizeof *bools; i++)
        if (check_bool(props, nprops, bools[i], err)) return STATUS_ERROR;
    if (check_pair(props, nprops, "aws.s3.access_key", "aws.s3.secret_key", err) ||
        check_pair(props, nprops, "fs.s3a.access.key", "fs.s3a.secret.key", err) ||
        check_pair(props, nprops, "fs.oss.accessKeyId", "fs.oss.accessKeySecret", err) ||
        check_pair(props, nprops, "fs.cosn.userinfo.secretId", "fs.cosn.userinfo.secretKey", err))
        return STATUS_ERROR;
    const char *arn = fs_prop_get(props, nprops, "aws.s3.iam_role_arn");
    if (arn && !str_has_prefix(arn, "arn:"))
        return err_set(err, ERR_INVALID_ARGUMENT,
                       "property 'aws.s3.iam_role_arn' = '%s' is not an ARN (expected "
                       "arn:aws:iam::<account>:role/<name>)",
                       arn);
    if (fs_prop_get(props, nprops, "aws.s3.external_id") && !arn)
        return err_set(
            err, ERR_INVALID_ARGUMENT,
            "property 'aws.s3.external_id' needs 'aws.s3.iam_role_arn' (the role it is passed to)");
    if (str_has_iprefix(location, "oss://") && !fs_prop_get(props, nprops, "fs.oss.endpoint") &&
        !fs_prop_get(props, nprops, "aws.s3.endpoint"))
        return err_set(err, ERR_INVALID_ARGUMENT,
                       "an oss:// location needs property 'fs.oss.endpoint' (e.g. "
                       "oss-cn-hangzhou.aliyuncs.com)");
    if (str_has_iprefix(location, "cosn://") &&
        !fs_prop_get(props, nprops, "fs.cosn.bucket.endpoint_suffix") &&
        !fs_prop_get(props, nprops, "aws.s3.endpoint"))
        return err_set(err, ERR_INVALID_ARGUMENT,
                       "a cosn:// location needs property 'fs.cosn.bucket.endpoint_suffix' (e.g. "
                       "cos.ap-beijing.myqcloud.com)");
    return STATUS_OK;
}

static Status validate_azure(const FsProp *props, int nprops, Error *err) {
    const char *key = fs_prop_get(props, nprops, "azure.blob.shared_key");
    const char *sas = fs_prop_get(props, nprops, "azure.blob.sas_token");
    if (!(key && *key) && !(sas && *sas))
        return err_set(
            err, ERR_INVALID_ARGUMENT,
            "an Azure location needs property 'azure.blob.shared_key' or 'azure.blob.sas_token'");
    if (key && *key) {
        for (const char *p = key; *p; p++)
            if (!isalnum((unsigned char)*p) && *p != '+' && *p != '/' && *p != '=')
                return err_set(err, ERR_INVALID_ARGUMENT,
                               "property 'azure.blob.shared_key' is not base64 (copy the storage "
                               "account's access key as shown by the portal)");
    }
    return STATUS_OK;
}

static Status validate_hdfs(const FsProp *props, int nprops, Error *err) {
    static const char *const kerberos[] = {"kerberos_principal", "kerberos_keytab",
                                           "kerberos_keytab_content", "hadoop.kerberos.principal",
                                           "hadoop.kerberos.keytab"};
    const char *auth = fs_prop_get(props, nprops, "hadoop.security.authentication");
    if (auth && !str_ieq(auth, "simple"))
        return err_set(err, ERR_NOT_SUPPORTED,
                       "property 'hadoop.security.authentication' = '%s' is not supported: cairn "
                       "reaches HDFS through WebHDFS with simple authentication only (Kerberos is "
                       "not supported); remove the property and set 'username'",
                       auth);
    for (size_t i = 0; i < sizeof kerberos / sizeof *kerberos; i++)
        if (fs_prop_get(props, nprops, kerberos[i]))
            return err_set(err, ERR_NOT_SUPPORTED,
                           "property '%s' is not supported: cairn reaches HDFS through WebHDFS "
                           "with simple authentication only (Kerberos is not supported)",
                           kerberos[i]);
    if (fs_prop_get(props, nprops, "dfs.nameservices") &&
        !fs_prop_get(props, nprops, "dfs.namenode.http-address"))
        return err_set(err, ERR_NOT_SUPPORTED,
                       "HDFS HA name services are not supported: set 'dfs.namenode.http-address' "
                       "to the active namenode's HTTP address (host:port)");
    return STATUS_OK;
}

Status fs_props_validate(const char *location, const FsProp *props, int nprops, Error *err) {
    const char *drv = fs_scheme_driver(location);
    if (!drv)
        return err_set(err, ERR_INVALID_ARGUMENT,
                       "unsupported location '%s': use an absolute path, file://, s3://, s3a://, "
                       "s3n://, gs://, oss://, cosn://, wasb[s]://, abfs[s]:// or hdfs://",
                       location ? location : "");
    for (int i = 0; i < nprops; i++)
        if (!props[i].key || !props[i].value)
            return err_set(err, ERR_INVALID_ARGUMENT, "property #%d has no key or no value", i + 1);
    if (strcmp(drv, "s3") == 0) return validate_s3(location, props, nprops, err);
    if (strcmp(drv, "azure") == 0) return validate_azure(props, nprops, err);
    if (strcmp(drv, "webhdfs") == 0) return validate_hdfs(props, nprops, err);
    return STATUS_OK;
}
