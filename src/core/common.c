/* common.c - time and error-name helpers (see common.h). */
#include "common.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

oe_time oe_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (oe_time)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Civil date of a day number (days since 1970-01-01), proleptic Gregorian;
 * done here because gmtime_r takes glibc's time zone lock on every call. */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static char *put(char *p, long v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

/* Written digit by digit: snprintf's format parsing showed in profiles of
 * the lookup path, which formats several timestamps per answer. */
static void fmt(oe_time t, char *buf, int digits)
{
	int64_t s = t / 1000000;
	long us = (long)(t % 1000000);
	if (us < 0) {
		us += 1000000;
		s -= 1;
	}
	int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
	int64_t sod = s - days * 86400;
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		snprintf(buf, OE_TIME_BUF, "%s",
			 y < 0 ? "0000-01-01T00:00:00Z" : "9999-12-31T23:59:59Z");
		return;
	}
	char *p = put(buf, y, 4);
	*p++ = '-';
	p = put(p, m, 2);
	*p++ = '-';
	p = put(p, d, 2);
	*p++ = 'T';
	p = put(p, (long)(sod / 3600), 2);
	*p++ = ':';
	p = put(p, (long)(sod / 60 % 60), 2);
	*p++ = ':';
	p = put(p, (long)(sod % 60), 2);
	*p++ = '.';
	p = digits == 3 ? put(p, us / 1000, 3) : put(p, us, 6);
	*p++ = 'Z';
	*p = '\0';
}

void oe_time_format(oe_time t, char *buf)
{
	fmt(t, buf, 3);
}
void oe_time_format_us(oe_time t, char *buf)
{
	fmt(t, buf, 6);
}

static int digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int oe_time_parse(const char *s, oe_time *out)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, mo, d, h = 0, mi = 0, se = 0;
	long frac = 0;
	const char *p = s;
	if (!s || digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
	    digits(&p, 2, &d))
		return OE_EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return OE_EINVAL;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return OE_EINVAL;
	int offset = 0;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
			return OE_EINVAL;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &se))
				return OE_EINVAL;
		}
		if (h > 23 || mi > 59 || se > 60)
			return OE_EINVAL;
		if (se == 60)
			se = 59; /* leap second: clamp */
		if (*p == '.') {
			p++;
			int n = 0;
			while (*p >= '0' && *p <= '9') {
				if (n < 6) {
					frac = frac * 10 + (*p - '0');
				}
				n++;
				p++;
			}
			if (n == 0 || n > 9)
				return OE_EINVAL;
			for (int i = n; i < 6; i++)
				frac *= 10;
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1, oh, om;
			if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om) || oh > 23 ||
			    om > 59)
				return OE_EINVAL;
			offset = sign * (oh * 3600 + om * 60);
		} else {
			return OE_EINVAL;
		}
	}
	if (*p != '\0')
		return OE_EINVAL;
	int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset;
	*out = secs * 1000000 + frac;
	return 0;
}

int oe_duration_parse(const char *s, oe_time *out)
{
	static const struct {
		char unit;
		oe_time us;
	} units[] = {{'s', 1000000},
		     {'m', (oe_time)60 * 1000000},
		     {'h', (oe_time)3600 * 1000000},
		     {'d', (oe_time)86400 * 1000000},
		     {'w', (oe_time)7 * 86400 * 1000000}};
	oe_time n = 0;
	const char *p = s;
	if (!s)
		return OE_EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (*p - '0');
		if (n > OE_DURATION_MAX / 1000000)
			return OE_EINVAL;
	}
	if (p == s || !p[0] || p[1])
		return OE_EINVAL;
	for (size_t i = 0; i < OE_ARRAY_SIZE(units); i++)
		if (units[i].unit == *p) {
			if (n > OE_DURATION_MAX / units[i].us)
				return OE_EINVAL;
			*out = n * units[i].us;
			return 0;
		}
	return OE_EINVAL;
}

const char *oe_strerror(int err)
{
	switch (err) {
	case OE_OK: return "ok";
	case OE_EINVAL: return "invalid input";
	case OE_ENOMEM: return "out of memory";
	case OE_EIO: return "storage error";
	case OE_ENOTFOUND: return "not found";
	case OE_EEXIST: return "already exists";
	case OE_EPERM: return "not allowed";
	case OE_EAUTH: return "not authenticated";
	case OE_ETOOBIG: return "too large";
	case OE_ECONFLICT: return "conflict";
	case OE_EVERSION: return "made by a newer version";
	default: return "unknown error";
	}
}
