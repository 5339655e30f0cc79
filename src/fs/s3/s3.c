/* The s3 driver (being written): refuses to open until it is complete. */
#include "fs/driver.h"

Status fs_s3_open(Fs *fs, const char *location, const FsProp *props, int nprops, Error *err) {
    return err_set(err, ERR_NOT_SUPPORTED, "the s3 driver is not available yet for '%s'", location);
}
