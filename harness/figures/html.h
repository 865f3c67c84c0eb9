/* Writing an HTML page in which no string from a record can become markup.
 * The page is written through this interface alone (the stream is hidden):
 * html_markup() accepts string literals only (the macro does not compile
 * with anything else), and html_text() and html_textf() escape everything
 * they write, the formatted result included.  So record text can reach the
 * page escaped or not at all; there is no third way. */
#ifndef SL_HTML_H
#define SL_HTML_H

struct html;

/* A page written atomically to `path` (kit/files.h: the old file stays
 * until html_commit succeeds); NULL with sl_error(). */
struct html *html_open(const char *path);
/* Puts the page in place; -1 with sl_error() (why the page could not be
 * written) and nothing changed.  Frees h either way. */
int html_commit(struct html *h);
/* Drops the page, leaving the old one; frees h. */
void html_abort(struct html *h);

/* Literal markup, written as it is: html_markup(h, "<tr><td>"). */
#define html_markup(h, literal) html_markup_literal((h), "" literal "")
void html_markup_literal(struct html *h, const char *literal);

/* Text, escaped (& < > " '): in element content and quoted attribute
 * values alike.  NULL writes nothing. */
void html_text(struct html *h, const char *text);
/* Formatted text, escaped as a whole; the format is a literal. */
#define html_textf(h, format, ...) html_textf_literal((h), "" format "", __VA_ARGS__)
void html_textf_literal(struct html *h, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* The PNG at `path` as a data: URI (base64 of the file, for an src
 * attribute); 0, or -1 with sl_error(). */
int html_png_data_uri(struct html *h, const char *path);

#endif
