#include "figures/html.h"

#include "kit/files.h"
#include "kit/sl.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

struct html {
    struct util_atomic_file out;
    bool out_of_memory; /* a formatted text was lost: the page is incomplete */
};

struct html *html_open(const char *path)
{
    struct html *h = calloc(1, sizeof *h);
    if (!h) {
        sl_fail("out of memory");
        return NULL;
    }
    if (util_atomic_open(&h->out, path) != 0) {
        free(h);
        return NULL;
    }
    return h;
}

int html_commit(struct html *h)
{
    int rc;
    if (h->out_of_memory) {
        util_atomic_abort(&h->out);
        rc = sl_fail("out of memory writing a page");
    } else {
        rc = util_atomic_commit(&h->out);
    }
    free(h);
    return rc;
}

void html_abort(struct html *h)
{
    util_atomic_abort(&h->out);
    free(h);
}

void html_markup_literal(struct html *h, const char *literal)
{
    fputs(literal, h->out.fp);
}

void html_text(struct html *h, const char *text)
{
    for (const char *s = text; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", h->out.fp); break;
        case '<': fputs("&lt;", h->out.fp); break;
        case '>': fputs("&gt;", h->out.fp); break;
        case '"': fputs("&quot;", h->out.fp); break;
        case '\'': fputs("&#39;", h->out.fp); break;
        default: fputc(*s, h->out.fp);
        }
    }
}

void html_textf_literal(struct html *h, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    char *text = NULL;
    int n = vasprintf(&text, format, ap);
    va_end(ap);
    if (n < 0) {
        h->out_of_memory = true;
        return;
    }
    html_text(h, text);
    free(text);
}

int html_png_data_uri(struct html *h, const char *path)
{
    FILE *in = util_fopen_input(path);
    if (!in)
        return -1;
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned char chunk[3];
    size_t n;
    fputs("data:image/png;base64,", h->out.fp);
    while ((n = fread(chunk, 1, 3, in)) > 0) {
        unsigned v = (unsigned)chunk[0] << 16 | (n > 1 ? (unsigned)chunk[1] << 8 : 0) |
                     (n > 2 ? chunk[2] : 0);
        fputc(alphabet[v >> 18 & 63], h->out.fp);
        fputc(alphabet[v >> 12 & 63], h->out.fp);
        fputc(n > 1 ? alphabet[v >> 6 & 63] : '=', h->out.fp);
        fputc(n > 2 ? alphabet[v & 63] : '=', h->out.fp);
    }
    int failed = ferror(in);
    fclose(in);
    return failed ? sl_fail("cannot read %s", path) : 0;
}
