/* How locations and property families resolve, without touching the network (fs_describe):
 * endpoints, addressing style, regions, TLS, credential sources for S3/GCS/OSS/COS/MinIO, Azure and
 * WebHDFS; plus the XML scanner the S3 and Azure drivers parse answers with. */
#include <stdlib.h>

#include "fs/fs.h"
#include "fs/xml.h"
#include "test.h"

static void expect(const char *location, const FsProp *props, int n, const char *want) {
    Fs *fs = NULL;
    Error err = ERROR_INIT;
    CHECK_OK(fs_open(location, props, n, &fs, &err), &err);
    if (!fs) return;
    StrBuf sb = STRBUF_INIT;
    fs_describe(fs, &sb);
    CHECK_STR(sb_str(&sb), want);
    sb_free(&sb);
    fs_free(fs);
}

#define KEYS                                                                                       \
    {"aws.s3.access_key", "AK"}, {                                                                 \
        "aws.s3.secret_key", "SK"                                                                  \
    }

TEST(aws_s3) {
    FsProp p1[] = {KEYS, {"aws.s3.region", "us-west-2"}};
    expect("s3://bkt/a/b/", p1, 3,
           "s3: https://bkt.s3.us-west-2.amazonaws.com/a/b (virtual-hosted, region us-west-2, "
           "credentials: static keys)");
    FsProp p2[] = {KEYS, {"aws.s3.endpoint", "s3.eu-central-1.amazonaws.com"}};
    expect("s3a://bkt", p2, 3,
           "s3: https://bkt.s3.eu-central-1.amazonaws.com (virtual-hosted, region eu-central-1, "
           "credentials: static keys)");
    FsProp p3[] = {KEYS};
    expect("s3n://bkt/x", p3, 2,
           "s3: https://bkt.s3.us-east-1.amazonaws.com/x (virtual-hosted, region us-east-1, "
           "credentials: static keys)");
    FsProp p4[] = {KEYS, {"aws.s3.endpoint", "s3.amazonaws.com"}, {"aws.s3.enable_ssl", "false"}};
    expect("s3://bkt", p4, 4,
           "s3: http://bkt.s3.amazonaws.com (virtual-hosted, region us-east-1, credentials: static "
           "keys)");
}

TEST(minio_and_ip_endpoints) {
    FsProp p1[] = {KEYS,
                   {"aws.s3.endpoint", "http://minio:9000"},
                   {"aws.s3.enable_path_style_access", "true"}};
    expect(
        "s3://bkt/repo", p1, 4,
        "s3: http://minio:9000/bkt/repo (path-style, region us-east-1, credentials: static keys)");
    FsProp p2[] = {KEYS, {"aws.s3.endpoint", "http://10.1.2.3:9000/"}};
    expect("s3://bkt", p2, 3,
           "s3: http://10.1.2.3:9000/bkt (path-style, region us-east-1, credentials: static keys)");
    FsProp p3[] = {KEYS, {"aws.s3.endpoint", "https://localhost:9000"}};
    expect(
        "s3://bkt", p3, 3,
        "s3: https://localhost:9000/bkt (path-style, region us-east-1, credentials: static keys)");
    FsProp p4[] = {KEYS,
                   {"aws.s3.endpoint", "http://10.1.2.3:9000"},
                   {"aws.s3.enable_path_style_access", "false"}};
    expect("s3://bkt", p4, 4,
           "s3: http://bkt.10.1.2.3:9000 (virtual-hosted, region us-east-1, credentials: static "
           "keys)");
}

TEST(gcs_oss_cos) {
    FsProp g1[] = {{"fs.s3a.access.key", "GOOG1"},
                   {"fs.s3a.secret.key", "x"},
                   {"fs.s3a.endpoint", "storage.googleapis.com"}};
    expect("s3a://bkt/p", g1, 3,
           "s3: https://bkt.storage.googleapis.com/p (virtual-hosted, region auto, credentials: "
           "static keys)");
    FsProp g2[] = {{"fs.s3a.access.key", "GOOG1"}, {"fs.s3a.secret.key", "x"}};
    expect("gs://bkt/p", g2, 2,
           "s3: https://bkt.storage.googleapis.com/p (virtual-hosted, region auto, credentials: "
           "static keys)");
    FsProp o[] = {{"fs.oss.accessKeyId", "id"},
                  {"fs.oss.accessKeySecret", "s"},
                  {"fs.oss.endpoint", "oss-cn-zhangjiakou-internal.aliyuncs.com"}};
    expect("oss://bkt/p", o, 3,
           "s3: https://bkt.oss-cn-zhangjiakou-internal.aliyuncs.com/p (virtual-hosted, region "
           "cn-zhangjiakou, credentials: static keys)");
    FsProp c[] = {{"fs.cosn.userinfo.secretId", "id"},
                  {"fs.cosn.userinfo.secretKey", "s"},
                  {"fs.cosn.bucket.endpoint_suffix", "cos.ap-beijing.myqcloud.com"}};
    expect("cosn://bkt-1250000000/p", c, 3,
           "s3: https://bkt-1250000000.cos.ap-beijing.myqcloud.com/p (virtual-hosted, region "
           "ap-beijing, credentials: static keys)");
    FsProp r[] = {{"fs.cosn.userinfo.secretId", "id"},
                  {"fs.cosn.userinfo.secretKey", "s"},
                  {"fs.cosn.bucket.endpoint_suffix", "cos.ap-beijing.myqcloud.com"},
                  {"aws.s3.region", "ap-shanghai"}};
    expect("cosn://b/p", r, 4,
           "s3: https://b.cos.ap-beijing.myqcloud.com/p (virtual-hosted, region ap-shanghai, "
           "credentials: static keys)");
}

TEST(credential_sources) {
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    FsProp ip[] = {{"aws.s3.use_instance_profile", "true"}, {"aws.s3.region", "us-east-2"}};
    expect("s3://b", ip, 2,
           "s3: https://b.s3.us-east-2.amazonaws.com (virtual-hosted, region us-east-2, "
           "credentials: instance profile)");
    FsProp role[] = {{"aws.s3.use_instance_profile", "true"},
                     {"aws.s3.iam_role_arn", "arn:aws:iam::1:role/r"},
                     {"aws.s3.external_id", "e"}};
    expect("s3://b", role, 3,
           "s3: https://b.s3.us-east-1.amazonaws.com (virtual-hosted, region us-east-1, "
           "credentials: assumed role)");
    Fs *fs = NULL;
    Error err = ERROR_INIT;
    CHECK(fs_open("s3://b", NULL, 0, &fs, &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "no S3 credentials: set aws.s3.access_key and aws.s3.secret_key") ==
          err.msg);
    FsProp oss[] = {{"fs.oss.endpoint", "oss-cn-hangzhou.aliyuncs.com"}};
    CHECK(fs_open("oss://b", oss, 1, &fs, &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "set fs.oss.accessKeyId and fs.oss.accessKeySecret") != NULL);
    setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET", 1);
    expect("s3://b", NULL, 0,
           "s3: https://b.s3.us-east-1.amazonaws.com (virtual-hosted, region us-east-1, "
           "credentials: environment)");
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    FsProp bad[] = {KEYS, {"fs.s3.part_size", "1024"}};
    CHECK(fs_open("s3://b", bad, 3, &fs, &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "'fs.s3.part_size' = '1024' must be an integer from 5242880") != NULL);
    CHECK(fs_open("s3:///nobucket", (FsProp[]){KEYS}, 2, &fs, &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "names no bucket") != NULL);
}

TEST(azure_locations) {
    FsProp k[] = {{"azure.blob.shared_key", "a2V5a2V5a2V5a2V5"}};
    expect(
        "wasbs://ct@acct.blob.core.windows.net/dir/", k, 1,
        "azure: https://acct.blob.core.windows.net/ct/dir (account acct, credentials: shared key)");
    expect("wasb://ct@acct.blob.core.windows.net", k, 1,
           "azure: http://acct.blob.core.windows.net/ct (account acct, credentials: shared key)");
    expect(
        "abfss://ct@acct.dfs.core.windows.net/p", k, 1,
        "azure: https://acct.blob.core.windows.net/ct/p (account acct, credentials: shared key)");
    FsProp s[] = {{"azure.blob.sas_token", "?sv=2021&sig=abc"},
                  {"azure.blob.endpoint", "http://127.0.0.1:10000/devstoreaccount1/"}};
    expect("abfs://ct@devstoreaccount1.dfs.core.windows.net/p", s, 2,
           "azure: http://127.0.0.1:10000/devstoreaccount1/ct/p (account devstoreaccount1, "
           "credentials: SAS token)");
    Fs *fs = NULL;
    Error err = ERROR_INIT;
    FsProp bad[] = {{"azure.blob.shared_key", "not base64!"}};
    CHECK(fs_open("wasb://ct@acct.blob.core.windows.net", bad, 1, &fs, &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "azure.blob.shared_key") != NULL);
    CHECK(strstr(err.msg, "not base64!") == NULL); /* a secret is never echoed */
}

TEST(hdfs_and_posix_locations) {
    FsProp h1[] = {{"username", "etl"}, {"dfs.namenode.http-address", "nn1:50070"}};
    expect("hdfs://nn1:8020/backups/", h1, 2,
           "webhdfs: http://nn1:50070/webhdfs/v1/backups (user etl)");
    expect("hdfs://nn1:8020", NULL, 0, "webhdfs: http://nn1:9870/webhdfs/v1/ (user (none))");
    FsProp h2[] = {{"username", "etl"},
                   {"password", "ignored"},
                   {"dfs.namenode.http-address", "https://nn1:9871"}};
    expect("hdfs://nn1:8020/b", h2, 3, "webhdfs: https://nn1:9871/webhdfs/v1/b (user etl)");
    expect("/var/backups/", NULL, 0, "posix: /var/backups");
    expect("file:///var/backups", NULL, 0, "posix: /var/backups");
    expect("file:///", NULL, 0, "posix: /");
}

TEST(xml_scanner) {
    const char *doc =
        "<?xml version=\"1.0\"?><ListBucketResult xmlns=\"x\"><KeyCount>2</KeyCount>"
        "<Contents><Key>a&amp;b &lt;c&gt; &#233;&#x1F642;</Key><Size>5</Size></Contents>"
        "<Contents ><Key>d</Key><Size>0</Size><Owner/></Contents>"
        "<NextContinuationToken>t+/=</NextContinuationToken></ListBucketResult>";
    const char *cur = doc, *end = doc + strlen(doc), *body;
    size_t len;
    StrBuf sb = STRBUF_INIT;
    CHECK(xml_text(doc, strlen(doc), "Key", &sb));
    CHECK_STR(sb_str(&sb), "a&b <c> \xc3\xa9\xf0\x9f\x99\x82");
    CHECK(xml_text(doc, strlen(doc), "KeyCount", &sb));
    CHECK_STR(sb_str(&sb), "2");
    int n = 0;
    while (xml_next(&cur, end, "Contents", &body, &len))
        n++;
    CHECK_INT(n, 2);
    CHECK(xml_text(doc, strlen(doc), "Owner", &sb));
    CHECK_STR(sb_str(&sb), "");
    CHECK(!xml_text(doc, strlen(doc), "Missing", &sb));
    CHECK(!xml_text("<Key>unterminated", 17, "Key", &sb));
    sb_reset(&sb);
    xml_escape(&sb, "\"a\" & <b>'");
    CHECK_STR(sb_str(&sb), "&quot;a&quot; &amp; &lt;b&gt;&apos;");
    sb_free(&sb);
}

int main(void) {
    RUN(aws_s3);
    RUN(minio_and_ip_endpoints);
    RUN(gcs_oss_cos);
    RUN(credential_sources);
    RUN(azure_locations);
    RUN(hdfs_and_posix_locations);
    RUN(xml_scanner);
    TEST_EXIT();
}
