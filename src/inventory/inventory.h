/*
 * The inventory's insides: what the scan report writers (report/scan_*.c)
 * and the scan report reader (scan_read.c) share. Implemented in scan.c.
 */
#ifndef TG_INVENTORY_PRIVATE_H
#define TG_INVENTORY_PRIVATE_H

#include "threatgate/scan.h"

/* The "version" of the scan JSON: a reader refuses any other. */
#define TG_SCAN_JSON_VERSION 1

/*
 * A priority as an index of tg_scan_totals.open_by_priority: 1..5 for
 * P1..P5, 0 for none (or a value that is no tg_priority).
 */
int tg_inventory__priority(tg_priority priority);

/* Open threats of a document with a priority from P1 to P`max`. */
size_t tg_inventory__open_threats(const tg_doc_summary *doc, int max);

/*
 * The sign-off state in a word: "signed", "missing" (required, absent),
 * "not required", or "unknown" for an unreadable document.
 */
const char *tg_inventory__signoff_state(const tg_doc_summary *doc);

/*
 * The documents in the order a security lead reads them: unreadable,
 * then stale or lacking a required sign-off, then drifting, then the
 * rest; oldest review first within each group, then repository and
 * path. *out gets `tg_scan_count()` indices (caller frees).
 */
int tg_inventory__attention(size_t **out, const tg_scan *scan);

/* The rank of a document in that order: 0 (first) to 3. */
int tg_inventory__rank(const tg_scan_doc *doc);

#endif
