/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yq-platform-error.h"
#include "yq-platform.h"
#include "yq-http.h"
#include "zwdd/yq-zwdd-client.h"
#include "zwdd/yq-zwdd-sign.h"
#include "yzj/yq-yzj-client.h"
#include "yzj/yq-yzj-pubtoken.h"
