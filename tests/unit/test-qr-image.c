/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <qrencode.h>
#include <zlib.h>

#include "yq-qr-image.h"

#define QUIET_ZONE 4

/* A login URL of the length the QR-code login shows (~120 characters). */
static const char login_url[] =
  "https://login.example.gov.cn/oauth2/qrconnect?client_id=yunqiao-desktop"
  "&state=7f3a9c2e51d04b8e&scene=qr&lang=zh_CN&t=1733203200";

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QRcode, QRcode_free)

/* The symbol the image must show, straight from libqrencode. */
static QRcode *
reference_code (const char *text)
{
  QRcode *code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);

  g_assert_nonnull (code);
  return code;
}

static gboolean
reference_dark (const QRcode *code,
                int           x,
                int           y)
{
  return (code->data[y * code->width + x] & 1) != 0;
}

static guint32
get_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

/* Walks the chunks of @png checking each CRC, and returns the IHDR width and
 * height and the concatenated IDAT data. */
static GBytes *
check_png_structure (GBytes *png,
                     guint  *width,
                     guint  *height)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr(GByteArray) idat = g_byte_array_new ();
  gsize size;
  const guint8 *data = g_bytes_get_data (png, &size);
  gsize offset = sizeof signature;
  guint n_chunks = 0;
  gboolean seen_iend = FALSE;

  g_assert_cmpuint (size, >, sizeof signature);
  g_assert_cmpmem (data, sizeof signature, signature, sizeof signature);

  while (offset < size)
    {
      guint32 length;
      const guint8 *type;
      uLong crc;

      g_assert_false (seen_iend);
      g_assert_cmpuint (size - offset, >=, 12);
      length = get_be32 (data + offset);
      g_assert_cmpuint (size - offset - 12, >=, length);
      type = data + offset + 4;

      crc = crc32 (0L, Z_NULL, 0);
      crc = crc32 (crc, type, 4 + length);
      g_assert_cmpuint (get_be32 (type + 4 + length), ==, (guint32) crc);

      if (n_chunks == 0)
        {
          g_assert_cmpmem (type, 4, "IHDR", 4);
          g_assert_cmpuint (length, ==, 13);
          *width = get_be32 (type + 4);
          *height = get_be32 (type + 8);
          g_assert_cmpuint (type[12], ==, 8);  /* bit depth */
          g_assert_cmpuint (type[13], ==, 0);  /* greyscale */
          g_assert_cmpuint (type[14], ==, 0);
          g_assert_cmpuint (type[15], ==, 0);
          g_assert_cmpuint (type[16], ==, 0);  /* not interlaced */
        }
      else if (memcmp (type, "IDAT", 4) == 0)
        g_byte_array_append (idat, type + 4, length);
      else if (memcmp (type, "IEND", 4) == 0)
        {
          g_assert_cmpuint (length, ==, 0);
          seen_iend = TRUE;
        }

      offset += 12 + (gsize) length;
      n_chunks++;
    }

  g_assert_true (seen_iend);
  g_assert_cmpuint (offset, ==, size);
  g_assert_cmpuint (idat->len, >, 0);

  return g_byte_array_free_to_bytes (g_steal_pointer (&idat));
}

/* The pixels of the PNG are the modules of @code, @module_size pixels
 * each, inside a white quiet zone of four modules. */
static void
check_png_pixels (GBytes       *idat,
                  guint         side,
                  guint         module_size,
                  const QRcode *code)
{
  uLongf raw_size = (uLongf) side * (side + 1);
  g_autofree guint8 *raw = g_malloc (raw_size);
  uLongf got = raw_size;
  gsize idat_size;
  const guint8 *idat_data = g_bytes_get_data (idat, &idat_size);

  g_assert_cmpint (uncompress (raw, &got, idat_data, idat_size), ==, Z_OK);
  g_assert_cmpuint (got, ==, raw_size);

  for (guint y = 0; y < side; y++)
    {
      const guint8 *line = raw + (gsize) y * (side + 1);

      g_assert_cmpuint (line[0], ==, 0);
      for (guint x = 0; x < side; x++)
        {
          int mx = (int) (x / module_size) - QUIET_ZONE;
          int my = (int) (y / module_size) - QUIET_ZONE;
          gboolean dark = FALSE;

          if (mx >= 0 && mx < code->width && my >= 0 && my < code->width)
            dark = reference_dark (code, mx, my);

          g_assert_cmpuint (line[1 + x], ==, dark ? 0x00 : 0xff);
        }
    }
}

static char *
decode_with_zbarimg (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *program = g_find_program_in_path ("zbarimg");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  const char *argv[] = { NULL, "--raw", "-q", path, NULL };

  if (program == NULL)
    {
      g_test_fail_printf ("zbarimg is not installed, so the QR code cannot be read back. "
                          "Install the Debian package zbar-tools (make check does).");
      return NULL;
    }

  argv[0] = program;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    {
      g_test_fail_printf ("zbarimg could not read the QR code in %s: %s (%s)",
                          path, error->message, err);
      return NULL;
    }

  /* --raw ends each symbol with a newline. */
  g_assert_true (g_str_has_suffix (out, "\n"));
  out[strlen (out) - 1] = '\0';
  return g_steal_pointer (&out);
}

static void
test_png_decodes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GBytes) idat = NULL;
  g_autoptr(QRcode) code = reference_code (login_url);
  g_autofree char *path = NULL;
  g_autofree char *decoded = NULL;
  const guint module_size = 4;
  guint width = 0, height = 0;
  gsize size;
  const guint8 *data;
  int fd;

  g_assert_cmpuint (strlen (login_url), >=, 110);

  png = yq_qr_image_png (login_url, module_size, &error);
  g_assert_no_error (error);
  g_assert_nonnull (png);

  idat = check_png_structure (png, &width, &height);
  g_assert_cmpuint (width, ==, (guint) (code->width + 2 * QUIET_ZONE) * module_size);
  g_assert_cmpuint (height, ==, width);
  check_png_pixels (idat, width, module_size, code);

  fd = g_file_open_tmp ("yq-qr-XXXXXX.png", &path, &error);
  g_assert_no_error (error);
  close (fd);
  data = g_bytes_get_data (png, &size);
  g_file_set_contents (path, (const char *) data, (gssize) size, &error);
  g_assert_no_error (error);

  decoded = decode_with_zbarimg (path);
  g_unlink (path);
  if (decoded == NULL)
    return;
  g_assert_cmpstr (decoded, ==, login_url);
}

static void
test_png_module_sizes (void)
{
  g_autoptr(QRcode) code = reference_code ("yunqiao");
  const guint sizes[] = { 1, 3, 64 };

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) png = NULL;
      g_autoptr(GBytes) idat = NULL;
      guint width = 0, height = 0;

      png = yq_qr_image_png ("yunqiao", sizes[i], &error);
      g_assert_no_error (error);
      idat = check_png_structure (png, &width, &height);
      g_assert_cmpuint (width, ==, (guint) (code->width + 2 * QUIET_ZONE) * sizes[i]);
      g_assert_cmpuint (height, ==, width);
      check_png_pixels (idat, width, sizes[i], code);
    }
}

static xmlNode *
find_child (xmlNode    *parent,
            const char *name)
{
  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    if (child->type == XML_ELEMENT_NODE && xmlStrEqual (child->name, (const xmlChar *) name))
      return child;
  return NULL;
}

static char *
get_attr (xmlNode    *node,
          const char *name)
{
  xmlChar *value = xmlGetProp (node, (const xmlChar *) name);
  char *copy;

  g_assert_nonnull (value);
  copy = g_strdup ((const char *) value);
  xmlFree (value);
  return copy;
}

/* Rasterises the path of the SVG (a run of rectangles "M x y h w v s h -w z")
 * into a module grid and compares it with @code. */
static void
check_svg_path (const char   *d,
                guint         module_size,
                const QRcode *code)
{
  g_autofree gboolean *dark = g_new0 (gboolean, code->width * code->width);
  const char *p = d;

  while (*p != '\0')
    {
      guint x, y, w, h, w2;
      int consumed = 0;

      g_assert_cmpint (sscanf (p, "M%u %uh%uv%uh-%uz%n", &x, &y, &w, &h, &w2, &consumed), ==, 5);
      g_assert_cmpint (consumed, >, 0);
      g_assert_cmpuint (w, ==, w2);
      g_assert_cmpuint (h, ==, module_size);
      g_assert_cmpuint (x % module_size, ==, 0);
      g_assert_cmpuint (y % module_size, ==, 0);
      g_assert_cmpuint (w % module_size, ==, 0);
      g_assert_cmpuint (w, >, 0);

      for (guint mx = x / module_size; mx < (x + w) / module_size; mx++)
        {
          int cx = (int) mx - QUIET_ZONE;
          int cy = (int) (y / module_size) - QUIET_ZONE;

          g_assert_cmpint (cx, >=, 0);
          g_assert_cmpint (cx, <, code->width);
          g_assert_cmpint (cy, >=, 0);
          g_assert_cmpint (cy, <, code->width);
          g_assert_false (dark[cy * code->width + cx]);
          dark[cy * code->width + cx] = TRUE;
        }

      p += consumed;
    }

  for (int y = 0; y < code->width; y++)
    for (int x = 0; x < code->width; x++)
      g_assert_cmpint (dark[y * code->width + x], ==, reference_dark (code, x, y));
}

static void
test_svg (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QRcode) code = reference_code (login_url);
  g_autofree char *svg = NULL;
  g_autofree char *view_box = NULL;
  g_autofree char *expected_box = NULL;
  g_autofree char *width = NULL;
  g_autofree char *height = NULL;
  g_autofree char *rendering = NULL;
  g_autofree char *fill = NULL;
  g_autofree char *d = NULL;
  g_autofree char *side_text = NULL;
  const guint module_size = 5;
  guint side = (guint) (code->width + 2 * QUIET_ZONE) * module_size;
  xmlDoc *doc;
  xmlNode *root;
  xmlNode *rect;
  xmlNode *path;

  svg = yq_qr_image_svg (login_url, module_size, &error);
  g_assert_no_error (error);
  g_assert_nonnull (svg);

  doc = xmlReadMemory (svg, (int) strlen (svg), "qr.svg", "UTF-8", XML_PARSE_NONET);
  g_assert_nonnull (doc);
  root = xmlDocGetRootElement (doc);
  g_assert_nonnull (root);
  g_assert_cmpstr ((const char *) root->name, ==, "svg");
  g_assert_nonnull (root->ns);
  g_assert_cmpstr ((const char *) root->ns->href, ==, "http://www.w3.org/2000/svg");

  view_box = get_attr (root, "viewBox");
  expected_box = g_strdup_printf ("0 0 %u %u", side, side);
  g_assert_cmpstr (view_box, ==, expected_box);
  side_text = g_strdup_printf ("%u", side);
  width = get_attr (root, "width");
  height = get_attr (root, "height");
  g_assert_cmpstr (width, ==, side_text);
  g_assert_cmpstr (height, ==, side_text);
  rendering = get_attr (root, "shape-rendering");
  g_assert_cmpstr (rendering, ==, "crispEdges");

  rect = find_child (root, "rect");
  g_assert_nonnull (rect);
  fill = get_attr (rect, "fill");
  g_assert_cmpstr (fill, ==, "#ffffff");

  path = find_child (root, "path");
  g_assert_nonnull (path);
  d = get_attr (path, "d");
  g_assert_cmpstr (d, !=, "");
  check_svg_path (d, module_size, code);

  xmlFreeDoc (doc);
}

static void
test_too_long (void)
{
  g_autofree char *text = g_strnfill (8000, 'a');
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autofree char *svg = NULL;

  png = yq_qr_image_png (text, 4, &error);
  g_assert_error (error, YQ_QR_IMAGE_ERROR, YQ_QR_IMAGE_ERROR_TOO_LONG);
  g_assert_null (png);
  g_clear_error (&error);

  svg = yq_qr_image_svg (text, 4, &error);
  g_assert_error (error, YQ_QR_IMAGE_ERROR, YQ_QR_IMAGE_ERROR_TOO_LONG);
  g_assert_null (svg);
}

static void
test_bad_module_size (void)
{
  const guint sizes[] = { 0, 65 };

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) png = NULL;
      g_autofree char *svg = NULL;

      png = yq_qr_image_png (login_url, sizes[i], &error);
      g_assert_error (error, YQ_QR_IMAGE_ERROR, YQ_QR_IMAGE_ERROR_FAILED);
      g_assert_null (png);
      g_clear_error (&error);

      svg = yq_qr_image_svg (login_url, sizes[i], &error);
      g_assert_error (error, YQ_QR_IMAGE_ERROR, YQ_QR_IMAGE_ERROR_FAILED);
      g_assert_null (svg);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/qr-image/png-decodes", test_png_decodes);
  g_test_add_func ("/qr-image/png-module-sizes", test_png_module_sizes);
  g_test_add_func ("/qr-image/svg", test_svg);
  g_test_add_func ("/qr-image/too-long", test_too_long);
  g_test_add_func ("/qr-image/bad-module-size", test_bad_module_size);

  return g_test_run ();
}
