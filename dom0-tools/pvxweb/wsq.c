/* A WebSocket client's outgoing messages: lws writes only from the writable
 * callback, one message per call, so everything else queues here. */
#include <errno.h>
#include <libwebsockets.h>
#include <stdlib.h>
#include <string.h>

#include "pvxweb.h"

int wsq_push(struct wsq *q, const void *data, size_t len, int binary)
{
	struct wsq_msg *m = malloc(sizeof(*m) + LWS_PRE + len);

	if (!m)
		return -ENOMEM;
	m->next = NULL;
	m->len = len;
	m->binary = binary;
	memcpy(m->data + LWS_PRE, data, len);
	if (q->tail)
		q->tail->next = m;
	else
		q->head = m;
	q->tail = m;
	q->bytes += len;
	return 0;
}

int wsq_write_one(struct wsq *q, struct lws *wsi)
{
	struct wsq_msg *m = q->head;
	int n;

	if (!m)
		return 0;
	n = lws_write(wsi, m->data + LWS_PRE, m->len,
		      m->binary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT);
	if (n < (int)m->len)
		return -1;
	q->head = m->next;
	if (!q->head)
		q->tail = NULL;
	q->bytes -= m->len;
	free(m);
	return q->head != NULL;
}

void wsq_clear(struct wsq *q)
{
	while (q->head) {
		struct wsq_msg *m = q->head;

		q->head = m->next;
		free(m);
	}
	q->tail = NULL;
	q->bytes = 0;
}
