/* The azure driver (being written): refuses to open until it is complete. */
#include "fs/driver.h"

Status fs_azure_open(Fs *fs, const char *location, const FsProp *props, int nprops, Error *err) {
    return err_set(err, ERR_NOT_SUPPORTED, "the azure driver is not available yet for '%s'", location);
}
