/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-qr-image"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <qrencode.h>
#include <zlib.h>

#include "yq-qr-image.h"

/* ISO/IEC 18004 asks for at least four light modules around the symbol. */
#define QUIET_ZONE 4
#define MIN_MODULE_SIZE 1
#define MAX_MODULE_SIZE 64
/* Output buffer of the streaming deflate, in bytes. */
#define DEFLATE_CHUNK 16384

G_DEFINE_QUARK (yq-qr-image-error-quark, yq_qr_image_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QRcode, QRcode_free)

static QRcode *
encode (const char  *text,
        guint        module_size,
        GError     **error)
{
  QRcode *code;
  int saved_errno;

  if (module_size < MIN_MODULE_SIZE || module_size > MAX_MODULE_SIZE)
    {
      g_set_error (error, YQ_QR_IMAGE_ERROR, YQ_QR_IMAGE_ERROR_FAILED,
                   _("Could not draw the QR code: a module size of %u is out of range. "
                     "Use a size from %u to %u."),
                   module_size, MIN_MODULE_SIZE, MAX_MODULE_SIZE);
      return NULL;
    }

  errno = 0;
  code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  saved_errno = errno;

  if (code != NULL)
    return code;

  if (saved_errno == ERANGE)
    g_set_error (error, YQ_QR_IMAGE_ERROR, YQ_QR_IMAGE_ERROR_TOO_LONG,
                 _("Could not draw the QR code: the text is %zu bytes long, more than the "
                   "largest QR code holds. Use a shorter text."),
                 strlen (text));
  else
    g_set_error (error, YQ_QR_IMAGE_ERROR, YQ_QR_IMAGE_ERROR_FAILED,
                 _("Could not draw the QR code: %s. Check the text and try again."),
                 saved_errno != 0 ? g_strerror (saved_errno) : _("the encoder failed"));

  return NULL;
}

static inline gboolean
module_is_dark (const QRcode *code,
                int           x,
                int           y)
{
  /* libqrencode: bit 0 of each byte is the colour, 1 for dark. */
  return (code->data[y * code->width + x] & 1) != 0;
}

char *
yq_qr_image_svg (const char  *text,
                 guint        module_size,
                 GError     **error)
{
  g_autoptr(QRcode) code = NULL;
  g_autoptr(GString) svg = NULL;
  guint side;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  code = encode (text, module_size, error);
  if (code == NULL)
    return NULL;

  side = (guint) (code->width + 2 * QUIET_ZONE) * module_size;

  svg = g_string_new (NULL);
  g_string_append_printf (svg,
                          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\""
                          " width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\""
                          " shape-rendering=\"crispEdges\">\n"
                          "<rect width=\"%u\" height=\"%u\" fill=\"#ffffff\"/>\n"
                          "<path fill=\"#000000\" d=\"",
                          side, side, side, side, side, side);

  /* One rectangle per run of dark modules in a row keeps the path short. */
  for (int y = 0; y < code->width; y++)
    {
      int x = 0;

      while (x < code->width)
        {
          int start;

          if (!module_is_dark (code, x, y))
            {
              x++;
              continue;
            }

          start = x;
          while (x < code->width && module_is_dark (code, x, y))
            x++;

          g_string_append_printf (svg, "M%u %uh%uv%uh-%uz",
                                  (guint) (start + QUIET_ZONE) * module_size,
                                  (guint) (y + QUIET_ZONE) * module_size,
                                  (guint) (x - start) * module_size,
                                  module_size,
                                  (guint) (x - start) * module_size);
        }
    }

  g_string_append (svg, "\"/>\n</svg>\n");

  return g_string_free (g_steal_pointer (&svg), FALSE);
}

static void
put_be32 (guint8  *out,
          guint32  value)
{
  out[0] = (value >> 24) & 0xff;
  out[1] = (value >> 16) & 0xff;
  out[2] = (value >> 8) & 0xff;
  out[3] = value & 0xff;
}

static void
append_chunk (GByteArray   *png,
              const char   *type,
              const guint8 *data,
              gsize         length)
{
  guint8 word[4];
  uLong crc;

  g_assert (strlen (type) == 4);
  g_assert (length <= G_MAXINT32);

  put_be32 (word, (guint32) length);
  g_byte_array_append (png, word, 4);
  g_byte_array_append (png, (const guint8 *) type, 4);
  if (length > 0)
    g_byte_array_append (png, data, (guint) length);

  crc = crc32 (0L, Z_NULL, 0);
  crc = crc32 (crc, (const Bytef *) type, 4);
  if (length > 0)
    crc = crc32 (crc, data, (uInt) length);
  put_be32 (word, (guint32) crc);
  g_byte_array_append (png, word, 4);
}

/* Feeds @length bytes (or, with @flush Z_FINISH, the end of the stream) to
 * @stream, collecting what comes out in @out. */
static gboolean
deflate_into (z_stream     *stream,
              GByteArray   *out,
              const guint8 *data,
              gsize         length,
              int           flush)
{
  guint8 buffer[DEFLATE_CHUNK];
  int status;

  stream->next_in = (Bytef *) data;
  stream->avail_in = (uInt) length;

  do
    {
      stream->next_out = buffer;
      stream->avail_out = sizeof buffer;
      status = deflate (stream, flush);
      if (status == Z_STREAM_ERROR)
        return FALSE;
      g_byte_array_append (out, buffer, sizeof buffer - stream->avail_out);
    }
  while (stream->avail_out == 0);

  g_assert (stream->avail_in == 0);
  return flush != Z_FINISH || status == Z_STREAM_END;
}

GBytes *
yq_qr_image_png (const char  *text,
                 guint        module_size,
                 GError     **error)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr(QRcode) code = NULL;
  g_autoptr(GByteArray) png = NULL;
  g_autoptr(GByteArray) idat = NULL;
  g_autofree guint8 *light_row = NULL;
  g_autofree guint8 *row = NULL;
  guint8 ihdr[13];
  z_stream stream = { 0 };
  guint side;
  gboolean ok = TRUE;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  code = encode (text, module_size, error);
  if (code == NULL)
    return NULL;

  side = (guint) (code->width + 2 * QUIET_ZONE) * module_size;

  put_be32 (ihdr, side);
  put_be32 (ihdr + 4, side);
  ihdr[8] = 8;   /* bit depth */
  ihdr[9] = 0;   /* greyscale */
  ihdr[10] = 0;  /* deflate */
  ihdr[11] = 0;  /* adaptive filtering, here always filter type 0 */
  ihdr[12] = 0;  /* no interlace */

  /* Each scanline is a filter byte (0, none) and one byte per pixel. */
  light_row = g_malloc (side + 1);
  light_row[0] = 0;
  memset (light_row + 1, 0xff, side);
  row = g_malloc (side + 1);

  if (deflateInit (&stream, Z_BEST_COMPRESSION) != Z_OK)
    {
      g_set_error (error, YQ_QR_IMAGE_ERROR, YQ_QR_IMAGE_ERROR_FAILED,
                   _("Could not draw the QR code: the compressor did not start (%s). "
                     "The computer may be out of memory."),
                   stream.msg != NULL ? stream.msg : "zlib");
      return NULL;
    }

  /* The image is stored compressed only, row by row: at 64 pixels a module
   * the largest code would take well over 100 MB as raw pixels. */
  idat = g_byte_array_new ();

  for (guint y = 0; ok && y < QUIET_ZONE * module_size; y++)
    ok = deflate_into (&stream, idat, light_row, side + 1, Z_NO_FLUSH);

  for (int my = 0; ok && my < code->width; my++)
    {
      guint8 *pixel = row + 1;

      row[0] = 0;
      memset (pixel, 0xff, QUIET_ZONE * module_size);
      pixel += QUIET_ZONE * module_size;
      for (int mx = 0; mx < code->width; mx++)
        {
          memset (pixel, module_is_dark (code, mx, my) ? 0x00 : 0xff, module_size);
          pixel += module_size;
        }
      memset (pixel, 0xff, QUIET_ZONE * module_size);

      for (guint i = 0; ok && i < module_size; i++)
        ok = deflate_into (&stream, idat, row, side + 1, Z_NO_FLUSH);
    }

  for (guint y = 0; ok && y < QUIET_ZONE * module_size; y++)
    ok = deflate_into (&stream, idat, light_row, side + 1, Z_NO_FLUSH);

  if (ok)
    ok = deflate_into (&stream, idat, NULL, 0, Z_FINISH);

  deflateEnd (&stream);

  if (!ok)
    {
      g_set_error (error, YQ_QR_IMAGE_ERROR, YQ_QR_IMAGE_ERROR_FAILED,
                   _("Could not draw the QR code: compressing the image failed. "
                     "Try again with a smaller module size."));
      return NULL;
    }

  png = g_byte_array_sized_new (idat->len + 64);
  g_byte_array_append (png, signature, sizeof signature);
  append_chunk (png, "IHDR", ihdr, sizeof ihdr);
  append_chunk (png, "IDAT", idat->data, idat->len);
  append_chunk (png, "IEND", NULL, 0);

  return g_byte_array_free_to_bytes (g_steal_pointer (&png));
}
