/* cmd_match.c - oureyes match: log lines against every live indicator.
 *
 * A regular file is mapped and cut at line ends into pieces of about PIECE
 * bytes whose lines are counted while the indicators load (counting needs
 * no snapshot, and the load keeps one core busy). The threads then take
 * pieces in turn, each scanned into its own buffer with its first line
 * number known; the buffers are written in order, a window of pieces at a
 * time, so memory stays bounded whatever the input.
 *
 * Anything else (standard input, a pipe, a file that cannot be mapped) is
 * read in rounds of CHUNK bytes cut at the last line end; each round is
 * split at line ends into one part per thread. A line longer than a round
 * (no line end in CHUNK bytes) is scanned in pieces cut at white space, all
 * with its one line number. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "cli.h"
#include "match/run.h"
#include "service/matcher.h"

/* Bytes read per round: large enough that thread start-up is noise, small
 * enough that a round's hits and input stay in memory comfortably. */
#define CHUNK	    ((size_t)32 << 20)
#define THREADS_MAX 16
/* A mapped file's pieces, and how many are scanned between writes. */
#define PIECE  ((size_t)1 << 20)
#define WINDOW 64

static const char match_help[] =
    "usage: oureyes match --data DIR [--org NAME] [--format jsonl|text] [--stats]\n"
    "                     [--threads N] [FILE...]\n\n"
    "Read log lines from each FILE (standard input when none, or '-') and print one\n"
    "line per hit against every live indicator the organisation (default: the\n"
    "node's own) may see: JSON lines {line, value, type, indicator, indicator_type,\n"
    "id, how, tlp[, warninglist]} or, with --format text, tab-separated\n"
    "LINE HOW TYPE VALUE INDICATOR. IPs, domains, URLs, e-mail addresses, phone\n"
    "numbers and hashes are taken from anywhere in a line; how is exact, cidr,\n"
    "parent-domain or url-host. --stats prints the load time, memory per entry,\n"
    "lines/s and MB/s on standard error as one JSON line. A progress bar is shown\n"
    "on a terminal for files over 64 MB.\n";

typedef struct job job;

static void progress(uint64_t done, uint64_t total, oe_time t0);
static uint64_t count_lines(const char *p, size_t n);

typedef struct {
	pthread_t th;
	const char *p;
	size_t len;
	uint64_t lines;
	oe_match_run run;
	oe_buf out;
} part;

struct job {
	int nparts;
	part parts[THREADS_MAX];
	uint64_t base; /* lines before this round */
	oe_match_run proto;
	oe_buf outs[WINDOW]; /* a mapped file's pieces of one window */
};

/* A regular file mapped whole: piece k is [at[k], at[k + 1]) and starts
 * after line[k] lines; line[npieces] is the file's line count. */
typedef struct {
	int fd, err; /* err: errno of a failed open */
	char *map;   /* NULL: read it instead */
	size_t size, npieces;
	size_t *at;
	uint64_t *line;
} mapped;

/* A mapped file that shrinks while it is read (a log rotated with
 * copytruncate) faults with SIGBUS where its pages were: say so and exit
 * non-zero rather than die of the signal. Only async-signal-safe calls. */
static void on_sigbus(int sig)
{
	(void)sig;
	static const char msg[] = "oureyes match: an input file shrank while it was read "
				  "(truncated by log rotation?); output so far is incomplete\n";
	ssize_t w = write(2, msg, sizeof(msg) - 1);
	(void)w;
	_exit(1);
}

/* Map m->fd, cut it into pieces and count their lines; on any failure the
 * file is left to be read. */
static void map_prepare(mapped *m)
{
	struct stat st;
	if (m->fd < 0 || fstat(m->fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0)
		return;
	size_t size = (size_t)st.st_size, cap = size / PIECE + 2;
	/* Pages are mapped up front (fewer faults) unless the file is huge;
	 * then they come as counting reaches them, read ahead. */
	bool huge = size > ((size_t)4 << 30);
	void *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE | (huge ? 0 : MAP_POPULATE), m->fd, 0);
	if (p == MAP_FAILED)
		return;
	struct sigaction sa = {.sa_handler = on_sigbus};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	if (huge)
		madvise(p, size, MADV_SEQUENTIAL);
	m->at = malloc(cap * sizeof(*m->at));
	m->line = malloc(cap * sizeof(*m->line));
	if (!m->at || !m->line) {
		free(m->at);
		free(m->line);
		m->at = NULL;
		m->line = NULL;
		munmap(p, size);
		return;
	}
	const char *b = p;
	size_t k = 0, pos = 0;
	m->at[0] = 0;
	m->line[0] = 0;
	while (pos < size && k + 1 < cap) {
		size_t end = pos + PIECE;
		if (end >= size) {
			end = size;
		} else {
			const char *nl = memchr(b + end - 1, '\n', size - end + 1);
			end = nl ? (size_t)(nl - b) + 1 : size;
		}
		m->line[k + 1] = m->line[k] + count_lines(b + pos, end - pos);
		m->at[++k] = end;
		pos = end;
	}
	if (b[size - 1] != '\n')
		m->line[k]++; /* the last line, without its end */
	m->map = p;
	m->size = size;
	m->npieces = k;
}

static void map_release(mapped *m)
{
	if (m->map)
		munmap(m->map, m->size);
	free(m->at);
	free(m->line);
	if (m->fd > 0)
		close(m->fd);
}

/* Open and prepare every input named (not standard input): run while the
 * indicators load. */
typedef struct {
	pthread_t th;
	char **paths;
	int n;
	mapped *m;
} prep;

static void *prep_run(void *arg)
{
	prep *pp = arg;
	for (int i = 0; i < pp->n; i++) {
		mapped *m = &pp->m[i];
		m->fd = -1;
		if (!strcmp(pp->paths[i], "-"))
			continue;
		m->fd = open(pp->paths[i], O_RDONLY | O_CLOEXEC);
		if (m->fd < 0) {
			m->err = errno;
			continue;
		}
		map_prepare(m);
	}
	return NULL;
}

/* One window of a mapped file's pieces, taken in turn by the threads. */
typedef struct {
	job *j;
	const mapped *m;
	size_t first, last;
	atomic_size_t next;
	atomic_uint_fast64_t hits;
} window;

static void *window_work(void *arg)
{
	window *w = arg;
	for (;;) {
		size_t k = w->first + atomic_fetch_add(&w->next, 1);
		if (k >= w->last)
			break;
		oe_buf *o = &w->j->outs[k - w->first];
		oe_buf_clear(o);
		oe_match_run run = w->j->proto;
		run.out = o;
		run.line = w->m->line[k] + 1;
		oe_match_run_lines(&run, w->m->map + w->m->at[k], w->m->at[k + 1] - w->m->at[k]);
		atomic_fetch_add(&w->hits, run.hits);
	}
	return NULL;
}

/* A mapped file: windows of pieces, scanned by every thread, written in
 * order. */
static int match_map(job *j, const mapped *m, const char *name, uint64_t *bytes, uint64_t *hits,
		     uint64_t *lines, bool bar)
{
	oe_time t0 = oe_now();
	j->proto.file = name;
	for (size_t first = 0; first < m->npieces; first += WINDOW) {
		window w = {.j = j,
			    .m = m,
			    .first = first,
			    .last = first + WINDOW < m->npieces ? first + WINDOW : m->npieces};
		atomic_init(&w.next, 0);
		atomic_init(&w.hits, 0);
		int np = j->nparts, started = 1;
		if ((size_t)np > w.last - w.first)
			np = (int)(w.last - w.first);
		for (; started < np; started++)
			if (pthread_create(&j->parts[started].th, NULL, window_work, &w) != 0)
				break;
		window_work(&w);
		for (int k = 1; k < started; k++)
			pthread_join(j->parts[k].th, NULL);
		*hits += atomic_load(&w.hits);
		for (size_t k = w.first; k < w.last; k++) {
			oe_buf *o = &j->outs[k - w.first];
			if (oe_buf_error(o))
				return oe_buf_error(o);
			if (o->len && fwrite(o->data, 1, o->len, stdout) != o->len)
				return OE_EIO;
		}
		if (bar)
			progress(m->at[w.last], m->size, t0);
	}
	if (bar)
		fputc('\n', stderr);
	*bytes += m->size;
	*lines += m->line[m->npieces];
	return 0;
}

/* Line ends in [p, p + n): 16 bytes a step where SSE2 is there, the
 * matches counted in byte lanes and summed every 255 steps. */
static uint64_t count_lines(const char *p, size_t n)
{
	uint64_t c = 0;
	size_t i = 0;
#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
	while (i + 16 <= n) {
		__m128i acc = zero;
		for (int k = 0; k < 255 && i + 16 <= n; k++, i += 16)
			acc = _mm_sub_epi8(
			    acc, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + i)), nl));
		__m128i sum = _mm_sad_epu8(acc, zero);
		c += (uint64_t)_mm_cvtsi128_si64(sum) +
		     (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(sum, sum));
	}
#endif
	for (; i < n; i++)
		c += p[i] == '\n';
	return c;
}

static void *work(void *arg)
{
	part *pt = arg;
	oe_match_run_lines(&pt->run, pt->p, pt->len);
	return NULL;
}

/* Scan [p, p + n) of whole lines with the job's threads; write the hits. */
static int round_run(job *j, const char *p, size_t n, uint64_t *hits, FILE *out)
{
	int np = j->nparts;
	if (n < (size_t)np * 65536)
		np = 1;
	const char *at = p, *end = p + n;
	uint64_t line = j->base + 1;
	for (int k = 0; k < np; k++) {
		part *pt = &j->parts[k];
		const char *stop = k == np - 1 ? end : p + n / (size_t)np * (size_t)(k + 1);
		if (stop < at)
			stop = at;
		if (stop < end) {
			const char *nl = memchr(stop, '\n', (size_t)(end - stop));
			stop = nl ? nl + 1 : end;
		}
		pt->p = at;
		pt->len = (size_t)(stop - at);
		/* A part's first line number: the lines before it (memchr runs
		 * at memory speed; the scan is what takes the threads). */
		pt->lines = count_lines(pt->p, pt->len);
		if (pt->len && pt->p[pt->len - 1] != '\n')
			pt->lines++; /* the input's last line, without its end */
		oe_buf_clear(&pt->out);
		pt->run = j->proto;
		pt->run.out = &pt->out;
		pt->run.line = line;
		line += pt->lines;
		at = stop;
	}
	int started = 1;
	for (; started < np; started++)
		if (pthread_create(&j->parts[started].th, NULL, work, &j->parts[started]) != 0)
			break;
	work(&j->parts[0]);
	for (int k = started; k < np; k++)
		work(&j->parts[k]); /* no thread for it: here */
	for (int k = 1; k < started; k++)
		pthread_join(j->parts[k].th, NULL);
	for (int k = 0; k < np; k++) {
		part *pt = &j->parts[k];
		if (oe_buf_error(&pt->out))
			return oe_buf_error(&pt->out);
		if (pt->out.len && fwrite(pt->out.data, 1, pt->out.len, out) != pt->out.len)
			return OE_EIO;
		j->base += pt->lines;
		*hits += pt->run.hits;
	}
	return 0;
}

static size_t read_full(int fd, char *buf, size_t n, bool *eof)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			*eof = true;
			break;
		}
		got += (size_t)r;
	}
	return got;
}

static void progress(uint64_t done, uint64_t total, oe_time t0)
{
	double s = (double)(oe_now() - t0) / 1e6;
	fprintf(stderr, "\r[%-40.*s] %3d%% %7.1f MB/s", (int)(40 * done / (total ? total : 1)),
		"########################################", (int)(100 * done / (total ? total : 1)),
		s > 0 ? (double)done / 1e6 / s : 0.0);
	fflush(stderr);
}

/* One input: rounds of whole lines, pieces of lines too long for one. */
static int match_fd(job *j, int fd, const char *name, char *buf, uint64_t *bytes, uint64_t *hits,
		    uint64_t *lines, bool bar, uint64_t size)
{
	size_t carry = 0;
	bool eof = false;
	oe_time t0 = oe_now();
	uint64_t done = 0;
	j->base = 0;
	j->proto.file = name;
	while (!eof || carry) {
		size_t n = eof ? 0 : read_full(fd, buf + carry, CHUNK - carry, &eof);
		size_t total = carry + n, end = total;
		*bytes += n;
		done += n;
		if (!eof) {
			const char *nl = memrchr(buf, '\n', total);
			end = nl ? (size_t)(nl - buf) + 1 : 0;
		}
		if (end == 0 && total == CHUNK) {
			/* A line longer than a round: scan up to its last blank and
			 * keep the rest (a value never holds one). */
			size_t cut = total;
			while (cut > 0 && (unsigned char)buf[cut - 1] > ' ')
				cut--;
			if (cut == 0)
				cut = total - OE_VALUE_MAX;
			oe_match_run piece = j->proto;
			oe_buf *o = &j->parts[0].out;
			oe_buf_clear(o);
			piece.out = o;
			piece.line = j->base + 1;
			oe_match_run_piece(&piece, buf, cut);
			*hits += piece.hits;
			if (o->len && fwrite(o->data, 1, o->len, stdout) != o->len)
				return OE_EIO;
			memmove(buf, buf + cut, total - cut);
			carry = total - cut;
			continue;
		}
		int ret = round_run(j, buf, end, hits, stdout);
		if (ret)
			return ret;
		memmove(buf, buf + end, total - end);
		carry = total - end;
		if (bar)
			progress(done, size, t0);
	}
	if (bar)
		fputc('\n', stderr);
	*lines += j->base;
	return 0;
}

int oe_cmd_match(int argc, char **argv)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
					     {"org", required_argument, NULL, 'o'},
					     {"format", required_argument, NULL, 'f'},
					     {"stats", no_argument, NULL, 's'},
					     {"threads", required_argument, NULL, 't'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	const char *dir = NULL, *org = NULL;
	bool text = false, stats = false;
	long threads = sysconf(_SC_NPROCESSORS_ONLN);
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'o': org = optarg; break;
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "jsonl")) {
				oe_cli_err("match", "--format: jsonl or text");
				return 2;
			}
			text = !strcmp(optarg, "text");
			break;
		case 's': stats = true; break;
		case 't': {
			char *end;
			errno = 0;
			threads = strtol(optarg, &end, 10);
			if (errno || *end || threads < 1 || threads > THREADS_MAX) {
				oe_cli_err("match", "--threads: 1 to %d", THREADS_MAX);
				return 2;
			}
			break;
		}
		case 'h': fputs(match_help, stdout); return 0;
		default: fputs(match_help, stderr); return 2;
		}
	}
	if (threads < 1)
		threads = 1;
	if (threads > THREADS_MAX)
		threads = THREADS_MAX;
	oe_node *node;
	oe_store *store;
	int rc = oe_cli_open("match", dir, &node, &store);
	if (rc)
		return rc;
	oe_arena a = OE_ARENA_INIT;
	oe_match_snap *snap = NULL;
	char *buf = NULL;
	job *j = NULL;
	prep pp = {0};
	oe_viewer v;
	if ((rc = oe_cli_viewer("match", store, org, &a, &v)))
		goto out;
	/* The inputs are mapped and counted while the indicators load. */
	int nfiles = argc - optind;
	pp.paths = argv + optind;
	pp.n = nfiles;
	pp.m = calloc(nfiles ? (size_t)nfiles : 1, sizeof(mapped));
	if (!pp.m) {
		oe_cli_err("match", "out of memory");
		rc = 1;
		goto out;
	}
	bool prepping = nfiles > 0 && pthread_create(&pp.th, NULL, prep_run, &pp) == 0;
	if (!prepping)
		prep_run(&pp);
	oe_time t0 = oe_now();
	int ret = oe_svc_match_load(store, &snap);
	oe_time loaded = oe_now();
	if (prepping)
		pthread_join(pp.th, NULL);
	if (ret) {
		oe_cli_err("match", "cannot read the indicators: %s", oe_strerror(ret));
		rc = 1;
		goto out;
	}
	buf = malloc(CHUNK);
	j = calloc(1, sizeof(*j));
	if (!buf || !j) {
		oe_cli_err("match", "out of memory");
		rc = 1;
		goto out;
	}
	j->nparts = (int)threads;
	for (int k = 0; k < THREADS_MAX; k++)
		oe_buf_init(&j->parts[k].out);
	for (int k = 0; k < WINDOW; k++)
		oe_buf_init(&j->outs[k]);
	j->proto =
	    (oe_match_run){.mc = {.snap = snap, .viewer = v, .now = oe_now()},
			   .wl = node->wl,
			   .scan = {.phones = oe_match_has(snap, OE_T_PHONE),
				    .phone_cc = oe_scan_calling_code(node->cfg.default_region),
				    .canon = &node->canon},
			   .text = text};
	uint64_t bytes = 0, hits = 0, lines = 0;
	oe_time s0 = oe_now();
	for (int i = optind; i < argc || (nfiles == 0 && i == optind); i++) {
		const char *path = i < argc ? argv[i] : "-";
		mapped *m = nfiles ? &pp.m[i - optind] : NULL;
		bool in = !strcmp(path, "-");
		int fd = in ? 0 : m->fd;
		if (fd < 0) {
			oe_cli_err("match", "cannot open %s: %s", path, strerror(m->err));
			rc = 1;
			continue;
		}
		const char *name = nfiles > 1 ? path : NULL;
		if (m && m->map) {
			ret = match_map(j, m, name, &bytes, &hits, &lines,
					isatty(2) && m->size > ((size_t)64 << 20));
		} else {
			struct stat st;
			uint64_t size =
			    fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
			bool bar = isatty(2) && size > ((uint64_t)64 << 20);
			ret = match_fd(j, fd, name, buf, &bytes, &hits, &lines, bar, size);
		}
		if (ret) {
			oe_cli_err("match", "%s: %s", path, oe_strerror(ret));
			rc = 1;
			break;
		}
		if (nfiles == 0)
			break;
	}
	fflush(stdout);
	if (stats) {
		double secs = (double)(oe_now() - s0) / 1e6, ls = (double)(loaded - t0) / 1e6;
		oe_match_stats ms;
		oe_match_snap_stats(snap, &ms);
		double per4 = ms.entries[OE_T_IPV4]
				  ? (double)ms.bytes[OE_T_IPV4] / (double)ms.entries[OE_T_IPV4]
				  : 0;
		double perd = ms.entries[OE_T_DOMAIN]
				  ? (double)ms.bytes[OE_T_DOMAIN] / (double)ms.entries[OE_T_DOMAIN]
				  : 0;
		fprintf(stderr,
			"{\"indicators\":%zu,\"load_s\":%.3f,\"bytes_per_ipv4\":%.1f,"
			"\"bytes_per_domain\":%.1f,\"shared_bytes\":%zu,\"descriptors\":%zu,"
			"\"lines\":%llu,\"bytes\":%llu,\"hits\":%llu,\"seconds\":%.3f,"
			"\"lines_per_s\":%.0f,\"mb_per_s\":%.1f,\"threads\":%ld}\n",
			ms.total, ls, per4, perd, ms.shared_bytes, ms.descriptors,
			(unsigned long long)lines, (unsigned long long)bytes,
			(unsigned long long)hits, secs, secs > 0 ? (double)lines / secs : 0,
			secs > 0 ? (double)bytes / 1e6 / secs : 0, threads);
	}
out:
	if (j) {
		for (int k = 0; k < THREADS_MAX; k++)
			oe_buf_free(&j->parts[k].out);
		for (int k = 0; k < WINDOW; k++)
			oe_buf_free(&j->outs[k]);
	}
	for (int i = 0; pp.m && i < pp.n; i++)
		map_release(&pp.m[i]);
	free(pp.m);
	free(j);
	free(buf);
	oe_match_snap_free(snap);
	oe_arena_clear(&a);
	oe_store_close(store);
	oe_node_free(node);
	return rc;
}
