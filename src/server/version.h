/* cairn's version strings: what `cairnd --version`, the MySQL handshake, @@version and SHOW FRONTENDS show.
 * The MySQL-facing version starts with 8.0.33 so clients pick MySQL 8 behaviour (transaction_isolation,
 * mysql_native_password), and ends with -cairn so a person can tell which server answered. */
#ifndef CAIRN_SERVER_VERSION_H
#define CAIRN_SERVER_VERSION_H

#define CAIRN_VERSION "0.1.0"
#define CAIRN_MYSQL_VERSION "8.0.33-cairn"
#define CAIRN_VERSION_COMMENT "cairn " CAIRN_VERSION " (StarRocks-compatible)"

#endif
