/* Tokenizer for the xl.cfg syntax (private to cfg.c): identifiers, numbers,
 * quoted strings with xl's escapes, punctuation, newlines; comments skipped. */
#ifndef PVX_CFG_LEX_H
#define PVX_CFG_LEX_H

#include <stddef.h>

#include "libpvx/pvx_err.h"

enum cfg_tok {
	CFG_TOK_EOF,
	CFG_TOK_NEWLINE,
	CFG_TOK_IDENT,
	CFG_TOK_NUMBER,
	CFG_TOK_STRING,
	CFG_TOK_EQ,     /* = */
	CFG_TOK_PLUSEQ, /* += */
	CFG_TOK_SEMI,   /* ; */
	CFG_TOK_COMMA,  /* , */
	CFG_TOK_LBRACKET,
	CFG_TOK_RBRACKET,
};

struct cfg_lex {
	const char *buf;
	size_t len;
	size_t pos;
	int line;
	const char *name;    /* file name for messages */
	const char *prefix;  /* when set, messages start with it instead of name:line */
	struct pvx_err *err; /* where a failure is explained (may be NULL) */
	/* The current token, valid after cfg_lex_next returned 0. */
	enum cfg_tok tok;
	int tok_line;
	char *text;    /* IDENT / NUMBER text or decoded STRING; owned by the lexer */
	long long num; /* NUMBER value */
};

/* Start lexing buf[0..len) at line 1. No token is read yet. */
void cfg_lex_init(struct cfg_lex *lx, const char *name, const char *buf, size_t len,
		  struct pvx_err *err);
/* Read the next token. 0, or -EINVAL (message in lx->err) / -ENOMEM. */
int cfg_lex_next(struct cfg_lex *lx);
/* Hand the current token's text to the caller (who frees it). */
char *cfg_lex_take(struct cfg_lex *lx);
/* Free what the lexer still owns. */
void cfg_lex_fini(struct cfg_lex *lx);
/* Explain the failure as "<name>:<line>: <message>" (or "<prefix>: <message>")
 * in lx->err; returns -EINVAL for convenience. */
int cfg_lex_error(struct cfg_lex *lx, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Write byte c as it appears inside a double-quoted string that the lexer reads
 * back as c (\" \\ \n \t \xHH or itself) into buf (at least 5 bytes, not
 * terminated); returns the characters written. */
size_t cfg_lex_quote_char(unsigned char c, char *buf);
/* Describe the current token for a message: "end of line", "'='", "'memory'". */
void cfg_lex_describe(const struct cfg_lex *lx, char *buf, size_t len);

#endif
