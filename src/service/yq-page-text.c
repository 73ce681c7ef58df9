/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-http"

#include "config.h"

#include <string.h>

#include "yq-page-text.h"

#define MO_MAGIC 0x950412deU

struct _YqPageText
{
  /* msgid (with "context\004" when it has one) → msgstr; both point into
   * @data. */
  GHashTable *strings;
  GBytes     *data;
};

static gboolean
read_u32 (const guint8 *base,
          gsize         length,
          gsize         offset,
          gboolean      swap,
          guint32      *value)
{
  guint32 raw;

  if (offset > length || length - offset < 4)
    return FALSE;
  memcpy (&raw, base + offset, 4);
  *value = swap ? GUINT32_SWAP_LE_BE (raw) : raw;
  return TRUE;
}

/* Entry @index of the string table at @table: a NUL-terminated string
 * within the file. */
static const char *
read_string (const guint8 *base,
             gsize         length,
             guint32       table,
             guint32       index,
             gboolean      swap)
{
  guint32 size, offset;

  if (!read_u32 (base, length, (gsize) table + (gsize) index * 8, swap, &size) ||
      !read_u32 (base, length, (gsize) table + (gsize) index * 8 + 4, swap, &offset))
    return NULL;
  if ((gsize) offset > length || length - offset <= size || base[offset + size] != '\0')
    return NULL;

  return (const char *) base + offset;
}

static gboolean
load (YqPageText *self)
{
  gsize length;
  const guint8 *base;
  guint32 magic, n, originals, translations;
  gboolean swap;

  base = g_bytes_get_data (self->data, &length);
  if (!read_u32 (base, length, 0, FALSE, &magic))
    return FALSE;
  if (magic == MO_MAGIC)
    swap = FALSE;
  else if (GUINT32_SWAP_LE_BE (magic) == MO_MAGIC)
    swap = TRUE;
  else
    return FALSE;

  if (!read_u32 (base, length, 8, swap, &n) ||
      !read_u32 (base, length, 12, swap, &originals) ||
      !read_u32 (base, length, 16, swap, &translations))
    return FALSE;

  for (guint32 i = 0; i < n; i++)
    {
      const char *msgid = read_string (base, length, originals, i, swap);
      const char *msgstr = read_string (base, length, translations, i, swap);

      if (msgid == NULL || msgstr == NULL)
        return FALSE;
      /* The header has an empty msgid; plural forms keep their singular
       * msgid before the NUL, and Chinese has one form. */
      if (*msgid != '\0' && *msgstr != '\0')
        g_hash_table_insert (self->strings, (gpointer) msgid, (gpointer) msgstr);
    }

  return TRUE;
}

YqPageText *
yq_page_text_new (const char *localedir,
                  const char *domain)
{
  YqPageText *self = g_new0 (YqPageText, 1);
  g_autofree char *file = g_strconcat (domain, ".mo", NULL);
  g_autofree char *path = g_build_filename (localedir, "zh_CN", "LC_MESSAGES", file, NULL);
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) error = NULL;

  self->strings = g_hash_table_new (g_str_hash, g_str_equal);

  mapped = g_mapped_file_new (path, FALSE, &error);
  if (mapped == NULL)
    {
      g_message ("The login pages are in English only: %s", error->message);
      return self;
    }

  self->data = g_mapped_file_get_bytes (mapped);
  if (!load (self))
    {
      g_warning ("The login pages are in English only: %s is not a valid catalogue", path);
      g_hash_table_remove_all (self->strings);
    }

  return self;
}

void
yq_page_text_free (YqPageText *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->strings);
  g_clear_pointer (&self->data, g_bytes_unref);
  g_free (self);
}

gboolean
yq_page_text_wants_zh (const char *accept_language)
{
  g_auto(GStrv) parts = NULL;

  if (accept_language == NULL)
    return TRUE;

  /* The first listed language wins; quality values are listed in order by
   * every browser and platform client. */
  parts = g_strsplit (accept_language, ",", 2);
  if (parts[0] == NULL)
    return TRUE;

  g_strstrip (parts[0]);
  return g_ascii_strncasecmp (parts[0], "en", 2) != 0;
}

const char *
yq_page_text_get (YqPageText *self,
                  gboolean    zh,
                  const char *msgid)
{
  const char *msgstr;

  if (!zh)
    return msgid;

  msgstr = g_hash_table_lookup (self->strings, msgid);
  return msgstr != NULL ? msgstr : msgid;
}
