/* evidence.c - evidence files by content hash (see evidence.h). */
#include "evidence.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool valid_sha(const char *s)
{
	if (strlen(s) != 64)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

static void path_of(const oe_node *n, const char *sha, char *dir, size_t dcap, char *file,
		    size_t fcap)
{
	snprintf(dir, dcap, "%s/evidence/%.2s", n->dir, sha);
	snprintf(file, fcap, "%s/%s", dir, sha);
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return OE_EIO;
	int rc = fsync(fd);
	close(fd);
	return rc == 0 ? 0 : OE_EIO;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return OE_EIO;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int oe_evidence_put(const oe_node *n, const void *data, size_t len, char sha[65])
{
	uint8_t h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(sha, 65, h, sizeof(h));
	char top[1100], dir[1200], file[1300], tmp[1400];
	snprintf(top, sizeof(top), "%s/evidence", n->dir);
	path_of(n, sha, dir, sizeof(dir), file, sizeof(file));
	struct stat st;
	if (stat(file, &st) == 0 && (size_t)st.st_size == len)
		return 0; /* the same bytes are already there */
	if ((mkdir(top, 0700) != 0 && errno != EEXIST) ||
	    (mkdir(dir, 0700) != 0 && errno != EEXIST))
		return OE_EIO;
	/* A unique temporary name per writer; rename makes the file appear
	 * whole or not at all. */
	uint8_t r[8];
	char rh[17];
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(rh, sizeof(rh), r, sizeof(r));
	snprintf(tmp, sizeof(tmp), "%s/.tmp-%s", dir, rh);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return OE_EIO;
	int ret = write_all(fd, data, len);
	if (!ret && fsync(fd) != 0)
		ret = OE_EIO;
	if (close(fd) != 0)
		ret = OE_EIO;
	if (!ret && rename(tmp, file) != 0)
		ret = OE_EIO;
	if (ret) {
		unlink(tmp);
		return ret;
	}
	return fsync_dir(dir);
}

int oe_evidence_read(const oe_node *n, const char *sha, char **data, size_t *len)
{
	if (!valid_sha(sha))
		return OE_EINVAL;
	char dir[1200], file[1300];
	path_of(n, sha, dir, sizeof(dir), file, sizeof(file));
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? OE_ENOTFOUND : OE_EIO;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return OE_EIO;
	}
	size_t n_ = (size_t)st.st_size;
	char *p = malloc(n_ ? n_ : 1);
	if (!p) {
		close(fd);
		return OE_ENOMEM;
	}
	size_t got = 0;
	while (got < n_) {
		ssize_t r = read(fd, p + got, n_ - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got != n_) {
		free(p);
		return OE_EIO;
	}
	*data = p;
	*len = n_;
	return 0;
}

int oe_evidence_shred(const oe_node *n, const char *sha)
{
	if (!valid_sha(sha))
		return OE_EINVAL;
	char dir[1200], file[1300];
	path_of(n, sha, dir, sizeof(dir), file, sizeof(file));
	int fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : OE_EIO;
	struct stat st;
	int ret = fstat(fd, &st) == 0 ? 0 : OE_EIO;
	static const char zeros[65536];
	for (off_t left = st.st_size; !ret && left > 0;) {
		size_t k = left > (off_t)sizeof(zeros) ? sizeof(zeros) : (size_t)left;
		ret = write_all(fd, zeros, k);
		left -= (off_t)k;
	}
	if (!ret && fsync(fd) != 0)
		ret = OE_EIO;
	close(fd);
	if (unlink(file) != 0 && errno != ENOENT)
		ret = OE_EIO;
	return ret ? ret : fsync_dir(dir);
}
