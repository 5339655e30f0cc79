/* Just enough XML for S3 and Azure responses: find elements by tag name, take their text, escape
 * and unescape. Store responses are flat and well-formed; anything malformed simply yields "not
 * found". */
#ifndef CAIRN_FS_XML_H
#define CAIRN_FS_XML_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

/* Finds the next <tag ...>body</tag> (or <tag/>) in [*cur, end); sets body/len to the raw inner
 * text and moves *cur past the element. */
bool xml_next(const char **cur, const char *end, const char *tag, const char **body, size_t *len);
/* Appends the unescaped text of the first <tag> in [s, s+n) to out (after resetting it); false if
 * absent. */
bool xml_text(const char *s, size_t n, const char *tag, StrBuf *out);
void xml_unescape(StrBuf *out, const char *s, size_t n);
void xml_escape(StrBuf *out, const char *s);

#endif
