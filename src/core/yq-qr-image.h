/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * QR codes for the QR-code login (libqrencode): error correction level M,
 * 8-bit mode, a quiet zone of four modules, black on white.
 */

#define YQ_QR_IMAGE_ERROR (yq_qr_image_error_quark ())

/**
 * YqQrImageError:
 * @YQ_QR_IMAGE_ERROR_TOO_LONG: the text does not fit in a QR code
 * @YQ_QR_IMAGE_ERROR_FAILED: encoding failed otherwise
 */
typedef enum
{
  YQ_QR_IMAGE_ERROR_TOO_LONG,
  YQ_QR_IMAGE_ERROR_FAILED,
} YqQrImageError;

GQuark  yq_qr_image_error_quark (void);

/* A standalone SVG document; every module is @module_size (1–64) user
 * units, and the document has a viewBox so that it scales. */
char   *yq_qr_image_svg         (const char  *text,
                                 guint        module_size,
                                 GError     **error);
/* A PNG file (8-bit greyscale) with @module_size (1–64) pixels per module. */
GBytes *yq_qr_image_png         (const char  *text,
                                 guint        module_size,
                                 GError     **error);

G_END_DECLS
