/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yunqiaoctl"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "yq-cli.h"

struct _YqCliTable
{
  guint      n_columns;
  GPtrArray *rows;
};

/**
 * yq_cli_display_width:
 * @text: UTF-8 text
 *
 * The number of terminal columns @text takes: CJK characters take two,
 * combining marks none.
 */
gsize
yq_cli_display_width (const char *text)
{
  gsize width = 0;

  if (!g_utf8_validate (text, -1, NULL))
    return strlen (text);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c))
        continue;

      width += g_unichar_iswide (c) ? 2 : 1;
    }

  return width;
}

YqCliTable *
yq_cli_table_new (guint               n_columns,
                  const char * const *headers)
{
  YqCliTable *table = g_new0 (YqCliTable, 1);

  table->n_columns = n_columns;
  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  yq_cli_table_add_row (table, headers);

  return table;
}

void
yq_cli_table_add_row (YqCliTable         *table,
                      const char * const *cells)
{
  char **row = g_new0 (char *, table->n_columns + 1);

  for (guint i = 0; i < table->n_columns; i++)
    row[i] = g_strdup (cells[i] != NULL ? cells[i] : "");

  g_ptr_array_add (table->rows, row);
}

void
yq_cli_table_print (YqCliTable *table)
{
  g_autofree gsize *widths = g_new0 (gsize, table->n_columns);
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint r = 0; r < table->rows->len; r++)
    {
      char **row = g_ptr_array_index (table->rows, r);

      for (guint c = 0; c < table->n_columns; c++)
        widths[c] = MAX (widths[c], yq_cli_display_width (row[c]));
    }

  for (guint r = 0; r < table->rows->len; r++)
    {
      char **row = g_ptr_array_index (table->rows, r);

      g_string_truncate (line, 0);
      for (guint c = 0; c < table->n_columns; c++)
        {
          g_string_append (line, row[c]);
          if (c + 1 < table->n_columns)
            {
              gsize pad = widths[c] - yq_cli_display_width (row[c]) + 2;

              for (gsize i = 0; i < pad; i++)
                g_string_append_c (line, ' ');
            }
        }

      /* Empty trailing cells would leave trailing blanks. */
      while (line->len > 0 && line->str[line->len - 1] == ' ')
        g_string_truncate (line, line->len - 1);

      g_print ("%s\n", line->str);
    }
}

void
yq_cli_table_free (YqCliTable *table)
{
  if (table == NULL)
    return;

  g_ptr_array_unref (table->rows);
  g_free (table);
}

/**
 * yq_cli_print_fields:
 * @labels: the labels
 * @values: the values, %NULL or empty for an unset value
 * @n_fields: the number of labels and values
 *
 * Prints one "label: value" line per field, values aligned.
 */
void
yq_cli_print_fields (const char * const *labels,
                     const char * const *values,
                     guint               n_fields)
{
  gsize width = 0;

  for (guint i = 0; i < n_fields; i++)
    width = MAX (width, yq_cli_display_width (labels[i]));

  for (guint i = 0; i < n_fields; i++)
    {
      gsize pad = width - yq_cli_display_width (labels[i]);
      const char *value = values[i] != NULL ? values[i] : "";

      g_print ("%s:%*s %s\n", labels[i], (int) pad, "", value);
    }
}

void
yq_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);

  /* JSON is UTF-8 whatever the locale; g_print() would turn the Chinese
   * in it into question marks under LANG=C. */
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

/* Prints what @builder built, as yq_cli_print_json(). */
void
yq_cli_print_builder (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  yq_cli_print_json (root);
}

/* Member helpers of the --json outputs: a missing string is null. */
void
yq_cli_json_add_string (JsonBuilder *builder,
                        const char  *member,
                        const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
yq_cli_json_add_int (JsonBuilder *builder,
                     const char  *member,
                     gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

/* IDs and times that are 0 for "none" are null. */
void
yq_cli_json_add_id (JsonBuilder *builder,
                    const char  *member,
                    gint64       value)
{
  json_builder_set_member_name (builder, member);
  if (value > 0)
    json_builder_add_int_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
yq_cli_json_add_boolean (JsonBuilder *builder,
                         const char  *member,
                         gboolean     value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_boolean_value (builder, value);
}

char *
yq_cli_format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) time = NULL;

  if (unix_seconds <= 0)
    return g_strdup ("");

  time = g_date_time_new_from_unix_local (unix_seconds);
  if (time == NULL)
    return g_strdup ("");

  return g_date_time_format (time, "%Y-%m-%d %H:%M:%S");
}

const char *
yq_cli_yes_no (gboolean value)
{
  return value ? _("yes") : _("no");
}
