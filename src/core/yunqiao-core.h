/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yq-types.h"
#include "yq-store.h"
#include "yq-secrets.h"
#include "yq-connector.h"
#include "yq-connectors.h"
#include "yq-settings.h"
#include "yq-apps.h"
#include "yq-push.h"
#include "yq-push-inbox.h"
#include "yq-login-store.h"
#include "yq-org.h"
#include "yq-comparison.h"
#include "yq-qr-image.h"
