/*
 * threatgate: the only header library users include.
 */
#ifndef THREATGATE_H
#define THREATGATE_H

#include "threatgate/common.h"
#include "threatgate/policy.h"
#include "threatgate/document.h"
#include "threatgate/model.h"
#include "threatgate/rules.h"
#include "threatgate/findings.h"
#include "threatgate/report.h"
#include "threatgate/changes.h"
#include "threatgate/scan.h"

#endif
